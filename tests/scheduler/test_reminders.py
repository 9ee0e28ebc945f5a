"""Session reminders end to end: planned by the tick, rendered at send time, seen by members."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.db import transaction
from bot.jobs import planner_tick
from bot.models import Rsvp
from tests.harness import BotHarness, Restart
from tests.scheduler.conftest import (
    Deliver,
    add_member,
    add_webinar,
    at,
    move_to,
    rows,
    texts,
)

pytestmark = pytest.mark.no_seed
START = at("2027-05-12T11:00")  # 14:00 in Kyiv
SECOND = timedelta(seconds=1)
H24, H1, ZERO = timedelta(hours=24), timedelta(hours=1), timedelta(0)


async def tick_and_send(bot: BotHarness, deliver: Deliver) -> None:
    await planner_tick(bot.runtime)
    await deliver()


async def test_each_offset_reaches_each_member_once_in_their_language(
    bot: BotHarness, deliver: Deliver
) -> None:
    move_to(START - timedelta(hours=30))
    webinar_id = await add_webinar(bot, START)
    await add_member(bot, 101, "uk")
    await add_member(bot, 102, "en")
    await add_member(bot, 103, "en", reminder_offsets="24h")
    await add_member(bot, 104, "uk", reminders_on=False)
    # Pressed "Remind me" but switched everything off in general: the press still counts.
    rsvp_only = await add_member(
        bot, 105, "en", subscribed=False, reminders_on=False, reminder_offsets="24h"
    )
    async with transaction(bot.sessionmaker) as session:
        session.add(Rsvp(member_id=rsvp_only, webinar_id=webinar_id))

    for offset in (H24, H1, ZERO):
        move_to(START - offset + SECOND)
        await tick_and_send(bot, deliver)
        await tick_and_send(bot, deliver)  # a second tick owes nothing again

    uk, en = texts(bot, 101), texts(bot, 102)
    assert len(uk) == len(en) == 3
    assert uk[0].startswith("⏰ Нагадування: вебінар почнеться через 24 години.")
    assert "12 травня 2027 р., 14:00 (Київ)" in uk[0]
    assert uk[1].startswith("⏰ Нагадування: вебінар почнеться через 1 годину.")
    assert uk[2].startswith("🔴 Вебінар починається зараз!")
    assert "Приєднатися: https://example.org/join/test" in uk[2]
    assert en[0].startswith("⏰ Reminder: the session starts in 24 hours.")
    assert "Rebuilding hromadas" in en[0] and "12 May 2027, 14:00 (Kyiv)" in en[0]
    assert en[1].startswith("⏰ Reminder: the session starts in 1 hour.")
    assert en[2].startswith("🔴 Starting now!") and "Join: https://example.org/join/test" in en[2]
    assert len(texts(bot, 103)) == 1  # chose 24h only
    assert texts(bot, 104) == []  # reminders off
    assert len(texts(bot, 105)) == 3  # "Remind me" wins over not being subscribed
    # The card's buttons ride along: the join link and the RSVP toggle for this session.
    last = bot.user(101).messages()[-1].reply_markup["inline_keyboard"]
    buttons = [button for row in last for button in row]
    assert any(b.get("url") == "https://example.org/join/test" for b in buttons)
    assert any(b.get("callback_data") == f"w:rsvp:{webinar_id}" for b in buttons)


async def test_reminder_planned_before_a_restart_is_sent_after_it(
    bot: BotHarness, restart: Restart
) -> None:
    move_to(START - timedelta(hours=25))
    await add_webinar(bot, START)
    await add_member(bot, 201, "uk")
    assert (await planner_tick(bot.runtime))["reminders"] == 1

    runtime = await restart()  # the process goes away with the row pending
    move_to(START - H24 + timedelta(seconds=30))
    assert (await planner_tick(runtime))["reminders"] == 0  # nothing planned twice
    # The restarted process's own engine sends it, as after a real restart.
    assert await runtime.extras["delivery"].drain(timeout=15)
    assert [t.split("\n")[0] for t in texts(bot, 201)] == [
        "⏰ Нагадування: вебінар почнеться через 24 години."
    ]


async def test_after_downtime_a_late_reminder_says_the_time_really_left(
    bot: BotHarness, deliver: Deliver
) -> None:
    move_to(START - timedelta(hours=30))
    await add_webinar(bot, START)
    await add_member(bot, 301, "uk")
    await add_member(bot, 302, "en")
    await planner_tick(bot.runtime)  # owes the 24h reminder, then the bot is down for a day
    move_to(START - timedelta(minutes=10))
    await tick_and_send(bot, deliver)
    # One message, not two: the 24h one is stale once the 1h moment has passed.
    assert [t.split("\n")[0] for t in texts(bot, 301)] == [
        "⏰ Нагадування: вебінар почнеться через 10 хвилин."
    ]
    assert texts(bot, 302)[0].startswith("⏰ Reminder: the session starts in 10 minutes.")
    reasons = {
        row.purpose.rsplit(":", 1)[1]: (row.status, row.last_error) for row in await rows(bot)
    }
    assert reasons["1d"] == ("dropped", "superseded by a later reminder")


async def test_after_the_start_only_the_starting_now_message_is_sent(
    bot: BotHarness, deliver: Deliver
) -> None:
    move_to(START - timedelta(hours=30))
    await add_webinar(bot, START)
    await add_member(bot, 401, "uk")
    await add_member(bot, 402, "en")
    await planner_tick(bot.runtime)
    move_to(START + timedelta(minutes=20))  # down from 30 h before until 20 min into the session
    await tick_and_send(bot, deliver)
    assert [t.split("\n")[0] for t in texts(bot, 401)] == [
        "🔴 Вебінар розпочався 20 хвилин тому, ще можна приєднатися."
    ]
    assert texts(bot, 402)[0].startswith("🔴 The session started 20 minutes ago; you can still")


async def test_nothing_is_sent_about_a_session_that_has_ended(
    bot: BotHarness, deliver: Deliver
) -> None:
    move_to(START - timedelta(hours=30))
    await add_webinar(bot, START, duration_minutes=60)
    await add_member(bot, 501, "uk")
    await planner_tick(bot.runtime)
    move_to(START + timedelta(minutes=61))
    await tick_and_send(bot, deliver)
    assert texts(bot, 501) == []
    assert {row.status for row in await rows(bot)} == {"dropped"}


async def test_a_session_added_late_gets_only_the_moments_still_ahead(
    bot: BotHarness, deliver: Deliver
) -> None:
    move_to(START - timedelta(minutes=30))
    await add_webinar(bot, START)
    await add_member(bot, 601, "en")
    await tick_and_send(bot, deliver)
    assert texts(bot, 601) == []  # no "in 30 minutes" dressed up as the 1h or 24h reminder
    move_to(START + SECOND)
    await tick_and_send(bot, deliver)
    assert [t.split("\n")[0] for t in texts(bot, 601)] == ["🔴 Starting now!"]
    assert [row.purpose.rsplit(":", 1)[1] for row in await rows(bot)] == ["0m"]


@pytest.mark.parametrize(
    ("start", "kyiv"),
    [
        # Clocks go forward at 03:00 on 28 March 2027: 14:00 is 11:00 UTC that day.
        (at("2027-03-28T11:00"), "28 березня 2027 р., 14:00 (Київ)"),
        # Clocks go back at 04:00 on 31 October 2027: 14:00 is 12:00 UTC that day.
        (at("2027-10-31T12:00"), "31 жовтня 2027 р., 14:00 (Київ)"),
    ],
)
async def test_a_24h_reminder_across_a_clock_change_fires_24_real_hours_before(
    bot: BotHarness, deliver: Deliver, start: object, kyiv: str
) -> None:
    assert isinstance(start, type(START))
    move_to(start - timedelta(hours=30))
    await add_webinar(bot, start)
    await add_member(bot, 701, "uk", reminder_offsets="1d")  # as /settings stores it
    move_to(start - H24 - timedelta(seconds=5))
    await tick_and_send(bot, deliver)
    assert texts(bot, 701) == []  # not an hour early because the wall clock moved
    move_to(start - H24 + SECOND)
    await tick_and_send(bot, deliver)
    [text] = texts(bot, 701)
    assert text.startswith("⏰ Нагадування: вебінар почнеться через 24 години.") and kyiv in text
    [row] = await rows(bot)
    assert row.due_at == start - H24
