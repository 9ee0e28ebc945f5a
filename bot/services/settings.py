"""A member's preferences: language, time zone, reminders, digest, quiet hours."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import LANGUAGES
from bot.models import Member
from bot.settings import format_offset
from bot.timefmt import find_zone

DIGESTS = ("weekly", "daily", "off")
QUIET_CHOICES: dict[str, tuple[str | None, str | None]] = {
    "none": (None, None),
    "22": ("22:00", "08:00"),
    "23": ("23:00", "07:00"),
}


async def load(session: AsyncSession, member_id: int) -> Member | None:
    return await session.get(Member, member_id)


def set_language(member: Member, language: str) -> bool:
    if language not in LANGUAGES:
        return False
    member.language = language
    return True


def set_time_zone(member: Member, name: str) -> bool:
    """Store a valid IANA zone; a bad name changes nothing and returns False."""
    zone = find_zone(name)
    if zone is None:
        return False
    member.time_zone = zone.key
    return True


def toggle_reminders(member: Member) -> bool:
    member.reminders_on = not member.reminders_on
    return True


def chosen_offsets(member: Member, available: list[timedelta]) -> list[str]:
    """The member's offsets as labels like "24h"; NULL means every configured offset."""
    labels = [format_offset(offset) for offset in available]
    if member.reminder_offsets is None:
        return labels
    chosen = {part.strip() for part in member.reminder_offsets.split(",")}
    return [label for label in labels if label in chosen]


def toggle_offset(member: Member, label: str, available: list[timedelta]) -> bool:
    """Switch one offset on or off; return False when the label is not configured."""
    labels = [format_offset(offset) for offset in available]
    if label not in labels:
        return False
    chosen = set(chosen_offsets(member, available)) ^ {label}
    ordered = [item for item in labels if item in chosen]
    # Every offset chosen is stored as NULL, so newly configured offsets apply too.
    member.reminder_offsets = None if len(ordered) == len(labels) else ",".join(ordered)
    return True


def set_digest(member: Member, digest: str) -> bool:
    if digest not in DIGESTS:
        return False
    member.digest = digest
    return True


def set_quiet(member: Member, choice: str) -> bool:
    if choice not in QUIET_CHOICES:
        return False
    member.quiet_start, member.quiet_end = QUIET_CHOICES[choice]
    return True
