"""Plan session reminders: one outbox row per (member, webinar, schedule version, offset).

Rows are planned up to PLAN_AHEAD before they fall due and rendered at send time, so what a
member reads is computed from the moment it leaves (see render.py), not from the moment planned.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, String, and_, exists, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.planning import drop_where, owe_from_select
from bot.models import Delivery, Member, Rsvp, Webinar
from bot.settings import format_offset, parse_offset

# How far ahead rows exist: long enough to survive a restart, short enough that few rows wait
# on preferences that may still change (the renderer re-checks them anyway).
PLAN_AHEAD = timedelta(hours=12)
# Longest session we plan for; bounds the query for sessions that may still be running.
LONGEST = timedelta(hours=12)
REMINDER_PRIORITY = 10
DROP_RESCHEDULED = "webinar rescheduled"


def offset_keys(offsets: Sequence[timedelta]) -> list[str]:
    return [format_offset(offset) for offset in sorted(offsets, reverse=True)]


def reminder_purpose(webinar_id: int, version: int, offset: timedelta) -> str:
    return f"reminder:{webinar_id}:v{version}:{format_offset(offset)}"


def reminder_batch(webinar_id: int, version: int) -> str:
    return f"reminder:{webinar_id}:v{version}"


def all_reminder_batches(webinar: Webinar) -> list[str]:
    return [reminder_batch(webinar.id, v) for v in range(1, webinar.schedule_version + 1)]


def ends_at(webinar: Webinar) -> datetime:
    return webinar.starts_at + timedelta(minutes=webinar.duration_minutes)


def known_since(webinar: Webinar) -> datetime:
    # When members could first have learnt this start time: created, or last rescheduled.
    # A moment before it never gets a reminder ("in 24 hours" about a session added today).
    return webinar.created_at if webinar.schedule_version <= 1 else webinar.updated_at


def should_plan(webinar: Webinar, offset: timedelta, moment: datetime) -> bool:
    due = webinar.starts_at - offset
    if due > moment + PLAN_AHEAD or due < known_since(webinar) or moment >= ends_at(webinar):
        return False
    # Before the start every offset may still be owed; after it only "starting now".
    return offset == timedelta(0) or moment < webinar.starts_at


def spellings(offset: timedelta) -> list[str]:
    """Every way a member's list may write this offset: 24h is also 1d and 1440m."""
    minutes = int(offset.total_seconds() // 60)
    found = [f"{minutes}m"]
    if minutes % 60 == 0:
        found.append(f"{minutes // 60}h")
    if minutes and minutes % 1440 == 0:
        found.append(f"{minutes // 1440}d")
    return found


def chosen_offsets(listed: str) -> set[timedelta]:
    """The offsets in a member's list ("1d,0m"); unreadable parts are ignored."""
    chosen = set()
    for part in listed.split(","):
        try:
            chosen.add(parse_offset(part))
        except ValueError:
            continue
    return chosen


def wants_offset(offset: timedelta) -> ColumnElement[bool]:
    """Member.reminder_offsets is NULL (all) or lists `offset` in any spelling."""
    listed = func.replace(Member.reminder_offsets, " ", "")
    padded = literal(",", String()).concat(listed).concat(",")
    listed_here = [padded.like(f"%,{spelling},%") for spelling in spellings(offset)]
    return or_(Member.reminder_offsets.is_(None), *listed_here)


def audience(webinar_id: int, offset: timedelta) -> Select[tuple[int, int]]:
    """(chat_id, member_id) of everyone owed this offset: RSVPs always, subscribers by choice."""
    rsvp = exists().where(Rsvp.member_id == Member.id, Rsvp.webinar_id == webinar_id)
    general = and_(
        Member.subscribed.is_(True), Member.reminders_on.is_(True), wants_offset(offset)
    )
    return select(Member.chat_id, Member.id).where(Member.state == "active", or_(rsvp, general))


async def plan_webinar(
    session: AsyncSession,
    webinar: Webinar,
    offsets: Sequence[timedelta],
    zone: str,
    moment: datetime,
) -> int:
    """Owe every reminder of `webinar` that is due within PLAN_AHEAD; idempotent per purpose."""
    keys = offset_keys(offsets)
    planned = 0
    for offset in offsets:
        if not should_plan(webinar, offset, moment):
            continue
        payload = {
            "webinar_id": webinar.id,
            "version": webinar.schedule_version,
            "offset": format_offset(offset),
            "offsets": keys,  # the renderer needs them to tell a stale reminder
            "zone": zone,
        }
        planned += await owe_from_select(
            session,
            audience(webinar.id, offset),
            kind="reminder",
            purpose=reminder_purpose(webinar.id, webinar.schedule_version, offset),
            batch=reminder_batch(webinar.id, webinar.schedule_version),
            payload=payload,
            due_at=webinar.starts_at - offset,
            priority=REMINDER_PRIORITY,
        )
    return planned


async def plan_reminders(
    session: AsyncSession, offsets: Sequence[timedelta], zone: str, moment: datetime
) -> int:
    """Owe reminders for every scheduled session with an offset falling due soon."""
    latest = moment + PLAN_AHEAD + max(offsets)
    webinars = await session.scalars(
        select(Webinar)
        .where(Webinar.status == "scheduled")
        .where(Webinar.starts_at > moment - LONGEST, Webinar.starts_at <= latest)
        .order_by(Webinar.starts_at)
    )
    return sum([await plan_webinar(session, w, offsets, zone, moment) for w in webinars])


async def drop_pending_reminders(
    session: AsyncSession, webinar: Webinar, reason: str, keep_current: bool = False
) -> int:
    """Drop reminders not yet sent: all of them, or (keep_current) those of older versions."""
    batches = all_reminder_batches(webinar)
    if keep_current:
        batches = batches[:-1]
    if not batches:
        return 0
    return await drop_where(session, Delivery.batch.in_(batches), reason=reason)


def parse_keys(keys: Sequence[str]) -> list[timedelta]:
    return [parse_offset(key) for key in keys]
