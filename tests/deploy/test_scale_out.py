"""Several webhook instances on one PostgreSQL database share the work without duplicates."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.db import make_engine
from bot.emulator.server import Emulator
from bot.models import Delivery, DialogState
from tests.conftest import POSTGRES_URL
from tests.deploy.conftest import eventually, http_get, plan_broadcast
from tests.deploy.process import BotProcess
from tests.deploy.test_webhook import start_update

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not POSTGRES_URL, reason="several instances need PostgreSQL"),
]
TOKEN = "555000:AAF-scale_out_TestToken0123456789"
RECIPIENTS = range(100_001, 102_001)  # 2,000 members


async def outbox(url: str) -> tuple[dict[str, int], int]:
    """Rows by status, and how many distinct instances sent them."""
    engine = make_engine(url)
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(Delivery.status, func.count()).group_by(Delivery.status)
        )
        senders = await connection.scalar(select(func.count(Delivery.claimed_by.distinct())))
    await engine.dispose()
    return dict(rows.tuples().all()), int(senders or 0)


def delivered(emu: Emulator) -> Counter[int]:
    return Counter({chat: len(emu.messages.get(chat, [])) for chat in RECIPIENTS})


# ~40 s on an idle 2-CPU machine; a shared, busy one needs far longer (each send costs CPU).
@pytest.mark.timeout(600)
async def test_two_instances_share_a_broadcast_and_survive_a_restart(
    tmp_path: Path, fresh_url: str
) -> None:
    async with Emulator(token=TOKEN) as emu:
        for chat in RECIPIENTS:
            emu.ensure_user(chat, first_name=f"Member {chat}", language_code="uk")
        settings = {"BROADCAST_RATE": "150", "LOG_FORMAT": "json"}
        common = {"token": TOKEN, "api_url": emu.api_url, "database_url": fresh_url}
        a = BotProcess.make(tmp_path, name="a", **common, **settings)
        b = BotProcess.make(tmp_path, name="b", **common, **settings)
        restarted = BotProcess(tmp_path, a.env, a.port, name="a-restarted")
        try:
            # Both start on an empty database at once: one migrates, the other waits its turn.
            await asyncio.gather(a.start(), b.start())
            await asyncio.gather(a.wait_ready(), b.wait_ready())
            for bot, user_id in ((a, 5001), (b, 5002)):
                update = start_update(emu, user_id, language_code="en")
                assert await emu.updates.post_webhook(update, url=bot.hook) == 200
                assert (await emu.user(user_id).wait_message(timeout=20)).text.startswith("Hello")

            _, metrics = await http_get(f"http://127.0.0.1:{a.port}/metrics")
            assert "hromada_delivery_sender" in metrics, "no delivery engine in the app"
            await plan_broadcast(fresh_url, RECIPIENTS)
            await eventually(_at_least(emu, 300), timeout=240)
            code, took = await a.terminate()  # mid-broadcast: in-flight sends finish first
            assert code == 0 and took < 15, a.log()
            await restarted.start()
            await restarted.wait_ready()
            await eventually(_at_least(emu, len(RECIPIENTS)), timeout=480)
            await asyncio.sleep(1)  # anything sent twice would show up by now
            for bot in (b, restarted):
                assert (await bot.terminate())[0] == 0
        finally:
            for bot in (a, b, restarted):
                await bot.kill()
    counts = delivered(emu)
    assert set(counts.values()) == {1}, (
        f"duplicates: {[c for c, n in counts.items() if n > 1][:5]}"
    )
    statuses, senders = await outbox(fresh_url)
    assert statuses == {"sent": len(RECIPIENTS)}
    assert senders >= 2


def _at_least(emu: Emulator, count: int) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return sum(1 for chat in RECIPIENTS if emu.messages.get(chat)) >= count

    return check


def said(emu: Emulator, user_id: int, text: str) -> dict:
    """A private text message as Telegram would POST it (the emulator adds the update_id)."""
    message = {
        "message_id": emu.next_id(),
        "from": dict(emu.user(user_id, first_name="Mod", language_code="en").user),
        "chat": emu.chat_json(user_id),
        "date": int(time.time()),
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return {"message": message}


def at_step(url: str, user_id: int, index: int) -> Callable[[], Awaitable[bool]]:
    """The moderator's draft has reached question `index` (stored after the reply is sent)."""

    async def check() -> bool:
        engine = make_engine(url)
        async with engine.connect() as connection:
            data = await connection.scalar(
                select(DialogState.data).where(DialogState.user_id == user_id)
            )
        await engine.dispose()
        return bool(data) and data.get("content", {}).get("index") == index

    return check


@pytest.mark.timeout(120)
async def test_a_moderators_steps_continue_on_whichever_instance_gets_them(
    tmp_path: Path, fresh_url: str
) -> None:
    moderator = 5101
    async with Emulator(token=TOKEN) as emu:
        common = {"token": TOKEN, "api_url": emu.api_url, "database_url": fresh_url}
        a = BotProcess.make(tmp_path, name="a", **common, ADMIN_IDS=str(moderator))
        b = BotProcess.make(tmp_path, name="b", **common, ADMIN_IDS=str(moderator))
        try:
            await asyncio.gather(a.start(), b.start())
            await asyncio.gather(a.wait_ready(), b.wait_ready())
            # The load balancer sends each message to another instance than the one before.
            steps = [
                ("/addwebinar", a, "Title in Ukrainian?"),
                ("Вода й тепло", b, "Title in English?"),
                ("Water and heat", a, "time zone"),
            ]
            for index, (text, bot, expect) in enumerate(steps):
                assert (
                    await emu.updates.post_webhook(said(emu, moderator, text), url=bot.hook) == 200
                )
                reply = await emu.user(moderator).wait_message(contains=expect, timeout=20)
                assert reply.text, a.log() + b.log()
                await eventually(at_step(fresh_url, moderator, index))
            for bot in (a, b):
                assert (await bot.terminate())[0] == 0
        finally:
            for bot in (a, b):
                await bot.kill()
