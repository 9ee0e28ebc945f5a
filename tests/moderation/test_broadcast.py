"""Bilingual announcements end to end: compose, preview, send through the outbox, report."""

from __future__ import annotations

import asyncio
import re
import time

import pytest
from sqlalchemy import select

from bot.db import transaction
from bot.delivery import DeliveryEngine, batch_stats
from bot.models import AuditEntry, Broadcast, Delivery
from tests.factories import make_member
from tests.harness import BotHarness
from tests.moderation.conftest import OWNER, add_member, drain, follow

pytestmark = pytest.mark.bot_settings(ADMIN_IDS=str(OWNER))
UK_TEXT = "Завтра <b>вебінар</b> про відновлення"
EN_TEXT = "Tomorrow: a <b>webinar</b> on recovery"


async def compose(bot: BotHarness, audience: str, en: str | None = EN_TEXT) -> object:
    """Walk the owner through /broadcast up to the preview; return the summary message."""
    mod = bot.user(OWNER, language_code="en", first_name="Owner")
    await mod.send("/broadcast")
    await mod.wait_message(contains="Ukrainian")
    await mod.send(UK_TEXT)
    await mod.wait_message(contains="English")
    if en is None:
        await mod.press("Same for both")
    else:
        await mod.send(en)
    question = await mod.wait_message(contains="Who should receive it?")
    *steps, last = audience.split(" > ")
    for label in steps:  # e.g. "Followers of a theme" opens the list of themes in place
        await mod.press(label, question)
        await mod.wait_edit(question)
    # Long titles are clipped on buttons; pick the one that starts like the title.
    label = next(b for row in question.buttons for b in row if b.startswith(last[:40]))
    await mod.press(label, question)
    return await mod.wait_message(contains="It will reach")


async def test_bilingual_broadcast_reaches_each_member_once_in_their_language(
    bot: BotHarness, engine_for: DeliveryEngine
) -> None:
    await add_member(bot, 2001, "uk")
    await add_member(bot, 2002, "en")
    await add_member(bot, 2003, "uk", subscribed=False)  # never consented: not reached
    await add_member(bot, 2004, "en", state="blocked")
    await add_member(bot, 2005, "en")  # blocked the bot since: found out while sending
    bot.emu.faults.block(2005)
    summary = await compose(bot, "Everyone subscribed")
    mod = bot.user(OWNER)
    previews = [m.text for m in mod.messages()[-3:-1]]
    assert previews == ["Завтра вебінар про відновлення", "Tomorrow: a webinar on recovery"]
    assert "It will reach 3 members." in summary.text
    await mod.press("📣 Send now", summary)
    await mod.wait_edit(summary)
    assert "Sending announcement" in summary.text
    await drain(engine_for)
    uk, en = bot.user(2001), bot.user(2002)
    assert (await uk.wait_message()).html == UK_TEXT
    assert (await en.wait_message()).html == EN_TEXT
    report = await _report(bot, engine_for, mod)
    assert "Delivered to 2 members." in report
    assert "1 member could not be reached (blocked the bot or left Telegram)." in report
    assert "0 messages failed." in report
    for user_id in (2001, 2002):
        assert len(bot.user(user_id).messages()) == 1
    assert bot.user(2003).messages() == [] and bot.user(2004).messages() == []
    assert bot.user(2005).messages() == []
    await mod.send("/stats")  # the last announcements, with their delivery counts
    stats = await mod.wait_message(contains="Last announcements")
    assert "delivered 2, unreachable 1, failed 0, waiting 0" in stats.text


async def _report(bot: BotHarness, engine: DeliveryEngine, mod: object) -> str:
    """The final report is owed by the progress job once the batch is empty; deliver it.

    Waits by the clock: the job runs every PROGRESS_SECONDS, and an idle emulator answers
    `wait_idle` at once, so a count of rounds alone could end before the job's next run.
    """
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        await drain(engine)
        found = [m.text for m in mod.messages() if "is finished" in (m.text or "")]  # type: ignore[attr-defined]
        if len(found) == 2:  # the progress message edited in place, and the report itself
            return found[-1]
        await asyncio.sleep(0.1)
    async with bot.sessionmaker() as session:
        rows = [
            (r.chat_id, r.status, r.claimed_by, r.due_at, r.attempts, r.last_error)
            for r in await session.scalars(select(Delivery).order_by(Delivery.id))
        ]
    raise AssertionError(f"no final report within 15 s; outbox: {rows}")


