"""Content changed in chat by moderators: checked input, then webinar and news rows."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import now
from bot.content import ContentError, ImportReport, import_content, load_yaml
from bot.models import NewsItem, Webinar
from bot.scheduler import changes
from bot.services import recording
from bot.services.webinars import LONGEST

FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M")
SKIP = "-"
TITLE_LIMIT, TEXT_LIMIT, URL_LIMIT = 256, 3000, 512
EDITABLE = ("title", "description", "starts_at", "duration", "join_url")


class InputProblem(ValueError):
    """What is wrong with an answer: format, past, gap, far, url, long, number, empty."""

    def __init__(self, kind: str, limit: int = 0) -> None:
        super().__init__(kind)
        self.kind, self.limit = kind, limit


def parse_when(text: str, zone: ZoneInfo, horizon: timedelta = timedelta(days=730)) -> datetime:
    """A future moment typed in `zone` as 2026-12-03 14:00, returned in UTC."""
    for pattern in FORMATS:
        try:
            naive = datetime.strptime(text.strip(), pattern)
        except ValueError:
            continue
        local = naive.replace(tzinfo=zone)
        # A wall time skipped by a DST change does not exist; round-tripping reveals it.
        if local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
            raise InputProblem("gap")
        moment = local.astimezone(UTC)
        if moment <= now():
            raise InputProblem("past")
        if moment > now() + horizon:
            raise InputProblem("far")
        return moment
    raise InputProblem("format")


def parse_url(text: str) -> str | None:
    """An http(s) link with a host, or None for "-"."""
    text = text.strip()
    if text == SKIP:
        return None
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in text:
        raise InputProblem("url")
    if len(text) > URL_LIMIT:
        raise InputProblem("long", URL_LIMIT)
    return text


def parse_minutes(text: str) -> int:
    text = text.strip()
    if text == SKIP:
        return 60
    if not text.isdigit() or not 5 <= int(text) <= 24 * 60:
        raise InputProblem("number")
    return int(text)


def parse_text(text: str, limit: int, reuse: str | None = None, optional: bool = False) -> str:
    """Plain text (escaped when shown); "-" reuses the other language, or means none."""
    text = text.strip()
    if text == SKIP and reuse is not None:
        return reuse
    if text == SKIP and optional:
        return ""
    if not text or text == SKIP:
        raise InputProblem("empty")
    if len(text) > limit:
        raise InputProblem("long", limit)
    return text


def zone_of(member_zone: str | None, default: ZoneInfo) -> ZoneInfo:
    try:
        return ZoneInfo(member_zone) if member_zone else default
    except (KeyError, ValueError):
        return default


async def _slug(session: AsyncSession, title: str, starts_at: datetime) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40].strip("-") or "webinar"
    base = f"{base}-{starts_at:%Y-%m-%d}"
    taken = set(await session.scalars(select(Webinar.slug).where(Webinar.slug.like(f"{base}%"))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


async def create_webinar(session: AsyncSession, fields: dict[str, Any]) -> Webinar:
    webinar = Webinar(slug=await _slug(session, fields["title_en"], fields["starts_at"]), **fields)
    session.add(webinar)
    await session.flush()
    return webinar


async def edit_webinar(
    session: AsyncSession, webinar: Webinar, values: dict[str, Any], zone: str
) -> None:
    """Set plain fields; a new start goes through the scheduler so members are told once."""
    starts_at = values.pop("starts_at", None)
    if "recording_url" in values:  # a new recording is announced to the people who cared
        await recording.set_recording(session, webinar, values.pop("recording_url"))
    for name, value in values.items():
        setattr(webinar, name, value)
    webinar.updated_at = now()
    if starts_at is not None:
        await changes.reschedule(session, webinar, starts_at, zone=zone)


async def cancel_webinar(session: AsyncSession, webinar: Webinar, zone: str) -> int:
    return await changes.cancel(session, webinar, zone=zone)


async def editable(session: AsyncSession, limit: int = 12) -> list[Webinar]:
    """Sessions that can still change: not over yet, soonest first."""
    query = select(Webinar).where(Webinar.starts_at >= now() - LONGEST)
    return list(await session.scalars(query.order_by(Webinar.starts_at).limit(limit)))


async def find_webinar(session: AsyncSession, ref: str) -> Webinar | None:
    ref = ref.strip()
    criteria = [Webinar.slug == ref[:64]]
    if ref.isdigit() and len(ref) < 10:
        criteria.append(Webinar.id == int(ref))
    return await session.scalar(select(Webinar).where(or_(*criteria)))


async def add_news(session: AsyncSession, fields: dict[str, Any]) -> NewsItem:
    item = NewsItem(guid=f"chat:{uuid.uuid4()}", published_at=now(), source="moderator", **fields)
    session.add(item)
    await session.flush()
    return item


async def import_yaml(
    session: AsyncSession, text: str, source: str, zone: ZoneInfo
) -> ImportReport:
    """The same checks and upsert as the CLI import; raises ContentError listing every problem."""
    data = load_yaml(text, source)
    if isinstance(data, str):  # import_content would take a bare string for a file path
        raise ContentError([f"{source}: the file must be a mapping of themes, webinars, ..."])
    return await import_content(session, data, zone)  # type: ignore[arg-type]
