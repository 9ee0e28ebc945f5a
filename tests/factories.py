"""Test data relative to bot.clock.now(): themes, webinars, contacts, news and members.

Each helper takes the caller's session (the caller owns the transaction), flushes so the row
has its id, and accepts any model field as a keyword to override the defaults.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import now
from bot.models import Contact, Member, NewsItem, Theme, Webinar

_serial = itertools.count(1)


def _next() -> int:
    return next(_serial)


async def make_theme(session: AsyncSession, **fields: Any) -> Theme:
    n = _next()
    values: dict[str, Any] = {
        "slug": f"theme-{n}",
        "position": n,
        "title_uk": f"Тема {n}",
        "title_en": f"Theme {n}",
        "description_uk": f"Опис теми {n}",
        "description_en": f"About theme {n}",
    }
    theme = Theme(**{**values, **fields})
    session.add(theme)
    await session.flush()
    return theme


async def make_webinar(
    session: AsyncSession,
    starts_in: timedelta = timedelta(days=7),
    themes: Sequence[Theme] = (),
    starts_at: datetime | None = None,
    **fields: Any,
) -> Webinar:
    """A scheduled 90-minute webinar `starts_in` from now (or at `starts_at`)."""
    n = _next()
    values: dict[str, Any] = {
        "slug": f"webinar-{n}",
        "title_uk": f"Вебінар {n}",
        "title_en": f"Webinar {n}",
        "description_uk": f"Опис вебінару {n}",
        "description_en": f"About webinar {n}",
        "starts_at": starts_at or now() + starts_in,
        "duration_minutes": 90,
        "speakers": ["Speaker One"],
        "join_url": f"https://example.org/join/{n}",
        "registration_url": f"https://example.org/register/{n}",
        "status": "scheduled",
    }
    webinar = Webinar(**{**values, **fields})
    webinar.themes = list(themes)
    session.add(webinar)
    await session.flush()
    return webinar


async def make_contact(
    session: AsyncSession, themes: Sequence[Theme] = (), **fields: Any
) -> Contact:
    n = _next()
    values: dict[str, Any] = {
        "slug": f"contact-{n}",
        "position": n,
        "name_uk": f"Контакт {n}",
        "name_en": f"Contact {n}",
        "description_uk": f"Допомога {n}",
        "description_en": f"Help {n}",
        "url": f"https://example.org/contact/{n}",
    }
    contact = Contact(**{**values, **fields})
    contact.themes = list(themes)
    session.add(contact)
    await session.flush()
    return contact


async def make_news(
    session: AsyncSession, published_ago: timedelta = timedelta(days=1), **fields: Any
) -> NewsItem:
    n = _next()
    values: dict[str, Any] = {
        "guid": f"news-{n}",
        "title_uk": f"Новина {n}",
        "title_en": f"News {n}",
        "summary_uk": f"Коротко {n}",
        "summary_en": f"Summary {n}",
        "url": f"https://example.org/news/{n}",
        "published_at": now() - published_ago,
    }
    item = NewsItem(**{**values, **fields})
    session.add(item)
    await session.flush()
    return item


async def make_member(session: AsyncSession, user_id: int, **fields: Any) -> Member:
    """A subscribed, active member whose private chat id equals the user id."""
    values: dict[str, Any] = {
        "user_id": user_id,
        "chat_id": user_id,
        "first_name": "Olena",
        "language": "uk",
        "subscribed": True,
        "state": "active",
    }
    member = Member(**{**values, **fields})
    session.add(member)
    await session.flush()
    return member
