"""JSON control API under ``/_emu/`` so a browser sandbox can play users against the emulator.

* ``POST /_emu/users`` ``{"id", "first_name"?, "language_code"?, "username"?}`` -> the User dict.
* ``GET /_emu/users`` -> ``{"users": [User, ...]}``.
* ``POST /_emu/send`` ``{"user_id", "text"}`` -> ``{"ok": true, "message": Message}``.
* ``POST /_emu/send_document`` ``{"user_id", "file_name", "data_base64", "mime_type"?,
  "caption"?}`` -> ``{"ok": true, "message": Message}`` (up to 20 MB, like a bot's download).
* ``POST /_emu/press`` ``{"user_id", "message_id", "callback_data"}`` (or ``"label"`` instead of
  callback_data) -> ``{"ok": true, "callback_query_id": "..."}``.
* ``GET /_emu/messages?chat_id=&after=<seq>&wait=<seconds>`` long-polls (up to 60 s) for events
  with ``seq > after`` -> ``{"events": [...], "seq": <last seq>}``. Event ``kind``: ``user`` (a
  user's message, Message fields), ``sent`` / ``edited`` (a bot message: ``message_id, text, html,
  parse_mode, entities, reply_markup, document{file_id, file_name, mime_type, file_size, url},
  date, edit_date, disable_notification``), ``deleted`` (``message_id``), ``press`` (``user_id,
  data, label``), ``callback_answer`` (``user_id, text, show_alert, url``). Without ``chat_id``:
  all chats.
* ``GET /_emu/files/{file_id}`` -> the document bytes with its Content-Type and
  Content-Disposition.

Errors answer ``{"ok": false, "error": "..."}`` with status 400/404.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from aiohttp import web

if TYPE_CHECKING:
    from .server import Emulator


MAX_UPLOAD = 20 * 1024 * 1024  # Telegram lets bots download files up to 20 MB


def _fail(status: int, error: str) -> web.Response:
    return web.json_response({"ok": False, "error": error}, status=status)


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError as exc:
        raise web.HTTPBadRequest(text='{"ok": false, "error": "JSON body expected"}') from exc
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text='{"ok": false, "error": "JSON object expected"}')
    return body


def add_control_routes(emu: Emulator) -> None:
    async def create_user(request: web.Request) -> web.Response:
        body = await _body(request)
        if not isinstance(body.get("id"), int) or body["id"] <= 0:
            return _fail(400, "id must be a positive integer")
        driver = emu.user(
            body["id"],
            first_name=body.get("first_name") or "Test",
            language_code=body.get("language_code") or "uk",
            username=body.get("username"),
        )
        return web.json_response(driver.user)

    async def list_users(request: web.Request) -> web.Response:
        return web.json_response({"users": list(emu.users.values())})

    async def send(request: web.Request) -> web.Response:
        body = await _body(request)
        if body.get("user_id") not in emu.users or not body.get("text"):
            return _fail(400, "a known user_id and a non-empty text are required")
        message = await emu.user(body["user_id"]).send(str(body["text"]))
        return web.json_response({"ok": True, "message": message})

    async def send_document(request: web.Request) -> web.Response:
        body = await _body(request)
        if body.get("user_id") not in emu.users or not body.get("file_name"):
            return _fail(400, "a known user_id and a file_name are required")
        try:
            data = base64.b64decode(str(body.get("data_base64") or ""), validate=True)
        except binascii.Error:
            return _fail(400, "data_base64 is not base64")
        if len(data) > MAX_UPLOAD:
            return _fail(400, "file is too big")
        message = await emu.user(body["user_id"]).send_document(
            str(body["file_name"]),
            data,
            mime=str(body.get("mime_type") or "application/octet-stream"),
            caption=body.get("caption") or None,
        )
        return web.json_response({"ok": True, "message": message})

    async def press(request: web.Request) -> web.Response:
        body = await _body(request)
        user_id = body.get("user_id")
        if user_id not in emu.users:
            return _fail(400, "unknown user_id")
        user = emu.user(user_id)
        msg = emu.find_message(user_id, int(body.get("message_id") or 0))
        if msg is None:
            return _fail(404, "message not found")
        try:
            if body.get("callback_data") is not None:
                query_id = await user.press_data(str(body["callback_data"]), msg)
            else:
                query_id = await user.press(str(body.get("label")), msg)
        except (AssertionError, ValueError) as exc:
            return _fail(400, str(exc))
        return web.json_response({"ok": True, "callback_query_id": query_id})

    async def events(request: web.Request) -> web.Response:
        try:
            after = int(request.query.get("after", 0))
            wait = min(float(request.query.get("wait", 0)), 60.0)
            chat_id = int(request.query["chat_id"]) if request.query.get("chat_id") else None
        except ValueError:
            return _fail(400, "after, wait and chat_id must be numbers")

        def matching() -> list[dict]:
            newer = emu.events[after:]  # events[i] has seq i + 1
            return [e for e in newer if chat_id is None or e["chat_id"] == chat_id]

        found = await emu.wait_until(matching, wait) or []
        return web.json_response({"events": found, "seq": len(emu.events)})

    async def download(request: web.Request) -> web.StreamResponse:
        doc = emu.files.get(request.match_info["file_id"])
        if doc is None:
            return _fail(404, "unknown file_id")
        disposition = f"attachment; filename*=UTF-8''{quote(doc.filename)}"
        return web.Response(
            body=doc.data,
            content_type=doc.mime.split(";")[0],
            headers={"Content-Disposition": disposition},
        )

    router = emu.web_app.router
    router.add_post("/_emu/users", create_user)
    router.add_get("/_emu/users", list_users)
    router.add_post("/_emu/send", send)
    router.add_post("/_emu/send_document", send_document)
    router.add_post("/_emu/press", press)
    router.add_get("/_emu/messages", events)
    router.add_get("/_emu/files/{file_id}", download)
