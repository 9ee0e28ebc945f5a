"""Search webinars, themes, contacts and news for ALL given words, in either language.

SQLite's lower() does not fold Cyrillic and no database folds accents the same way, so rows are
matched in Python after Unicode normalisation, reading each table in bounded chunks.
"""

from __future__ import annotations

import unicodedata
from collections.abc import AsyncIterator, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import Contact, NewsItem, Theme, Webinar

CHUNK = 200
PER_KIND = 8
MAX_WORDS = 8
MAX_QUERY = 200


@dataclass(frozen=True)
class Hit:
    kind: str  # webinar | theme | contact | news
    id: int
    title_uk: str
    title_en: str
    when: datetime | None = None


def normalise(text: str) -> str:
    """Case- and accent-free text: "Résilience" → "resilience", "КИЇВ" → "киив"."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.casefold()


def words_of(query: str) -> list[str]:
    """The distinct words to look for; oversized input is cut rather than refused."""
    words = [word for word in normalise(query[:MAX_QUERY]).split() if word]
    return list(dict.fromkeys(words))[:MAX_WORDS]


# (model, columns that are searched, title columns, optional date column)
_KINDS: dict[str, tuple[Any, tuple[str, ...], tuple[str, str], str | None]] = {
    "webinar": (
        Webinar,
        ("title_uk", "title_en", "description_uk", "description_en", "series", "speakers"),
        ("title_uk", "title_en"),
        "starts_at",
    ),
    "theme": (
        Theme,
        ("title_uk", "title_en", "description_uk", "description_en", "slug"),
        ("title_uk", "title_en"),
        None,
    ),
    "contact": (
        Contact,
        ("name_uk", "name_en", "description_uk", "description_en", "region"),
        ("name_uk", "name_en"),
        None,
    ),
    "news": (
        NewsItem,
        ("title_uk", "title_en", "summary_uk", "summary_en", "source"),
        ("title_uk", "title_en"),
        "published_at",
    ),
}


async def _rows(session: AsyncSession, model: Any, names: Sequence[str]) -> AsyncIterator[Any]:
    """Every row's chosen columns, CHUNK rows per query (keyset on id), never a whole table."""
    columns = [model.id, *(getattr(model, name) for name in names)]
    last = 0
    while True:
        query = select(*columns).where(model.id > last).order_by(model.id).limit(CHUNK)
        chunk = list(await session.execute(query))
        for row in chunk:
            yield row
        if len(chunk) < CHUNK:
            return
        last = chunk[-1][0]


def _haystack(values: Sequence[Any]) -> str:
    parts = [" ".join(map(str, v)) if isinstance(v, list) else str(v or "") for v in values]
    return normalise(" ".join(parts))


async def search_kind(session: AsyncSession, kind: str, words: list[str]) -> tuple[list[Hit], int]:
    """The first PER_KIND hits of `kind`, and how many more match (counted, not kept)."""
    model, fields, titles, date = _KINDS[kind]
    names = [*dict.fromkeys((*titles, *fields, *([date] if date else [])))]
    hits: list[Hit] = []
    more = 0
    async with aclosing(_rows(session, model, names)) as rows:
        async for row in rows:
            values = dict(zip(names, row[1:], strict=True))
            if not all(word in _haystack([values[name] for name in fields]) for word in words):
                continue
            if len(hits) >= PER_KIND:
                more += 1
                continue
            when = values[date] if date else None
            hits.append(Hit(kind, row[0], values[titles[0]], values[titles[1]], when))
    return hits, more


async def search(session: AsyncSession, query: str) -> list[Hit]:
    """Hits of every kind (at most PER_KIND each), webinars first."""
    return (await search_counted(session, query))[0]


async def search_counted(session: AsyncSession, query: str) -> tuple[list[Hit], int]:
    """Hits as `search` gives them, and how many more matched but are not shown."""
    words = words_of(query)
    found: list[Hit] = []
    left_out = 0
    if not words:
        return found, left_out
    for kind in _KINDS:
        hits, more = await search_kind(session, kind, words)
        found.extend(hits)
        left_out += more
    return found, left_out
