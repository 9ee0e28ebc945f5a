"""A cancelled batch stops rows the engine already claimed, not only the ones still pending."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import transaction
from bot.delivery import batch_stats, cancel_batch
from bot.emulator.server import Emulator
from bot.models import Delivery
from tests.delivery.conftest import EngineFactory, add_members, owe_texts, sends

Maker = async_sessionmaker[AsyncSession]
CONCURRENCY = 4


async def test_claimed_then_cancelled_rows_are_not_sent(
    sessionmaker: Maker, emu: Emulator, make_delivery_engine: EngineFactory
) -> None:
    members = await add_members(sessionmaker, range(1001, 1061))
    await owe_texts(sessionmaker, members, batch="news")
    # 10/s: the engine holds ~20 claimed rows in memory while it paces them out.
    engine = make_delivery_engine(rate=10.0, concurrency=CONCURRENCY)
    await engine.start()
    assert await emu.wait_until(lambda: len(sends(emu)) >= 3, 10)
    async with transaction(sessionmaker) as session:
        claimed = await session.scalar(
            select(func.count()).where(Delivery.status == "sending", Delivery.batch == "news")
        )
        await cancel_batch(session, "news")
    at_cancel = len(sends(emu))
    assert claimed is not None and claimed > CONCURRENCY  # rows waited in memory, claimed
    assert await engine.drain(timeout=10)
    # Only sends whose HTTP call had started (one per send task at most) still went out.
    assert len(sends(emu)) - at_cancel <= CONCURRENCY
    async with sessionmaker() as session:
        stats = await batch_stats(session, "news")
    assert stats["sent"] == len(sends(emu)) < 60
    assert stats["cancelled"] == 60 - stats["sent"]
    assert stats["failed"] == stats["queued"] == stats["sending"] == 0
    assert engine.counters.by_status["withdrawn"] >= claimed - CONCURRENCY
    assert engine.counters.by_status.get("failed", 0) == 0


async def test_cancel_reaches_claimed_rows_and_spares_other_batches(sessionmaker: Maker) -> None:
    members = await add_members(sessionmaker, range(1101, 1106))
    await owe_texts(sessionmaker, members, batch="a")
    await owe_texts(sessionmaker, members, batch="b", purpose="other")
    async with transaction(sessionmaker) as session:
        await session.execute(
            Delivery.__table__.update()
            .where(Delivery.chat_id.in_([1101, 1102]), Delivery.batch == "a")
            .values(status="sending", claimed_by="elsewhere")
        )
        await session.execute(
            Delivery.__table__.update().where(Delivery.chat_id == 1103).values(status="sent")
        )
        assert await cancel_batch(session, "a") == 4  # 2 claimed + 2 pending; sent stays sent
    async with sessionmaker() as session:
        a, b = await batch_stats(session, "a"), await batch_stats(session, "b")
    assert (a["cancelled"], a["sent"], a["sending"]) == (4, 1, 0)
    assert (b["queued"], b["sent"], b["cancelled"]) == (4, 1, 0)
