"""Quiet hours: what waits until a member's night is over, and what goes at once but silently.

A send-time gate (registered with the delivery engine) rather than a planning-time due date:
preferences and time zones change after planning, and a deferred row simply waits in the
outbox as `pending` with its due time moved to the end of the quiet hours, its attempt returned.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import now
from bot.delivery.message import DeferDelivery, OutgoingMessage
from bot.delivery.render import register_gate
from bot.models import Delivery, Member, Webinar
from bot.services.webinars import has_rsvp
from bot.timefmt import parse_zone

# Kinds that wait for the morning; anything else (replies to a member's own action such as a
# catch-up, moderator notes, messages to community chats) is never held back.
HELD = frozenset({"reminder", "digest", "broadcast", "recording", "notice"})
DEFAULT_ZONE = "Europe/Kyiv"


def _clock(text: str | None) -> time | None:
    try:
        return time.fromisoformat(text) if text else None
    except ValueError:
        return None


def quiet_until(
    member: Member, moment: datetime, default_zone: str = DEFAULT_ZONE
) -> datetime | None:
    """When the member's current quiet hours end, or None when `moment` is outside them."""
    start, end = _clock(member.quiet_start), _clock(member.quiet_end)
    if start is None or end is None or start == end:
        return None
    zone = parse_zone(member.time_zone or "") or parse_zone(default_zone) or ZoneInfo("UTC")
    local = moment.astimezone(zone)
    overnight = start > end
    inside = (
        (local.time() >= start or local.time() < end) if overnight else start <= local.time() < end
    )
    if not inside:
        return None
    day = local.date() + timedelta(days=1) if overnight and local.time() >= start else local.date()
    # Wall time in the member's zone; zoneinfo resolves a DST change the usual way.
    return datetime.combine(day, end, tzinfo=zone).astimezone(UTC)


async def _is_starting_for_rsvp(session: AsyncSession, delivery: Delivery, member: Member) -> bool:
    payload = delivery.payload or {}
    if delivery.kind == "reminder" and payload.get("offset") == "0m":
        return await has_rsvp(session, member.id, int(payload.get("webinar_id", 0)))
    return False


async def _starts_before(session: AsyncSession, delivery: Delivery, until: datetime) -> bool:
    # A change notice about a session that starts before morning is useless at 08:00.
    if delivery.kind != "notice":
        return False
    webinar = await session.get(Webinar, int((delivery.payload or {}).get("webinar_id", 0)))
    return webinar is not None and webinar.starts_at <= until


async def quiet_gate(
    session: AsyncSession, delivery: Delivery, message: OutgoingMessage
) -> OutgoingMessage:
    """Hold HELD kinds in quiet hours; "starting now" (RSVP) and urgent notices go silently."""
    if delivery.kind not in HELD or delivery.member_id is None:
        return message
    member = await session.get(Member, delivery.member_id)
    if member is None:
        return message
    from bot.scheduler.render import DEFAULTS  # the organiser's zone, set at start-up

    until = quiet_until(member, now(), DEFAULTS.zone)
    if until is None:
        return message
    if await _is_starting_for_rsvp(session, delivery, member) or await _starts_before(
        session, delivery, until
    ):
        return dataclasses.replace(message, disable_notification=True)
    raise DeferDelivery(until, "quiet hours")


register_gate(quiet_gate)