async def test_theme_broadcast_reaches_only_followers_and_same_text_for_both(
    bot: BotHarness, engine_for: DeliveryEngine
) -> None:
    await add_member(bot, 2101, "uk")
    await add_member(bot, 2102, "en")
    await add_member(bot, 2103, "en")
    await follow(bot, 2101, "green-recovery")
    await follow(bot, 2102, "green-recovery")
    label = "Integrated, resilient and green recovery"
    summary = await compose(bot, f"Followers of a theme > {label}", en=None)
    assert "It will reach 2 members." in summary.text
    assert f"Followers of a theme: {label}" in summary.text
    await bot.user(OWNER).press("📣 Send now", summary)
    await bot.user(OWNER).wait_edit(summary)
    await drain(engine_for)
    assert (await bot.user(2102).wait_message()).html == UK_TEXT  # "same for both"
    assert (await bot.user(2101).wait_message()).html == UK_TEXT
    assert bot.user(2103).messages() == []


async def test_pressing_send_twice_sends_once(bot: BotHarness, engine_for: DeliveryEngine) -> None:
    await add_member(bot, 2201, "uk")
    await add_member(bot, 2202, "en", role="moderator")  # a second moderator, same draft
    colleague = bot.user(2202, language_code="en")
    await colleague.send("/help")
    elsewhere = await colleague.wait_message()
    summary = await compose(bot, "Everyone subscribed")
    mod = bot.user(OWNER)
    data, before = summary.button("📣 Send now")["callback_data"], len(mod.callback_answers)
    await mod.press_data(data, summary)
    await colleague.press_data(data, elsewhere)
    await mod.press_data(data, summary)
    await bot.emu.wait_until(lambda: len(mod.callback_answers) >= before + 2, 5)
    await bot.emu.wait_until(lambda: colleague.callback_answers, 5)
    answers = [answer["text"] for answer in mod.callback_answers[before:]]
    assert answers == ["Sending started.", "This announcement was already sent or cancelled."]
    assert colleague.callback_answers[-1]["text"] == answers[1]
    await drain(engine_for)
    await bot.user(2201).wait_message()
    assert len(bot.user(2201).messages()) == 1
    async with bot.sessionmaker() as session:
        sends = await session.scalars(
            select(AuditEntry).where(AuditEntry.action == "broadcast_send")
        )
        assert len(list(sends)) == 1


@pytest.mark.bot_settings(ADMIN_IDS=str(OWNER), BROADCAST_RATE="20")
async def test_cancel_mid_send_stops_the_rest(bot: BotHarness, engine_for: DeliveryEngine) -> None:
    # 200 members at 20/s: the sender holds ~50 claimed, rendered rows in memory (queue and
    # send tasks). Cancel must stop those too, not only the rows still waiting in the table.
    members = range(2301, 2501)
    async with transaction(bot.sessionmaker) as session:
        for user_id in members:
            await make_member(session, user_id, language="uk")

    def received() -> int:
        return sum(len(bot.emu.messages.get(chat, [])) for chat in members)

    summary = await compose(bot, "Ukrainian readers")
    mod = bot.user(OWNER)
    await mod.press("📣 Send now", summary)
    assert await bot.emu.wait_until(lambda: received() >= 3, 10)
    before = received()
    await mod.press("⛔ Cancel sending", summary)
    assert await bot.emu.wait_until(lambda: "was cancelled" in summary.text, 5)
    await drain(engine_for)
    got = received()
    # Only messages whose HTTP call had started (at most one per send task) still arrive.
    assert before <= got <= before + engine_for.config.concurrency
    async with bot.sessionmaker() as session:
        stats = await batch_stats(session, "broadcast:1")
        broadcast = await session.get(Broadcast, 1)
    assert broadcast is not None and broadcast.status == "cancelled"
    assert stats["sent"] == got and stats["cancelled"] == 200 - got
    assert stats["failed"] == stats["dropped"] == stats["sending"] == stats["queued"] == 0
    # The moderator's counts as of the press: delivered + stopped = everyone.
    delivered = re.search(r"Delivered so far: (\d+)\.\n(\d+) messages will not", summary.text)
    assert delivered is not None
    assert int(delivered[1]) + int(delivered[2]) == 200 and int(delivered[2]) >= 200 - got
    assert "Only a message leaving at this very moment may still arrive." in summary.text
    await asyncio.sleep(0.5)
    assert received() == got


