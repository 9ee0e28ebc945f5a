"""Limits are respected, not discovered: zero 429s against an emulator enforcing Telegram's."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.emulator.server import Emulator
from tests.delivery.conftest import EngineFactory, owe_texts, sends

Maker = async_sessionmaker[AsyncSession]


async def test_broadcast_rate_25_never_hits_telegram_limits(
    sessionmaker: Maker, emu: Emulator, make_delivery_engine: EngineFactory
) -> None:
    emu.faults.limits(global_per_sec=30, per_chat_per_sec=1, per_group_per_min=20)
    emu.add_group(-900, "Group")
    await owe_texts(sessionmaker, range(1, 101), purpose="news")
    # Chats owed several messages at once, and a group, exercise the per-chat limits.
    for purpose in ("reminder-24h", "reminder-1h"):
        await owe_texts(sessionmaker, [*range(1, 6), -900], purpose=purpose)
    engine = make_delivery_engine(rate=25.0, concurrency=12)
    await engine.start()
    assert await engine.drain(timeout=60)
    answered = sends(emu)
    assert emu.faults.count_429 == 0 and engine.counters.floods == 0
    assert len([r for r in answered if r.status == 200]) == 112
    # The tail is the group's 3 s spacing; the first 100 sends show the pace asked for.
    first_100 = answered[:100]
    assert 99 / (first_100[-1].t - first_100[0].t) >= 0.95 * 25
