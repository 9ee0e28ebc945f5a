"""Real processes: kill -9 mid-batch and resume; several senders share one database."""

from __future__ import annotations

import asyncio
import os
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import make_engine, make_sessionmaker
from bot.emulator.server import Emulator
from bot.models import Delivery
from tests.delivery.conftest import TOKEN, EngineFactory, owe_texts, sends

Maker = async_sessionmaker[AsyncSession]
ROOT = Path(__file__).resolve().parents[2]
CONCURRENCY = 8


async def spawn(
    database_url: str, emu: Emulator, log: Path, *extra: str
) -> asyncio.subprocess.Process:
    args = ["--database-url", database_url, "--api-url", emu.api_url, "--token", TOKEN]
    args += ["--rate", "150", "--concurrency", str(CONCURRENCY), "--lease", "2"]
    args += ["--lock-ttl", "2", "--idle-poll", "0.1", *extra]
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.delivery.worker_proc", *args,
        cwd=ROOT, stdout=log.open("ab"), stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip


async def test_kill_9_mid_batch_then_resume_delivers_everything(
    sessionmaker: Maker, emu: Emulator, database_url: str, tmp_path: Path
) -> None:
    chats = range(1, 301)
    await owe_texts(sessionmaker, chats)
    log = tmp_path / "worker.log"
    first = await spawn(database_url, emu, log)
    await emu.wait_until(lambda: len(sends(emu)) >= 100, timeout=30)
    first.kill()  # SIGKILL: no graceful anything
    await first.wait()
    async with sessionmaker() as session:
        unfinished = await session.scalar(
            select(func.count()).where(Delivery.status.in_(("pending", "sending")))
        )
    assert unfinished, "the first process finished before it was killed"
    second = await spawn(database_url, emu, log, "--exit-when-idle")
    async with asyncio.timeout(60):
        assert await second.wait() == 0, log.read_text()
    received = Counter(m.chat_id for chat in chats for m in emu.messages.get(chat, []))
    assert set(received) == set(chats)
    duplicates = sum(received.values()) - len(chats)
    assert duplicates <= CONCURRENCY
    async with sessionmaker() as session:
        statuses = (await session.scalars(select(Delivery.status).distinct())).all()
    assert statuses == ["sent"]


async def test_two_postgresql_senders_share_work_without_duplicates(
    emu: Emulator, database_url: str, sessionmaker: Maker, make_delivery_engine: EngineFactory
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("needs TEST_DATABASE_URL (PostgreSQL); SQLite allows one sender")
    await owe_texts(sessionmaker, range(1, 401))
    other_db = make_engine(database_url)
    try:
        first = make_delivery_engine(rate=60.0, claim_batch=20)
        second = make_delivery_engine(make_sessionmaker(other_db), rate=60.0, claim_batch=20)
        await first.start()
        await second.start()
        assert await first.drain(timeout=30)
        await asyncio.gather(first.stop(), second.stop())
    finally:
        await other_db.dispose()
    received = Counter(r.chat_id for r in sends(emu) if r.status == 200)
    assert set(received.values()) == {1} and len(received) == 400
    assert first.counters.claimed > 50 and second.counters.claimed > 50
