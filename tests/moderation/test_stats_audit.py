"""/stats numbers, /audit pages for owners, and /pause stopping every delivery."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from bot.clock import now
from bot.db import transaction
from bot.delivery import DeliveryEngine, owe
from bot.models import Member
from bot.services import audit
from tests.harness import BotHarness
from tests.moderation.conftest import OWNER, add_member, drain, rsvp, upcoming_webinar

pytestmark = pytest.mark.bot_settings(ADMIN_IDS=str(OWNER))


async def test_stats_counts_members_rsvps_and_offers_the_csv(bot: BotHarness) -> None:
    await add_member(bot, 5001, "uk")
    await add_member(bot, 5002, "uk", state="stopped", subscribed=False)
    await add_member(bot, 5003, "en")
    await add_member(bot, 5004, "en", state="blocked")
    async with transaction(bot.sessionmaker) as session:  # joined long ago
        await session.execute(
            update(Member)
            .where(Member.user_id == 5004)
            .values(created_at=now() - timedelta(days=40))
        )
    webinar = await upcoming_webinar(bot)
    await rsvp(bot, 5001, webinar.id)
    await rsvp(bot, 5003, webinar.id)
    mod = bot.user(OWNER, language_code="en")  # the owner is a member too (5 in all)
    await mod.send("/stats")
    text = (await mod.wait_message(contains="Members")).text
    assert "Members: 5, subscribed 2" in text
    assert "By language: en 3 · uk 2" in text
    assert "By state: active 3 · blocked 1 · stopped 1" in text
    assert "New: 4 in the last 7 days, 4 in the last 30 days" in text
    assert "2 · " in text and f"(#{webinar.id})" in text
    stats = mod.messages()[-1]
    await mod.press(stats.buttons[0][0], stats)
    sent = await mod.wait_message(contains="2 RSVPs")
    assert sent.document.filename.endswith(".csv")


async def test_stats_in_ukrainian(bot: BotHarness) -> None:
    await add_member(bot, 5101, "uk")
    mod = bot.user(OWNER, language_code="uk")
    await mod.send("/stats")
    text = (await mod.wait_message(contains="Учасники")).text
    assert "Учасники: 2, з підпискою 1" in text and "Записи на найближчі вебінари" in text


async def test_audit_is_for_owners_and_pages_back(bot: BotHarness) -> None:
    async with transaction(bot.sessionmaker) as session:
        for n in range(25):
            await audit.record(session, 7001, "stats", f"n{n}")
    await add_member(bot, 7001, "en", role="moderator", first_name="Mod")
    mod = bot.user(7001, language_code="en")
    await mod.send("/audit")
    assert (await mod.wait_message()).text == "Sorry, only the bot's owners can do this."
    owner = bot.user(OWNER, language_code="en")
    await owner.send("/audit")
    page = await owner.wait_message(contains="Moderator actions")
    lines = page.text.splitlines()
    assert "Mod · audit ⛔ refused" in lines[1]  # newest first: the refused /audit above
    assert len(lines) == 21 and page.buttons == [["▶"]]
    await owner.press("▶", page)
    await bot.emu.wait_until(lambda: "(page 2)" in page.text, 5)
    assert "Mod · stats n0 ✅" in page.text.splitlines()[-1]


async def test_pause_holds_every_delivery_until_resumed(
    bot: BotHarness, engine_for: DeliveryEngine
) -> None:
    await add_member(bot, 5201, "en")
    mod = bot.user(OWNER, language_code="en")
    await mod.send("/pause")
    panel = await mod.wait_message(contains="running")
    await mod.press("⏸ Pause all deliveries", panel)
    await bot.emu.wait_until(lambda: "paused" in panel.text, 5)
    async with transaction(bot.sessionmaker) as session:
        await owe(session, chat_id=5201, member_id=None, kind="text", purpose="p", batch="p",
                  payload={"text": "Hello"}, due_at=now())  # fmt: skip
    assert await engine_for.run_once() == 0
    assert "Messages due now and waiting: 1" in (await _reopen(mod)).text
    await mod.press("▶️ Resume deliveries", mod.messages()[-1])
    await bot.emu.wait_until(lambda: "running" in mod.messages()[-1].text, 5)
    await drain(engine_for)
    assert (await bot.user(5201).wait_message()).text == "Hello"
    async with bot.sessionmaker() as session:
        page = await audit.page(session, 0)
    assert [e.action for e in page.items[:2]] == ["resume", "pause"]


async def _reopen(mod: object) -> object:
    await mod.send("/pause")  # type: ignore[attr-defined]
    return await mod.wait_message(contains="paused")  # type: ignore[attr-defined]
