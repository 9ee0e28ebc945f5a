"""One-tap feedback after a session: a 1–5 rating per member and webinar, an optional comment."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import now
from bot.models import Feedback, Webinar
from bot.scheduler.reminders import ends_at
from bot.services.webinars import has_rsvp

COMMENT_LIMIT = 1000
RATINGS = range(1, 6)


class Rated(StrEnum):
    SAVED = "saved"
    STALE = "stale"  # no such webinar, not over yet, a forged number, or never RSVP'd


@dataclass(frozen=True)
class Summary:
    webinar: Webinar
    average: float
    count: int


async def rate(session: AsyncSession, member_id: int, webinar_id: int, rating: int) -> Rated:
    """Store (or change) the member's rating; only people who RSVP'd a past session are asked."""
    webinar = await session.get(Webinar, webinar_id)
    if rating not in RATINGS or webinar is None or ends_at(webinar) > now():
        return Rated.STALE
    if not await has_rsvp(session, member_id, webinar_id):
        return Rated.STALE
    found = await _find(session, member_id, webinar_id)
    if found is None:
        session.add(Feedback(member_id=member_id, webinar_id=webinar_id, rating=rating))
    else:
        found.rating = rating
    await session.flush()
    return Rated.SAVED


async def comment(session: AsyncSession, member_id: int, webinar_id: int, text: str) -> bool:
    """Attach the comment to the member's rating; False when there is no rating to attach it to."""
    found = await _find(session, member_id, webinar_id)
    text = text.strip()
    if found is None or not text:
        return False
    found.comment = text[:COMMENT_LIMIT]
    return True


async def _find(session: AsyncSession, member_id: int, webinar_id: int) -> Feedback | None:
    query = select(Feedback).where(
        Feedback.member_id == member_id, Feedback.webinar_id == webinar_id
    )
    return await session.scalar(query)


async def summaries(session: AsyncSession, limit: int = 5) -> list[Summary]:
    """Average and count per webinar, most recent sessions first (for /stats)."""
    query = (
        select(Webinar, func.avg(Feedback.rating), func.count(Feedback.id))
        .join(Feedback, Feedback.webinar_id == Webinar.id)
        .group_by(Webinar.id)
        .order_by(Webinar.starts_at.desc())
        .limit(limit)
    )
    rows = (await session.execute(query)).tuples()
    return [Summary(webinar, float(average), int(count)) for webinar, average, count in rows]


async def recent_comments(session: AsyncSession, limit: int = 5) -> list[tuple[Feedback, Webinar]]:
    """The latest written comments with their session, newest first (for /stats)."""
    query = (
        select(Feedback, Webinar)
        .join(Webinar, Feedback.webinar_id == Webinar.id)
        .where(Feedback.comment.is_not(None), Feedback.comment != "")
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
        .limit(limit)
    )
    return [(row, webinar) for row, webinar in (await session.execute(query)).tuples()]
