"""Webinar cards and lists; the scheduler reuses `webinar_card` for reminders."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.clock import now
from bot.i18n import N_, _, use_locale
from bot.models import Webinar
from bot.render.common import clip, esc, is_link, local, nav_row, number_buttons
from bot.timefmt import format_duration, format_short, format_when

DESCRIPTION_LIMIT = 1500
TITLE_LIMIT = 200
BANNERS = {
    "cancelled": N_("❌ Cancelled: this session will not take place."),
    "postponed": N_("⏸ Postponed: the new date will be announced."),
    "interrupted": N_("⚠️ Interrupted: the session was cut short. Watch for an update."),
}
MARKS = {
    "cancelled": N_("cancelled"),
    "postponed": N_("postponed"),
    "interrupted": N_("interrupted"),
}


def is_over(webinar: Webinar, moment: datetime | None = None) -> bool:
    end = webinar.starts_at + timedelta(minutes=webinar.duration_minutes)
    return end <= (moment or now())


def title_of(webinar: Webinar, language: str) -> str:
    return clip(local(webinar, "title", language), TITLE_LIMIT)


def _facts(webinar: Webinar, language: str) -> list[str]:
    lines = [_("⏱ {duration}").format(duration=format_duration(webinar.duration_minutes))]
    if webinar.speakers:
        speakers = ", ".join(clip(str(name), 80) for name in webinar.speakers[:10])
        lines.append(_("🎤 Speakers: {names}").format(names=esc(speakers)))
    if webinar.themes:
        themes = ", ".join(clip(local(theme, "title", language), 80) for theme in webinar.themes)
        lines.append(_("🧭 Themes: {names}").format(names=esc(themes)))
    if webinar.series:
        lines.append(_("📚 Series: {name}").format(name=esc(clip(webinar.series, 120))))
    return lines


def card_text(webinar: Webinar, language: str, zone: ZoneInfo, organiser_zone: ZoneInfo) -> str:
    lines = []
    if webinar.status in BANNERS:
        lines += [f"<b>{_(BANNERS[webinar.status])}</b>", ""]
    lines.append(f"<b>{esc(title_of(webinar, language))}</b>")
    lines.append("🗓 " + esc(format_when(webinar.starts_at, zone, language, organiser_zone)))
    lines += _facts(webinar, language)
    description = clip(local(webinar, "description", language), DESCRIPTION_LIMIT)
    if description:
        lines += ["", esc(description)]
    return "\n".join(lines)


def card_keyboard(webinar: Webinar, rsvp: bool) -> InlineKeyboardMarkup:
    live = webinar.status == "scheduled" and not is_over(webinar)
    links = []
    if live and is_link(webinar.join_url):
        links.append(InlineKeyboardButton(_("▶️ Join"), url=webinar.join_url))
    if live and is_link(webinar.registration_url):
        links.append(InlineKeyboardButton(_("📝 Register"), url=webinar.registration_url))
    rows = [links] if links else []
    if is_link(webinar.recording_url):
        rows.append([InlineKeyboardButton(_("🎥 Recording"), url=webinar.recording_url)])
    if live:
        label = _("🔕 Don't remind me") if rsvp else _("🔔 Remind me")
        rows.append([InlineKeyboardButton(label, callback_data=f"w:rsvp:{webinar.id}")])
    if not is_over(webinar):
        calendar = InlineKeyboardButton(
            _("📆 Add to calendar"), callback_data=f"w:ics:{webinar.id}"
        )
        rows.append([calendar])
    return InlineKeyboardMarkup(rows)


def webinar_card(
    webinar: Webinar, language: str, zone: ZoneInfo, organiser_zone: ZoneInfo, rsvp: bool
) -> tuple[str, InlineKeyboardMarkup]:
    """The full card (text ≤ ~2 KB) and its buttons, in `language` whatever the current locale."""
    with use_locale(language):
        return card_text(webinar, language, zone, organiser_zone), card_keyboard(webinar, rsvp)


def webinar_line(index: int, webinar: Webinar, language: str, zone: ZoneInfo) -> str:
    """`3. чт 3 груд., 14:00 — Title (cancelled)` for lists."""
    when = format_short(webinar.starts_at, zone, language)
    line = f"<b>{index}.</b> {esc(when)} — {esc(clip(title_of(webinar, language), 160))}"
    if webinar.status in MARKS:
        line += f" <i>({_(MARKS[webinar.status])})</i>"
    if is_over(webinar) and webinar.recording_url:
        line += " 🎥"
    return line


def webinar_list(
    webinars: list[Webinar],
    language: str,
    zone: ZoneInfo,
    heading: str,
    page: tuple[str, int, bool, bool],
) -> tuple[str, InlineKeyboardMarkup]:
    """A page of compact lines with a numbered button each; `page` = (prefix, n, prev, next)."""
    prefix, number, has_prev, has_next = page
    lines = [f"<b>{esc(heading)}</b>", ""]
    numbered = []
    for index, webinar in enumerate(webinars, start=1):
        lines.append(webinar_line(index, webinar, language, zone))
        numbered.append((index, f"w:card:{webinar.id}"))
    lines += ["", _("Tap a number to open the session.")]
    rows = number_buttons(numbered)
    nav = nav_row(prefix, number, has_prev, has_next)
    if nav:
        rows.append(nav)
    return "\n".join(lines), InlineKeyboardMarkup(rows)
