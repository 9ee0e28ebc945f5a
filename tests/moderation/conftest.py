"""Moderation fixtures: members in the database, a delivery engine to drain, the start-up hook."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.db import transaction
from bot.delivery import DeliveryEngine, EngineConfig
from bot.models import Member, Rsvp, Theme, Webinar
from handlers import broadcast_run
from tests.harness import BotHarness

OWNER = 1001
FAST = EngineConfig(
    rate=500.0, idle_poll=0.05, private_interval=0.0, lock_ttl=timedelta(seconds=3)
)


@pytest.fixture(autouse=True)
def _fast_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    """Progress messages every 0.2 s instead of every few seconds."""
    monkeypatch.setattr(broadcast_run, "PROGRESS_SECONDS", 0.2)


@pytest.fixture
async def engine_for(bot: BotHarness) -> AsyncIterator[DeliveryEngine]:
    """The app's own engine when it has one, else one for this test (drained by hand)."""
    engine = bot.runtime.extras.get("delivery")
    if engine is not None:
        yield engine
        return
    own = DeliveryEngine.from_settings(bot.settings, bot.sessionmaker, config=FAST)
    yield own
    await own.stop(graceful=False)


async def add_member(
    bot: BotHarness, user_id: int, language: str = "uk", subscribed: bool = True, **kw: Any
) -> int:
    async with transaction(bot.sessionmaker) as session:
        member = Member(
            user_id=user_id,
            chat_id=user_id,
            first_name=kw.pop("first_name", f"Member{user_id}"),
            language=language,
            subscribed=subscribed,
            **kw,
        )
        session.add(member)
        await session.flush()
        return member.id


async def follow(bot: BotHarness, user_id: int, slug: str) -> None:
    async with transaction(bot.sessionmaker) as session:
        member = await session.scalar(select(Member).where(Member.user_id == user_id))
        theme = await session.scalar(select(Theme).where(Theme.slug == slug))
        assert member is not None and theme is not None
        member.themes.append(theme)


async def rsvp(bot: BotHarness, user_id: int, webinar_id: int) -> None:
    async with transaction(bot.sessionmaker) as session:
        member = await session.scalar(select(Member).where(Member.user_id == user_id))
        assert member is not None
        session.add(Rsvp(member_id=member.id, webinar_id=webinar_id))


async def upcoming_webinar(bot: BotHarness) -> Webinar:
    from bot.clock import now

    async with bot.sessionmaker() as session:
        query = select(Webinar).where(Webinar.starts_at > now()).order_by(Webinar.starts_at)
        webinar = await session.scalar(query.limit(1))
    assert webinar is not None
    return webinar


async def drain(engine: DeliveryEngine) -> None:
    assert await engine.drain(timeout=10), "the outbox did not empty"
