"""Planning: idempotent per (chat, purpose), streamed, cancellable; stats read the outbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import now
from bot.db import transaction
from bot.delivery import (
    backlog,
    batch_stats,
    cancel_batch,
    drop_where,
    owe,
    owe_from_select,
    owe_many,
)
from bot.models import Delivery, Member
from tests.delivery.conftest import add_members

Maker = async_sessionmaker[AsyncSession]


def row(chat: int, purpose: str = "p", batch: str = "b") -> dict[str, object]:
    return dict(chat_id=chat, member_id=None, kind="text", purpose=purpose, batch=batch,
                payload={"text": "hi"}, due_at=now())  # fmt: skip


async def count(maker: Maker, *criteria: object) -> int:
    async with maker() as session:
        return int(await session.scalar(select(func.count(Delivery.id)).where(*criteria)) or 0)


async def test_owe_twice_owes_once(sessionmaker: Maker) -> None:
    async with transaction(sessionmaker) as session:
        assert await owe(session, **row(1))  # type: ignore[arg-type]
        assert not await owe(session, **row(1))  # type: ignore[arg-type]
        assert await owe(session, **row(1, purpose="other"))  # type: ignore[arg-type]
    assert await count(sessionmaker) == 2


async def test_owe_rolls_back_with_the_callers_transaction(sessionmaker: Maker) -> None:
    async with sessionmaker() as session:
        async with session.begin():
            await owe(session, **row(1))  # type: ignore[arg-type]
            await session.rollback()
    assert await count(sessionmaker) == 0


async def test_owe_many_streams_chunks_from_an_async_generator(sessionmaker: Maker) -> None:
    async def rows() -> AsyncIterator[dict[str, object]]:
        for chat in range(1, 2501):
            yield row(chat)

    async with transaction(sessionmaker) as session:
        assert await owe_many(session, rows(), chunk=700) == 2500
        assert await owe_many(session, [row(c) for c in range(2490, 2510)]) == 9
    assert await count(sessionmaker) == 2509


async def test_owe_from_select_plans_without_loading_members(sessionmaker: Maker) -> None:
    await add_members(sessionmaker, range(1, 301))
    recipients = select(Member.chat_id, Member.id).where(Member.state == "active")
    kwargs = dict(kind="text", purpose="broadcast:7", batch="broadcast:7",
                  payload={"text": {"uk": "Привіт", "en": "Hi"}}, due_at=now())  # fmt: skip
    async with transaction(sessionmaker) as session:
        assert await owe_from_select(session, recipients, **kwargs) == 300  # type: ignore[arg-type]
        assert await owe_from_select(session, recipients, **kwargs) == 0  # type: ignore[arg-type]
    async with sessionmaker() as session:
        first = await session.scalar(select(Delivery).order_by(Delivery.id).limit(1))
    assert first is not None and first.payload["text"]["uk"] == "Привіт"
    assert first.status == "pending" and first.attempts == 0 and first.member_id is not None


async def test_cancel_and_drop_touch_only_pending_rows(sessionmaker: Maker) -> None:
    async with transaction(sessionmaker) as session:
        await owe_many(session, [row(c, batch="a") for c in range(1, 6)])
        await owe_many(session, [row(c, batch="b", purpose="r:w1:v1") for c in range(1, 4)])
    async with transaction(sessionmaker) as session:
        await session.execute(
            Delivery.__table__.update().where(Delivery.chat_id == 1).values(status="sent")
        )
        assert await cancel_batch(session, "a") == 4
        assert await drop_where(session, Delivery.purpose.like("r:w1:%"), reason="moved") == 2
    async with sessionmaker() as session:
        stats = await batch_stats(session, "b")
    assert stats["dropped"] == 2 and stats["sent"] == 1 and stats["total"] == 3
    assert stats["top_failures"] == [("moved", 2)]


async def test_backlog_counts_due_and_in_flight_rows(sessionmaker: Maker) -> None:
    later = dict(row(3), due_at=now() + timedelta(hours=1))
    async with transaction(sessionmaker) as session:
        await owe_many(session, [row(1), row(2), later])
    async with sessionmaker() as session:
        assert await backlog(session) == 2
