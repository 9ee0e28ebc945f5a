"""Catch-up after absence: one short message on return, with what was missed and what is next."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.db import transaction
from bot.models import Webinar
from tests.community.conftest import (
    Deliver,
    add_member,
    add_webinar,
    at,
    member_row,
    move_to,
    my_chat_member,
    push,
    settle,
    texts,
)
from tests.harness import BotHarness

pytestmark = pytest.mark.no_seed
NOW = at("2027-05-10T08:00")
REC = "https://example.org/rec/missed"


async def _programme(bot: BotHarness) -> None:
    missed = await add_webinar(
        bot, NOW + timedelta(days=1), title_en="Shelters", title_uk="Укриття"
    )
    await add_webinar(bot, NOW + timedelta(days=2), title_en="Dropped", status="cancelled")
    await add_webinar(bot, NOW + timedelta(days=5), title_en="Schools", title_uk="Школи")
    async with transaction(bot.sessionmaker) as session:
        webinar = await session.get(Webinar, missed)
        assert webinar is not None
        webinar.recording_url = REC


async def _state_becomes(bot: BotHarness, user_id: int, state: str) -> bool:
    for _ in range(50):
        if (await member_row(bot, user_id)).state == state:
            return True
        await asyncio.sleep(0.1)
    return False


async def test_member_who_unblocks_gets_one_catch_up(bot: BotHarness, deliver: Deliver) -> None:
    move_to(NOW)
    await add_member(bot, 2801, "en")
    member = bot.user(2801, language_code="en")
    push(bot, my_chat_member(bot, 2801, "member", "kicked"))  # blocked the bot
    await bot.emu.wait_until(lambda: bot.emu.updates.pending == [], 5)
    assert await _state_becomes(bot, 2801, "blocked")  # fetched is not yet handled: poll
    await _programme(bot)

    move_to(NOW + timedelta(days=3))
    push(bot, my_chat_member(bot, 2801, "kicked", "member"))  # unblocked
    catch_up = await member.wait_message(contains="Welcome back")
    await deliver()
    text = catch_up.text
    assert "While you were away:" in text and "Shelters — 🎥 recording" in text
    assert "Dropped" not in text
    assert "Coming next:" in text and "Schools" in text
    assert any(e.get("url") == REC for e in catch_up.entities)
    push(bot, my_chat_member(bot, 2801, "member", "member"))  # nothing new: no second one
    await settle(bot)
    await deliver()
    assert len(texts(bot, 2801)) == 1
    assert (await member_row(bot, 2801)).state == "active"


async def test_stop_then_start_again_brings_a_catch_up_in_ukrainian(
    bot: BotHarness, deliver: Deliver
) -> None:
    move_to(NOW)
    user = bot.user(2802, language_code="uk")
    await add_member(bot, 2802, "uk")
    await user.send("/stop")
    await user.wait_message(contains="/start")
    await _programme(bot)

    move_to(NOW + timedelta(days=3))
    await user.send("/start")
    offer = await user.wait_message()
    await user.press("✅ Так, надсилайте нагадування й дайджести", offer)
    catch_up = await user.wait_message(contains="З поверненням")
    await deliver()
    assert "Поки вас не було:" in catch_up.text and "Укриття — 🎥 запис" in catch_up.text
    assert "Далі в програмі:" in catch_up.text and "Школи" in catch_up.text
    assert sum("З поверненням" in text for text in texts(bot, 2802)) == 1
