"""The pause switch, and one tap to mark a session postponed or interrupted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.jobs import planner_tick
from bot.models import AuditEntry, Webinar
from tests.community.conftest import (
    OWNER,
    Deliver,
    add_member,
    add_webinar,
    at,
    move_to,
    rows,
    rsvp,
    settle,
    texts,
    tick_and_send,
)
from tests.harness import BotHarness

pytestmark = [pytest.mark.no_seed, pytest.mark.bot_settings(ADMIN_IDS=str(OWNER))]
T0 = at("2027-05-12T08:00")  # 11:00 in Kyiv


async def test_pause_holds_deliveries_answers_members_and_drops_what_expired(
    bot: BotHarness, deliver: Deliver
) -> None:
    move_to(T0 - timedelta(hours=2))
    soon = await add_webinar(bot, T0 + timedelta(minutes=30), duration_minutes=60)
    await add_webinar(bot, T0 + timedelta(hours=23))
    await add_member(bot, 2001, "uk")
    await add_member(bot, 2002, "en")
    move_to(T0)
    mod = bot.user(OWNER, language_code="uk")
    await mod.send("/pause")
    panel = await mod.wait_message(contains="Надсилання працює")
    await mod.press("⏸ Призупинити все надсилання", panel)
    await mod.wait_edit(panel)
    assert "призупинено" in panel.text

    await planner_tick(bot.runtime)
    await settle(bot)
    assert texts(bot, 2001) == [] and texts(bot, 2002) == []  # nothing leaves while paused
    member = bot.user(2002, language_code="en")
    await member.send("/webinars")  # replies never wait in the outbox
    assert (await member.wait_message()).text.startswith("Upcoming webinars")

    move_to(T0 + timedelta(hours=3))  # the first session has ended meanwhile
    await mod.press("▶️ Відновити надсилання", panel)
    await mod.wait_edit(panel)
    await deliver()
    [uk] = texts(bot, 2001)
    assert uk.startswith("⏰ Нагадування: вебінар почнеться через 20 годин.")
    assert texts(bot, 2002)[-1].startswith("⏰ Reminder: the session starts in 20 hours.")
    expired = [r for r in await rows(bot, "reminder") if r.payload["webinar_id"] == soon]
    assert expired and {(r.status, r.last_error) for r in expired} == {
        ("dropped", "session ended")
    }


async def _open_card(bot: BotHarness, language: str) -> tuple[object, object]:
    mod = bot.user(OWNER, language_code=language)
    await mod.send("/editwebinar")
    picker = await mod.wait_message()
    await mod.press(picker.buttons[0][0], picker)
    await mod.wait_edit(picker)
    return mod, picker


async def test_one_tap_postpones_and_tells_rsvps_in_their_language(
    bot: BotHarness, deliver: Deliver
) -> None:
    move_to(T0)
    webinar_id = await add_webinar(bot, T0 + timedelta(days=2))
    for user_id, language in ((2101, "uk"), (2102, "en")):
        await rsvp(bot, await add_member(bot, user_id, language), webinar_id)
    await add_member(bot, 2103, "en")  # subscribed, but no reminder was planned yet: not told

    mod, card = await _open_card(bot, "en")
    await mod.press("⏸ Postponed", card)
    await mod.wait_edit(card)
    assert card.text.startswith("⏸ Marked as postponed. 2 members who expected it will be told.")
    assert "status: postponed" in card.text
    await deliver()
    assert texts(bot, 2101)[0].startswith("⏸ Перенесено: нову дату буде оголошено.")
    assert texts(bot, 2102)[0].startswith("⏸ Postponed: the new date will be announced.")
    assert texts(bot, 2103) == []

    await mod.press("⏸ Postponed", card)  # a second tap tells nobody twice
    await mod.wait_edit(card)
    assert card.text.startswith("It is already marked so")
    await tick_and_send(bot, deliver)  # the planner's reconcile owes nothing more either
    assert len(texts(bot, 2101)) == len(texts(bot, 2102)) == 1
    async with bot.sessionmaker() as session:
        actions = list(await session.scalars(select(AuditEntry.action)))
    assert actions.count("webinar_status") == 2


async def test_interrupted_tells_rsvps_and_forged_taps_are_refused(
    bot: BotHarness, deliver: Deliver
) -> None:
    move_to(T0)
    webinar_id = await add_webinar(bot, T0 - timedelta(minutes=20))  # running now
    await rsvp(bot, await add_member(bot, 2201, "uk"), webinar_id)
    await rsvp(bot, await add_member(bot, 2202, "en"), webinar_id)

    intruder = bot.user(2202, language_code="en")
    await intruder.send("/webinars")
    listing = await intruder.wait_message()
    await intruder.press_data(f"aw:int:{webinar_id}", listing)
    await bot.emu.wait_until(lambda: intruder.callback_answers, 5)
    assert intruder.callback_answers[-1]["text"] == "Sorry, this is only for moderators."
    async with bot.sessionmaker() as session:
        assert (await session.get(Webinar, webinar_id)).status == "scheduled"  # type: ignore[union-attr]

    mod, card = await _open_card(bot, "uk")
    await mod.press("⚠️ Перервано", card)
    await mod.wait_edit(card)
    assert card.text.startswith("⚠️ Позначено як перервану.")
    await deliver()
    assert texts(bot, 2201)[-1].startswith("⚠️ Перервано: подію завершено достроково.")
    assert texts(bot, 2202)[-1].startswith("⚠️ Interrupted: the session was cut short.")


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("en", ("⏸ Postponed", "Date and time", "(Brussels)", "Saved.")),
        ("uk", ("⏸ Перенесено", "Дата й час", "(Брюссель)", "Збережено.")),
    ],
)
async def test_postponed_then_given_a_new_time_tells_rsvps_the_new_time(
    bot: BotHarness, deliver: Deliver, language: str, labels: tuple[str, str, str, str]
) -> None:
    postponed, field, city, saved = labels
    move_to(T0)
    webinar_id = await add_webinar(bot, T0 + timedelta(days=2))
    for user_id, member_language in ((2151, "uk"), (2152, "en")):
        await rsvp(bot, await add_member(bot, user_id, member_language), webinar_id)
    # The moderator types times in their own zone: 13:00 in Brussels is 14:00 in Kyiv.
    await add_member(bot, OWNER, language, time_zone="Europe/Brussels")
    mod, card = await _open_card(bot, language)
    await mod.press(postponed, card)
    await mod.wait_edit(card)
    await deliver()

    await mod.press(field, card)
    assert city in (await mod.wait_message()).text
    await mod.send("2027-05-20 13:00")
    assert (await mod.wait_message()).text.startswith(saved)
    await deliver()
    async with bot.sessionmaker() as session:
        moved = await session.get(Webinar, webinar_id)
    assert moved is not None and moved.status == "scheduled"
    assert moved.starts_at == at("2027-05-20T11:00")
    uk, en = texts(bot, 2151), texts(bot, 2152)
    assert len(uk) == len(en) == 2  # the postponement, then the new time: nothing else
    assert uk[0].startswith("⏸ Перенесено") and en[0].startswith("⏸ Postponed")
    assert uk[1].startswith("🕑 Час змінено") and "20 травня 2027 р., 14:00 (Київ)" in uk[1]
    assert en[1].startswith("🕑 Time changed") and "20 May 2027, 14:00 (Kyiv)" in en[1]