async def test_broken_html_and_oversized_text_are_refused_with_the_reason(bot: BotHarness) -> None:
    mod = bot.user(OWNER, language_code="uk")
    await mod.send("/broadcast")
    await mod.wait_message(contains="українською")
    await mod.send("Запрошуємо на <b>вебінар")
    refusal = await mod.wait_message(contains="Telegram не прийме")
    assert 'start tag "b"' in refusal.text and "<b>, <i>" in refusal.text
    await mod.send("Зустріч&nbsp;громад")
    assert "&nbsp;" in (await mod.wait_message(contains="Telegram не прийме")).text
    await mod.send("а" * 4097)
    assert "4097" in (await mod.wait_message(contains="4096")).text
    await mod.send("Q&A для громад: <i>питання й відповіді</i>")  # a bare & is fine
    await mod.wait_message(contains="англійською")
    async with bot.sessionmaker() as session:
        assert await session.scalar(select(Broadcast)) is None


async def test_scheduled_broadcast_to_webinar_rsvps_waits_for_its_time(
    bot: BotHarness, engine_for: DeliveryEngine
) -> None:
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from bot.clock import clock, now
    from tests.moderation.conftest import rsvp, upcoming_webinar

    webinar = await upcoming_webinar(bot)
    await add_member(bot, 2401, "en")
    await add_member(bot, 2402, "uk", subscribed=False)  # an RSVP is consent enough
    await add_member(bot, 2403, "uk")
    await rsvp(bot, 2401, webinar.id)
    await rsvp(bot, 2402, webinar.id)
    summary = await compose(bot, f"RSVPs of a webinar > {webinar.title_en[:60]}")
    assert "It will reach 2 members." in summary.text
    mod = bot.user(OWNER)
    await mod.press("🕒 Schedule", summary)
    await mod.wait_message(contains="time zone (Kyiv)")
    await mod.send("tomorrow at noon")
    await mod.wait_message(contains="could not read that date")
    when = (now() + timedelta(hours=2)).astimezone(ZoneInfo("Europe/Kyiv"))
    await mod.send(when.strftime("%Y-%m-%d %H:%M"))
    progress = await mod.wait_message(contains="is scheduled for")
    assert progress.buttons == [["⛔ Cancel sending"]]
    await drain(engine_for)
    assert bot.user(2401).messages() == []
    clock.advance(timedelta(hours=3))
    await drain(engine_for)
    assert (await bot.user(2401).wait_message()).html == EN_TEXT
    assert (await bot.user(2402).wait_message()).html == UK_TEXT
    assert bot.user(2403).messages() == []
    assert "Delivered to 2 members." in await _report(bot, engine_for, mod)


async def test_cancel_on_the_preview_discards_the_draft_and_cancel_mid_compose(
    bot: BotHarness, engine_for: DeliveryEngine
) -> None:
    await add_member(bot, 2501, "uk")
    summary = await compose(bot, "English readers")
    assert "It will reach 0 members." in summary.text
    mod = bot.user(OWNER)
    await mod.press("Cancel", summary)
    assert await bot.emu.wait_until(lambda: "Nothing was sent." in summary.text, 5)
    await mod.send("/broadcast")
    await mod.wait_message(contains="Ukrainian")
    await mod.send("/cancel")
    assert (await mod.wait_message()).text == "Cancelled. Nothing was sent."
    await drain(engine_for)
    assert bot.user(2501).messages() == []
    async with bot.sessionmaker() as session:
        broadcast = await session.scalar(select(Broadcast))
        assert broadcast is not None and broadcast.status == "cancelled"
