"""Half-finished steps live in the database: a restart (or another instance) continues them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.clock import clock
from bot.housekeeping import housekeeping_tick
from bot.models import DialogState, Webinar
from tests.harness import BotHarness, Restart
from tests.moderation.conftest import OWNER

pytestmark = pytest.mark.bot_settings(ADMIN_IDS=str(OWNER))


async def _states(bot: BotHarness) -> int:
    async with bot.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(DialogState)) or 0)


async def stored(bot: BotHarness, count: int) -> bool:
    """Whether `count` users' steps are stored, once the bot has finished the update (it
    stores them after the reply the test waits for)."""
    for _ in range(50):
        if await _states(bot) == count:
            return True
        await asyncio.sleep(0.1)
    return False


async def test_a_moderators_draft_survives_a_restart_mid_flow(
    bot: BotHarness, restart: Restart
) -> None:
    clock.set(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    mod = bot.user(OWNER, language_code="en")
    await mod.send("/addwebinar")
    await mod.wait_message(contains="Title in Ukrainian?")
    await mod.send("Укриття в школах")
    await mod.wait_message(contains="Title in English?")
    assert await stored(bot, 1)

    await restart()  # a deploy: the draft so far is in the database, not in the old process
    await mod.send("Shelters in schools")
    await mod.wait_message(contains="time zone")
    await restart()  # and once more, in the middle of the date step
    for text, expect in [
        ("2026-12-03 14:00", "Duration in minutes"),
        ("90", "Description in Ukrainian"),
        ("-", "Description in English"),
        ("-", "Link to join"),
    ]:
        await mod.send(text)
        await mod.wait_message(contains=expect)
    await mod.send("https://example.org/join/7")
    summary = await mod.wait_message(contains="Shelters in schools")
    assert "Укриття в школах" in summary.text
    await mod.press("✅ Save", summary)
    await bot.emu.wait_until(lambda: "Saved." in summary.text, 5)
    async with bot.sessionmaker() as session:
        saved = await session.scalar(select(Webinar).where(Webinar.title_uk == "Укриття в школах"))
    assert saved is not None and saved.title_en == "Shelters in schools"
    assert saved.starts_at == datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    assert await stored(bot, 0)  # a finished flow leaves nothing behind


async def test_a_typed_time_zone_is_understood_after_a_restart(
    bot: BotHarness, restart: Restart
) -> None:
    user = bot.user(6101, language_code="uk")
    await user.send("/settings")
    await user.tap_through(await user.wait_message(), "🕒 Часовий пояс", "⌨️ Ввести інший пояс")
    await restart()
    await user.send("America/Toronto")
    assert "Торонто (America/Toronto)" in (await user.wait_message()).text


async def test_a_step_left_for_half_an_hour_is_forgotten(bot: BotHarness) -> None:
    mod = bot.user(OWNER, language_code="en")
    await mod.send("/addwebinar")
    await mod.wait_message(contains="Title in Ukrainian?")
    assert await stored(bot, 1)
    clock.advance(timedelta(minutes=31))
    await mod.send("/cancel")
    assert (await mod.wait_message()).text == "There is nothing to cancel."
    assert await stored(bot, 0)  # the abandoned draft is gone from the database too
    await mod.send("/addwebinar")
    await mod.wait_message(contains="Title in Ukrainian?")
    assert await stored(bot, 1)
    clock.advance(timedelta(minutes=31))
    await housekeeping_tick(bot.runtime)  # abandoned steps are pruned
    assert await _states(bot) == 0
