"""Catch-up after absence: one short message when a member comes back after blocking or /stop.

The absence starts at `Member.unreachable_since` (set by the delivery engine on a 403 and by
/stop) and ends when they come back; the purpose names that start, so one return owes one message.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import now
from bot.delivery.planning import owe
from bot.models import Member, Webinar

KIND = "catchup"
MISSED_LIMIT = 5
NEXT_LIMIT = 3


def is_away(member: Member) -> bool:
    return member.state in ("blocked", "stopped")


async def welcome_back(session: AsyncSession, member: Member) -> bool:
    """Owe the catch-up for the absence now ending; call before marking the member active."""
    since = member.unreachable_since
    if not is_away(member) or since is None:
        return False
    return await owe(
        session,
        chat_id=member.chat_id,
        member_id=member.id,
        kind=KIND,
        purpose=f"catchup:{since.isoformat()}",
        batch=KIND,
        payload={"since": since.isoformat()},
        due_at=now(),
        priority=10,
    )


async def returned(session: AsyncSession, member: Member) -> bool:
    """The member unblocked the bot: active again if they had consented, with one catch-up."""
    owed = await welcome_back(session, member)
    if member.state == "blocked":
        # Consent (`subscribed`) is separate and unchanged: they get what they had chosen.
        member.state = "active"
        member.unreachable_since = None
    return owed


def went_away(member: Member) -> None:
    """The member blocked the bot (Telegram told us before any send failed)."""
    member.state = "blocked"
    member.unreachable_since = member.unreachable_since or now()


async def missed(
    session: AsyncSession, since: datetime, limit: int = MISSED_LIMIT
) -> list[Webinar]:
    """Sessions held while the member was away, most recent first; cancelled ones left out."""
    query = (
        select(Webinar)
        .where(Webinar.starts_at >= since, Webinar.starts_at < now())
        .where(Webinar.status != "cancelled")
        .order_by(Webinar.starts_at.desc(), Webinar.id.desc())
        .limit(limit)
    )
    return list(await session.scalars(query))


async def coming(session: AsyncSession, limit: int = NEXT_LIMIT) -> list[Webinar]:
    query = (
        select(Webinar)
        .where(Webinar.starts_at >= now(), Webinar.status == "scheduled")
        .order_by(Webinar.starts_at, Webinar.id)
        .limit(limit)
    )
    return list(await session.scalars(query))
