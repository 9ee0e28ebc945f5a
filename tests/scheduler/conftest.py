"""Scheduler fixtures: members and webinars as rows, a delivery engine to drain the outbox."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

import bot.jobs  # noqa: F401  (registers the reminder, notice and digest renderers)
from bot.app import stop_delivery
from bot.clock import clock
from bot.db import transaction
from bot.delivery import DeliveryEngine, EngineConfig
from bot.models import Delivery, Member, Theme, Webinar
from tests.harness import BotHarness

# No per-chat spacing: a test sends a member several messages within a second.
FAST = EngineConfig(
    rate=500.0,
    idle_poll=0.05,
    backoff_base=0.05,
    private_interval=0.0,
    lease=timedelta(seconds=30),
    lock_ttl=timedelta(seconds=3),
)
_slugs = itertools.count(1)
Deliver = Callable[[], Awaitable[None]]


def at(text: str) -> datetime:
    """An aware UTC datetime from `2027-03-28T11:00`."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


async def add_member(bot: BotHarness, user_id: int, language: str = "uk", **fields: Any) -> int:
    values: dict[str, Any] = {"subscribed": True, "first_name": "Test"} | fields
    async with transaction(bot.sessionmaker) as session:
        member = Member(user_id=user_id, chat_id=user_id, language=language, **values)
        session.add(member)
        await session.flush()
        return member.id


async def add_webinar(bot: BotHarness, starts_at: datetime, **fields: Any) -> int:
    number = next(_slugs)
    values: dict[str, Any] = {
        "slug": f"test-session-{number}",
        "title_uk": f"Відбудова громад {number}",
        "title_en": f"Rebuilding hromadas {number}",
        "duration_minutes": 90,
        "join_url": "https://example.org/join/test",
    } | fields
    async with transaction(bot.sessionmaker) as session:
        themes = values.pop("themes", [])
        webinar = Webinar(starts_at=starts_at, **values)
        if themes:
            found = await session.scalars(select(Theme).where(Theme.slug.in_(themes)))
            webinar.themes = list(found)
        session.add(webinar)
        await session.flush()
        return webinar.id


async def rows(bot: BotHarness, kind: str | None = None) -> list[Delivery]:
    async with bot.sessionmaker() as session:
        query = select(Delivery).order_by(Delivery.id)
        if kind:
            query = query.where(Delivery.kind == kind)
        return list(await session.scalars(query))


def texts(bot: BotHarness, user_id: int) -> list[str]:
    return [message.text for message in bot.user(user_id).messages()]


def make_engine(bot: BotHarness) -> DeliveryEngine:
    return DeliveryEngine.from_settings(bot.settings, bot.sessionmaker, config=FAST)


@pytest.fixture
async def deliver(bot: BotHarness) -> AsyncIterator[Deliver]:
    """Send exactly what is due at the test's clock now, with a test-owned engine.

    The app's own engine would also send rows falling due while a test waits, which would
    blur "not yet due" assertions; so it is stopped and a step-by-step engine takes over.
    """
    await stop_delivery(bot.app, bot.runtime)
    engine = make_engine(bot)

    async def drain() -> None:
        for _ in range(20):
            if not await engine.run_once():
                return
        raise AssertionError("the outbox kept finding due rows")

    yield drain
    await engine.stop(graceful=False)


def move_to(moment: datetime) -> None:
    clock.set(moment)
