"""Fast-forward: move the bot's clock to the next moment something is owed, then deliver it.

Scheduled messages (reminders, digests, scheduled broadcasts) normally wait hours or days; the
sandbox jumps the injectable clock (bot.clock) instead, runs the planner ticks at once and drains
the outbox, so a person watching the page sees what members would receive, in order.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import clock, now
from bot.jobs import digest_tick, planner_tick
from bot.models import Delivery, Member, Webinar
from bot.runtime import Runtime
from bot.settings import DAYS, Settings

# A moment past the due time: a tick that plans "due now" must see it as already due.
PAST_DUE = timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class Jump:
    reason: str  # "due" (already owed), "delivery", "reminder" or "digest"
    moment: datetime | None  # where the clock went; None when it did not move


async def next_delivery(session: AsyncSession) -> datetime | None:
    return await session.scalar(
        select(func.min(Delivery.due_at)).where(Delivery.status == "pending")
    )


async def next_reminder(
    session: AsyncSession, settings: Settings, after: datetime
) -> datetime | None:
    """The earliest standard reminder moment (start minus an offset) still ahead."""
    starts = await session.scalars(
        select(Webinar.starts_at)
        .where(Webinar.status == "scheduled", Webinar.starts_at > after)
        .order_by(Webinar.starts_at)
        .limit(5)
    )
    moments = [start - offset for start in starts for offset in settings.REMINDER_OFFSETS]
    return min((m for m in moments if m > after), default=None)


async def next_digest(session: AsyncSession, settings: Settings, after: datetime) -> datetime:
    """The next digest moment in the community's zone; daily when any member asked for daily."""
    daily = await session.scalar(select(Member.id).where(Member.digest == "daily").limit(1))
    local = after.astimezone(settings.zone)
    for days in range(8):
        day = local.date() + timedelta(days=days)
        moment = datetime.combine(day, settings.DIGEST_TIME, tzinfo=settings.zone)
        weekday_matches = DAYS[day.weekday()] == settings.DIGEST_DAY
        if moment > local and (daily is not None or weekday_matches):
            return moment
    raise AssertionError("a weekly moment always exists within eight days")


async def plan_jump(runtime: Runtime) -> Jump:
    """Decide where the clock goes: owed rows first, then the next reminder or digest."""
    current = now()
    async with runtime.sessionmaker() as session:
        owed = await next_delivery(session)
        if owed is not None and owed <= current:
            return Jump("due", None)
        candidates = [
            ("delivery", owed),
            ("reminder", await next_reminder(session, runtime.settings, current)),
            ("digest", await next_digest(session, runtime.settings, current)),
        ]
    reason, moment = min(((r, m) for r, m in candidates if m is not None), key=lambda c: c[1])
    return Jump(reason, moment)


async def fast_forward(runtime: Runtime, drain: Callable[[], Awaitable[Any]]) -> dict[str, Any]:
    """Jump, run the planner ticks now, and send whatever became due."""
    jump = await plan_jump(runtime)
    if jump.moment is not None:
        clock.set(jump.moment + PAST_DUE)
    # The same ticks the scheduler runs every few minutes; feeds stay off (offline).
    await planner_tick(runtime)
    await digest_tick(runtime)
    await drain()
    return {
        "reason": jump.reason,
        "moment": jump.moment.isoformat() if jump.moment else None,
        "now": now().isoformat(),
    }
