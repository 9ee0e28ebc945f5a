"""Several senders on PostgreSQL split BROADCAST_RATE between them.

Telegram's flood limits are per bot token, not per process: two instances each sending at
BROADCAST_RATE would together exceed it. Each sender keeps a heartbeat row in `bot_state`;
the live ones divide the rate equally.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Select, delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import wall_now
from bot.models import BotState

PREFIX = "sender:"


async def beat(session: AsyncSession, instance: str, ttl: timedelta) -> int:
    """Record that this sender is alive; return how many senders are alive (at least 1)."""
    moment = wall_now()
    key = PREFIX + instance
    await session.execute(
        insert(BotState)
        .values(key=key, value=instance, updated_at=moment)
        .on_conflict_do_update(index_elements=["key"], set_={"updated_at": moment})
    )
    await session.execute(
        delete(BotState).where(BotState.key.like(PREFIX + "%"), BotState.updated_at < moment - ttl)
    )
    alive = await session.scalar(
        select(func.count()).select_from(BotState).where(BotState.key.like(PREFIX + "%"))
    )
    return max(1, int(alive or 1))


async def leave(session: AsyncSession, instance: str) -> None:
    await session.execute(delete(BotState).where(BotState.key == PREFIX + instance))


def alive() -> Select[tuple[str]]:
    """The instance names with a heartbeat younger than the TTL (after `beat` pruned the rest)."""
    return select(BotState.value).where(BotState.key.like(PREFIX + "%"))
