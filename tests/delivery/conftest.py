"""Delivery fixtures: the emulator over real HTTP, engines with fast test timings, member rows."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import now
from bot.db import transaction
from bot.delivery import DeliveryEngine, EngineConfig, Renderer, owe_many
from bot.emulator.server import Emulator
from bot.models import Member

TOKEN = "123456:TEST-TOKEN"
FAST = EngineConfig(
    rate=200.0,
    concurrency=8,
    idle_poll=0.05,
    backoff_base=0.05,
    lease=timedelta(seconds=30),
    lock_ttl=timedelta(seconds=3),
)

EngineFactory = Callable[..., DeliveryEngine]


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(token=TOKEN) as emulator:
        yield emulator


@pytest.fixture
async def make_delivery_engine(
    sessionmaker: async_sessionmaker[AsyncSession], emu: Emulator
) -> AsyncIterator[EngineFactory]:
    made: list[DeliveryEngine] = []

    def factory(
        maker: async_sessionmaker[AsyncSession] | None = None,
        renderers: Mapping[str, Renderer] | None = None,
        **config: Any,
    ) -> DeliveryEngine:
        engine = DeliveryEngine(
            maker or sessionmaker,
            token=TOKEN,
            api_url=emu.api_url,
            config=replace(FAST, **config),
            renderers=renderers,
        )
        made.append(engine)
        return engine

    yield factory
    for engine in made:
        await engine.stop(graceful=False)


async def add_members(
    sessionmaker: async_sessionmaker[AsyncSession], chat_ids: Iterable[int], language: str = "uk"
) -> dict[int, int]:
    """Members whose private chat id equals their user id; returns chat_id → member id."""
    async with transaction(sessionmaker) as session:
        members = [Member(user_id=c, chat_id=c, language=language) for c in chat_ids]
        session.add_all(members)
        await session.flush()
        return {member.chat_id: member.id for member in members}


async def owe_texts(
    sessionmaker: async_sessionmaker[AsyncSession],
    chats: Iterable[int] | dict[int, int],
    text: Any = "Hello",
    batch: str = "b1",
    purpose: str = "test",
    **extra: Any,
) -> int:
    members = chats if isinstance(chats, dict) else {}
    rows = (
        {
            "chat_id": chat,
            "member_id": members.get(chat),
            "kind": "text",
            "purpose": purpose,
            "batch": batch,
            "payload": {"text": text},
            "due_at": now(),
            **extra,
        }
        for chat in chats
    )
    async with transaction(sessionmaker) as session:
        return await owe_many(session, rows)


def sends(emu: Emulator, chat_id: int | None = None) -> list[Any]:
    return [
        r
        for r in emu.requests
        if r.method in ("sendMessage", "sendDocument") and chat_id in (None, r.chat_id)
    ]


def delivered(emu: Emulator, chat_id: int) -> list[Any]:
    return list(emu.messages.get(chat_id, []))
