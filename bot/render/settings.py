"""The settings screens: a summary of the member's choices and one keyboard per choice."""

from __future__ import annotations

from datetime import timedelta

from telegram import InlineKeyboardButton as Button
from telegram import InlineKeyboardMarkup

from bot.i18n import N_, _, ngettext
from bot.models import Member, Theme
from bot.render.common import esc, local
from bot.settings import format_offset
from bot.timefmt import zone_city

COMMON_ZONES = (
    "Europe/Kyiv",
    "Europe/Warsaw",
    "Europe/Berlin",
    "Europe/Brussels",
    "Europe/London",
)
LANGUAGE_NAMES = {"uk": "Українська", "en": "English"}
DIGEST_NAMES = {"weekly": N_("weekly"), "daily": N_("daily"), "off": N_("off")}
QUIET_NAMES = {"none": N_("none"), "22": "22:00–08:00", "23": "23:00–07:00"}
BACK = N_("◀ Back")


def offset_label(delta: timedelta) -> str:
    """`24 hours before`, `1 hour before`, `at the start`."""
    minutes = int(delta.total_seconds() // 60)
    if minutes <= 0:
        return _("at the start")
    if minutes % 1440 == 0:
        days = minutes // 1440
        return ngettext("{n} day before", "{n} days before", days).format(n=days)
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("{n} hour before", "{n} hours before", hours).format(n=hours)
    return ngettext("{n} minute before", "{n} minutes before", minutes).format(n=minutes)


def quiet_key(member: Member) -> str:
    return {"22:00": "22", "23:00": "23"}.get(member.quiet_start or "", "none")


def summary(
    member: Member, zone: str, offsets: list[timedelta], chosen: list[str], themes: list[Theme]
) -> str:
    """The member's current choices, one line each."""
    language = member.language
    picked = [offset_label(o) for o in offsets if format_offset(o) in chosen]
    reminders = ", ".join(picked) if member.reminders_on and picked else _("off")
    followed = ", ".join(local(theme, "title", language) for theme in themes) or _("none")
    lines = [
        "<b>" + _("Your settings") + "</b>",
        "",
        _("🌐 Language: {value}").format(value=LANGUAGE_NAMES.get(language, language)),
        _("🕒 Time zone: {city} ({zone})").format(
            city=esc(zone_city(zone, language)), zone=esc(zone)
        ),
        _("🔔 Reminders: {value}").format(value=esc(reminders)),
        _("📰 Digest: {value}").format(value=_(DIGEST_NAMES.get(member.digest, "off"))),
        _("🌙 Quiet hours: {value}").format(value=_(QUIET_NAMES[quiet_key(member)])),
        _("🧭 Followed themes: {value}").format(value=esc(followed)),
    ]
    if not member.subscribed:
        lines += ["", _("You are not subscribed, so nothing is sent. Send /start to subscribe.")]
    return "\n".join(lines)


def main_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                Button(_("🌐 Language"), callback_data="s:lang"),
                Button(_("🕒 Time zone"), callback_data="s:tz"),
            ],
            [
                Button(_("🔔 Reminders"), callback_data="s:rem"),
                Button(_("📰 Digest"), callback_data="s:dig"),
            ],
            [
                Button(_("🌙 Quiet hours"), callback_data="s:quiet"),
                Button(_("🧭 Themes"), callback_data="menu:themes"),
            ],
            [Button(_("📆 Calendar link"), callback_data="cal:show")],
        ]
    )


def _back() -> list[Button]:
    return [Button(_(BACK), callback_data="s:home")]


def _mark(on: bool, label: str) -> str:
    return ("✅ " if on else "▫️ ") + label


def language_keyboard(current: str) -> InlineKeyboardMarkup:
    rows = [
        [Button(_mark(code == current, name), callback_data=f"s:lang:{code}")]
        for code, name in LANGUAGE_NAMES.items()
    ]
    return InlineKeyboardMarkup([*rows, _back()])


def zone_keyboard(current: str, language: str) -> InlineKeyboardMarkup:
    rows = [
        [Button(_mark(zone == current, zone_city(zone, language)), callback_data=f"s:tz:{index}")]
        for index, zone in enumerate(COMMON_ZONES)
    ]
    rows.append([Button(_("⌨️ Type another zone"), callback_data="s:tz:other")])
    return InlineKeyboardMarkup([*rows, _back()])


def reminders_keyboard(
    on: bool, offsets: list[timedelta], chosen: list[str]
) -> InlineKeyboardMarkup:
    rows = [[Button(_mark(on, _("Reminders on")), callback_data="s:rem:toggle")]]
    for offset in offsets:
        label = format_offset(offset)
        rows.append(
            [
                Button(
                    _mark(on and label in chosen, offset_label(offset)),
                    callback_data=f"s:off:{label}",
                )
            ]
        )
    return InlineKeyboardMarkup([*rows, _back()])


def digest_keyboard(current: str) -> InlineKeyboardMarkup:
    rows = [
        [Button(_mark(key == current, _(name)), callback_data=f"s:dig:{key}")]
        for key, name in DIGEST_NAMES.items()
    ]
    return InlineKeyboardMarkup([*rows, _back()])


def quiet_keyboard(current: str) -> InlineKeyboardMarkup:
    rows = [
        [Button(_mark(key == current, _(name)), callback_data=f"s:quiet:{key}")]
        for key, name in QUIET_NAMES.items()
    ]
    return InlineKeyboardMarkup([*rows, _back()])
