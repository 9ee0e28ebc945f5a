"""Quiet hours, two clocks (the member's and the organiser's) and a text-first, light bot."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.clock import now
from bot.db import transaction
from bot.jobs import digest_tick
from bot.models import NewsItem
from tests.community.conftest import (
    Deliver,
    add_member,
    add_webinar,
    at,
    move_to,
    rows,
    rsvp,
    sends,
    texts,
    tick_and_send,
)
from tests.harness import BotHarness

pytestmark = pytest.mark.no_seed
SECOND = timedelta(seconds=1)


async def test_quiet_hours_hold_reminders_until_morning_but_starting_now_comes_silently(
    bot: BotHarness, deliver: Deliver
) -> None:
    move_to(at("2027-05-12T12:00"))
    late = await add_webinar(bot, at("2027-05-13T20:30"))  # 23:30 in Kyiv
    tonight = await add_webinar(bot, at("2027-05-12T20:00"), title_en="Night shift")  # 23:00
    await add_member(bot, 2301, "uk", quiet_start="22:00", quiet_end="08:00")
    night_owl = await add_member(
        bot, 2302, "en", subscribed=False, quiet_start="22:00", quiet_end="08:00"
    )
    await rsvp(bot, night_owl, tonight)

    move_to(at("2027-05-12T19:00") + SECOND)  # 22:00 in Kyiv: the 1 h reminder waits
    await tick_and_send(bot, deliver)
    move_to(at("2027-05-12T20:00") + SECOND)  # 23:00: "starting now" for an RSVP goes, silently
    await tick_and_send(bot, deliver)
    [starting] = bot.user(2302).messages()
    assert starting.text.startswith("🔴 Starting now!") and "Night shift" in starting.text
    assert starting.disable_notification is True

    move_to(at("2027-05-12T20:30") + SECOND)  # 23:30: the 24 h reminder is due, and waits
    await tick_and_send(bot, deliver)
    assert texts(bot, 2301) == []
    [held] = [r for r in await rows(bot, "reminder") if r.payload["webinar_id"] == late]
    assert (held.status, held.due_at, held.attempts) == ("pending", at("2027-05-13T05:00"), 0)

    move_to(at("2027-05-13T05:00") + SECOND)  # 08:00 in Kyiv
    await deliver()
    [morning] = bot.user(2301).messages()
    assert morning.text.startswith("⏰ Нагадування: вебінар почнеться через 16 годин.")
    assert not morning.disable_notification
    # Held reminders of the finished night session are dropped, not sent in the morning.
    assert len(texts(bot, 2302)) == 1


async def test_a_digest_due_in_the_members_night_waits_for_their_morning(
    bot: BotHarness, deliver: Deliver
) -> None:
    move_to(at("2027-05-05T10:00"))
    async with transaction(bot.sessionmaker) as session:
        news = {"title_uk": "Нові укриття", "title_en": "New shelters", "published_at": now()}
        session.add(NewsItem(guid="quiet-1", **news))
    night = {"time_zone": "America/Toronto", "quiet_start": "22:00", "quiet_end": "08:00"}
    await add_member(bot, 2351, "uk", **night)
    await add_member(bot, 2352, "en", **night)
    await add_member(bot, 2353, "en", time_zone="America/Toronto")  # no quiet hours

    move_to(at("2027-05-10T06:00") + SECOND)  # Monday 09:00 in Kyiv is 02:00 in Toronto
    await digest_tick(bot.runtime)
    await deliver()
    assert texts(bot, 2351) == texts(bot, 2352) == []
    assert texts(bot, 2353)[0].startswith("📰 Your weekly digest")
    held = {r.chat_id: r for r in await rows(bot, "digest") if r.status == "pending"}
    assert {chat: r.due_at for chat, r in held.items()} == {
        2351: at("2027-05-10T12:00"),  # 08:00 in Toronto
        2352: at("2027-05-10T12:00"),
    }

    move_to(at("2027-05-10T12:00") + SECOND)
    await deliver()
    [uk], [en] = bot.user(2351).messages(), bot.user(2352).messages()
    assert uk.text.startswith("📰 Ваш щотижневий дайджест") and "Нові укриття" in uk.text
    assert en.text.startswith("📰 Your weekly digest") and "New shelters" in en.text
    assert not uk.disable_notification and not en.disable_notification


async def test_brussels_members_see_their_time_and_kyiv_time(
    bot: BotHarness, deliver: Deliver
) -> None:
    move_to(at("2027-05-05T10:00"))
    await add_webinar(bot, at("2027-05-20T11:00"), title_en="Energy", title_uk="Енергія")
    await add_member(bot, 2401, "en", time_zone="Europe/Brussels")
    await add_member(bot, 2402, "uk", time_zone="Europe/Brussels")
    expected = {
        2401: ("20 May 2027, 13:00 (Brussels) · 14:00 Kyiv", "Thu 20 May, 13:00 · 14:00 Kyiv"),
        2402: (
            "20 травня 2027 р., 13:00 (Брюссель) · 14:00 Київ",
            "чт 20 трав., 13:00 · 14:00 Київ",
        ),
    }
    for user_id in expected:
        user = bot.user(user_id, language_code=None)
        await user.send("/webinars")
        await user.press("1", await user.wait_message())
        assert expected[user_id][0] in (await user.wait_message()).text

    move_to(at("2027-05-10T06:00") + SECOND)  # Monday 09:00 in Kyiv: the weekly digest
    await digest_tick(bot.runtime)
    await deliver()
    move_to(at("2027-05-19T11:00") + SECOND)  # 24 h before
    await tick_and_send(bot, deliver)
    for user_id, (long, short) in expected.items():
        digest, reminder = texts(bot, user_id)[-2:]
        assert short in digest, digest
        assert long in reminder, reminder


async def test_whole_programme_fits_one_page_and_reminders_have_no_previews(
    bot: BotHarness, deliver: Deliver
) -> None:
    move_to(at("2027-05-01T08:00"))
    title = "Відновлення громад після війни: енергетика, житло, школи та лікарні — " * 3
    for day in range(8):
        start = at("2027-05-02T11:00") + timedelta(days=day)
        await add_webinar(bot, start, title_uk=f"Сесія {day}. {title}")
    await add_member(bot, 2501, "uk")
    user = bot.user(2501)
    await user.send("/webinars")
    listing = await user.wait_message()
    assert all(f"Сесія {day}. Відновлення" in listing.text for day in range(8))
    assert len(listing.text) < 4096
    assert listing.buttons == [["1", "2", "3", "4"], ["5", "6", "7", "8"]]  # one page, no ▶

    move_to(at("2027-05-02T10:00") + SECOND)  # 1 h before the first one
    await tick_and_send(bot, deliver)
    reminder = sends(bot, 2501)[-1]
    assert "⏰ Нагадування" in reminder["text"]
    preview = reminder["link_preview_options"]
    preview = json.loads(preview) if isinstance(preview, str) else preview
    assert preview["is_disabled"] is True
