"""Webhook mode: Telegram's POSTs are handled only with the right secret token."""

from __future__ import annotations

import time

import aiohttp
import pytest

from bot.emulator.server import Emulator
from tests.deploy.conftest import SECRET, ServeFactory


def start_update(emu: Emulator, user_id: int, language_code: str = "en") -> dict:
    """A `/start` message as Telegram would POST it (the emulator adds the update_id)."""
    user = emu.user(user_id, first_name="Olena", language_code=language_code).user
    message = {
        "message_id": emu.next_id(),
        "from": dict(user),
        "chat": emu.chat_json(user_id),
        "date": int(time.time()),
        "text": "/start",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
    }
    return {"message": message}


@pytest.mark.parametrize(
    ("language_code", "greeting"),
    [("uk", "Вітаємо, Olena!"), ("en", "Hello, Olena!")],
)
async def test_members_are_answered_in_webhook_mode(
    serve_bot: ServeFactory, language_code: str, greeting: str
) -> None:
    served = await serve_bot(webhook=True)
    info = served.emu.updates.webhook
    assert info is not None and info["url"] == served.hook and info["secret_token"] == SECRET
    assert served.emu.updates.allowed_updates >= {"message", "callback_query", "my_chat_member"}
    user = served.emu.user(2001, first_name="Olena", language_code=language_code)
    await user.send("/start")
    assert (await user.wait_message()).text.startswith(greeting)


@pytest.mark.parametrize("secret", [None, "wrong-secret", SECRET[:-1]])
async def test_updates_without_the_right_secret_are_refused_and_not_handled(
    serve_bot: ServeFactory, secret: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    served = await serve_bot(webhook=True)
    emu = served.emu
    status = await emu.updates.post_webhook(start_update(emu, 2002), secret=secret)
    assert status == 403
    await emu.wait_idle(quiet=0.3)
    assert not emu.messages.get(2002), "a refused update was answered"
    assert "refused" in caplog.text and SECRET not in caplog.text
    # The same update with the right secret is handled: the refusal was about the secret only.
    assert await emu.updates.post_webhook(start_update(emu, 2002)) == 200
    await emu.user(2002).wait_message(contains="Hello, Olena!")


async def test_a_body_that_is_not_json_gets_400(serve_bot: ServeFactory) -> None:
    served = await serve_bot(webhook=True)
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with aiohttp.ClientSession() as session:
        async with session.post(served.hook, data="not json", headers=headers) as response:
            assert response.status == 400
        async with session.get(served.hook, headers=headers) as response:
            assert response.status == 405
    assert await served.finish() == 0


async def test_an_unreadable_update_is_dropped_without_holding_back_the_next(
    serve_bot: ServeFactory, caplog: pytest.LogCaptureFixture
) -> None:
    served = await serve_bot(webhook=True)
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    odd = {"update_id": 777001, "message": {"unexpected": True}}
    async with aiohttp.ClientSession() as session:
        async with session.post(served.hook, json=odd, headers=headers) as response:
            # A non-2xx answer would make Telegram resend it forever, ahead of all others.
            assert response.status == 200
    assert "777001 dropped" in caplog.text
    user = served.emu.user(2004, first_name="Olena", language_code="en")
    await user.send("/start")
    assert (await user.wait_message()).text.startswith("Hello, Olena!")
    assert await served.finish() == 0


async def test_polling_mode_still_serves_health_and_answers(serve_bot: ServeFactory) -> None:
    served = await serve_bot(webhook=False)
    assert served.emu.updates.webhook is None
    assert await served.get("/healthz") == (200, "ok")
    user = served.emu.user(2003, first_name="Olena", language_code="uk")
    await user.send("/start")
    assert (await user.wait_message()).text.startswith("Вітаємо, Olena!")
    assert await served.finish() == 0
