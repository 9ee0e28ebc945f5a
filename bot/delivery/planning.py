"""Owe messages: outbox rows in the caller's transaction, idempotent per (chat, purpose)."""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ColumnElement, Insert, Integer, Select, String, literal, select, true
from sqlalchemy import update as sql_update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import now
from bot.db import UTCDateTime
from bot.models import Delivery

_KEYS = ("chat_id", "member_id", "kind", "purpose", "batch", "payload", "due_at", "priority")


def _insert(session: AsyncSession) -> Any:
    name = session.get_bind().dialect.name
    return (postgresql.insert if name == "postgresql" else sqlite.insert)(Delivery)


def _row(values: dict[str, Any], created: datetime) -> dict[str, Any]:
    row = {key: values.get(key) for key in _KEYS}
    row["priority"] = row["priority"] or 0
    row["payload"] = row["payload"] or {}
    return {**row, "status": "pending", "attempts": 0, "created_at": created}


def _ignore_duplicates(stmt: Any) -> Insert:
    return stmt.on_conflict_do_nothing(index_elements=["chat_id", "purpose"])


async def owe(
    session: AsyncSession,
    *,
    chat_id: int,
    member_id: int | None,
    kind: str,
    purpose: str,
    batch: str,
    payload: dict[str, Any],
    due_at: datetime,
    priority: int = 0,
) -> bool:
    """Owe one message; False when this (chat, purpose) was already owed."""
    values = dict(chat_id=chat_id, member_id=member_id, kind=kind, purpose=purpose, batch=batch)
    row = _row({**values, "payload": payload, "due_at": due_at, "priority": priority}, now())
    result = await session.execute(_ignore_duplicates(_insert(session).values(row)))
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def owe_many(
    session: AsyncSession,
    rows: Iterable[dict[str, Any]] | AsyncIterable[dict[str, Any]],
    chunk: int = 1000,
) -> int:
    """Owe many messages, `chunk` rows per statement; accepts a (async) generator to stream."""
    created, inserted, pending = now(), 0, []
    async for values in _aiter(rows):
        pending.append(_row(values, created))
        if len(pending) >= chunk:
            inserted += await _insert_chunk(session, pending)
            pending = []
    if pending:
        inserted += await _insert_chunk(session, pending)
    return inserted


async def _aiter(rows: Iterable[dict[str, Any]] | AsyncIterable[dict[str, Any]]) -> Any:
    if isinstance(rows, AsyncIterable):
        async for row in rows:
            yield row
    else:
        for row in rows:
            yield row


async def _insert_chunk(session: AsyncSession, rows: list[dict[str, Any]]) -> int:
    # One multi-VALUES statement: rowcount is exact on both dialects (executemany's is not).
    result = await session.execute(_ignore_duplicates(_insert(session).values(rows)))
    return int(result.rowcount)  # type: ignore[attr-defined]


async def owe_from_select(
    session: AsyncSession,
    recipients: Select[Any],
    *,
    kind: str,
    purpose: str,
    batch: str,
    payload: dict[str, Any],
    due_at: datetime,
    priority: int = 0,
) -> int:
    """Owe one message to every (chat_id, member_id) row of `recipients` in one INSERT … SELECT.

    The rows never enter Python, so a 100,000-member broadcast plans in constant memory.
    `purpose` may be the same for every chat: uniqueness is per (chat, purpose).
    """
    source = recipients.subquery()
    chat_id, member_id = list(source.c)[:2]
    constants = [
        literal(kind, String()),
        literal(purpose, String()),
        literal(batch, String()),
        literal(payload, JSON()),
        literal(due_at, UTCDateTime()),
        literal(priority, Integer()),
        literal("pending", String()),
        literal(0, Integer()),
        literal(now(), UTCDateTime()),
    ]
    # SQLite needs a WHERE before ON CONFLICT in INSERT … SELECT, or it parses ON as a join.
    rows = select(chat_id, member_id, *constants).where(true())
    names = ["chat_id", "member_id", "kind", "purpose", "batch", "payload", "due_at"]
    names += ["priority", "status", "attempts", "created_at"]
    stmt = _ignore_duplicates(_insert(session).from_select(names, rows))
    result = await session.execute(stmt)
    return int(result.rowcount)  # type: ignore[attr-defined]


async def cancel_batch(session: AsyncSession, batch: str) -> int:
    """Cancel everything of `batch` not yet on the wire, rows a sender already claimed too.

    Claimed rows wait in a sender's memory; it asks the database again right before each HTTP
    call (recheck.py) and skips a row that is no longer `sending`. Only a row whose HTTP call
    had started may still arrive; the recorder then marks it `sent`, which is the truth.
    """
    stmt = (
        sql_update(Delivery)
        .where(Delivery.batch == batch, Delivery.status.in_(("pending", "sending")))
        .values(status="cancelled", last_error="batch cancelled", lease_until=None)
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(stmt)
    return int(result.rowcount)  # type: ignore[attr-defined]


async def drop_where(session: AsyncSession, *criteria: ColumnElement[bool], reason: str) -> int:
    """Drop pending rows matching `criteria` (e.g. reminders of a moved webinar), with a reason."""
    return await _close_pending(session, "dropped", reason, *criteria)


async def _close_pending(
    session: AsyncSession, status: str, reason: str, *criteria: ColumnElement[bool]
) -> int:
    stmt = (
        sql_update(Delivery)
        .where(Delivery.status == "pending", *criteria)
        .values(status=status, last_error=reason)
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(stmt)
    return int(result.rowcount)  # type: ignore[attr-defined]
