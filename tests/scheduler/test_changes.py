"""Reschedules and cancellations: old reminders dropped, one short notice to those concerned."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.db import transaction
from bot.jobs import planner_tick
from bot.models import Rsvp, Webinar
from bot.scheduler.changes import cancel, reschedule
from tests.harness import BotHarness
from tests.scheduler.conftest import Deliver, add_member, add_webinar, at, move_to, rows, texts

pytestmark = pytest.mark.no_seed
START = at("2027-05-12T11:00")  # 14:00 in Kyiv
NEW_START = at("2027-05-14T08:00")  # 11:00 in Kyiv
SECOND = timedelta(seconds=1)


def first_lines(bot: BotHarness, user_id: int) -> list[str]:
    return [text.split("\n")[0] for text in texts(bot, user_id)]


async def test_reschedule_tells_those_already_reminded_and_reminds_at_the_new_time(
    bot: BotHarness, deliver: Deliver
) -> None:
    move_to(START - timedelta(hours=30))
    webinar_id = await add_webinar(bot, START)
    await add_member(bot, 801, "uk")
    await add_member(bot, 802, "en")
    move_to(START - timedelta(hours=24) + SECOND)
    await planner_tick(bot.runtime)
    await deliver()  # both got the 24h reminder
    await add_member(bot, 803, "uk")  # subscribed later: never told the old time

    move_to(START - timedelta(hours=2))
    await planner_tick(bot.runtime)  # the 1h reminder of the old time is now owed
    async with transaction(bot.sessionmaker) as session:
        webinar = await session.get(Webinar, webinar_id)
        assert webinar is not None
        assert await reschedule(session, webinar, NEW_START) == 2
    await deliver()

    uk = texts(bot, 801)
    assert uk[-1].startswith("🕑 Час змінено: вебінар перенесено.")
    assert "14 травня 2027 р., 11:00 (Київ)" in uk[-1]
    assert "Нагадування надійдуть відповідно до нового часу." in uk[-1]
    en = texts(bot, 802)[-1]
    assert en.startswith("🕑 Time changed: this session has moved.")
    assert "14 May 2027, 11:00 (Kyiv)" in en
    assert texts(bot, 803) == []

    move_to(START - timedelta(hours=1) + SECOND)  # the old 1h moment: nothing
    await planner_tick(bot.runtime)
    await deliver()
    assert len(texts(bot, 801)) == 2 and texts(bot, 803) == []
    dropped = [r for r in await rows(bot, "reminder") if r.status == "dropped"]
    assert {r.last_error for r in dropped} == {"webinar rescheduled"}

    move_to(NEW_START - timedelta(hours=24) + SECOND)
    await planner_tick(bot.runtime)
    await deliver()
    for user_id in (801, 803):
        assert (
            first_lines(bot, user_id)[-1] == "⏰ Нагадування: вебінар почнеться через 24 години."
        )
        assert "14 травня 2027 р., 11:00 (Київ)" in texts(bot, user_id)[-1]
    # Repeating the same move changes nothing and tells no one twice.
    async with transaction(bot.sessionmaker) as session:
        webinar = await session.get(Webinar, webinar_id)
        assert webinar is not None and await reschedule(session, webinar, NEW_START) == 0


async def test_a_change_made_by_the_content_import_is_noticed_by_the_planner(
    bot: BotHarness, deliver: Deliver
) -> None:
    move_to(START - timedelta(hours=30))
    webinar_id = await add_webinar(bot, START)
    await add_member(bot, 811, "en")
    move_to(START - timedelta(hours=24) + SECOND)
    await planner_tick(bot.runtime)
    await deliver()
    async with transaction(bot.sessionmaker) as session:
        webinar = await session.get(Webinar, webinar_id)
        assert webinar is not None
        webinar.starts_at, webinar.schedule_version = NEW_START, 2  # what the import does
    await planner_tick(bot.runtime)
    await planner_tick(bot.runtime)
    await deliver()
    assert first_lines(bot, 811) == [
        "⏰ Reminder: the session starts in 24 hours.",
        "🕑 Time changed: this session has moved.",
    ]


async def test_cancel_tells_members_who_were_planned_and_those_who_asked(
    bot: BotHarness, deliver: Deliver
) -> None:
    move_to(START - timedelta(hours=30))
    webinar_id = await add_webinar(bot, START)
    await add_member(bot, 901, "uk")  # a 24h reminder is planned for them
    asked = await add_member(bot, 902, "en", subscribed=False)  # pressed "Remind me" only
    await add_member(bot, 903, "uk", reminders_on=False)  # expects nothing about it
    async with transaction(bot.sessionmaker) as session:
        session.add(Rsvp(member_id=asked, webinar_id=webinar_id))
    await planner_tick(bot.runtime)
    async with transaction(bot.sessionmaker) as session:
        webinar = await session.get(Webinar, webinar_id)
        assert webinar is not None
        assert await cancel(session, webinar) == 2
    await deliver()

    assert first_lines(bot, 901) == ["❌ Скасовано: ця подія не відбудеться."]
    assert "12 травня 2027 р., 14:00 (Київ)" in texts(bot, 901)[0]
    assert first_lines(bot, 902) == ["❌ Cancelled: this session will not take place."]
    assert texts(bot, 903) == []
    for moment in (START - timedelta(hours=24), START - timedelta(hours=1), START):
        move_to(moment + SECOND)
        await planner_tick(bot.runtime)
        await deliver()
    assert len(texts(bot, 901)) == len(texts(bot, 902)) == 1  # no reminders, no second notice


async def test_postpone_tells_planned_members_once_and_silences_reminders(
    bot: BotHarness, deliver: Deliver
) -> None:
    from bot.scheduler.changes import postpone

    move_to(START - timedelta(hours=30))
    webinar_id = await add_webinar(bot, START)
    await add_member(bot, 951, "en")
    await planner_tick(bot.runtime)
    async with transaction(bot.sessionmaker) as session:
        webinar = await session.get(Webinar, webinar_id)
        assert webinar is not None
        assert await postpone(session, webinar, zone="Europe/Kyiv") == 1
        assert await postpone(session, webinar, zone="Europe/Kyiv") == 0
    await deliver()
    move_to(START - timedelta(hours=24) + SECOND)
    await planner_tick(bot.runtime)
    await deliver()
    assert first_lines(bot, 951) == ["⏸ Postponed: the new date will be announced."]
