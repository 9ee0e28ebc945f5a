"""/search and free text: all words, either language, case- and accent-free; unknown input."""

from __future__ import annotations

import pytest

from tests.factories import make_contact, make_news, make_webinar
from tests.harness import BotHarness
from tests.member.conftest import content


@pytest.mark.no_seed
async def test_search_folds_cyrillic_case_and_latin_accents(bot: BotHarness) -> None:
    async with content(bot) as session:
        await make_webinar(session, title_uk="Енергетика Києва", title_en="Kyiv energy")
        await make_news(
            session, title_uk="Новина", title_en="Urban Résilience week", summary_en=""
        )
        await make_contact(session, name_uk="Київська агенція", name_en="Kyiv agency")
        await make_webinar(session, title_uk="Львів", title_en="Lviv")
    user = bot.user(5001, language_code="uk")
    await user.send("/search КИЇВ")
    reply = await user.wait_message()
    assert "Київська агенція" in reply.text
    assert "Львів" not in reply.text
    await user.send("/search resilience")
    assert "Новина" in (await user.wait_message()).text
    await user.send("/search kyiv ENERGY")  # all words, across both languages
    both = await user.wait_message()
    assert "Енергетика Києва" in both.text and "агенція" not in both.text
    await user.press("1", both)
    assert "Енергетика Києва" in (await user.wait_message()).text


@pytest.mark.parametrize(
    ("language", "ask", "none"),
    [
        ("uk", "Що ви шукаєте?", "За запитом «квазар» нічого не знайдено"),
        ("en", "What are you looking for?", "Nothing found for “квазар”"),
    ],
)
async def test_search_without_words_asks_and_misses_are_explained(
    bot: BotHarness, language: str, ask: str, none: str
) -> None:
    user = bot.user(5002, language_code=language)
    await user.send("/search")
    assert (await user.wait_message()).text.startswith(ask)
    await user.send("квазар")  # free text runs a search
    assert (await user.wait_message()).text.startswith(none)


async def test_free_text_searches_the_seed_in_english(bot: BotHarness) -> None:
    user = bot.user(5003, language_code="en")
    await user.send("early warning")
    reply = await user.wait_message()
    assert "Digital Resilience 2: early warning and public alerts" in reply.text


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("uk", "Я не знаю команди /frobnicate. Надішліть /help"),
        ("en", "I don't know the command /frobnicate. Send /help"),
    ],
)
async def test_unknown_command_suggests_help(bot: BotHarness, language: str, text: str) -> None:
    user = bot.user(5004, language_code=language)
    await user.send("/frobnicate now")
    assert (await user.wait_message()).text.startswith(text)


async def test_oversized_and_hostile_input_is_handled(bot: BotHarness) -> None:
    user = bot.user(5005, language_code="en")
    await user.send("<b>x</b> & " * 400)  # ~4 KB of markup-looking text
    reply = await user.wait_message()
    assert reply.text.startswith("Nothing found for “<b>x</b> &")
    assert len(reply.text) < 4096
