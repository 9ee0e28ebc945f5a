"""One tap for moderators when a session cannot go as planned: postponed or interrupted.

Postponed with a new time is a reschedule (bot.scheduler.changes.reschedule tells everyone the
new time); without one the status becomes `postponed`. Interrupted tells the people who RSVP'd.
Every notice is an outbox row of kind "notice", owed in the moderator's transaction.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import now
from bot.delivery.planning import owe_from_select
from bot.models import Member, Rsvp, Webinar
from bot.scheduler import changes
from bot.scheduler.reminders import REMINDER_PRIORITY, drop_pending_reminders, ends_at

ACTIONS = ("postponed", "interrupted")


class Marked(StrEnum):
    DONE = "done"
    ALREADY = "already"
    OVER = "over"  # the session has ended (or was cancelled): nothing to tell


async def mark(
    session: AsyncSession, webinar: Webinar, status: str, zone: str
) -> tuple[Marked, int]:
    """Set `status` (postponed | interrupted); return the outcome and how many were told."""
    if status not in ACTIONS:
        raise ValueError(status)
    if webinar.status == status:
        return Marked.ALREADY, 0
    if webinar.status == "cancelled" or ends_at(webinar) <= now():
        return Marked.OVER, 0
    if status == "postponed":
        return Marked.DONE, await changes.postpone(session, webinar, zone=zone)
    return Marked.DONE, await interrupt(session, webinar, zone)


async def interrupt(session: AsyncSession, webinar: Webinar, zone: str) -> int:
    """The session was cut short: the people who RSVP'd hear it once; reminders still owed go."""
    webinar.status = "interrupted"
    webinar.updated_at = now()
    await session.flush()
    await drop_pending_reminders(session, webinar, "webinar interrupted")
    rsvp = exists().where(Rsvp.member_id == Member.id, Rsvp.webinar_id == webinar.id)
    audience = select(Member.chat_id, Member.id).where(Member.state == "active", rsvp)
    version = webinar.schedule_version
    return await owe_from_select(
        session,
        audience,
        kind="notice",
        purpose=f"notice:{webinar.id}:interrupted:v{version}",
        batch=changes.notice_batch(webinar.id),
        payload={
            "webinar_id": webinar.id,
            "version": version,
            "what": "interrupted",
            "zone": zone,
        },
        due_at=now(),
        priority=REMINDER_PRIORITY,
    )
