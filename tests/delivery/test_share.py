"""Several senders on one PostgreSQL database split BROADCAST_RATE: the limit is per token."""

from __future__ import annotations

import os

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery import DeliveryEngine, EngineConfig

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="several senders need PostgreSQL"
)


async def test_two_live_senders_each_take_half_the_rate(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    config = EngineConfig(rate=24)
    first = DeliveryEngine(sessionmaker, token="1:A", api_url="http://127.0.0.1:9", config=config)
    second = DeliveryEngine(sessionmaker, token="1:A", api_url="http://127.0.0.1:9", config=config)
    await first._check_lock()
    assert first.limiter.pacer.interval == pytest.approx(1 / 24)
    await second._check_lock()
    await first._check_lock()
    # Both now know of two senders: 12 messages a second each, 24 together.
    assert first.limiter.pacer.interval == pytest.approx(2 / 24)
    assert second.limiter.pacer.interval == pytest.approx(2 / 24)
    await second._hand_back([])
    await first._check_lock()
    assert first.limiter.pacer.interval == pytest.approx(1 / 24)
