"""After the session: when its recording appears, tell the people who cared, once.

`recording_added` is called by both ways a recording URL arrives: the content import and the
moderator's edit. A link entered before the session ends waits for `plan_recordings`, which
the planner tick runs, so it is announced when the session is over. The purpose
`recording:<webinar id>` makes a second call owe nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select, String, and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import now
from bot.delivery.planning import owe_from_select
from bot.models import Delivery, Member, Rsvp, Webinar, member_themes, webinar_themes
from bot.scheduler.reminders import LONGEST, ends_at

KIND = "recording"
PRIORITY = 5
# Sessions that ended this long ago still get their waiting recording announced (downtime).
CATCH_UP = timedelta(days=2)


def purpose(webinar_id: int) -> str:
    return f"recording:{webinar_id}"


def audience(webinar_id: int) -> Select[tuple[int, int]]:
    """(chat_id, member_id): RSVPs (their own consent) and subscribed followers of its themes."""
    rsvp = exists().where(Rsvp.member_id == Member.id, Rsvp.webinar_id == webinar_id)
    follows = exists().where(
        member_themes.c.member_id == Member.id,
        member_themes.c.theme_id == webinar_themes.c.theme_id,
        webinar_themes.c.webinar_id == webinar_id,
    )
    return select(Member.chat_id, Member.id).where(
        Member.state == "active", or_(rsvp, and_(Member.subscribed.is_(True), follows))
    )


async def recording_added(session: AsyncSession, webinar: Webinar) -> int:
    """Owe the recording notice for a past session; return how many new rows were owed."""
    if not webinar.recording_url or webinar.status == "cancelled":
        return 0
    if ends_at(webinar) > now():
        return 0  # a link before the end is the live stream, not a recording
    return await owe_from_select(
        session,
        audience(webinar.id),
        kind=KIND,
        purpose=purpose(webinar.id),
        batch=purpose(webinar.id),
        payload={"webinar_id": webinar.id},
        due_at=now(),
        priority=PRIORITY,
    )


async def set_recording(session: AsyncSession, webinar: Webinar, url: str | None) -> int:
    """Attach (or with None remove) the recording; a new link is announced once."""
    added = bool(url) and webinar.recording_url != url
    webinar.recording_url = url
    webinar.updated_at = now()
    await session.flush()
    return await recording_added(session, webinar) if added else 0


async def plan_recordings(session: AsyncSession, moment: datetime) -> int:
    """Announce recordings entered before their session ended, now that it has."""
    announced = exists().where(Delivery.purpose == KIND + ":" + Webinar.id.cast(String))
    candidates = await session.scalars(
        select(Webinar).where(
            Webinar.recording_url.is_not(None),
            Webinar.status != "cancelled",
            Webinar.starts_at <= moment,
            Webinar.starts_at > moment - CATCH_UP - LONGEST,
            ~announced,
        )
    )
    owed = 0
    for webinar in candidates:
        if moment - CATCH_UP < ends_at(webinar) <= moment:
            owed += await recording_added(session, webinar)
    return owed
