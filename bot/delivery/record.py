"""Write outcomes back: group commit, so every sender waits for its own row to be recorded."""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable

from sqlalchemy import bindparam, exists, func, literal, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from bot.clock import now
from bot.db import UTCDateTime
from bot.delivery.outcome import Outcome, Status
from bot.models import CommunityChat, Delivery, Member

log = logging.getLogger(__name__)
T = Delivery.__table__
_OWNED = (T.c.id == bindparam("_id"), T.c.status == "sending")


class Recorder:
    """Outcomes that arrive while one commit runs are written together by the next one.

    A sender awaits `record` before taking its next row, so after a crash at most one sent
    but unrecorded message per sender exists: duplicates on resume are bounded by concurrency.
    """

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        instance: str,
        on_written: Callable[[list[Outcome]], None] | None = None,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._instance = instance
        self._on_written = on_written or (lambda _outcomes: None)
        self._pending: list[tuple[Outcome, asyncio.Future[None]]] = []
        self._flushing = False

    async def record(self, outcome: Outcome) -> None:
        future = asyncio.get_running_loop().create_future()
        self._pending.append((outcome, future))
        if not self._flushing:
            await self._lead()
        await future

    async def _lead(self) -> None:
        self._flushing = True
        try:
            while self._pending:
                batch, self._pending = self._pending, []
                await self._commit(batch)
        finally:
            self._flushing = False

    async def _commit(self, batch: list[tuple[Outcome, asyncio.Future[None]]]) -> None:
        outcomes = [outcome for outcome, _ in batch]
        try:
            # Shielded: a sender cancelled at shutdown must not abandon a half-done transaction
            # (on SQLite it would hold the write lock until the connection is collected).
            await asyncio.shield(_retrying(lambda: self._write(outcomes)))
        except BaseException as exc:
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc if isinstance(exc, Exception) else RuntimeError())
            if not isinstance(exc, Exception):
                raise
            return
        self._on_written(outcomes)
        for _, future in batch:
            if not future.done():
                future.set_result(None)

    async def _write(self, outcomes: list[Outcome]) -> None:
        async with self._sessionmaker() as session, session.begin():
            await apply_outcomes(session, outcomes, self._instance)


async def _retrying(write: Callable[[], Awaitable[None]], patience: float = 90.0) -> None:
    """Write until it works or `patience` seconds pass.

    The messages were sent: giving up would leave their rows `sending`, and they would be sent
    again once reclaimed. Waiting also stops this sender (it awaits its record) - during a
    database outage nothing more leaves until outcomes can be written again.
    """
    deadline = time.monotonic() + patience
    for attempt in itertools.count():
        try:
            await write()
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            log.warning("recording delivery outcomes failed; retrying", exc_info=attempt == 0)
            await asyncio.sleep(min(2.0, 0.2 * (attempt + 1)))


async def apply_outcomes(session: AsyncSession, outcomes: list[Outcome], instance: str) -> None:
    by_status: dict[Status, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_status[outcome.status].append(outcome)
    connection = await session.connection()
    await _mark_sent(connection, by_status[Status.SENT])
    await _mark_pending(connection, by_status[Status.RETRY] + by_status[Status.DEFER], instance)
    await _mark_closed(connection, by_status[Status.FAILED] + by_status[Status.DROPPED])
    for outcome in by_status[Status.UNREACHABLE]:
        await _mark_unreachable(session, outcome)
    for outcome in outcomes:
        if outcome.migrated_to is not None:
            await _migrate(session, outcome.chat_id, outcome.migrated_to)


async def _mark_sent(connection: AsyncConnection, outcomes: list[Outcome]) -> None:
    # Not guarded by owner: the message left, so "sent" is the truth whoever holds the row now.
    if not outcomes:
        return
    stmt = (
        update(T)
        .where(T.c.id == bindparam("_id"))
        .values(status="sent", sent_at=bindparam("_at"), last_error=bindparam("_reason"))
        .values(lease_until=None)
    )
    rows = [{"_id": o.delivery_id, "_at": o.at or now(), "_reason": o.reason} for o in outcomes]
    await connection.execute(stmt, rows)


async def _mark_pending(
    connection: AsyncConnection, outcomes: list[Outcome], instance: str
) -> None:
    if not outcomes:
        return
    stmt = (
        update(T)
        .where(*_OWNED, T.c.claimed_by == instance)
        .values(status="pending", due_at=bindparam("_due"), last_error=bindparam("_reason"))
        .values(attempts=T.c.attempts - bindparam("_back"), lease_until=None, claimed_by=None)
    )
    rows = [_pending_row(o) for o in outcomes]
    await connection.execute(stmt, rows)
    progressed = [o for o in outcomes if o.payload is not None]
    if progressed:
        stmt = update(T).where(T.c.id == bindparam("_id")).values(payload=bindparam("_payload"))
        await connection.execute(
            stmt, [{"_id": o.delivery_id, "_payload": o.payload} for o in progressed]
        )


def _pending_row(outcome: Outcome) -> dict[str, object]:
    back = 1 if outcome.status is Status.DEFER else 0
    due = outcome.retry_at or now()
    return {"_id": outcome.delivery_id, "_due": due, "_reason": outcome.reason, "_back": back}


async def _mark_closed(connection: AsyncConnection, outcomes: list[Outcome]) -> None:
    if not outcomes:
        return
    stmt = (
        update(T)
        .where(*_OWNED)
        .values(status=bindparam("_status"), last_error=bindparam("_reason"), lease_until=None)
    )
    rows = [
        {"_id": o.delivery_id, "_status": o.status.value, "_reason": o.reason} for o in outcomes
    ]
    await connection.execute(stmt, rows)


async def _mark_unreachable(session: AsyncSession, outcome: Outcome) -> None:
    """The row, every other pending row of the chat and the member, in one transaction."""
    moment, chat = literal(outcome.at or now(), UTCDateTime()), outcome.chat_id
    await session.execute(
        update(T)
        .where(T.c.id == outcome.delivery_id)
        .values(status="unreachable", last_error=outcome.reason, lease_until=None)
    )
    await session.execute(
        update(T)
        .where(T.c.chat_id == chat, T.c.status == "pending")
        .values(status="unreachable", last_error=outcome.reason)
    )
    await session.execute(
        update(Member)
        .where(Member.chat_id == chat)
        .values(state="blocked", unreachable_since=func.coalesce(Member.unreachable_since, moment))
        .execution_options(synchronize_session=False)
    )


async def _migrate(session: AsyncSession, old: int, new: int) -> None:
    """Point the member or community chat and everything still owed to it at the new id."""
    for model in (Member, CommunityChat):
        await session.execute(
            update(model)
            .where(model.chat_id == old)
            .values(chat_id=new)
            .execution_options(synchronize_session=False)
        )
    twin = aliased(Delivery)
    clash = exists().where(twin.chat_id == new, twin.purpose == Delivery.purpose)
    await session.execute(
        update(Delivery)
        .where(Delivery.chat_id == old, Delivery.status == "pending", ~clash)
        .values(chat_id=new)
        .execution_options(synchronize_session=False)
    )
