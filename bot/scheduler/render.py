"""Render reminders and change notices at send time, in the member's language and zone.

Rendering late is the point: after downtime the text says the time really left, a superseded
or meaningless reminder is dropped (DropDelivery) instead of sent, and preferences changed since
planning are honoured.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import now
from bot.delivery.message import DropDelivery, OutgoingMessage
from bot.delivery.render import register_renderer
from bot.i18n import N_, _, use_locale
from bot.models import Delivery, Member, Webinar
from bot.render.common import esc, is_link
from bot.render.webinar import BANNERS, card_keyboard, title_of
from bot.scheduler.changes import DROP_STOPPED
from bot.scheduler.reminders import DROP_RESCHEDULED, chosen_offsets, ends_at, parse_keys
from bot.scheduler.texts import ago_phrase, until_phrase
from bot.services.webinars import has_rsvp
from bot.settings import parse_offset
from bot.timefmt import format_when, parse_zone

# Until this long after the start the 0m message says "starting now"; later, "started N ago".
STARTING_NOW = timedelta(minutes=5)


@dataclass
class Defaults:
    """The community zone for rows planned without one; set by bot.jobs.start_scheduler."""

    zone: str = "Europe/Kyiv"


DEFAULTS = Defaults()


@dataclass(frozen=True)
class Target:
    member: Member
    webinar: Webinar
    rsvp: bool
    zone: ZoneInfo  # the member's
    organiser: ZoneInfo


async def load_target(session: AsyncSession, delivery: Delivery) -> Target:
    payload = delivery.payload or {}
    member = await session.get(Member, delivery.member_id) if delivery.member_id else None
    if member is None or member.state != "active":
        raise DropDelivery("member gone or stopped")
    webinar = await session.get(Webinar, int(payload.get("webinar_id", 0)))
    if webinar is None:
        raise DropDelivery("webinar deleted")
    organiser = parse_zone(str(payload.get("zone") or DEFAULTS.zone)) or ZoneInfo("UTC")
    zone = parse_zone(member.time_zone or "") or organiser
    rsvp = await has_rsvp(session, member.id, webinar.id)
    return Target(member, webinar, rsvp, zone, organiser)


def effective_offsets(target: Target, configured: list[str]) -> list[str]:
    """The offsets this member gets: all for an RSVP, else those they chose."""
    member = target.member
    if target.rsvp:
        return configured
    if not (member.subscribed and member.reminders_on):
        return []
    if member.reminder_offsets is None:
        return configured
    chosen = chosen_offsets(member.reminder_offsets)
    return [key for key in configured if parse_offset(key) in chosen]


def check_reminder(target: Target, payload: dict[str, object]) -> timedelta:
    """The reminder's offset, or DropDelivery when it must not be sent now."""
    webinar, moment = target.webinar, now()
    if webinar.status != "scheduled":
        raise DropDelivery(DROP_STOPPED.format(status=webinar.status))
    if webinar.schedule_version != payload.get("version"):
        raise DropDelivery(DROP_RESCHEDULED)
    key = str(payload.get("offset"))
    configured = payload.get("offsets") or [key]
    wanted = effective_offsets(target, [str(k) for k in configured])  # type: ignore[union-attr]
    if key not in wanted:
        raise DropDelivery("member no longer wants this reminder")
    if moment >= ends_at(webinar):
        raise DropDelivery("session ended")
    offset = parse_offset(key)
    if offset and moment >= webinar.starts_at:
        raise DropDelivery("session started; only the starting-now message is sent")
    # A later (smaller) reminder already due makes this one stale: one reminder at a time.
    for smaller in parse_keys(wanted):
        if smaller < offset and moment >= webinar.starts_at - smaller:
            raise DropDelivery("superseded by a later reminder")
    return offset


def _when_lines(target: Target, language: str) -> list[str]:
    webinar = target.webinar
    when = format_when(webinar.starts_at, target.zone, language, target.organiser)
    return [f"<b>{esc(title_of(webinar, language))}</b>", "🗓 " + esc(when)]


def reminder_text(target: Target, offset: timedelta) -> str:
    webinar, moment, language = target.webinar, now(), target.member.language
    if offset:
        head = _("⏰ Reminder: the session starts {when}.").format(
            when=until_phrase(webinar.starts_at - moment)
        )
    elif moment - webinar.starts_at < STARTING_NOW:
        head = _("🔴 Starting now!")
    else:
        head = _("🔴 The session started {ago}; you can still join.").format(
            ago=ago_phrase(moment - webinar.starts_at)
        )
    lines = [f"<b>{esc(head)}</b>", "", *_when_lines(target, language)]
    if not offset and is_link(webinar.join_url):
        link = f'<a href="{html.escape(str(webinar.join_url))}">{esc(webinar.join_url)}</a>'
        lines.append(_("Join: {link}").format(link=link))
    return "\n".join(lines)


async def render_reminder(session: AsyncSession, delivery: Delivery) -> OutgoingMessage:
    target = await load_target(session, delivery)
    offset = check_reminder(target, delivery.payload or {})
    with use_locale(target.member.language):
        text = reminder_text(target, offset)
        keyboard = card_keyboard(target.webinar, target.rsvp)
    # Text first on slow networks: no preview card for the join link.
    return OutgoingMessage(text=text, reply_markup=keyboard, link_preview_disabled=True)


def check_notice(target: Target, payload: dict[str, object]) -> str:
    webinar, what = target.webinar, str(payload.get("what"))
    if ends_at(webinar) <= now():
        raise DropDelivery("session ended")
    if what == "moved":
        if webinar.status != "scheduled" or webinar.schedule_version != payload.get("version"):
            raise DropDelivery("superseded by a later change")
    elif webinar.status != what:
        raise DropDelivery(f"webinar is {webinar.status} again")
    return what


# Cancelled/postponed reuse the card's banners (same msgids, one translation).
NOTICE_HEADS = {"moved": N_("🕑 Time changed: this session has moved."), **BANNERS}


async def render_notice(session: AsyncSession, delivery: Delivery) -> OutgoingMessage:
    target = await load_target(session, delivery)
    what = check_notice(target, delivery.payload or {})
    language = target.member.language
    with use_locale(language):
        head = _(NOTICE_HEADS[what])
        lines = [f"<b>{esc(head)}</b>", "", *_when_lines(target, language)]
        if what == "moved":
            lines.append(_("Reminders will follow the new time."))
        keyboard = card_keyboard(target.webinar, target.rsvp)
    return OutgoingMessage(
        text="\n".join(lines), reply_markup=keyboard, link_preview_disabled=True
    )


register_renderer("reminder", render_reminder)
register_renderer("notice", render_notice)
