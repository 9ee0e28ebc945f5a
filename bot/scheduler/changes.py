"""Schedule changes: move or cancel a session, drop what was owed, owe one short notice.

`reschedule` and `cancel` are the services moderators call (inside their transaction). The content
import changes webinars directly; `reconcile` (run by every planner tick) then owes the same
notices, idempotently, so both paths tell members exactly once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import now
from bot.delivery.planning import owe_from_select
from bot.models import Delivery, Member, Rsvp, Webinar
from bot.scheduler.reminders import (
    DROP_RESCHEDULED,
    LONGEST,
    REMINDER_PRIORITY,
    all_reminder_batches,
    drop_pending_reminders,
    ends_at,
    reminder_batch,
)

# Statuses that stop a session; members who were expecting it hear about it.
STOPPED = ("cancelled", "postponed")
DROP_STOPPED = "webinar {status}"
TOLD = ("sent", "sending")


def notice_batch(webinar_id: int) -> str:
    return f"notice:{webinar_id}"


def moved_purpose(webinar: Webinar) -> str:
    return f"notice:{webinar.id}:v{webinar.schedule_version}"


def stopped_purpose(webinar: Webinar) -> str:
    return f"notice:{webinar.id}:{webinar.status}:v{webinar.schedule_version}"


async def reschedule(
    session: AsyncSession, webinar: Webinar, new_start: datetime, *, zone: str | None = None
) -> int:
    """Move `webinar` to `new_start` (aware); return how many "time changed" notices are owed.

    Pending reminders of the old time are dropped; the next planner tick owes the new ones.
    """
    if new_start.tzinfo is None:
        raise ValueError("new_start must be timezone-aware")
    if new_start == webinar.starts_at and webinar.status == "scheduled":
        return 0
    webinar.starts_at = new_start
    webinar.status = "scheduled"
    webinar.schedule_version += 1
    webinar.updated_at = now()
    await session.flush()
    return await _moved(session, webinar, zone)


async def cancel(session: AsyncSession, webinar: Webinar, *, zone: str | None = None) -> int:
    """Cancel `webinar`; return how many cancellation notices are owed."""
    if webinar.status == "cancelled":
        return 0
    webinar.status = "cancelled"
    webinar.updated_at = now()
    await session.flush()
    return await _stopped(session, webinar, zone)


async def postpone(session: AsyncSession, webinar: Webinar, *, zone: str | None = None) -> int:
    """Postpone `webinar` with no new time yet; return how many notices are owed."""
    if webinar.status == "postponed":
        return 0
    webinar.status = "postponed"
    webinar.updated_at = now()
    await session.flush()
    return await _stopped(session, webinar, zone)


async def reconcile(session: AsyncSession, zone: str, moment: datetime) -> int:
    """Owe notices for changes made outside these services (content import, direct edits)."""
    changed = await session.scalars(
        select(Webinar)
        .where(or_(Webinar.schedule_version > 1, Webinar.status.in_(STOPPED)))
        .where(Webinar.starts_at > moment - LONGEST)
    )
    owed = 0
    for webinar in list(changed):
        if ends_at(webinar) <= moment:
            continue
        if webinar.status == "scheduled":
            owed += await _moved(session, webinar, zone)
        elif webinar.status in STOPPED:
            owed += await _stopped(session, webinar, zone)
    return owed


async def _moved(session: AsyncSession, webinar: Webinar, zone: str | None) -> int:
    await drop_pending_reminders(session, webinar, DROP_RESCHEDULED, keep_current=True)
    if ends_at(webinar) <= now():
        return 0
    older = [*all_reminder_batches(webinar)[:-1], notice_batch(webinar.id)]
    told = _anyone_with(
        and_(
            Delivery.batch.in_(older),
            Delivery.status.in_(TOLD),
            Delivery.purpose != moved_purpose(webinar),
        )
    )
    return await _owe(session, webinar, told, moved_purpose(webinar), "moved", zone)


async def _stopped(session: AsyncSession, webinar: Webinar, zone: str | None) -> int:
    reason = DROP_STOPPED.format(status=webinar.status)
    owed = 0
    if ends_at(webinar) > now():
        # Everyone a reminder was planned for (before dropping them), plus "Remind me" presses.
        planned = and_(
            Delivery.batch.in_(all_reminder_batches(webinar)),
            or_(
                Delivery.status.in_(("pending", *TOLD)),
                and_(Delivery.status == "dropped", Delivery.last_error == reason),
            ),
        )
        rsvp = exists().where(Rsvp.member_id == Member.id, Rsvp.webinar_id == webinar.id)
        recipients = _anyone_with(planned, rsvp)
        owed = await _owe(
            session, webinar, recipients, stopped_purpose(webinar), webinar.status, zone
        )
    await drop_pending_reminders(session, webinar, reason)
    return owed


def _anyone_with(deliveries: object, *alternatives: object) -> Select[tuple[int, int]]:
    """Active members with a delivery matching `deliveries` (or any alternative condition)."""
    had = exists().where(Delivery.member_id == Member.id, deliveries)  # type: ignore[arg-type]
    return select(Member.chat_id, Member.id).where(
        Member.state == "active",
        or_(had, *alternatives),  # type: ignore[arg-type]
    )


async def _owe(
    session: AsyncSession,
    webinar: Webinar,
    recipients: Select[tuple[int, int]],
    purpose: str,
    what: str,
    zone: str | None,
) -> int:
    payload = {"webinar_id": webinar.id, "version": webinar.schedule_version, "what": what}
    if zone:
        payload["zone"] = zone
    return await owe_from_select(
        session,
        recipients,
        kind="notice",
        purpose=purpose,
        batch=notice_batch(webinar.id),
        payload=payload,
        due_at=now(),
        priority=REMINDER_PRIORITY,
    )


__all__ = ["cancel", "postpone", "reconcile", "reminder_batch", "reschedule"]
