"""One planner at a time across instances, inside the planning transaction.

PostgreSQL: a transaction-scoped advisory lock; a second instance skips this tick instead of
waiting. SQLite: writing a `bot_state` row first takes the database's single write lock for the
rest of the transaction, so a second planner waits and then sees the first one's rows.
Unique purposes make planning idempotent anyway; the lock keeps digest items and delivery rows
decided by one planner (see digest.py).
"""

from __future__ import annotations

import zlib

from sqlalchemy import func, select, update
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import now
from bot.models import BotState


def lock_key(name: str) -> int:
    # A stable 31-bit number per name (hash() differs between processes).
    return zlib.crc32(f"hromada:{name}".encode()) & 0x7FFFFFFF


async def try_planner_lock(session: AsyncSession, name: str) -> bool:
    """Take the planner lock `name` for this transaction; False when another instance holds it."""
    if session.get_bind().dialect.name == "postgresql":
        return bool(await session.scalar(select(func.pg_try_advisory_xact_lock(lock_key(name)))))
    key, moment = f"lock:{name}", now()
    touched = await session.execute(
        update(BotState).where(BotState.key == key).values(value="planning", updated_at=moment)
    )
    if not touched.rowcount:  # type: ignore[attr-defined]
        await session.execute(
            insert(BotState)
            .values(key=key, value="planning", updated_at=moment)
            .on_conflict_do_nothing(index_elements=["key"])
        )
    return True
