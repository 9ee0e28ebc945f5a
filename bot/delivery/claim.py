"""Claim due rows for sending in one short transaction; hand expired leases back."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import now, wall_now
from bot.delivery.control import is_paused
from bot.models import Delivery


async def claim_due(
    session: AsyncSession, *, instance: str, limit: int, lease: timedelta
) -> list[Delivery]:
    """Mark up to `limit` due rows `sending` for `instance`, highest priority first.

    PostgreSQL: FOR UPDATE SKIP LOCKED lets several instances claim at once without ever
    taking the same row. SQLite ignores FOR UPDATE, but its single writer makes the one
    UPDATE … RETURNING atomic anyway. The caller commits before any HTTP call.
    """
    if limit <= 0 or await is_paused(session):
        return []
    moment = now()
    due = (
        select(Delivery.id)
        .where(Delivery.status == "pending", Delivery.due_at <= moment)
        .order_by(Delivery.priority.desc(), Delivery.due_at, Delivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    stmt = (
        update(Delivery)
        .where(Delivery.id.in_(due.scalar_subquery()))
        .values(
            status="sending",
            claimed_by=instance,
            lease_until=wall_now() + lease,
            attempts=Delivery.attempts + 1,
        )
        .returning(Delivery)
        .execution_options(synchronize_session=False)
    )
    rows = list((await session.scalars(stmt)).all())
    # RETURNING has no order; restore the claim order so priority holds within a batch.
    rows.sort(key=lambda row: (-row.priority, row.due_at, row.id))
    return rows


async def reclaim_expired(session: AsyncSession) -> int:
    """Put rows whose sender died (lease over) back to pending; their attempt stays counted."""
    stmt = (
        update(Delivery)
        .where(Delivery.status == "sending", Delivery.lease_until < wall_now())
        .values(status="pending", claimed_by=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(stmt)
    return int(result.rowcount)  # type: ignore[attr-defined]


async def reclaim_orphans(session: AsyncSession, alive: Select[tuple[str]]) -> int:
    """Put rows claimed by senders that are no longer alive back to pending, lease or not.

    A SIGKILLed sender's rows would otherwise wait out their whole lease; its liveness (the
    SQLite sender lock, or PostgreSQL heartbeat rows) lapses much sooner, so restarts resume
    within seconds. `alive` selects the instance names still alive. The claim's attempt is
    given back: most such rows were only queued in the dead process's memory, and counting
    every crash would give up unsent rows after a few restarts (losing them). The price: a row
    in flight at each crash is sent again after each one (≤ concurrency rows per crash).
    """
    stmt = (
        update(Delivery)
        .where(Delivery.status == "sending", Delivery.claimed_by.not_in(alive.scalar_subquery()))
        .values(status="pending", claimed_by=None, lease_until=None)
        .values(attempts=Delivery.attempts - 1)
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(stmt)
    return int(result.rowcount)  # type: ignore[attr-defined]


async def renew_leases(
    session: AsyncSession, instance: str, lease: timedelta, ids: list[int]
) -> int:
    """Extend the leases of rows this live instance still holds (queued or being sent).

    Leases then expire only when their holder dies (or lost track of a row), however long a
    row waits in memory behind a flood pause or a slow network. Rows locked right now are
    skipped: the recorder is writing their outcome, so their lease no longer matters, and
    waiting for them while holding others deadlocked with it on PostgreSQL.
    """
    if not ids:
        return 0
    ours = (
        select(Delivery.id)
        .where(Delivery.id.in_(ids), Delivery.status == "sending", Delivery.claimed_by == instance)
        .with_for_update(skip_locked=True)
    )
    stmt = (
        update(Delivery)
        .where(Delivery.id.in_(ours.scalar_subquery()))
        .values(lease_until=wall_now() + lease)
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(stmt)
    return int(result.rowcount)  # type: ignore[attr-defined]


async def release(session: AsyncSession, ids: list[int], instance: str) -> int:
    """Hand claimed-but-unsent rows back (graceful stop); the unused attempt is returned."""
    if not ids:
        return 0
    stmt = (
        update(Delivery)
        .where(Delivery.id.in_(ids), Delivery.status == "sending", Delivery.claimed_by == instance)
        .values(
            status="pending", claimed_by=None, lease_until=None, attempts=Delivery.attempts - 1
        )
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(stmt)
    return int(result.rowcount)  # type: ignore[attr-defined]
