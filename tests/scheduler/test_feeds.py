"""Feed ingestion from a local HTTP server: RSS and Atom, 304s, broken and unreachable feeds."""

from __future__ import annotations

import dataclasses
import socket
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp import web
from sqlalchemy import select

from bot.jobs import digest_tick, feeds_tick
from bot.models import FeedState, NewsItem
from bot.runtime import Runtime
from tests.harness import BotHarness
from tests.scheduler.conftest import Deliver, add_member, at, move_to, texts

pytestmark = pytest.mark.no_seed

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>ICLEI Europe news</title><link>https://iclei-europe.org</link>
<item><guid>rss-1</guid><title>Cities &amp; climate: new call</title>
<link>https://example.org/call</link>
<description>&lt;p&gt;Apply &lt;b&gt;now&lt;/b&gt;.&lt;/p&gt;</description>
<pubDate>Wed, 05 May 2027 08:00:00 GMT</pubDate></item>
<item><guid>rss-2</guid><title>Громади отримали генератори</title>
<link>https://example.org/gen</link><description>Понад 100 генераторів.</description>
<pubDate>Wed, 05 May 2027 09:00:00 GMT</pubDate></item>
</channel></rss>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Task Group</title><id>urn:tg</id>
<updated>2027-05-05T10:00:00Z</updated>
<entry><id>urn:tg:1</id><title>Recordings are online</title>
<link href="https://example.org/rec"/><updated>2027-05-05T10:00:00Z</updated>
<summary>All recordings.</summary></entry></feed>"""
ETAG = '"atom-v1"'
MODIFIED = "Wed, 05 May 2027 09:00:00 GMT"


@dataclasses.dataclass
class FeedServer:
    url: str
    hits: Counter[str]
    answers: list[tuple[str, int]]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def feeds() -> AsyncIterator[FeedServer]:
    hits: Counter[str] = Counter()
    answers: list[tuple[str, int]] = []

    async def rss(request: web.Request) -> web.Response:
        hits["rss"] += 1  # validated by date only: no ETag
        status = 304 if request.headers.get("If-Modified-Since") == MODIFIED else 200
        answers.append(("rss", status))
        if status == 304:
            return web.Response(status=304)
        headers = {"Last-Modified": MODIFIED}
        return web.Response(text=RSS, content_type="application/rss+xml", headers=headers)

    async def atom(request: web.Request) -> web.Response:
        hits["atom"] += 1
        status = 304 if request.headers.get("If-None-Match") == ETAG else 200
        answers.append(("atom", status))
        if status == 304:
            return web.Response(status=304, headers={"ETag": ETAG})
        return web.Response(text=ATOM, content_type="application/atom+xml", headers={"ETag": ETAG})

    async def broken(request: web.Request) -> web.Response:
        hits["broken"] += 1
        return web.Response(text="{{{ not a feed at all", content_type="application/xml")

    app = web.Application()
    app.router.add_get("/rss", rss)
    app.router.add_get("/atom", atom)
    app.router.add_get("/broken", broken)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield FeedServer(f"http://127.0.0.1:{port}", hits, answers)
    await runner.cleanup()


def with_feeds(bot: BotHarness, server: FeedServer) -> tuple[Runtime, dict[str, str]]:
    urls = {
        "rss": f"{server.url}/rss",
        "atom": f"{server.url}/atom",
        "broken": f"{server.url}/broken",
        "unreachable": f"http://127.0.0.1:{closed_port()}/feed",
    }
    settings = bot.settings.model_copy(update={"FEED_URLS": list(urls.values())})
    return dataclasses.replace(bot.runtime, settings=settings), urls


async def states(bot: BotHarness) -> dict[str, FeedState]:
    async with bot.sessionmaker() as session:
        return {s.url: s for s in await session.scalars(select(FeedState))}


async def test_feeds_are_ingested_once_and_failures_are_contained(
    bot: BotHarness, feeds: FeedServer, deliver: Deliver
) -> None:
    move_to(at("2027-05-05T12:00"))
    runtime, urls = with_feeds(bot, feeds)
    assert await feeds_tick(runtime) == 3
    async with bot.sessionmaker() as session:
        news = {n.guid: n for n in await session.scalars(select(NewsItem))}
    assert news["rss-1"].title_en == "Cities & climate: new call" and news["rss-1"].title_uk == ""
    assert news["rss-1"].summary_en == "Apply now."
    assert news["rss-1"].source == "ICLEI Europe news"
    assert news["rss-2"].title_uk == "Громади отримали генератори" and news["rss-2"].title_en == ""
    assert news["rss-2"].published_at == at("2027-05-05T09:00")
    assert news["urn:tg:1"].url == "https://example.org/rec"
    state = await states(bot)
    assert state[urls["atom"]].etag == ETAG and state[urls["atom"]].failures == 0
    assert state[urls["rss"]].last_modified == MODIFIED and state[urls["rss"]].etag is None
    assert state[urls["broken"]].failures == 1
    assert (state[urls["broken"]].last_error or "").startswith("malformed feed")
    assert (state[urls["unreachable"]].last_error or "").startswith("unreachable")

    assert await feeds_tick(runtime) == 0  # known guids are not stored again
    # Both validators were honoured: If-Modified-Since for RSS, If-None-Match for Atom.
    assert feeds.answers == [("rss", 200), ("atom", 200), ("rss", 304), ("atom", 304)]
    assert feeds.hits["broken"] == 1  # a failing feed waits (back-off) instead of hammering
    move_to(at("2027-05-05T12:16"))
    await feeds_tick(runtime)
    assert feeds.hits["broken"] == 2 and (await states(bot))[urls["broken"]].failures == 2
    assert feeds.hits["rss"] == 3  # the others kept being polled all along

    await add_member(bot, 1201, "uk")
    move_to(at("2027-05-10T06:00") + timedelta(seconds=1))
    await digest_tick(bot.runtime)
    await deliver()
    [digest] = texts(bot, 1201)
    assert "Громади отримали генератори\nПонад 100 генераторів." in digest
    assert (
        "Cities &amp; climate" not in digest
        and "Cities & climate: new call (англійською)" in digest
    )
