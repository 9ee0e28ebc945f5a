"""What the outbox holds, for progress messages and metrics."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import now
from bot.delivery.outcome import Outcome
from bot.models import Delivery

STATUSES = ("pending", "sending", "sent", "unreachable", "failed", "cancelled", "dropped")


async def batch_stats(session: AsyncSession, batch: str, top: int = 5) -> dict[str, Any]:
    """Counts by status ("queued" is pending) plus the most frequent failure reasons."""
    rows = await session.execute(
        select(Delivery.status, func.count()).where(Delivery.batch == batch).group_by("status")
    )
    counts = {status: 0 for status in STATUSES} | dict(rows.tuples().all())
    reasons = await session.execute(
        select(Delivery.last_error, func.count().label("n"))
        .where(Delivery.batch == batch, Delivery.status.in_(("failed", "unreachable", "dropped")))
        .group_by(Delivery.last_error)
        .order_by(func.count().desc())
        .limit(top)
    )
    stats: dict[str, Any] = {"queued": counts.pop("pending"), **counts}
    stats["total"] = sum(counts.values()) + stats["queued"]
    stats["top_failures"] = [(reason or "", n) for reason, n in reasons.tuples().all()]
    return stats


async def backlog(session: AsyncSession, until: datetime | None = None) -> int:
    """Rows due by `until` (default now) that nobody has finished: pending, or being sent."""
    due = (Delivery.status == "pending") & (Delivery.due_at <= (until or now()))
    query = select(func.count()).where(or_(due, Delivery.status == "sending"))
    return int(await session.scalar(query) or 0)


@dataclass
class Counters:
    """In-process counters since start; a metrics module reads them, nothing resets them."""

    messages_sent: int = 0  # Telegram messages, i.e. parts
    floods: int = 0  # 429 answers received
    global_pauses: int = 0
    claimed: int = 0
    by_status: Counter[str] = field(default_factory=Counter)

    def written(self, outcomes: list[Outcome]) -> None:
        self.by_status.update(outcome.status.value for outcome in outcomes)
