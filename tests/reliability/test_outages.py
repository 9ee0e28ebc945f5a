"""R12 and R13: Telegram answers too late; the database goes away while members talk."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import make_url

from bot.emulator.server import Emulator
from tests.conftest import POSTGRES_URL
from tests.deploy.conftest import plan_broadcast
from tests.reliability.support import (
    TOKEN,
    TcpProxy,
    duplicates,
    received,
    start_bot,
    wait_for,
    wait_outbox,
)

pytestmark = pytest.mark.slow
OUTAGE = 15.0  # seconds the database is away
READ_TIMEOUT = 10.0  # EngineConfig.read_timeout: a slower answer counts as a timeout


@pytest.mark.timeout(180)
async def test_r12_sends_answered_after_the_timeout_cost_at_most_one_duplicate(
    tmp_path: Path, fresh_url: str
) -> None:
    chats = range(260_001, 261_001)
    async with Emulator(token=TOKEN) as emu:
        emu.faults.seed(12)
        emu.faults.slow_response(probability=0.01, delay_s=READ_TIMEOUT + 1.5)
        slow: list[float] = []
        original = emu.faults.slow_delay

        def counting(method: str) -> float:
            delay = original(method)
            if delay:
                slow.append(delay)
            return delay

        emu.faults.slow_delay = counting  # type: ignore[method-assign]
        bot = await start_bot(tmp_path, emu, fresh_url, "r12", BROADCAST_RATE="1000")
        try:
            await plan_broadcast(fresh_url, chats)
            await wait_for(lambda: all(emu.messages.get(c) for c in chats), 120, "all reached")
            statuses = await wait_outbox(fresh_url, 90)
        finally:
            await bot.kill()
    counts = received(emu, chats)
    extra = duplicates(counts)
    lost, hit = sum(n == 0 for n in counts.values()), sum(n > 1 for n in counts.values())
    print(f"\nR12 {len(chats)} sends, {len(slow)} answered after the read timeout: lost "
          f"{lost}, duplicates {extra} (members with one: {hit}), outbox {statuses}")  # fmt: skip
    assert slow, "no send was slow: the fault did not fire"
    assert min(counts.values()) == 1 and extra <= len(slow)
    assert statuses == {"sent": len(chats)}


class SqliteLock:
    """Another connection holding SQLite's write lock (BEGIN EXCLUSIVE) for `seconds`."""

    def __init__(self, path: str) -> None:
        self.path, self.taken, self.release = path, threading.Event(), threading.Event()

    def _hold(self) -> None:
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        connection.execute("BEGIN EXCLUSIVE")
        self.taken.set()
        self.release.wait()
        connection.execute("ROLLBACK")
        connection.close()

    async def cut(self) -> None:
        threading.Thread(target=self._hold, daemon=True).start()
        await asyncio.to_thread(self.taken.wait)

    async def restore(self) -> None:
        self.release.set()


@pytest.mark.timeout(240)
async def test_r13_a_database_outage_gets_a_polite_answer_and_loses_nothing(
    tmp_path: Path, fresh_url: str
) -> None:
    chats = range(270_001, 270_401)
    outage: TcpProxy | SqliteLock
    if POSTGRES_URL:
        url = make_url(fresh_url)
        outage = await TcpProxy(url.host or "127.0.0.1", url.port or 5432).start()
        bot_url = url.set(host="127.0.0.1", port=outage.port).render_as_string(False)
    else:
        outage, bot_url = SqliteLock(str(make_url(fresh_url).database)), fresh_url
    async with Emulator(token=TOKEN) as emu:
        bot = await start_bot(tmp_path, emu, bot_url, "r13", BROADCAST_RATE="40")
        try:
            await plan_broadcast(fresh_url, chats)
            await wait_for(lambda: sum(bool(emu.messages.get(c)) for c in chats) >= 100, 60)
            await outage.cut()
            cut_at = time.monotonic()
            members = [emu.user(270_900 + n, language_code=("uk", "en")[n % 2]) for n in range(4)]
            for member in members:
                await member.send("/help")
            await asyncio.sleep(OUTAGE)
            during = [len(m.messages()) for m in members]
            sent_during = sum(bool(emu.messages.get(c)) for c in chats)
            await outage.restore()
            restored = time.monotonic()
            answers = [await m.wait_message(timeout=40) for m in members]
            answered = time.monotonic() - cut_at
            await wait_for(lambda: all(emu.messages.get(c) for c in chats), 120, "all reached")
            resumed = time.monotonic() - restored
            after = emu.user(270_999, language_code="en")
            await after.send("/help")
            await after.wait_message(timeout=20, contains="/start")
            statuses = await wait_outbox(fresh_url, 60)
        finally:
            await bot.kill()
            if isinstance(outage, TcpProxy):
                await outage.close()
    counts = received(emu, chats)
    texts = [a.text.split("\n")[0][:48] for a in answers]
    print(f"\nR13 database away {OUTAGE:.0f}s ({type(outage).__name__}): members answered while "
          f"away {during}, all within {answered:.1f}s of the cut: {texts}; broadcast "
          f"{sent_during} sent before and while away, all {len(chats)} done {resumed:.1f}s after "
          f"it returned; duplicates {duplicates(counts)}, outbox {statuses}")  # fmt: skip
    assert all(len(m.messages()) == 1 for m in members)  # one answer each, no silence
    if POSTGRES_URL:  # refused connections fail fast: the apology comes while it is away
        assert during == [1] * len(members)
    assert not any("Traceback" in t or "Error" in t for t in texts)
    assert min(counts.values()) == 1 and duplicates(counts) <= 12
    assert statuses == {"sent": len(chats)}
