"""Turn parsed feed entries into `news` rows: language by script, plain-text summary, dedup."""

from __future__ import annotations

import calendar
import hashlib
import html
import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import now
from bot.models import NewsItem

CYRILLIC = re.compile(r"[\u0400-\u04FF]")
# Block tags separate words; inline ones (<b>now</b>.) must not leave a space before the dot.
BLOCK_TAG = re.compile(r"</?(?:p|br|div|li|ul|ol|h[1-6]|tr|td|blockquote)\b[^>]*>", re.I)
TAG = re.compile(r"<[^>]+>")
SPACE = re.compile(r"\s+")
SUMMARY_LIMIT = 1000


def plain(text: str, limit: int) -> str:
    """Feed HTML as plain text: tags dropped, entities decoded, whitespace collapsed."""
    text = TAG.sub("", BLOCK_TAG.sub(" ", text or ""))
    text = SPACE.sub(" ", html.unescape(text)).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def language_of(*texts: str) -> str:
    # Ukrainian readers are the community's majority; any Cyrillic means the item is theirs.
    return "uk" if any(CYRILLIC.search(text or "") for text in texts) else "en"


def published(entry: Any) -> datetime:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    if not stamp:
        return now()
    # feedparser normalises to UTC struct_time; timegm reads it as UTC.
    return datetime.fromtimestamp(calendar.timegm(stamp), UTC)


def guid_of(entry: Any) -> str:
    guid = str(entry.get("id") or entry.get("link") or "")
    if not guid:
        digest = hashlib.sha256(str(entry.get("title", "")).encode()).hexdigest()
        guid = f"sha256:{digest}"
    return guid[:512]


def news_row(entry: Any, source: str) -> dict[str, Any] | None:
    title = plain(str(entry.get("title", "")), 512)
    summary = plain(str(entry.get("summary", "")), SUMMARY_LIMIT)
    if not title:
        return None
    lang = language_of(title, summary)
    link = str(entry.get("link") or "")
    return {
        "guid": guid_of(entry),
        f"title_{lang}": title,
        f"summary_{lang}": summary,
        "url": link[:1024] if link.startswith(("https://", "http://")) else None,
        "source": source[:256] or None,
        "published_at": published(entry),
        "created_at": now(),
    }


async def store_entries(session: AsyncSession, parsed: Any) -> int:
    """Insert entries not seen before (by guid); return how many were new."""
    source = plain(str(parsed.feed.get("title", "")), 256)
    added = 0
    for entry in parsed.entries:
        row = news_row(entry, source)
        if row is None:
            continue
        # Every column given, so rows of either language share one INSERT shape.
        row = {"title_uk": "", "title_en": "", "summary_uk": "", "summary_en": "", **row}
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(NewsItem).values(row).on_conflict_do_nothing(index_elements=["guid"])
        added += int((await session.execute(stmt)).rowcount)  # type: ignore[attr-defined]
    return added
