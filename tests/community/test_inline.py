"""Inline sharing: `@bot words` offers upcoming webinar cards with a deep link back to the bot."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from tests.community.conftest import add_webinar, at, move_to
from tests.harness import BotHarness

pytestmark = pytest.mark.no_seed
NOW = at("2027-05-12T08:00")


async def _ask(bot: BotHarness, user_id: int, language: str, query: str) -> list[dict[str, Any]]:
    user = bot.user(user_id, language_code=language)
    answer = await user.wait_inline_answer(await user.inline_query(query))
    assert answer["is_personal"] is True
    return list(answer["results"])


def _link(result: dict[str, Any]) -> str:
    return str(result["reply_markup"]["inline_keyboard"][0][0]["url"])


async def test_inline_query_offers_matching_cards_with_a_deep_link(bot: BotHarness) -> None:
    move_to(NOW)
    await add_webinar(bot, NOW - timedelta(days=1), title_en="Energy past", title_uk="Енергія")
    await add_webinar(
        bot,
        NOW + timedelta(days=2),
        slug="energy-2027",
        title_en="Energy efficiency for hromadas",
        title_uk="Енергоефективність для громад",
    )
    await add_webinar(bot, NOW + timedelta(days=4), title_en="Schools", title_uk="Школи")

    [found] = await _ask(bot, 3001, "en", "energy")
    assert found["title"] == "Energy efficiency for hromadas"
    content = found["input_message_content"]
    assert content["message_text"].startswith("<b>Energy efficiency for hromadas</b>\n🗓 14 May")
    assert _link(found) == "https://t.me/hromada_test_bot?start=w_energy-2027"
    assert found["reply_markup"]["inline_keyboard"][0][0]["text"] == "🔔 Remind me in the bot"

    upcoming = await _ask(bot, 3002, "uk", "")
    assert [r["title"] for r in upcoming] == ["Енергоефективність для громад", "Школи"]
    assert (
        upcoming[1]["reply_markup"]["inline_keyboard"][0][0]["text"] == "🔔 Нагадати мені в боті"
    )
    assert "травня 2027 р., 11:00 (Київ)" in upcoming[1]["input_message_content"]["message_text"]


async def test_inline_query_without_matches_offers_to_open_the_bot(bot: BotHarness) -> None:
    move_to(NOW)
    assert await _ask(bot, 3003, "uk", "вулкани") == []
    [request] = [r for r in bot.emu.requests if r.method == "answerInlineQuery"]
    button = request.params["button"]
    button = json.loads(button) if isinstance(button, str) else button
    assert button == {"text": "Нічого не знайдено: відкрити бота", "start_parameter": "inline"}


async def test_deep_link_from_a_shared_card_opens_the_session(bot: BotHarness) -> None:
    move_to(NOW)
    await add_webinar(bot, NOW + timedelta(days=2), slug="water-2027", title_en="Water")
    user = bot.user(3004, language_code="en")
    await user.send("/start w_water-2027")
    assert (await user.wait_message()).text.startswith("Water")
