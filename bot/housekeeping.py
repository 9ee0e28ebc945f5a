"""Forget what no longer protects anyone: replay guards older than Telegram's retention."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from bot.clock import now
from bot.db import transaction
from bot.models import ProcessedUpdate
from bot.runtime import Runtime

# Telegram keeps unconfirmed updates for at most 24 h, so no replay can arrive later than that.
REPLAY_WINDOW = timedelta(hours=48)


async def housekeeping_tick(runtime: Runtime) -> int:
    """Delete replay guards past the window; return how many went."""
    async with transaction(runtime.sessionmaker) as session:
        result = await session.execute(
            delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < now() - REPLAY_WINDOW)
        )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
