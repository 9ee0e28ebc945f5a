"""Test/sandbox drivers that act as Telegram users in the emulator's event loop.

``user = emu.user(user_id, first_name="Test", language_code="uk", username=None)`` (one per id; a
later ``emu.user(user_id)`` returns it unchanged, given arguments update it):

* ``await user.send(text)`` -> the Message dict (``bot_command`` entities for ``/cmd``,
  ``/cmd@bot``); ``await user.send_document(filename, data, mime="application/octet-stream",
  caption=None)``; ``await user.forward_from(other_user, text)``; ``await
  user.inline_query(query)`` -> query id; ``await user.wait_inline_answer(query_id, timeout=5.0)``
  -> answerInlineQuery params.
* ``await user.press(label, message=None)`` -> callback query id: the inline button with that label
  on the newest bot message that has one (or on ``message``); URL buttons raise ``ValueError``
  (Telegram opens the link, the bot hears nothing). ``await user.press_data(data, message)`` forges
  a callback.
* ``await user.wait_message(timeout=5.0, contains=None)`` -> ``MessageView`` of the next bot
  message in the chat not yet consumed by this driver (with ``contains``: the next whose text has
  it; the ones skipped are consumed). On timeout ``AssertionError`` with the chat transcript.
  ``user.messages()`` every bot message so far; ``await user.wait_edit(view, timeout=5.0)``;
  ``user.callback_answers`` (``{"id", "text", "show_alert", "url"}`` dicts, oldest first).

``group = emu.group(chat_id, title)``: ``await group.send_as(user, text)``, ``await
group.press_as(user, label, message=None)`` and the same waiting helpers.

``MessageView``: ``.text`` (plain, current), ``.html`` (as sent), ``.buttons`` (rows of labels),
``.button(label)`` -> dict, ``.document`` (``filename, data, mime``), ``.message_id``, ``.edits``,
``.disable_notification``, ``.entities``, ``.reply_markup``, ``.parse_mode``, ``.deleted``,
``.raw``.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from .state import BotMessage, Document
from .telegram_html import utf16_len

if TYPE_CHECKING:
    from .server import Emulator

_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")


class MessageView:
    """A live view of one bot message (edits show up in it)."""

    def __init__(self, raw: BotMessage) -> None:
        self.raw = raw
        self.seen_edits = 0

    def __getattr__(self, name: str) -> Any:
        # text, html, entities, reply_markup, document, message_id, edits, deleted, ...
        return getattr(self.raw, name)

    def __repr__(self) -> str:
        return f"<bot message #{self.raw.message_id} {self.raw.text!r} buttons={self.buttons}>"

    @property
    def buttons(self) -> list[list[str]]:
        markup = self.raw.reply_markup or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        return [[b if isinstance(b, str) else b["text"] for b in row] for row in rows]

    def button(self, label: str) -> dict:
        for row in (self.raw.reply_markup or {}).get("inline_keyboard", []):
            for button in row:
                if button["text"] == label:
                    return button
        raise KeyError(f"no inline button {label!r}; buttons: {self.buttons}")


def _as_raw(message: MessageView | BotMessage) -> BotMessage:
    return message.raw if isinstance(message, MessageView) else message


class ChatDriver:
    """What every chat driver shares: reading the bot's messages there and pressing buttons."""

    def __init__(self, emu: Emulator, chat_id: int) -> None:
        self.emu, self.chat_id = emu, chat_id
        self._cursor = 0

    def messages(self) -> list[MessageView]:
        return [MessageView(m) for m in self.emu.messages.get(self.chat_id, [])]

    def transcript(self) -> str:
        chat = self.emu.chats.get(self.chat_id)
        lines = chat.transcript if chat else []
        return "\n".join(f"  {line}" for line in lines) or "  (empty)"

    async def wait_message(
        self,
        timeout: float = 5.0,  # noqa: ASYNC109 - the driver API takes a timeout on purpose
        contains: str | None = None,
    ) -> MessageView:
        def next_match() -> BotMessage | None:
            msgs = self.emu.messages.get(self.chat_id, [])
            for index in range(self._cursor, len(msgs)):
                if contains is None or contains in (msgs[index].text or ""):
                    self._cursor = index + 1
                    return msgs[index]
            return None

        found = await self.emu.wait_until(next_match, timeout)
        if found is None:
            wanted = f" containing {contains!r}" if contains else ""
            raise AssertionError(
                f"no new bot message{wanted} in chat {self.chat_id} within {timeout}s; "
                f"transcript:\n{self.transcript()}"
            )
        return MessageView(found)

    async def wait_edit(
        self,
        message: MessageView,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> MessageView:
        """Wait until ``message`` has an edit this view has not reported yet."""
        found = await self.emu.wait_until(lambda: len(message.edits) > message.seen_edits, timeout)
        if not found:
            raise AssertionError(
                f"bot message #{message.message_id} was not edited within {timeout}s; "
                f"transcript:\n{self.transcript()}"
            )
        message.seen_edits = len(message.edits)
        return message

    def _post_message(self, user: dict, **content: Any) -> dict:
        chat = self.emu.ensure_chat(self.chat_id)
        message = {
            "message_id": chat.take_message_id(),
            "from": dict(user),
            "chat": self.emu.chat_json(self.chat_id),
            "date": int(time.time()),
            **content,
        }
        chat.user_message_ids.add(message["message_id"])
        shown = content.get("text") or content.get("caption") or ""
        if "document" in content:
            shown = f"[document {content['document']['file_name']}] {shown}"
        chat.transcript.append(f"{user['first_name']} ({user['id']}): {shown}")
        self.emu.log_event("user", self.chat_id, from_bot=False, user_id=user["id"], **message)
        self.emu.updates.push({"message": message})
        return message

    def _text_message(self, user: dict, text: str) -> dict:
        entities = [
            {"type": "bot_command", "offset": utf16_len(text[: m.start()]), "length": len(m[0])}
            for m in _COMMAND.finditer(text)
        ]
        return self._post_message(user, text=text, **({"entities": entities} if entities else {}))

    def _find_button(self, label: str, message: MessageView | BotMessage | None) -> tuple:
        candidates = [_as_raw(message)] if message is not None else []
        if message is None:
            msgs = self.emu.messages.get(self.chat_id, [])
            candidates = [m for m in reversed(msgs) if not m.deleted]
        for msg in candidates:
            for row in (msg.reply_markup or {}).get("inline_keyboard", []):
                for button in row:
                    if button.get("text") == label:
                        return msg, button
        raise AssertionError(
            f"no inline button {label!r} in chat {self.chat_id}; transcript:\n{self.transcript()}"
        )

    async def _press(
        self, user: dict, label: str, message: MessageView | BotMessage | None
    ) -> str:
        msg, button = self._find_button(label, message)
        if "url" in button:
            raise ValueError(
                f"button {label!r} is a URL button ({button['url']}): Telegram opens the link "
                "and the bot gets no update"
            )
        if "callback_data" not in button:
            raise ValueError(f"button {label!r} has no callback_data: {button}")
        return self._callback(user, button["callback_data"], msg, label)

    def _callback(self, user: dict, data: str, msg: BotMessage, label: str | None = None) -> str:
        query_id = str(4_000_000_000_000_000 + self.emu.next_id())
        self.emu.callback_queries[query_id] = {
            "user_id": user["id"],
            "chat_id": self.chat_id,
            "message_id": msg.message_id,
            "data": data,
            "created": time.monotonic(),
            "answered": False,
        }
        chat = self.emu.chats[self.chat_id]
        chat.transcript.append(f"{user['first_name']} ({user['id']}) pressed [{label or data}]")
        self.emu.log_event("press", self.chat_id, user_id=user["id"], data=data, label=label)
        self.emu.updates.push(
            {
                "callback_query": {
                    "id": query_id,
                    "from": dict(user),
                    "message": self.emu.message_json(msg),
                    "chat_instance": str(abs(self.chat_id) * 7919),
                    "data": data,
                }
            }
        )
        return query_id


class UserDriver(ChatDriver):
    """One Telegram user, talking to the bot in their private chat."""

    def __init__(self, emu: Emulator, user: dict) -> None:
        super().__init__(emu, user["id"])
        self.user = user
        self.id = user["id"]
        emu.ensure_chat(self.id)

    @property
    def callback_answers(self) -> list[dict]:
        return self.emu.callback_answers.get(self.id, [])

    async def send(self, text: str) -> dict:
        return self._text_message(self.user, text)

    async def send_document(
        self,
        filename: str,
        data: bytes,
        mime: str = "application/octet-stream",
        caption: str | None = None,
    ) -> dict:
        n = self.emu.next_id()
        doc = Document(f"BQACAgIAAxkBAAI-{n}", f"AgADu{n}", filename, data, mime)
        self.emu.files[doc.file_id] = doc
        extra = {"caption": caption} if caption else {}
        return self._post_message(self.user, document=doc.to_json(), **extra)

    async def forward_from(self, other: UserDriver | dict, text: str = "forwarded") -> dict:
        origin_user = other.user if isinstance(other, UserDriver) else other
        origin = {"type": "user", "sender_user": dict(origin_user), "date": int(time.time())}
        return self._post_message(self.user, text=text, forward_origin=origin)

    async def press(self, label: str, message: MessageView | BotMessage | None = None) -> str:
        return await self._press(self.user, label, message)

    async def press_data(self, data: str, message: MessageView | BotMessage) -> str:
        return self._callback(self.user, data, _as_raw(message))

    async def tap_through(self, screen: MessageView, *labels: str) -> MessageView:
        """Press each button in turn on a screen the bot edits in place (menus, settings)."""
        for label in labels:
            await self.press(label, screen)
            await self.wait_edit(screen)
        return screen

    async def inline_query(self, query: str) -> str:
        query_id = str(5_000_000_000_000_000 + self.emu.next_id())
        self.emu.inline_queries[query_id] = {"user_id": self.id, "query": query}
        payload = {"id": query_id, "from": dict(self.user), "query": query, "offset": ""}
        self.emu.updates.push({"inline_query": {**payload, "chat_type": "sender"}})
        return query_id

    async def wait_inline_answer(
        self,
        query_id: str,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> dict:
        answer = await self.emu.wait_until(lambda: self.emu.inline_answers.get(query_id), timeout)
        if answer is None:
            raise AssertionError(f"inline query {query_id} was not answered within {timeout}s")
        return answer


class GroupDriver(ChatDriver):
    """A group or supergroup the bot is in; users post there with ``send_as``."""

    async def send_as(self, user: UserDriver, text: str) -> dict:
        return self._text_message(user.user, text)

    async def press_as(
        self, user: UserDriver, label: str, message: MessageView | BotMessage | None = None
    ) -> str:
        return await self._press(user.user, label, message)
