"""Themes, contacts and news end to end, in both languages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.models import member_themes
from bot.services.themes import list_themes
from tests.factories import make_contact, make_news, make_theme, make_webinar
from tests.harness import BotHarness
from tests.member.conftest import content, labels


async def test_seed_themes_are_listed_with_descriptions(bot: BotHarness) -> None:
    user = bot.user(4001, language_code="uk")
    await user.send("/themes")
    reply = await user.wait_message()
    async with content(bot) as session:
        themes = await list_themes(session)
    assert len(themes) == 5
    for theme in themes:  # titles and descriptions, whatever the seed's current wording
        assert theme.title_uk in reply.text and theme.description_uk[:40] in reply.text
    assert len(reply.buttons) == 5
    en = bot.user(4002, language_code="en")
    await en.send("/themes")
    assert themes[1].title_en in (await en.wait_message()).text


@pytest.mark.no_seed
@pytest.mark.parametrize(
    ("language", "follow", "unfollow", "contacts"),
    [
        ("uk", "☆ Відстежувати", "⭐ Не відстежувати", "🤝 Контакти"),
        ("en", "☆ Follow", "⭐ Unfollow", "🤝 Contacts"),
    ],
)
async def test_theme_opens_sessions_contacts_and_follow_toggle(
    bot: BotHarness, language: str, follow: str, unfollow: str, contacts: str
) -> None:
    async with content(bot) as session:
        theme = await make_theme(session, title_uk="Енергетика", title_en="Energy")
        await make_webinar(
            session, themes=[theme], title_uk="Сонце на дахах", title_en="Rooftop solar"
        )
        await make_contact(
            session,
            themes=[theme],
            name_uk="Енергоагенція",
            name_en="Energy agency",
            email="help@example.org",
        )
        await make_contact(session, name_en="Unrelated")
    user = bot.user(4003, language_code=language)
    await user.send("/themes")
    screen = await user.wait_message()
    await user.press("1. " + ("Енергетика" if language == "uk" else "Energy"))
    await user.wait_edit(screen)
    assert ("Сонце на дахах" if language == "uk" else "Rooftop solar") in screen.text
    await user.press(follow)
    await user.wait_edit(screen)
    assert unfollow in labels(screen)
    async with content(bot) as session:
        assert len(list(await session.execute(select(member_themes)))) == 1
    await user.press(unfollow)
    await user.wait_edit(screen)
    async with content(bot) as session:
        assert list(await session.execute(select(member_themes))) == []
    await user.press(contacts)
    listing = await user.wait_message()
    assert "help@example.org" in listing.text and "Unrelated" not in listing.text


@pytest.mark.parametrize(("language", "all_label"), [("uk", "Усі"), ("en", "All")])
async def test_contacts_filter_by_theme(bot: BotHarness, language: str, all_label: str) -> None:
    user = bot.user(4004, language_code=language)
    await user.send("/contacts")
    listing = await user.wait_message()
    assert (
        "https://mcr2030.undrr.org" in listing.text and "https://iclei-europe.org" in listing.text
    )
    assert labels(listing)[0] == "✅ " + all_label
    research = "Стратегія досліджень" if language == "uk" else "Ukraine Strategy for Research"
    label = next(text for text in labels(listing) if research in text)
    await user.press(label)
    await user.wait_edit(listing)
    assert "https://iclei-europe.org" in listing.text
    assert "mcr2030" not in listing.text  # MCR2030 is not on the research theme
    assert labels(listing)[0] == all_label


@pytest.mark.no_seed
@pytest.mark.parametrize(("language", "prefix"), [("uk", "Новина дня"), ("en", "News of day")])
async def test_news_pages_newest_first(bot: BotHarness, language: str, prefix: str) -> None:
    async with content(bot) as session:
        for day in range(7):
            await make_news(
                session,
                published_ago=timedelta(days=day),
                title_uk=f"Новина дня {day}",
                title_en=f"News of day {day}",
            )
    user = bot.user(4005, language_code=language)
    await user.send("/news")
    page = await user.wait_message()
    assert page.text.index(f"{prefix} 0") < page.text.index(f"{prefix} 4")
    assert f"{prefix} 5" not in page.text
    await user.press("▶")
    await user.wait_edit(page)
    assert f"{prefix} 6" in page.text and labels(page) == ["◀"]
