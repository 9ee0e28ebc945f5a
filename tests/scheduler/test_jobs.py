"""Wiring: the periodic jobs, the start-up hook, and two instances planning at the same time."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.jobs import JOBS, digest_tick, planner_tick, start_scheduler
from bot.runtime import Runtime
from tests.harness import BotHarness
from tests.scheduler.conftest import Deliver, add_member, add_webinar, at, move_to, rows, texts

pytestmark = pytest.mark.no_seed


async def test_start_scheduler_registers_each_job_once_with_a_generous_grace(
    bot: BotHarness,
) -> None:
    queue = bot.app.job_queue
    assert queue is not None
    await start_scheduler(bot.app, bot.runtime)
    await start_scheduler(bot.app, bot.runtime)  # a second start replaces, never adds
    jobs = [job for job in queue.jobs() if job.name and job.name.startswith("scheduler:")]
    assert sorted(job.name for job in jobs) == sorted(name for name, *_ in JOBS)
    for job in jobs:
        assert job.job.misfire_grace_time == 600 and job.job.coalesce is True
        job.schedule_removal()


async def test_two_instances_planning_at_once_owe_everything_once(
    bot: BotHarness, deliver: Deliver
) -> None:
    start = at("2027-05-10T11:00")  # a Monday, 14:00 in Kyiv
    move_to(start - timedelta(days=3))
    await add_webinar(bot, start)
    for user_id in range(1301, 1311):
        await add_member(bot, user_id, "uk" if user_id % 2 else "en")
    other = Runtime.create(bot.settings)  # a second instance on the same database
    try:
        move_to(start - timedelta(hours=5))  # Monday 09:00 in Kyiv: digest and reminder due
        await asyncio.gather(
            planner_tick(bot.runtime),
            planner_tick(other),
            digest_tick(bot.runtime),
            digest_tick(other),
        )
        await asyncio.gather(planner_tick(other), digest_tick(bot.runtime))
    finally:
        await other.close()
    owed = await rows(bot)
    purposes = [(row.chat_id, row.purpose) for row in owed]
    # Per member: the 1d, 1h and 0m reminders (all within the planning horizon) and one digest.
    assert len(purposes) == len(set(purposes)) == 10 * 4
    move_to(start - timedelta(hours=1) + timedelta(seconds=1))
    await deliver()  # the overdue 1d reminder is stale by now: dropped, not sent
    # Reminders outrank digests in the outbox, so the reminder may arrive first.
    assert sorted(t.split("\n")[0] for t in texts(bot, 1301)) == [
        "⏰ Нагадування: вебінар почнеться через 1 годину.",
        "📰 Ваш щотижневий дайджест",
    ]
