"""A broadcast's flood back-off never delays replies sent through the application's own Bot."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
import telegram
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.emulator.server import Emulator
from tests.delivery.conftest import TOKEN, EngineFactory, owe_texts, sends

Maker = async_sessionmaker[AsyncSession]


@pytest.fixture
async def app_bot(emu: Emulator) -> AsyncIterator[telegram.Bot]:
    async with telegram.Bot(TOKEN, base_url=emu.base_url) as bot:
        yield bot


async def reply_latency(bot: telegram.Bot, chat_id: int) -> float:
    started = time.monotonic()
    await bot.send_message(chat_id, "Reply to a member")
    return time.monotonic() - started


async def test_replies_are_not_delayed_by_a_rate_limited_broadcast(
    sessionmaker: Maker, emu: Emulator, make_delivery_engine: EngineFactory, app_bot: telegram.Bot
) -> None:
    """Proves: in one event loop, with a 10,000-row batch being sent (asked: 300/s), replies
    through a separate Bot stay fast, and while the engine is paused by a global 429 they are
    not paused at all. Does not prove anything about Telegram's shared per-token limit: on the
    real API a reply still counts toward the bot's 30/s (hence BROADCAST_RATE 25 < 30)."""
    await owe_texts(sessionmaker, range(10_000, 20_000))
    engine = make_delivery_engine(rate=300.0, concurrency=12)
    await engine.start()
    await asyncio.sleep(1.0)
    busy = [await reply_latency(app_bot, 5) for _ in range(5)]
    emu.faults.force_429(2, retry_after=3)
    await wait_for_pause(engine)
    paused = [await reply_latency(app_bot, 6) for _ in range(5)]
    still_paused = engine.limiter.paused_for() > 0
    await engine.stop(graceful=True)
    assert still_paused and engine.counters.global_pauses >= 1
    assert max(busy) < 0.5 and max(paused) < 0.25
    assert 30 < len(sends(emu)) < 10_000  # the broadcast was really under way


async def wait_for_pause(engine: object) -> None:
    async with asyncio.timeout(5):
        # The pause is plain engine state, with no event to await; poll it briefly.
        while engine.limiter.paused_for() <= 0:  # type: ignore[attr-defined]  # noqa: ASYNC110
            await asyncio.sleep(0.01)
