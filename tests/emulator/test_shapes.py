"""The emulator answers with the Bot API's JSON shapes, and PTB parses both alike."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest
import telegram

from bot.emulator import Emulator

from .conftest import load_shape

KEYBOARD = {
    "inline_keyboard": [
        [{"text": "Register", "callback_data": "reg:7"}],
        [{"text": "Website", "url": "https://example.org/"}],
    ]
}


def shape(value: Any) -> Any:
    """Keys and JSON types, recursively; lists element by element."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value]
    return type(value).__name__


async def call(emu: Emulator, method: str, data: Any = None, **params: Any) -> dict:
    """Call the Bot API raw, as JSON unless form ``data`` (e.g. multipart) is given."""
    url = f"{emu.base_url}{emu.token}/{method}"
    async with aiohttp.ClientSession() as session:
        kwargs = {"data": data} if data is not None else {"json": params}
        async with session.post(url, **kwargs) as resp:
            body = await resp.json()
            assert resp.status == (200 if body["ok"] else body["error_code"])
            return body


@pytest.fixture
def olena(emu: Emulator) -> Any:
    return emu.user(1001, "Olena", "uk", username="olena_k")


async def test_get_me_shape(emu: Emulator, tg: telegram.Bot) -> None:
    body = await call(emu, "getMe")
    assert shape(body) == shape(load_shape("getMe"))
    assert telegram.User.de_json(body["result"], tg).username == "hromada_test_bot"


async def test_send_message_with_keyboard_shape(
    emu: Emulator, tg: telegram.Bot, olena: Any
) -> None:
    body = await call(
        emu,
        "sendMessage",
        chat_id=1001,
        text="<b>Upcoming</b> webinars",
        parse_mode="HTML",
        reply_markup=KEYBOARD,
    )
    official = load_shape("sendMessage_reply_markup")
    assert shape(body) == shape(official)
    for result in (body["result"], official["result"]):
        message = telegram.Message.de_json(result, tg)
        assert message.reply_markup.inline_keyboard[0][0].callback_data == "reg:7"
        assert message.entities[0].type == "bold"


async def test_get_updates_with_message_and_callback_shape(
    emu: Emulator, tg: telegram.Bot, olena: Any
) -> None:
    await olena.send("/start")
    await call(emu, "sendMessage", chat_id=1001, text="<b>Upcoming</b> webinars",
               parse_mode="HTML", reply_markup=KEYBOARD)  # fmt: skip
    await olena.press("Register")
    body = await call(emu, "getUpdates", timeout=0)
    official = load_shape("getUpdates_message_callback")
    assert shape(body) == shape(official)
    for result in (body["result"], official["result"]):
        start, press = (telegram.Update.de_json(u, tg) for u in result)
        assert start.message.text == "/start"
        assert start.message.entities[0].type == "bot_command"
        assert press.callback_query.data == "reg:7"
        assert press.callback_query.message.reply_markup is not None


@pytest.mark.parametrize(
    ("name", "arrange"),
    [
        ("error_429", lambda emu: emu.faults.force_429(1, retry_after=5)),
        ("error_403", lambda emu: emu.faults.block(1001)),
        ("error_400_migrate", lambda emu: emu.faults.migrate(-4001, -1001234567890)),
    ],
)
async def test_error_answers_match_telegrams_exactly(
    emu: Emulator, olena: Any, name: str, arrange: Any
) -> None:
    emu.add_group(-4001, "Community")
    arrange(emu)
    chat_id = -4001 if "migrate" in name else 1001
    body = await call(emu, "sendMessage", chat_id=chat_id, text="hello")
    assert body == load_shape(name)


async def test_get_webhook_info_shape(emu: Emulator, tg: telegram.Bot) -> None:
    await call(emu, "setWebhook", url="https://bot.example.org/telegram", max_connections=40)
    body = await call(emu, "getWebhookInfo")
    assert shape(body) == shape(load_shape("getWebhookInfo"))
    info = telegram.WebhookInfo.de_json(body["result"], tg)
    assert info.url == "https://bot.example.org/telegram"
    await call(emu, "deleteWebhook")


async def test_send_document_shape_and_kept_bytes(
    emu: Emulator, tg: telegram.Bot, olena: Any
) -> None:
    form = aiohttp.FormData()
    form.add_field("chat_id", "1001")
    form.add_field("caption", "<i>Agenda</i>")
    form.add_field("parse_mode", "HTML")
    form.add_field("document", b"%PDF-1.4", filename="agenda.pdf", content_type="application/pdf")
    body = await call(emu, "sendDocument", data=form)
    official = load_shape("sendDocument")
    assert shape(body) == shape(official)
    for result in (body["result"], official["result"]):
        assert telegram.Message.de_json(result, tg).document.file_name == "agenda.pdf"
    sent = (await olena.wait_message()).document
    assert (sent.filename, sent.data, sent.mime) == ("agenda.pdf", b"%PDF-1.4", "application/pdf")


async def test_every_answer_is_json_with_ok(emu: Emulator) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{emu.base_url}0:WRONG/getMe") as resp:
            assert resp.status == 401
            assert json.loads(await resp.text()) == {
                "ok": False,
                "error_code": 401,
                "description": "Unauthorized",
            }
        async with session.get(f"{emu.base_url}{emu.token}/getme?x=1") as resp:
            assert (await resp.json())["ok"] is True  # method names are case-insensitive
