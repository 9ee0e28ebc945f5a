"""Bot API methods that create, change or react to messages, validated the way Telegram validates.

sendMessage, editMessageText, editMessageReplyMarkup, editMessageCaption, deleteMessage,
sendDocument, sendChatAction, answerCallbackQuery, answerInlineQuery. Each takes the emulator and
the request's ``Params`` and returns the ``result`` value, or raises ``ApiError``. Text limits
count Unicode code points after entity parsing and trimming (tdlib's ``utf8_length``): 4096 for
text, 1024 captions. ``parse_mode`` HTML is fully parsed; Markdown/MarkdownV2 are accepted but kept
as plain text.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from .params import Params, Upload
from .state import BotMessage, Document, bad_request
from .telegram_html import HTMLParseError, parse_html, trim_text

if TYPE_CHECKING:
    from .server import Emulator

TEXT_LIMIT, CAPTION_LIMIT, CALLBACK_DATA_LIMIT = 4096, 1024, 64
_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"


def format_text(
    raw: str | None, parse_mode: str | None, entities: Any, caption: bool = False
) -> tuple[str, list[dict]]:
    """Plain text and entities as Telegram would store them, or the 400 it would answer."""
    if not raw and not caption:
        raise bad_request("message text is empty")
    raw = raw or ""
    mode = (parse_mode or "").lower()
    if mode == "html":
        try:
            text, found = parse_html(raw, strict=False)
        except HTMLParseError as exc:
            raise bad_request("can't parse entities: " + exc.reason) from exc
    elif mode in ("", "markdown", "markdownv2"):
        text, found = raw, list(entities or []) if not mode else []
    else:
        raise bad_request("unsupported parse_mode")
    text, found = trim_text(text, found)
    if not text and not caption:
        raise bad_request("message text is empty")
    if len(text) > (CAPTION_LIMIT if caption else TEXT_LIMIT):
        raise bad_request("message caption is too long" if caption else "message is too long")
    return text, found


def check_markup(p: Params) -> dict | None:
    markup = p.json("reply_markup", "reply keyboard markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return markup  # reply keyboards, ForceReply, ReplyKeyboardRemove: stored as given
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
        )
    for button in (b for row in rows for b in row):
        if not isinstance(button, dict) or not button.get("text"):
            raise bad_request("can't parse inline keyboard button: Text must be non-empty")
        if not any(key in button for key in _BUTTON_ACTIONS):
            raise bad_request("text buttons are unallowed in the inline keyboard")
        data = button.get("callback_data")
        if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_LIMIT:
            raise bad_request("BUTTON_DATA_INVALID")
    return markup


def _store(emu: Emulator, msg: BotMessage) -> dict:
    emu.messages[msg.chat_id].append(msg)
    shown = msg.text or ""
    if msg.document:
        shown = f"[document {msg.document.filename}] {shown}"
    emu.chats[msg.chat_id].transcript.append(f"bot #{msg.message_id}: {shown}")
    emu.log_event("sent", msg.chat_id, **emu.event_fields(msg))
    return emu.message_json(msg)


def _new_message(emu: Emulator, p: Params, chat_id: int, text: str, entities: list[dict],
                 raw: str | None) -> BotMessage:  # fmt: skip
    return BotMessage(
        chat_id=chat_id,
        message_id=emu.chats[chat_id].take_message_id(),
        date=int(time.time()),
        text=text,
        html=raw,
        parse_mode=p.str("parse_mode"),
        entities=entities,
        reply_markup=check_markup(p),
        disable_notification=p.bool("disable_notification"),
        protect_content=p.bool("protect_content"),
        link_preview_options=p.json("link_preview_options"),
        reply_parameters=p.json("reply_parameters"),
        message_thread_id=p.int("message_thread_id"),
        allow_paid_broadcast=p.bool("allow_paid_broadcast"),
    )


async def send_message(emu: Emulator, p: Params) -> dict:
    chat_id = p.chat_id()
    emu.ensure_chat(chat_id)
    raw = p.str("text")
    text, entities = format_text(raw, p.str("parse_mode"), p.json("entities"))
    return _store(emu, _new_message(emu, p, chat_id, text, entities, raw))


def _upload(emu: Emulator, value: Any) -> Document:
    if isinstance(value, Upload):
        n = emu.next_id()
        doc = Document(f"BQACAgIAAx0DOC-{n}", f"AgAD{n}", value.filename, value.data, value.mime)
        emu.files[doc.file_id] = doc
        return doc
    if not value:
        raise bad_request("there is no document in the request")
    if value in emu.files:
        return emu.files[value]
    if str(value).startswith(("http://", "https://")):
        n = emu.next_id()
        name = str(value).rstrip("/").rsplit("/", 1)[-1] or "file"
        doc = Document(f"BQACAgIAAx0DOC-{n}", f"AgAD{n}", name, b"", "application/octet-stream")
        emu.files[doc.file_id] = doc
        return doc
    raise bad_request("wrong file identifier/HTTP URL specified")


async def send_document(emu: Emulator, p: Params) -> dict:
    chat_id = p.chat_id()
    emu.ensure_chat(chat_id)
    raw = p.str("caption")
    caption, entities = format_text(
        raw, p.str("parse_mode"), p.json("caption_entities"), caption=True
    )
    msg = _new_message(emu, p, chat_id, caption, entities, raw)
    msg.document = _upload(emu, p.raw.get("document"))
    return _store(emu, msg)


def _target(emu: Emulator, p: Params, verb: str) -> BotMessage:
    if "inline_message_id" in p:
        raise bad_request("MESSAGE_ID_INVALID")  # inline messages are not emulated
    chat_id = p.chat_id()
    msg = emu.find_message(chat_id, p.int("message_id") or 0)
    if msg is None:
        raise bad_request(f"message to {verb} not found")
    return msg


def _apply_edit(emu: Emulator, msg: BotMessage, **changes: Any) -> dict:
    compared = ("text", "entities", "reply_markup")
    if all(getattr(msg, key) == changes.get(key, getattr(msg, key)) for key in compared):
        raise bad_request(NOT_MODIFIED)
    msg.edits.append(msg.snapshot())
    for key, value in changes.items():
        setattr(msg, key, value)
    msg.edit_date = int(time.time())
    emu.chats[msg.chat_id].transcript.append(f"bot edited #{msg.message_id}: {msg.text}")
    emu.log_event("edited", msg.chat_id, **emu.event_fields(msg))
    return emu.message_json(msg)


async def edit_message_text(emu: Emulator, p: Params) -> dict:
    msg = _target(emu, p, "edit")
    if msg.document:
        raise bad_request("there is no text in the message to edit")
    raw = p.str("text")
    text, entities = format_text(raw, p.str("parse_mode"), p.json("entities"))
    # Like Telegram, an edit without reply_markup removes the inline keyboard.
    changes = {"text": text, "entities": entities, "reply_markup": check_markup(p), "html": raw}
    if "link_preview_options" in p:
        changes["link_preview_options"] = p.json("link_preview_options")
    return _apply_edit(emu, msg, **changes, parse_mode=p.str("parse_mode"))


async def edit_message_caption(emu: Emulator, p: Params) -> dict:
    msg = _target(emu, p, "edit")
    raw = p.str("caption")
    text, entities = format_text(
        raw, p.str("parse_mode"), p.json("caption_entities"), caption=True
    )
    changes = {"text": text, "entities": entities, "reply_markup": check_markup(p), "html": raw}
    return _apply_edit(emu, msg, **changes)


async def edit_message_reply_markup(emu: Emulator, p: Params) -> dict:
    msg = _target(emu, p, "edit")
    return _apply_edit(emu, msg, reply_markup=check_markup(p))


async def delete_message(emu: Emulator, p: Params) -> bool:
    chat_id = p.chat_id()
    message_id = p.int("message_id") or 0
    chat = emu.chats.get(chat_id)
    if chat and message_id in chat.user_message_ids:
        chat.user_message_ids.discard(message_id)
        return True
    msg = emu.find_message(chat_id, message_id)
    if msg is None:
        raise bad_request("message to delete not found")
    msg.deleted = True
    emu.chats[chat_id].transcript.append(f"bot deleted #{message_id}")
    emu.log_event("deleted", chat_id, message_id=message_id)
    return True


async def send_chat_action(emu: Emulator, p: Params) -> bool:
    chat_id = p.chat_id()
    emu.ensure_chat(chat_id)
    emu.chat_actions.append((chat_id, p.str("action") or ""))
    return True


async def answer_callback_query(emu: Emulator, p: Params) -> bool:
    query_id = p.str("callback_query_id") or ""
    query = emu.callback_queries.get(query_id)
    if (
        query is None
        or query["answered"]
        or time.monotonic() - query["created"] > emu.callback_query_ttl
    ):
        raise bad_request(QUERY_TOO_OLD)
    query["answered"] = True
    answer = {
        "id": query_id,
        "text": p.str("text"),
        "show_alert": p.bool("show_alert"),
        "url": p.str("url"),
    }
    emu.callback_answers.setdefault(query["user_id"], []).append(answer)
    emu.log_event("callback_answer", query["chat_id"], user_id=query["user_id"], **answer)
    return True


async def answer_inline_query(emu: Emulator, p: Params) -> bool:
    query_id = p.str("inline_query_id") or ""
    if query_id not in emu.inline_queries or query_id in emu.inline_answers:
        raise bad_request(QUERY_TOO_OLD)
    emu.inline_answers[query_id] = {
        "results": p.json("results") or [],
        "cache_time": p.int("cache_time"),
        "is_personal": p.bool("is_personal"),
        "next_offset": p.str("next_offset"),
    }
    emu.notify()
    return True


METHODS = {
    "sendMessage": send_message,
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "sendDocument": send_document,
    "sendChatAction": send_chat_action,
    "answerCallbackQuery": answer_callback_query,
    "answerInlineQuery": answer_inline_query,
}
