"""The first end-to-end path: /start over real HTTP, answered in the member's language."""

from __future__ import annotations

import pytest

from tests.harness import BotHarness


@pytest.mark.parametrize(
    ("language_code", "expected"),
    [
        ("uk", "Вітаємо, Olena! Я — Hromada Companion"),
        ("en", "Hello, Olena! I am Hromada Companion"),
        ("de", "Вітаємо, Olena! Я — Hromada Companion"),  # DEFAULT_LANGUAGE is uk
    ],
)
async def test_start_answers_in_the_members_language(
    bot: BotHarness, language_code: str, expected: str
) -> None:
    user = bot.user(1001, language_code=language_code)
    await user.send("/start")
    reply = await user.wait_message()
    assert reply.text.startswith(expected)


@pytest.mark.bot_settings(DEFAULT_LANGUAGE="en")
async def test_unsupported_language_falls_back_to_the_configured_default(bot: BotHarness) -> None:
    user = bot.user(1002, language_code="pl")
    await user.send("/start")
    assert (await user.wait_message()).text.startswith("Hello, Olena!")


async def test_command_menu_is_registered_in_both_languages(bot: BotHarness) -> None:
    uk = bot.emu.commands[("all_private_chats", "uk")]
    en = bot.emu.commands[("all_private_chats", "en")]
    assert [c["command"] for c in uk] == [c["command"] for c in en]
    assert "webinars" in [c["command"] for c in uk]
    described = {
        c["command"]: (c["description"], e["description"]) for c, e in zip(uk, en, strict=True)
    }
    assert described["webinars"] == ("Найближчі вебінари", "Upcoming webinars")
    # Group administrators find how to link their group for announcements.
    for language in ("uk", "en"):
        group = bot.emu.commands[("all_chat_administrators", language)]
        assert [c["command"] for c in group] == ["linkchat", "unlinkchat"]
    group_uk = bot.emu.commands[("all_chat_administrators", "uk")]
    assert group_uk[0]["description"].startswith("Публікувати")


async def test_a_replayed_update_is_answered_once_and_old_guards_are_pruned(
    bot: BotHarness,
) -> None:
    from datetime import timedelta

    from sqlalchemy import func, select
    from telegram import Update

    from bot.clock import clock
    from bot.housekeeping import housekeeping_tick
    from bot.models import ProcessedUpdate

    user = bot.user(1003, language_code="en")
    message = await user.send("/start")
    update = {"update_id": bot.emu.updates.next_update_id - 1, "message": message}
    await user.wait_message()
    # Telegram may deliver the same update again (offset reset, webhook retry).
    await bot.app.process_update(Update.de_json(update, bot.app.bot))
    await bot.emu.wait_idle()
    assert len(user.messages()) == 1
    clock.advance(timedelta(days=3))
    assert await housekeeping_tick(bot.runtime) >= 1
    async with bot.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(ProcessedUpdate)) == 0
