"""What the emulated Telegram knows: users, chats, the bot's messages, files, requests.

Public records (read them in tests):

* ``BotMessage`` — one message the bot sent, kept per chat in ``emu.messages[chat_id]`` in send
  order: ``text`` (plain, after entity parsing; the caption for documents), ``html`` (raw text as
  sent), ``parse_mode``, ``entities``, ``reply_markup`` (dict), ``document``,
  ``disable_notification``, ``protect_content``, ``link_preview_options``, ``reply_parameters``,
  ``message_thread_id``, ``allow_paid_broadcast``, ``message_id``, ``date``, ``edits`` (earlier
  versions, oldest first), ``edit_date``, ``deleted``.
* ``Document`` — ``file_id``, ``filename``, ``data`` (bytes), ``mime``; unpacks as ``filename,
  data, mime = doc``.
* ``RequestRecord`` — ``t`` (``time.monotonic()``), ``method`` (canonical case), ``chat_id``,
  ``params``, ``status`` (HTTP status answered; None while in flight, 0 for a dropped connection);
  ``emu.requests`` lists them in arrival order.
* ``ChatState`` — ``emu.chats[chat_id]``: ``type`` (private/group/supergroup), ``title``,
  ``is_forum``, ``transcript`` (human-readable lines, used in driver timeout errors).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any


class ApiError(Exception):
    """A Bot API error answer: ``{"ok": false, "error_code": status, "description": ...}``."""

    def __init__(self, status: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(description: str) -> ApiError:
    return ApiError(400, "Bad Request: " + description)


@dataclass
class Document:
    file_id: str
    file_unique_id: str
    filename: str
    data: bytes
    mime: str

    def __iter__(self) -> Iterator[Any]:
        return iter((self.filename, self.data, self.mime))

    def to_json(self) -> dict:
        return {
            "file_name": self.filename,
            "mime_type": self.mime,
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
        }


@dataclass
class BotMessage:
    chat_id: int
    message_id: int
    date: int
    text: str | None
    html: str | None
    parse_mode: str | None
    entities: list[dict]
    reply_markup: dict | None
    document: Document | None = None
    disable_notification: bool = False
    protect_content: bool = False
    link_preview_options: dict | None = None
    reply_parameters: dict | None = None
    message_thread_id: int | None = None
    allow_paid_broadcast: bool = False
    edits: list[dict] = field(default_factory=list)
    edit_date: int | None = None
    deleted: bool = False

    def snapshot(self) -> dict:
        """The editable content, stored in ``edits`` before an edit replaces it."""
        return {
            "text": self.text,
            "html": self.html,
            "parse_mode": self.parse_mode,
            "entities": self.entities,
            "reply_markup": self.reply_markup,
            "date": self.edit_date or self.date,
        }


@dataclass
class RequestRecord:
    t: float
    method: str
    chat_id: int | None
    params: dict
    status: int | None  # None while in flight; 0 when the connection was dropped


@dataclass
class ChatState:
    id: int
    type: str
    title: str | None = None
    is_forum: bool = False
    next_message_id: int = 1
    transcript: list[str] = field(default_factory=list)
    user_message_ids: set[int] = field(default_factory=set)

    def take_message_id(self) -> int:
        # Telegram numbers messages per private chat/group for both sides together.
        self.next_message_id += 1
        return self.next_message_id - 1


class EmulatorState:
    """The emulator's memory and the "something changed" signal that drivers wait on."""

    def __init__(self, token: str, bot_username: str) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 1
        self.bot_user = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Hromada Test Bot",
            "username": bot_username,
        }
        self.users: dict[int, dict] = {}
        self.chats: dict[int, ChatState] = {}
        self.messages: dict[int, list[BotMessage]] = {}
        self.requests: list[RequestRecord] = []
        self.unknown_methods: list[str] = []
        self.files: dict[str, Document] = {}
        self.commands: dict[tuple[str, str], list[dict]] = {}
        self.callback_queries: dict[str, dict] = {}
        self.callback_answers: dict[int, list[dict]] = {}
        self.inline_queries: dict[str, dict] = {}
        self.inline_answers: dict[str, dict] = {}
        self.chat_actions: list[tuple[int, str]] = []
        self.member_status: dict[tuple[int, int], str] = {}
        self.menu_buttons: dict[int | None, dict] = {}
        self.file_paths: dict[str, str] = {}
        self.events: list[dict] = []  # seq-numbered log for the browser sandbox (control API)
        self.callback_query_ttl = 15.0  # Telegram forgets unanswered queries after ~15 s
        self._waiters: set[asyncio.Future[None]] = set()
        self._counter = 0

    # -- identities ---------------------------------------------------------------------------
    def next_id(self) -> int:
        self._counter += 1
        return self._counter

    def ensure_user(self, user_id: int, **fields: Any) -> dict:
        user = self.users.setdefault(
            user_id, {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}
        )
        user.update({k: v for k, v in fields.items() if v is not None})
        return user

    def ensure_chat(self, chat_id: int) -> ChatState:
        """The chat for ``chat_id``; positive ids become private chats on first use."""
        chat = self.chats.get(chat_id)
        if chat is None:
            if chat_id < 0:
                raise bad_request("chat not found")
            self.ensure_user(chat_id)
            chat = self.chats[chat_id] = ChatState(chat_id, "private")
            self.messages[chat_id] = []
        return chat

    def add_group(self, chat_id: int, title: str, forum: bool = False) -> ChatState:
        if chat_id >= 0:
            raise ValueError("group and supergroup ids are negative")
        kind = "supergroup" if forum or str(chat_id).startswith("-100") else "group"
        chat = self.chats.setdefault(chat_id, ChatState(chat_id, kind))
        chat.title, chat.is_forum = title, forum
        self.messages.setdefault(chat_id, [])
        return chat

    def chat_json(self, chat_id: int) -> dict:
        chat = self.ensure_chat(chat_id)
        if chat.type == "private":
            user = self.users[chat_id]
            keys = ("first_name", "last_name", "username")
            return {"id": chat_id, "type": "private", **{k: user[k] for k in keys if k in user}}
        data: dict[str, Any] = {"id": chat_id, "title": chat.title, "type": chat.type}
        if chat.is_forum:
            data["is_forum"] = True
        return data

    def public_user(self, user_id: int) -> dict:
        return dict(self.users[user_id])

    # -- messages -----------------------------------------------------------------------------
    def find_message(self, chat_id: int, message_id: int) -> BotMessage | None:
        for msg in reversed(self.messages.get(chat_id, [])):
            if msg.message_id == message_id:
                return None if msg.deleted else msg
        return None

    def message_json(self, msg: BotMessage) -> dict:
        data: dict[str, Any] = {
            "message_id": msg.message_id,
            "from": dict(self.bot_user),
            "chat": self.chat_json(msg.chat_id),
            "date": msg.date,
        }
        if msg.message_thread_id is not None:
            data["message_thread_id"] = msg.message_thread_id
        if msg.edit_date is not None:
            data["edit_date"] = msg.edit_date
        if msg.protect_content:
            data["has_protected_content"] = True
        text_key, entities_key = (
            ("caption", "caption_entities") if msg.document else ("text", "entities")
        )
        if msg.document:
            data["document"] = msg.document.to_json()
        if msg.text:
            data[text_key] = msg.text
        if msg.entities:
            data[entities_key] = msg.entities
        if msg.link_preview_options:
            data["link_preview_options"] = msg.link_preview_options
        if msg.reply_markup and "inline_keyboard" in msg.reply_markup:
            data["reply_markup"] = msg.reply_markup  # only inline keyboards are echoed back
        return data

    def event_fields(self, msg: BotMessage) -> dict:
        """A bot message as the control API shows it (JSON-safe; document bytes by URL)."""
        fields: dict[str, Any] = {
            "from_bot": True,
            "message_id": msg.message_id,
            "date": msg.date,
            "edit_date": msg.edit_date,
            "text": msg.text,
            "html": msg.html,
            "parse_mode": msg.parse_mode,
            "entities": msg.entities,
            "reply_markup": msg.reply_markup,
            "disable_notification": msg.disable_notification,
        }
        if msg.document:
            fields["document"] = {
                **msg.document.to_json(),
                "url": f"/_emu/files/{msg.document.file_id}",
            }
        return fields

    def log_event(self, kind: str, chat_id: int, **fields: Any) -> None:
        self.events.append(
            {"seq": len(self.events) + 1, "kind": kind, "chat_id": chat_id, **fields}
        )
        self.notify()

    # -- waiting ------------------------------------------------------------------------------
    def notify(self) -> None:
        """Wake every ``wait_until`` so it re-checks its condition."""
        for fut in self._waiters:
            if not fut.done():
                fut.set_result(None)
        self._waiters.clear()

    async def wait_until(
        self,
        predicate: Callable[[], Any],
        # Every wait here is bounded by design, so the bound is a parameter rather than leaving
        # callers to remember an asyncio.timeout() around each call.
        timeout: float,  # noqa: ASYNC109
    ) -> Any:
        """Return the first truthy ``predicate()`` result, or None after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            result = predicate()
            remaining = deadline - time.monotonic()
            if result or remaining <= 0:
                return result or None
            fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.add(fut)
            try:
                await asyncio.wait_for(fut, remaining)
            except TimeoutError:
                pass
            finally:
                self._waiters.discard(fut)
