"""One sender per SQLite database: a lease row in `bot_state`, renewed by a heartbeat.

Why: the flood limits live in the sending process's memory, so two senders would each send
at BROADCAST_RATE and together break Telegram's 30/s; and SQLite has a single writer, so a
second sender only adds lock contention, never throughput. A row in the database itself (not
a file lock) works wherever the database does and shows operators who is sending. PostgreSQL
needs no such lock: SKIP LOCKED shares rows safely between instances.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Select, or_, select, update
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import wall_now
from bot.models import BotState

LOCK_KEY = "delivery_sender"


async def acquire_sender_lock(session: AsyncSession, instance: str, ttl: timedelta) -> str | None:
    """Take or renew the lease; None on success, otherwise the instance holding it."""
    moment = wall_now()
    # A write first: SQLite then holds the write lock for the whole check, so two instances
    # racing here are serialised and exactly one wins.
    renewed = await session.execute(
        update(BotState)
        .where(
            BotState.key == LOCK_KEY,
            or_(
                BotState.value == instance,
                BotState.value == "",
                BotState.updated_at < moment - ttl,
            ),
        )
        .values(value=instance, updated_at=moment)
        .execution_options(synchronize_session=False)
    )
    if renewed.rowcount:  # type: ignore[attr-defined]
        return None
    created = await session.execute(
        insert(BotState)
        .values(key=LOCK_KEY, value=instance, updated_at=moment)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    if created.rowcount:  # type: ignore[attr-defined]
        return None
    return await session.scalar(select(BotState.value).where(BotState.key == LOCK_KEY)) or "?"


async def release_sender_lock(session: AsyncSession, instance: str) -> None:
    await session.execute(
        update(BotState)
        .where(BotState.key == LOCK_KEY, BotState.value == instance)
        .values(value="", updated_at=wall_now())
        .execution_options(synchronize_session=False)
    )


def lock_holder() -> Select[tuple[str]]:
    """The instance holding the sender lock: on SQLite, the only sender alive."""
    return select(BotState.value).where(BotState.key == LOCK_KEY)
