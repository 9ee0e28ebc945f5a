import pytest
from tests.scheduler.test_reminders import START, H24, SECOND, timedelta, move_to, add_webinar, add_member, planner_tick
from tests.scheduler.conftest import rows

async def test_dbg(bot, deliver):
    move_to(START - timedelta(hours=30))
    await add_webinar(bot, START)
    await add_member(bot, 103, "en", reminder_offsets="24h")
    move_to(START - H24 + SECOND)
    print(await planner_tick(bot.runtime))
    await deliver()
    for r in await rows(bot): print(r.chat_id, r.purpose, r.status, r.last_error)

async def test_dbg2(bot):
    from sqlalchemy import select, text
    from bot.scheduler.reminders import audience
    await add_member(bot, 103, "en", reminder_offsets="24h")
    async with bot.sessionmaker() as s:
        print((await s.execute(text("select id, subscribed, reminders_on, reminder_offsets, state from members"))).all())
        print((await s.execute(audience(1, "24h"))).all())
        print(audience(1, "24h"))
