"""After the session: the recording reaches RSVPs and theme followers once; RSVPs rate it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.content import dump_yaml, export_content
from bot.db import transaction
from bot.jobs import planner_tick
from bot.models import Feedback, Theme
from tests.community.conftest import (
    OWNER,
    Deliver,
    add_member,
    add_webinar,
    at,
    follow,
    move_to,
    rsvp,
    texts,
)
from tests.harness import BotHarness

pytestmark = [pytest.mark.no_seed, pytest.mark.bot_settings(ADMIN_IDS=str(OWNER))]
NOW = at("2027-05-12T15:00")
REC = "https://example.org/recording/42"


async def _past_session(bot: BotHarness) -> int:
    async with transaction(bot.sessionmaker) as session:
        session.add(Theme(slug="energy", title_uk="Енергетика", title_en="Energy"))
    return await add_webinar(bot, NOW - timedelta(hours=3), themes=["energy"], title_en="Heat")


async def test_recording_reaches_rsvps_and_followers_once_and_rsvps_rate_it(
    bot: BotHarness, deliver: Deliver
) -> None:
    move_to(NOW)
    webinar_id = await _past_session(bot)
    await rsvp(bot, await add_member(bot, 2601, "uk"), webinar_id)
    await follow(bot, await add_member(bot, 2602, "en"), "energy")
    await add_member(bot, 2603, "en")
    mod = bot.user(OWNER, language_code="en")
    await mod.send(f"/recording {webinar_id} {REC}")
    assert (await mod.wait_message()).text == "Saved. 2 members will get the link."
    await mod.send(f"/recording {webinar_id} {REC}")
    assert (await mod.wait_message()).text == "Saved. 0 members will get the link."
    await deliver()

    [uk] = bot.user(2601).messages()
    assert uk.text.startswith("🎥 Запис уже доступний") and "Наскільки корисною" in uk.text
    assert uk.buttons == [["🎥 Дивитися запис"], ["1", "2", "3", "4", "5"]]
    [en] = bot.user(2602).messages()
    assert en.text.startswith("🎥 The recording is ready") and "Heat" in en.text
    assert en.buttons == [["🎥 Watch the recording"]]  # followers are not asked to rate
    assert texts(bot, 2603) == []

    member = bot.user(2601)
    await member.press("4", uk)
    prompt = await member.wait_message(contains="Дякуємо за оцінку!")
    assert member.callback_answers[-1]["text"] == "Дякуємо! Ваша оцінка: 4 з 5."
    await member.send("Дуже корисно, <b>дякую</b>")
    assert (await member.wait_message()).text.startswith("Дякуємо, ваш коментар передано")
    assert prompt.buttons == [["Без коментаря"]]

    stranger = bot.user(2603, language_code="en")
    await stranger.send("/help")
    await stranger.press_data(f"fb:{webinar_id}:9", await stranger.wait_message())
    await bot.emu.wait_until(lambda: stranger.callback_answers, 5)
    assert stranger.callback_answers[-1]["text"].startswith("This button is out of date")
    async with bot.sessionmaker() as session:
        saved = list(await session.scalars(select(Feedback)))
    assert [(f.rating, f.comment) for f in saved] == [(4, "Дуже корисно, <b>дякую</b>")]

    await mod.send("/stats")
    stats = await mod.wait_message(contains="Feedback")
    assert f"4.0 ★ · 1 · Heat (#{webinar_id})" in stats.text
    # The comment itself is shown too, escaped: the member's tags stay text, not bold.
    assert f"💬 4 ★ · Heat (#{webinar_id}): «Дуже корисно, <b>дякую</b>»" in stats.text


async def test_recording_added_by_content_import_is_announced(
    bot: BotHarness, deliver: Deliver
) -> None:
    move_to(NOW)
    webinar_id = await _past_session(bot)
    await rsvp(bot, await add_member(bot, 2701, "en"), webinar_id)
    async with bot.sessionmaker() as session:
        data = await export_content(session, bot.settings.zone)
    data["webinars"][0]["recording_url"] = REC
    mod = bot.user(OWNER, language_code="uk")
    await mod.send_document("content.yaml", dump_yaml(data).encode(), mime="application/x-yaml")
    assert (await mod.wait_message()).text.startswith("✅")
    await deliver()
    [notice] = bot.user(2701).messages()
    assert notice.text.startswith("🎥 The recording is ready")
    assert notice.button("🎥 Watch the recording")["url"] == REC


async def test_recording_entered_before_the_end_goes_out_when_the_session_ends(
    bot: BotHarness, deliver: Deliver
) -> None:
    move_to(NOW)
    async with transaction(bot.sessionmaker) as session:
        session.add(Theme(slug="water", title_uk="Вода", title_en="Water"))
    starts = NOW + timedelta(minutes=30)
    webinar_id = await add_webinar(bot, starts, themes=["water"], title_uk="Водоканал")
    await rsvp(bot, await add_member(bot, 2801, "uk"), webinar_id)
    mod = bot.user(OWNER, language_code="uk")
    await mod.send(f"/recording {webinar_id} {REC}")
    saved = await mod.wait_message()
    assert saved.text.startswith("Збережено. Вебінар ще не завершився")
    assert "20:00" in saved.text  # ends 17:00 UTC (90 minutes after the start), 20:00 in Kyiv

    await planner_tick(bot.runtime)
    await deliver()
    assert not [t for t in texts(bot, 2801) if t.startswith("🎥")]  # not while it runs

    move_to(starts + timedelta(minutes=91))
    await planner_tick(bot.runtime)
    await planner_tick(bot.runtime)  # a second tick owes nothing again
    await deliver()
    notices = [t for t in texts(bot, 2801) if t.startswith("🎥 Запис уже доступний")]
    assert len(notices) == 1 and "Водоканал" in notices[0]
