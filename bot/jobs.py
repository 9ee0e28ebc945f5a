"""The few periodic jobs: each only wakes a tick; what is owed lives in the deliveries table.

APScheduler (PTB's JobQueue) keeps nothing durable here: a restart re-creates the same named
jobs, and the ticks re-derive what is owed from the database, so nothing is lost or planned
twice. bot/app.py runs `start_scheduler` at start-up.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.ext import Application, CallbackContext

import bot.scheduler.digest_render
import bot.scheduler.render
from bot.housekeeping import housekeeping_tick
from bot.runtime import Runtime
from bot.scheduler.planner import digest_tick, feeds_tick, planner_tick

log = logging.getLogger(__name__)
Tick = Callable[[Runtime], Awaitable[Any]]

# (name, tick, interval s, first run s). Names are deterministic so a re-run replaces, never adds.
JOBS: tuple[tuple[str, Tick, float, float], ...] = (
    ("scheduler:planner", planner_tick, 60, 10),
    ("scheduler:digest", digest_tick, 300, 30),
    ("scheduler:feeds", feeds_tick, 900, 60),
    ("scheduler:housekeeping", housekeeping_tick, 3600, 120),
)
# APScheduler's default grace is 1 s: a run missed by a busy loop would be silently skipped.
JOB_KWARGS = {"misfire_grace_time": 600, "coalesce": True, "max_instances": 1}


def _callback(tick: Tick) -> Callable[[CallbackContext[Any, Any, Any, Any]], Awaitable[None]]:
    async def run(context: CallbackContext[Any, Any, Any, Any]) -> None:
        # Errors reach the application's error handler, which logs them with the traceback.
        await tick(context.application.bot_data["runtime"])

    run.__name__ = f"run_{getattr(tick, '__name__', 'tick')}"
    return run


async def start_scheduler(
    app: Application[Any, Any, Any, Any, Any, Any], runtime: Runtime
) -> None:
    """Register the periodic jobs on the app's JobQueue (a start-up hook)."""
    bot.scheduler.render.DEFAULTS.zone = runtime.settings.TIMEZONE
    queue = app.job_queue
    if queue is None:
        log.warning("no JobQueue (install python-telegram-bot[job-queue]); nothing is scheduled")
        return
    for name, tick, interval, first in JOBS:
        for old in queue.get_jobs_by_name(name):
            old.schedule_removal()
        queue.run_repeating(
            _callback(tick), interval=interval, first=first, name=name, job_kwargs=JOB_KWARGS
        )


__all__ = [
    "JOBS",
    "digest_tick",
    "feeds_tick",
    "planner_tick",
    "start_scheduler",
]

# Imported for their side effect: the "reminder", "notice" and "digest" renderers register.
_RENDERERS = (bot.scheduler.render, bot.scheduler.digest_render)
