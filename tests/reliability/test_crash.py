"""R1: SIGKILL at random points of a 5,000-member broadcast; every restart resumes by itself."""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

import pytest

from bot.emulator.server import Emulator
from tests.deploy.conftest import plan_broadcast
from tests.reliability.support import (
    TOKEN,
    duplicates,
    outbox,
    received,
    restart,
    start_bot,
    wait_for,
    wait_outbox,
)

pytestmark = pytest.mark.slow
RECIPIENTS = range(300_001, 305_001)  # 5,000 members
KILLS = 5
CONCURRENCY = 12  # EngineConfig.concurrency: the duplicate bound after one crash


def total(emu: Emulator) -> int:
    return sum(len(emu.messages.get(chat, ())) for chat in RECIPIENTS)


@pytest.mark.timeout(420)
async def test_r1_sigkill_mid_broadcast_loses_nothing_and_resumes_alone(
    tmp_path: Path, fresh_url: str
) -> None:
    seed = int.from_bytes(os.urandom(4))
    rng = random.Random(seed)
    print(f"\nR1 seed {seed}")
    async with Emulator(token=TOKEN) as emu:
        bot = await start_bot(tmp_path, emu, fresh_url, "r1-0", BROADCAST_RATE="1000")
        await plan_broadcast(fresh_url, RECIPIENTS)
        resumes: list[float] = []
        try:
            for kill in range(1, KILLS + 1):
                target = total(emu) + rng.randint(150, 700)
                await wait_for(lambda n=target: total(emu) >= n, 120, "sends before the kill", 0.2)
                await bot.kill()  # SIGKILL
                at_kill, held = total(emu), (await outbox(fresh_url)).get("sending", 0)
                started = time.monotonic()
                bot = await restart(bot, f"r1-{kill}", ready=False)
                await wait_for(lambda n=at_kill: total(emu) > n, 60, "resumed sending", 0.1)
                resumes.append(time.monotonic() - started)
                print(f"R1 kill {kill}: after {at_kill} sends, {held} rows `sending`; "
                      f"resumed {resumes[-1]:.1f}s after the restart")  # fmt: skip
            await wait_for(lambda: total(emu) >= len(RECIPIENTS), 240, "every member reached", 0.5)
            statuses = await wait_outbox(fresh_url, 120)
        finally:
            await bot.kill()
    counts = received(emu, RECIPIENTS)
    lost = [chat for chat, n in counts.items() if n == 0]
    extra = duplicates(counts)
    print(f"R1 {KILLS} kills: lost {len(lost)}, duplicates {extra} "
          f"(bound {KILLS} x {CONCURRENCY}), most to one member {max(counts.values())}, "
          f"slowest resume {max(resumes):.1f}s, outbox {statuses}")  # fmt: skip
    assert not lost
    assert max(counts.values()) <= 2
    assert extra <= KILLS * CONCURRENCY
    assert statuses == {"sent": len(RECIPIENTS)}
    assert max(resumes) < 30
