"""Dates, times and durations as a member reads them: in their zone and language, via Babel."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import Locale
from babel.core import get_global
from babel.dates import format_date, format_time, get_timezone_location

from bot.i18n import ngettext

# en_GB writes "3 December 2026, 14:00" as the programme does; en_US would say "December 3".
BABEL_LOCALES = {"uk": "uk_UA", "en": "en_GB"}
# CLDR puts narrow no-break spaces in dates ("2026\u202fр."); some older phone fonts draw them
# as boxes, so members get plain spaces.
_SPACES = str.maketrans({"\u202f": " ", "\u00a0": " "})


def babel_locale(language: str) -> str:
    return BABEL_LOCALES.get(language, "uk_UA")


def parse_zone(name: str) -> ZoneInfo | None:
    """The zone for an IANA name such as Europe/Kyiv, or None when there is no such zone."""
    name = name.strip()
    if not name or len(name) > 64 or name.startswith("/") or ".." in name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


@cache
def _zone_names() -> dict[str, str]:
    """Lower-case full names and city parts ("kyiv", "europe/kyiv") → the IANA name."""
    names: dict[str, str] = {}
    for name in sorted(available_timezones()):
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "posix/", "right/")):
            names.setdefault(name.rsplit("/", 1)[1].lower(), name)
        names[name.lower()] = name
    return names


def find_zone(text: str) -> ZoneInfo | None:
    """A zone from what a member typed: `Europe/Kyiv`, `europe/kyiv`, `Kyiv` or `New York`."""
    key = "_".join(text.strip().split()).lower()[:64]
    name = _zone_names().get(key)
    return parse_zone(name) if name else None


@cache
def _aliases() -> dict[str, tuple[str, ...]]:
    """Canonical zone → its older names; CLDR still keys some cities by them (Europe/Kiev)."""
    found: dict[str, list[str]] = {}
    for alias, canonical in get_global("zone_aliases").items():
        found.setdefault(canonical, []).append(alias)
    return {key: tuple(value) for key, value in found.items()}


@cache
def zone_city(zone: ZoneInfo | str, language: str) -> str:
    """The zone's city in the member's language: Київ / Kyiv, Брюссель / Brussels."""
    zone = ZoneInfo(zone) if isinstance(zone, str) else zone
    locale = Locale.parse(babel_locale(language))
    # Babel resolves Europe/Kyiv but CLDR names the city under Europe/Kiev, so ask for both.
    for key in (zone.key, *_aliases().get(zone.key, ())):
        city = (locale.time_zones.get(key) or {}).get("city")
        if city:
            return str(city)
    return str(get_timezone_location(zone, locale=locale, return_city=True))


def _date(moment: datetime, pattern: str, language: str) -> str:
    return format_date(moment, pattern, locale=babel_locale(language)).translate(_SPACES)


def _clock(moment: datetime, language: str) -> str:
    return format_time(moment, "HH:mm", locale=babel_locale(language))


def format_when(
    dt_utc: datetime, zone: ZoneInfo, language: str, organiser_zone: ZoneInfo | None = None
) -> str:
    """`3 грудня 2026 р., 14:00 (Київ)`; plus the organiser's clock when the zones differ."""
    local = dt_utc.astimezone(zone)
    text = f"{_date(local, 'long', language)}, {_clock(local, language)}"
    text += f" ({zone_city(zone, language)})"
    if organiser_zone is not None and organiser_zone.key != zone.key:
        there = dt_utc.astimezone(organiser_zone)
        if there.utcoffset() != local.utcoffset():
            # Name the day too when the organiser's date differs (late evening sessions).
            same_day = there.date() == local.date()
            day = "" if same_day else _date(there, "d MMM", language) + " "
            clock = day + _clock(there, language)
            text += f" · {clock} {zone_city(organiser_zone, language)}"
    return text


def other_clock(
    dt_utc: datetime, zone: ZoneInfo, language: str, organiser_zone: ZoneInfo | None
) -> str:
    """` · 13:00 Brussels`-style second clock for short lines; "" when the clocks agree."""
    if organiser_zone is None or organiser_zone.key == zone.key:
        return ""
    there, local = dt_utc.astimezone(organiser_zone), dt_utc.astimezone(zone)
    if there.utcoffset() == local.utcoffset():
        return ""
    return f" · {_clock(there, language)} {zone_city(organiser_zone, language)}"


def format_short(dt_utc: datetime, zone: ZoneInfo, language: str) -> str:
    """A compact `чт 3 груд., 14:00` for list lines."""
    local = dt_utc.astimezone(zone)
    day = _date(local, "EEE d MMM", language)
    return f"{day}, {_clock(local, language)}"


def format_day(dt_utc: datetime, zone: ZoneInfo, language: str) -> str:
    return _date(dt_utc.astimezone(zone), "long", language)


def format_duration(minutes: int) -> str:
    """`1 година 30 хвилин` / `1 hour 30 minutes` in the current locale."""
    hours, rest = divmod(max(minutes, 0), 60)
    parts = []
    if hours:
        parts.append(ngettext("{n} hour", "{n} hours", hours).format(n=hours))
    if rest or not hours:
        parts.append(ngettext("{n} minute", "{n} minutes", rest).format(n=rest))
    return " ".join(parts)
