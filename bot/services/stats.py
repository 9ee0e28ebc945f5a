"""Numbers for moderators: members, RSVPs per upcoming session, recent broadcasts, RSVP export."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import now
from bot.models import Broadcast, Feedback, Member, Rsvp, Webinar
from bot.services import broadcasts, feedback

UPCOMING = 10


@dataclass
class Overview:
    total: int = 0
    subscribed: int = 0
    by_language: Counter[str] = field(default_factory=Counter)
    by_state: Counter[str] = field(default_factory=Counter)
    new_7: int = 0
    new_30: int = 0
    rsvps: list[tuple[Webinar, int]] = field(default_factory=list)
    broadcasts: list[tuple[Broadcast, dict[str, Any]]] = field(default_factory=list)
    feedback: list[feedback.Summary] = field(default_factory=list)
    comments: list[tuple[Feedback, Webinar]] = field(default_factory=list)


async def overview(session: AsyncSession) -> Overview:
    result = Overview()
    rows = await session.execute(
        select(Member.language, Member.state, Member.subscribed, func.count()).group_by(
            Member.language, Member.state, Member.subscribed
        )
    )
    for language, state, subscribed, count in rows.tuples():
        result.total += count
        result.by_language[language] += count
        result.by_state[state] += count
        result.subscribed += count if subscribed and state == "active" else 0
    moment = now()
    result.new_7 = await _joined_since(session, moment - timedelta(days=7))
    result.new_30 = await _joined_since(session, moment - timedelta(days=30))
    result.rsvps = await upcoming_rsvps(session)
    result.broadcasts = await broadcasts.recent(session)
    result.feedback = await feedback.summaries(session)
    result.comments = await feedback.recent_comments(session)
    return result


async def _joined_since(session: AsyncSession, moment: datetime) -> int:
    query = select(func.count()).select_from(Member).where(Member.created_at >= moment)
    return int(await session.scalar(query) or 0)


async def upcoming_rsvps(session: AsyncSession) -> list[tuple[Webinar, int]]:
    counts = select(Rsvp.webinar_id, func.count().label("n")).group_by(Rsvp.webinar_id).subquery()
    query = (
        select(Webinar, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.webinar_id == Webinar.id)
        .where(Webinar.starts_at >= now())
        .order_by(Webinar.starts_at, Webinar.id)
        .limit(UPCOMING)
    )
    return [(webinar, int(n)) for webinar, n in (await session.execute(query)).tuples()]


async def rsvp_rows(session: AsyncSession, webinar_id: int) -> list[tuple[str, str, datetime]]:
    """Name, language and RSVP time: no more personal data than organisers need."""
    query = (
        select(Member.first_name, Member.language, Rsvp.created_at)
        .join(Rsvp, Rsvp.member_id == Member.id)
        .where(Rsvp.webinar_id == webinar_id)
        .order_by(Rsvp.created_at, Rsvp.id)
    )
    return list((await session.execute(query)).tuples())
