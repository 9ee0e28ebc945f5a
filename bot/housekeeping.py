"""Forget what no longer protects anyone: old replay guards and abandoned half-finished steps."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from bot.clock import now
from bot.db import transaction
from bot.models import ProcessedUpdate
from bot.runtime import Runtime
from bot.services import dialogs

# Telegram keeps unconfirmed updates for at most 24 h, so no replay can arrive later than that.
REPLAY_WINDOW = timedelta(hours=48)


async def housekeeping_tick(runtime: Runtime) -> int:
    """Delete replay guards past the window and abandoned steps; return how many guards went."""
    async with transaction(runtime.sessionmaker) as session:
        result = await session.execute(
            delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < now() - REPLAY_WINDOW)
        )
        await dialogs.prune(session)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
