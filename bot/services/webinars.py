"""Webinars as members see them: upcoming and past pages, the next session, RSVPs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Generic, TypeVar

from sqlalchemy import Select, Table, delete, exists, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import now
from bot.models import Rsvp, Webinar

T = TypeVar("T")
PAGE_SIZE = 8
# Longest session we expect; bounds the "is anything live right now?" query.
LONGEST = timedelta(hours=8)


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.number > 0


async def insert_ignore(session: AsyncSession, table: Table, **values: object) -> None:
    """INSERT that quietly does nothing when a unique key already has the row."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    await session.execute(dialect.insert(table).values(**values).on_conflict_do_nothing())


async def fetch_page(
    session: AsyncSession, query: Select[tuple[T]], number: int, size: int
) -> Page[T]:
    """One page by LIMIT/OFFSET, fetching one extra row to know whether another page exists."""
    # Page numbers come from buttons, which can be forged: keep the offset sane.
    number = min(max(number, 0), 10_000)
    rows = list(await session.scalars(query.limit(size + 1).offset(number * size)))
    return Page(rows[:size], number, len(rows) > size)


async def upcoming_page(
    session: AsyncSession, number: int, size: int = PAGE_SIZE
) -> Page[Webinar]:
    """Sessions not yet started, soonest first (cancelled ones stay listed, marked as such)."""
    query = (
        select(Webinar).where(Webinar.starts_at >= now()).order_by(Webinar.starts_at, Webinar.id)
    )
    return await fetch_page(session, query, number, size)


async def past_page(session: AsyncSession, number: int, size: int = PAGE_SIZE) -> Page[Webinar]:
    """Sessions already held, most recent first; cancelled ones are left out."""
    query = (
        select(Webinar)
        .where(Webinar.starts_at < now(), Webinar.status != "cancelled")
        .order_by(Webinar.starts_at.desc(), Webinar.id.desc())
    )
    return await fetch_page(session, query, number, size)


async def next_webinar(session: AsyncSession) -> Webinar | None:
    """A session running right now, else the next scheduled one."""
    moment = now()
    live = await session.scalars(
        select(Webinar)
        .where(Webinar.starts_at < moment, Webinar.starts_at >= moment - LONGEST)
        .where(Webinar.status == "scheduled")
        .order_by(Webinar.starts_at)
    )
    for webinar in live:
        if webinar.starts_at + timedelta(minutes=webinar.duration_minutes) > moment:
            return webinar
    return await session.scalar(
        select(Webinar)
        .where(Webinar.starts_at >= moment, Webinar.status != "cancelled")
        .order_by(Webinar.starts_at, Webinar.id)
        .limit(1)
    )


async def get_webinar(session: AsyncSession, webinar_id: int) -> Webinar | None:
    return await session.get(Webinar, webinar_id)


async def webinar_by_slug(session: AsyncSession, slug: str) -> Webinar | None:
    return await session.scalar(select(Webinar).where(Webinar.slug == slug[:64]))


async def has_rsvp(session: AsyncSession, member_id: int, webinar_id: int) -> bool:
    query = select(exists().where(Rsvp.member_id == member_id, Rsvp.webinar_id == webinar_id))
    return bool(await session.scalar(query))


async def rsvp_ids(session: AsyncSession, member_id: int, webinar_ids: list[int]) -> set[int]:
    query = select(Rsvp.webinar_id).where(
        Rsvp.member_id == member_id, Rsvp.webinar_id.in_(webinar_ids)
    )
    return set(await session.scalars(query))


async def toggle_rsvp(session: AsyncSession, member_id: int, webinar_id: int) -> bool:
    """Flip "Remind me"; return whether the member now has an RSVP."""
    if await has_rsvp(session, member_id, webinar_id):
        await session.execute(
            delete(Rsvp).where(Rsvp.member_id == member_id, Rsvp.webinar_id == webinar_id)
        )
        return False
    # A double tap may race another instance; the unique constraint keeps one row.
    await insert_ignore(
        session, Rsvp.__table__, member_id=member_id, webinar_id=webinar_id, created_at=now()
    )
    return True
