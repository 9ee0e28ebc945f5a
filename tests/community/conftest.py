"""Issue #11 fixtures: rows in the harness database, a fast delivery engine, Telegram updates."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

import bot.jobs  # noqa: F401  (the reminder, notice and digest renderers)
from bot.db import transaction
from bot.delivery import DeliveryEngine, EngineConfig
from bot.emulator.botinfo import member_json
from bot.jobs import planner_tick
from bot.models import Member, Rsvp, Theme
from tests.harness import BotHarness

# Shared with the scheduler tests (re-exported): the same rows, the same clock.
from tests.scheduler.conftest import add_member, add_webinar, at, move_to, rows  # noqa: F401

OWNER = 1001
# No per-chat or per-group spacing: a test sends a chat several messages within a second.
FAST = EngineConfig(
    rate=500.0,
    idle_poll=0.05,
    backoff_base=0.05,
    private_interval=0.0,
    group_interval=0.0,
    lease=timedelta(seconds=30),
    lock_ttl=timedelta(seconds=3),
)
Deliver = Callable[[], Awaitable[None]]


async def rsvp(bot: BotHarness, member_id: int, webinar_id: int) -> None:
    async with transaction(bot.sessionmaker) as session:
        session.add(Rsvp(member_id=member_id, webinar_id=webinar_id))


async def follow(bot: BotHarness, member_id: int, slug: str) -> None:
    async with transaction(bot.sessionmaker) as session:
        member = await session.get(Member, member_id)
        theme = await session.scalar(select(Theme).where(Theme.slug == slug))
        assert member is not None and theme is not None
        member.themes.append(theme)


async def member_row(bot: BotHarness, user_id: int) -> Member:
    async with bot.sessionmaker() as session:
        member = await session.scalar(select(Member).where(Member.user_id == user_id))
    assert member is not None
    return member


def texts(bot: BotHarness, chat_id: int) -> list[str]:
    return [message.text for message in bot.emu.messages.get(chat_id, [])]


def sends(bot: BotHarness, chat_id: int) -> list[dict[str, Any]]:
    """The parameters of every sendMessage the bot made to this chat."""
    return [
        r.params for r in bot.emu.requests if r.method == "sendMessage" and r.chat_id == chat_id
    ]


@pytest.fixture
async def deliver(bot: BotHarness) -> AsyncIterator[Deliver]:
    """Send everything due at the test clock now: through the app's engine, else a test one."""
    running = bot.runtime.extras.get("delivery")
    engine = running or DeliveryEngine.from_settings(bot.settings, bot.sessionmaker, config=FAST)

    async def drain() -> None:
        if running is not None:
            assert await engine.drain(timeout=5), "the outbox did not drain"
            return
        for _ in range(20):
            if not await engine.run_once():
                return
        raise AssertionError("the outbox kept finding due rows")

    yield drain
    if running is None:
        await engine.stop(graceful=False)


async def settle(bot: BotHarness) -> None:
    """Give a running engine the chance to send (used where nothing should leave)."""
    engine = bot.runtime.extras.get("delivery")
    if engine is not None:
        engine.wake()
    await asyncio.sleep(0.5)


async def tick_and_send(bot: BotHarness, deliver: Deliver) -> None:
    await planner_tick(bot.runtime)
    await deliver()


def push(bot: BotHarness, update: dict[str, Any]) -> None:
    """An update Telegram sends that no driver helper makes (e.g. a member unblocking the bot)."""
    bot.emu.updates.push(update)


def my_chat_member(bot: BotHarness, user_id: int, old: str, new: str) -> dict[str, Any]:
    """The update Telegram sends when a member blocks (kicked) or unblocks (member) the bot."""
    user = dict(bot.user(user_id).user)
    chat = {"id": user_id, "type": "private", "first_name": user["first_name"]}
    return {
        "my_chat_member": {
            "chat": chat,
            "from": user,
            "date": int(time.time()),
            "old_chat_member": member_json(dict(bot.emu.bot_user), old),
            "new_chat_member": member_json(dict(bot.emu.bot_user), new),
        }
    }
