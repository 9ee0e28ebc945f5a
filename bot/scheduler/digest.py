"""Plan news digests: weekly or daily per member, each item in at most one of their digests.

Which items a digest lists is decided at planning time and written in the same transaction as
its delivery row (payload) and its `digest_entries`, so a crash can neither lose the record of
what was listed nor list an item twice; the renderer only formats those items.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import now
from bot.delivery.planning import owe_many
from bot.models import Delivery, DigestEntry, Member, NewsItem, Webinar
from bot.settings import DAYS, Settings

PERIOD = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}
# A digest missed by more than this (downtime) is skipped; its items wait for the next one.
GRACE = {"daily": timedelta(hours=12), "weekly": timedelta(days=2)}
MAX_NEWS, MAX_WEBINARS = 15, 10
NEWS_MAX_AGE = timedelta(days=30)  # a feed's old archive is not news
WEBINARS_AHEAD = timedelta(days=30)
CHUNK = 500


@dataclass(frozen=True)
class Period:
    kind: str  # daily | weekly
    moment: datetime  # UTC
    key: str  # d2027-03-28 | w2027-12

    @property
    def purpose(self) -> str:
        return f"digest:{self.key}"


def latest_period(kind: str, settings: Settings, moment: datetime) -> Period | None:
    """The most recent digest moment of `kind` at or before `moment`, in the community's zone."""
    zone = settings.zone
    local = moment.astimezone(zone)
    for back in range(8):
        day = local.date() - timedelta(days=back)
        # combine() in the zone, not UTC arithmetic: 09:00 stays 09:00 across DST changes.
        at = datetime.combine(day, settings.DIGEST_TIME, tzinfo=zone)
        if at > local or (kind == "weekly" and DAYS[day.weekday()] != settings.DIGEST_DAY):
            continue
        iso = day.isocalendar()
        key = f"d{day.isoformat()}" if kind == "daily" else f"w{iso.year}-{iso.week:02d}"
        return Period(kind, at.astimezone(UTC), key)
    return None


@dataclass
class Candidates:
    news: list[tuple[int, datetime]]  # (id, ingested at), newest first
    webinars: list[int]  # soonest first


async def candidates(session: AsyncSession, moment: datetime) -> Candidates:
    news = await session.execute(
        select(NewsItem.id, NewsItem.created_at)
        .where(NewsItem.created_at > moment - NEWS_MAX_AGE)
        .where(NewsItem.published_at > moment - NEWS_MAX_AGE)
        .order_by(NewsItem.published_at.desc(), NewsItem.id.desc())
        .limit(200)
    )
    webinars = await session.scalars(
        select(Webinar.id)
        .where(Webinar.status == "scheduled", Webinar.starts_at > moment)
        .where(Webinar.starts_at <= moment + WEBINARS_AHEAD)
        .order_by(Webinar.starts_at, Webinar.id)
        .limit(50)
    )
    return Candidates([(i, c) for i, c in news.tuples()], list(webinars))


def pick(
    member: Member, found: Candidates, period: Period, seen: set[tuple[str, int]]
) -> dict[str, Any]:
    """The items this member has not had, arrived since their last digest.

    A digest lists at most MAX_NEWS and MAX_WEBINARS; how many more there are is kept so the
    message can point to /news and /webinars for the rest.
    """
    floor = member.last_digest_at or period.moment - PERIOD[period.kind]
    news = [i for i, at in found.news if at > floor and ("news", i) not in seen]
    webinars = [i for i in found.webinars if ("webinar", i) not in seen]
    return {
        "news": news[:MAX_NEWS],
        "webinars": webinars[:MAX_WEBINARS],
        "more_news": max(0, len(news) - MAX_NEWS),
        "more_webinars": max(0, len(webinars) - MAX_WEBINARS),
    }


async def plan_digests(
    session: AsyncSession, period: Period, settings: Settings, moment: datetime
) -> int:
    """Owe this period's digest to every member who chose it and has something new."""
    found = await candidates(session, moment)
    if not found.news and not found.webinars:
        return 0
    planned, after = 0, 0
    while True:
        members = list(
            await session.scalars(
                select(Member)
                .where(Member.id > after, Member.state == "active", Member.subscribed.is_(True))
                .where(Member.digest == period.kind, Member.created_at <= period.moment)
                .order_by(Member.id)
                .limit(CHUNK)
            )
        )
        if not members:
            return planned
        planned += await _plan_chunk(session, members, found, period, settings)
        after = members[-1].id


async def _plan_chunk(
    session: AsyncSession,
    members: list[Member],
    found: Candidates,
    period: Period,
    settings: Settings,
) -> int:
    owed = set(
        await session.scalars(
            select(Delivery.chat_id).where(
                Delivery.purpose == period.purpose,
                Delivery.chat_id.in_([m.chat_id for m in members]),
            )
        )
    )
    seen = await _seen(session, [m.id for m in members], found)
    rows: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    for member in members:
        if member.chat_id in owed:
            continue
        items = pick(member, found, period, seen.get(member.id, set()))
        if not items["news"] and not items["webinars"]:
            continue  # an empty digest is not sent
        rows.append(_row(member, period, items, settings.TIMEZONE))
        entries += _entries(member.id, items)
    if not rows:
        return 0
    await owe_many(session, rows)
    await _record(session, entries, [row["member_id"] for row in rows], period)
    return len(rows)


def _entries(member_id: int, items: dict[str, Any]) -> list[dict[str, Any]]:
    pairs = [("news", i) for i in items["news"]] + [("webinar", i) for i in items["webinars"]]
    moment = now()
    return [
        {"member_id": member_id, "item_kind": kind, "item_id": item, "created_at": moment}
        for kind, item in pairs
    ]


def _row(member: Member, period: Period, items: dict[str, Any], zone: str) -> dict[str, Any]:
    payload = {"period": period.key, "kind": period.kind, "zone": zone, **items}
    return {
        "chat_id": member.chat_id,
        "member_id": member.id,
        "kind": "digest",
        "purpose": period.purpose,
        "batch": period.purpose,
        "payload": payload,
        "due_at": period.moment,
    }


async def _seen(
    session: AsyncSession, member_ids: list[int], found: Candidates
) -> dict[int, set[tuple[str, int]]]:
    keys = [("news", i) for i, _at in found.news] + [("webinar", i) for i in found.webinars]
    rows = await session.execute(
        select(DigestEntry.member_id, DigestEntry.item_kind, DigestEntry.item_id).where(
            DigestEntry.member_id.in_(member_ids),
            tuple_(DigestEntry.item_kind, DigestEntry.item_id).in_(keys),
        )
    )
    seen: dict[int, set[tuple[str, int]]] = {}
    for member_id, kind, item in rows.tuples():
        seen.setdefault(member_id, set()).add((kind, item))
    return seen


async def _record(
    session: AsyncSession, entries: list[dict[str, Any]], member_ids: list[int], period: Period
) -> None:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    for start in range(0, len(entries), 1000):
        stmt = dialect.insert(DigestEntry).values(entries[start : start + 1000])
        await session.execute(stmt.on_conflict_do_nothing())
    await session.execute(
        update(Member).where(Member.id.in_(member_ids)).values(last_digest_at=period.moment)
    )
