"""getUpdates long polling, offsets and conflicts; webhook delivery with the secret header."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
import telegram
from aiohttp import web
from telegram.error import Conflict

from bot.emulator import CONFIGURED, Emulator


async def test_long_poll_returns_as_soon_as_an_update_arrives(
    emu: Emulator, tg: telegram.Bot
) -> None:
    poll = asyncio.create_task(tg.get_updates(timeout=5))
    await emu.wait_for_requests("getUpdates")
    started = time.monotonic()
    await emu.user(1001, "Olena").send("/start@hromada_test_bot now")
    (update,) = await poll
    assert time.monotonic() - started < 0.5
    assert update.message.text == "/start@hromada_test_bot now"
    assert update.message.entities[0].type == "bot_command"
    assert update.message.entities[0].length == len("/start@hromada_test_bot")
    assert update.message.from_user.language_code == "uk"


async def test_empty_long_poll_waits_for_its_timeout(tg: telegram.Bot) -> None:
    started = time.monotonic()
    assert await tg.get_updates(timeout=1) == ()
    assert 0.9 < time.monotonic() - started < 2


async def test_offset_confirms_lower_updates(emu: Emulator, tg: telegram.Bot) -> None:
    user = emu.user(1001, "Olena")
    await user.send("one")
    await user.send("two")
    first, second = await tg.get_updates()
    assert second.update_id == first.update_id + 1
    assert [u.message.text for u in await tg.get_updates()] == ["one", "two"]  # not confirmed
    assert [u.message.text for u in await tg.get_updates(offset=second.update_id)] == ["two"]
    assert await tg.get_updates(offset=second.update_id + 1) == ()
    assert emu.updates.pending == []
    await user.send("three")
    assert [u.message.text for u in await tg.get_updates(limit=1)] == ["three"]


async def test_a_second_poller_terminates_the_first_with_409(
    emu: Emulator, tg: telegram.Bot
) -> None:
    other = telegram.Bot(emu.token, base_url=emu.base_url)
    async with other:
        first = asyncio.create_task(tg.get_updates(timeout=5))
        await emu.wait_for_requests("getUpdates")
        second = asyncio.create_task(other.get_updates(timeout=5))
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await first
        await emu.user(1001).send("hello")
        assert [u.message.text for u in await second] == ["hello"]
    assert [r.status for r in emu.requests if r.method == "getUpdates"] == [409, 200]


@pytest.fixture
async def receiver() -> AsyncIterator[dict]:
    """A stand-in webhook endpoint: fails the first ``fail`` posts, checks the secret."""
    state: dict = {"fail": 0, "got": [], "secrets": []}

    async def hook(request: web.Request) -> web.Response:
        state["secrets"].append(request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        if state["fail"] > 0:
            state["fail"] -= 1
            return web.Response(status=500)
        if state["secrets"][-1] != "s3cret-token_1":
            return web.Response(status=403)
        state["got"].append(await request.json())
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    state["url"] = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    yield state
    await runner.cleanup()


async def test_webhook_delivers_with_secret_and_retries(
    emu: Emulator, tg: telegram.Bot, receiver: dict
) -> None:
    emu.updates.webhook_backoff = 0.01
    receiver["fail"] = 2
    await tg.set_webhook(receiver["url"], secret_token="s3cret-token_1")
    with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
        await tg.get_updates()
    await emu.user(1001, "Olena").send("via webhook")
    await emu.wait_until(lambda: receiver["got"], 5)
    assert [u["message"]["text"] for u in receiver["got"]] == ["via webhook"]
    assert receiver["secrets"] == ["s3cret-token_1"] * 3  # two 500s, then delivered
    info = await tg.get_webhook_info()
    assert (info.url, info.pending_update_count) == (receiver["url"], 0)
    assert "500" in info.last_error_message


async def test_post_webhook_with_right_wrong_and_missing_secret(
    emu: Emulator, tg: telegram.Bot, receiver: dict
) -> None:
    await tg.set_webhook(receiver["url"], secret_token="s3cret-token_1")
    update = {"message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}}
    assert await emu.post_webhook(update, secret=CONFIGURED) == 200
    assert await emu.post_webhook(update, secret="wrong") == 403
    assert await emu.post_webhook(update, secret=None) == 403
    assert receiver["secrets"] == ["s3cret-token_1", "wrong", None]
    assert "update_id" in receiver["got"][0]
    await tg.delete_webhook()
    assert (await tg.get_webhook_info()).url == ""
