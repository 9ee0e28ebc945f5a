"""The global pause switch every instance reads from `bot_state` before claiming."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import now
from bot.models import BotState

PAUSE_KEY = "deliveries_paused"


async def is_paused(session: AsyncSession) -> bool:
    value = await session.scalar(select(BotState.value).where(BotState.key == PAUSE_KEY))
    return value == "1"


async def set_paused(session: AsyncSession, paused: bool) -> None:
    state = await session.get(BotState, PAUSE_KEY)
    if state is None:
        session.add(BotState(key=PAUSE_KEY, value="1" if paused else "0"))
    else:
        state.value = "1" if paused else "0"
        state.updated_at = now()
