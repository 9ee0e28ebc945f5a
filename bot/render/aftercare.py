"""After the session and after an absence: the recording notice (with feedback), the catch-up."""

from __future__ import annotations

import html
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.delivery.message import DropDelivery, OutgoingMessage
from bot.delivery.render import register_renderer
from bot.i18n import _, use_locale
from bot.models import Delivery, Member, Webinar
from bot.render.common import esc, is_link
from bot.render.webinar import title_of
from bot.services import catchup
from bot.services.feedback import RATINGS
from bot.services.webinars import get_webinar, has_rsvp
from bot.timefmt import format_short, format_when, other_clock, parse_zone


def zones(member: Member) -> tuple[ZoneInfo, ZoneInfo]:
    """The member's zone and the organiser's (for the second clock)."""
    from bot.scheduler.render import DEFAULTS  # set from TIMEZONE at start-up

    organiser = parse_zone(DEFAULTS.zone) or ZoneInfo("UTC")
    return parse_zone(member.time_zone or "") or organiser, organiser


async def active_member(session: AsyncSession, delivery: Delivery) -> Member:
    member = await session.get(Member, delivery.member_id) if delivery.member_id else None
    if member is None or member.state != "active":
        raise DropDelivery("member gone or stopped")
    return member


def link(url: str, label: str) -> str:
    return f'<a href="{html.escape(url)}">{esc(label)}</a>'


def feedback_keyboard(webinar: Webinar, asked: bool) -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(_("🎥 Watch the recording"), url=str(webinar.recording_url))]]
    if asked:
        numbers = [
            InlineKeyboardButton(str(n), callback_data=f"fb:{webinar.id}:{n}") for n in RATINGS
        ]
        rows.append(numbers)
    return InlineKeyboardMarkup(rows)


def recording_text(webinar: Webinar, member: Member, asked: bool) -> str:
    zone, organiser = zones(member)
    when = format_when(webinar.starts_at, zone, member.language, organiser)
    lines = [
        "<b>" + esc(_("🎥 The recording is ready")) + "</b>",
        "",
        f"<b>{esc(title_of(webinar, member.language))}</b>",
        "🗓 " + esc(when),
        link(str(webinar.recording_url), _("Watch the recording")),
    ]
    if asked:
        lines += ["", _("How useful was the session for you? Tap 1 (not useful) to 5 (very).")]
    return "\n".join(lines)


async def render_recording(session: AsyncSession, delivery: Delivery) -> OutgoingMessage:
    member = await active_member(session, delivery)
    webinar = await get_webinar(session, int((delivery.payload or {}).get("webinar_id", 0)))
    if webinar is None or not is_link(webinar.recording_url):
        raise DropDelivery("recording removed")
    asked = await has_rsvp(session, member.id, webinar.id)
    with use_locale(member.language):
        text = recording_text(webinar, member, asked)
        keyboard = feedback_keyboard(webinar, asked)
    return OutgoingMessage(text=text, reply_markup=keyboard, link_preview_disabled=True)


def _missed_line(webinar: Webinar, member: Member, zone: ZoneInfo, organiser: ZoneInfo) -> str:
    when = format_short(webinar.starts_at, zone, member.language)
    when += other_clock(webinar.starts_at, zone, member.language, organiser)
    line = f"• {esc(when)} — "
    line += esc(title_of(webinar, member.language))
    if is_link(webinar.recording_url):
        line += " — " + link(str(webinar.recording_url), _("🎥 recording"))
    return line


def catchup_text(member: Member, missed: list[Webinar], coming: list[Webinar]) -> str:
    zone, organiser = zones(member)
    lines = ["<b>" + esc(_("👋 Welcome back!")) + "</b>", ""]
    if missed:
        lines.append(_("While you were away:"))
        lines += [_missed_line(webinar, member, zone, organiser) for webinar in missed]
    else:
        lines.append(_("No sessions took place while you were away."))
    if coming:
        lines += ["", _("Coming next:")]
        for webinar in coming:
            when = format_when(webinar.starts_at, zone, member.language, organiser)
            lines.append(f"• {esc(when)} — {esc(title_of(webinar, member.language))}")
    lines += ["", _("Open /webinars to see the details and ask for reminders.")]
    return "\n".join(lines)


async def render_catchup(session: AsyncSession, delivery: Delivery) -> OutgoingMessage:
    member = await active_member(session, delivery)
    since = datetime.fromisoformat(str((delivery.payload or {}).get("since")))
    missed = await catchup.missed(session, since)
    coming = await catchup.coming(session)
    if not missed and not coming:
        raise DropDelivery("nothing to catch up on")
    with use_locale(member.language):
        text = catchup_text(member, missed, coming)
        keyboard = InlineKeyboardMarkup(
            [[InlineKeyboardButton(_("📅 Webinars"), callback_data="menu:webinars")]]
        )
    return OutgoingMessage(text=text, reply_markup=keyboard, link_preview_disabled=True)


register_renderer("recording", render_recording)
register_renderer(catchup.KIND, render_catchup)
