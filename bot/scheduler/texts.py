"""Phrases for scheduled messages that depend on the moment they are rendered."""

from __future__ import annotations

from datetime import timedelta

from bot.i18n import _, ngettext

# Up to this many minutes a reminder says "in 2 h 10 min"; beyond, whole hours read better.
EXACT_UNTIL = 180
DAYS_FROM = 47 * 60


def until_phrase(delta: timedelta) -> str:
    """`in 10 minutes`, `in 1 h 5 min`, `in 24 hours`, `in 3 days`.

    Computed from the time really left, never from the offset, so a late reminder never claims
    more time than there is.
    """
    minutes = max(1, round(delta.total_seconds() / 60))
    if minutes < 60:
        return ngettext("in {n} minute", "in {n} minutes", minutes).format(n=minutes)
    hours, rest = divmod(minutes, 60)
    if minutes < EXACT_UNTIL and rest:
        return _("in {hours} h {minutes} min").format(hours=hours, minutes=rest)
    if minutes < DAYS_FROM:
        hours = round(minutes / 60)
        return ngettext("in {n} hour", "in {n} hours", hours).format(n=hours)
    days = round(minutes / 1440)
    return ngettext("in {n} day", "in {n} days", days).format(n=days)


def ago_phrase(delta: timedelta) -> str:
    minutes = max(1, round(delta.total_seconds() / 60))
    return ngettext("{n} minute ago", "{n} minutes ago", minutes).format(n=minutes)
