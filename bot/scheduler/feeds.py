"""Poll FEED_URLS (RSS/Atom) into `news`: conditional GET, dedup by guid, backoff on failure.

We fetch with aiohttp ourselves (feedparser only parses) so timeouts, size limits and the
ETag/Last-Modified validators are ours. One broken feed is recorded and retried later; it never
stops the others.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

import aiohttp
import feedparser
from multidict import CIMultiDict
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import now
from bot.db import transaction
from bot.models import FeedState
from bot.scheduler.feed_items import store_entries

log = logging.getLogger(__name__)
TIMEOUT = aiohttp.ClientTimeout(total=20, connect=5)
MAX_BYTES = 5 * 1024 * 1024
BACKOFF_BASE = timedelta(minutes=15)
BACKOFF_CAP = timedelta(hours=6)
USER_AGENT = "HromadaCompanion/0.1 (+https://iclei-europe.org)"


class FeedError(Exception):
    """The feed could not be fetched or parsed; the message is what operators see."""


def retry_at(state: FeedState) -> datetime | None:
    """When a failing feed may be tried again: 15 min, 30, 60 … at most 6 h after the last try."""
    if not state.failures or state.last_polled_at is None:
        return None
    delay = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (state.failures - 1))
    return state.last_polled_at + delay


async def fetch(
    http: aiohttp.ClientSession, url: str, state: FeedState
) -> tuple[bytes | None, CIMultiDict[str]]:
    """The body (None on 304 Not Modified) and the response headers."""
    headers = {"User-Agent": USER_AGENT}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    try:
        async with http.get(url, headers=headers, allow_redirects=True) as response:
            if response.status == 304:
                return None, CIMultiDict(response.headers)
            if response.status != 200:
                raise FeedError(f"HTTP {response.status}")
            body = await response.content.read(MAX_BYTES + 1)
            if len(body) > MAX_BYTES:
                raise FeedError("feed larger than 5 MB")
            return body, CIMultiDict(response.headers)
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise FeedError(f"unreachable: {type(exc).__name__}: {exc}"[:500]) from None


def parse(body: bytes) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(body)
    if parsed.bozo and not parsed.entries:
        raise FeedError(f"malformed feed: {parsed.get('bozo_exception')!r}"[:500])
    return parsed


async def poll_feed(
    sessionmaker: async_sessionmaker[AsyncSession], http: aiohttp.ClientSession, url: str
) -> int:
    """Poll one feed; return how many new items were stored (0 on 304, skip or failure)."""
    async with sessionmaker() as session:
        state = await session.get(FeedState, url) or FeedState(url=url, failures=0)
    wait_until = retry_at(state)
    if wait_until is not None and now() < wait_until:
        return 0
    try:
        body, headers = await fetch(http, url, state)
        # Parsing is CPU work; a large feed must not stall the bot's event loop.
        parsed = await asyncio.to_thread(parse, body) if body is not None else None
    except FeedError as exc:
        log.warning("feed %s failed (%d in a row): %s", url, (state.failures or 0) + 1, exc)
        await _save(sessionmaker, url, error=str(exc))
        return 0
    async with transaction(sessionmaker) as session:
        added = await store_entries(session, parsed) if parsed is not None else 0
        await _update(session, url, None, headers if body is not None else None)
    return added


async def _save(
    sessionmaker: async_sessionmaker[AsyncSession], url: str, error: str | None
) -> None:
    async with transaction(sessionmaker) as session:
        await _update(session, url, error, None)


async def _update(
    session: AsyncSession, url: str, error: str | None, headers: CIMultiDict[str] | None
) -> None:
    state = await session.get(FeedState, url)
    if state is None:
        state = FeedState(url=url, failures=0)
        session.add(state)
    state.last_polled_at = now()
    state.last_error = error
    state.failures = (state.failures or 0) + 1 if error else 0
    if headers is not None:
        # Validators only from a full 200 answer; a 304 keeps the ones that earned it.
        state.etag = (headers.get("ETag") or "")[:512] or None
        state.last_modified = (headers.get("Last-Modified") or "")[:128] or None


async def poll_all(sessionmaker: async_sessionmaker[AsyncSession], urls: list[str]) -> int:
    """Poll every feed one after another; each failure is contained."""
    added = 0
    async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
        for url in urls:
            try:
                added += await poll_feed(sessionmaker, http, url)
            except Exception:
                # A bug or database hiccup on one feed must not starve the rest.
                log.exception("polling feed %s failed unexpectedly", url)
    return added
