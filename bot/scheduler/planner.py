"""The ticks: each decides what is owed now and writes it to the outbox in one transaction.

They are safe to run at any time, on any number of instances, any number of times: purposes are
unique per chat, and a planner lock keeps two instances from deciding the same tick at once.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.clock import now
from bot.db import transaction
from bot.runtime import Runtime
from bot.scheduler.changes import reconcile
from bot.scheduler.digest import GRACE, latest_period, plan_digests
from bot.scheduler.feeds import poll_all
from bot.scheduler.locks import try_planner_lock
from bot.scheduler.reminders import plan_reminders
from bot.services.community import plan_starting
from bot.services.recording import plan_recordings

log = logging.getLogger(__name__)


def wake_delivery(runtime: Runtime) -> None:
    """Let a running delivery engine claim the new rows now rather than at its next poll."""
    engine: Any = runtime.extras.get("delivery")
    if engine is not None and hasattr(engine, "wake"):
        engine.wake()


async def planner_tick(runtime: Runtime) -> dict[str, int]:
    """Owe due reminders, change notices and recording notices; return counts of rows written."""
    settings, moment = runtime.settings, now()
    async with transaction(runtime.sessionmaker) as session:
        if not await try_planner_lock(session, "reminders"):
            return {"reminders": 0, "notices": 0}
        # Notices first: they look at reminders that reconcile then drops.
        notices = await reconcile(session, settings.TIMEZONE, moment)
        reminders = await plan_reminders(
            session, settings.REMINDER_OFFSETS, settings.TIMEZONE, moment
        )
        reminders += await plan_starting(session, moment)  # linked community chats
        notices += await plan_recordings(session, moment)  # links entered before the end
    if reminders or notices:
        log.info("planned %d reminders and %d change notices", reminders, notices)
        wake_delivery(runtime)
    return {"reminders": reminders, "notices": notices}


async def digest_tick(runtime: Runtime) -> dict[str, int]:
    """Owe the current daily and weekly digests once their moment has come."""
    settings, moment = runtime.settings, now()
    planned: dict[str, int] = {}
    for kind in ("daily", "weekly"):
        period = latest_period(kind, settings, moment)
        if period is None or moment - period.moment > GRACE[kind]:
            continue
        async with transaction(runtime.sessionmaker) as session:
            if not await try_planner_lock(session, f"digest:{kind}"):
                continue
            planned[kind] = await plan_digests(session, period, settings, moment)
        if planned[kind]:
            log.info("planned %d %s digests (%s)", planned[kind], kind, period.key)
    if any(planned.values()):
        wake_delivery(runtime)
    return planned


async def feeds_tick(runtime: Runtime) -> int:
    """Poll FEED_URLS; return how many new news items were stored."""
    urls = runtime.settings.FEED_URLS
    if not urls:
        return 0
    added = await poll_all(runtime.sessionmaker, urls)
    if added:
        log.info("stored %d new news items from %d feeds", added, len(urls))
    return added
