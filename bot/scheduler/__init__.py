"""The scheduled side: reminders, change notices, digests and feeds, all owed through the outbox.

Entry points live in `bot.jobs` (planner_tick, digest_tick, feeds_tick, start_scheduler);
the services moderators call are `bot.scheduler.changes.reschedule` and `.cancel`.
"""
