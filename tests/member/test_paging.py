"""Long lists are paged with ◀ ▶, never cut silently; search says what it left out."""

from __future__ import annotations

import pytest

from tests.factories import make_contact, make_news, make_theme
from tests.harness import BotHarness
from tests.member.conftest import content, labels

NAMES = {"uk": "Контакт №{:02d}", "en": "Contact #{:02d}"}


def shown(text: str, language: str, numbers: range) -> list[int]:
    return [n for n in numbers if NAMES[language].format(n) in text]


@pytest.mark.no_seed
@pytest.mark.parametrize(("language", "none_left"), [("uk", "Усі"), ("en", "All")])
async def test_25_contacts_come_in_pages_turned_with_arrows(
    bot: BotHarness, language: str, none_left: str
) -> None:
    async with content(bot) as session:
        for n in range(1, 26):
            await make_contact(
                session, position=n, name_uk=NAMES["uk"].format(n), name_en=NAMES["en"].format(n)
            )
    user = bot.user(4101, language_code=language)
    await user.send("/contacts")
    page = await user.wait_message()
    assert shown(page.text, language, range(1, 26)) == list(range(1, 11))
    assert labels(page)[:2] == ["▶", "✅ " + none_left]
    await user.tap_through(page, "▶")
    assert shown(page.text, language, range(1, 26)) == list(range(11, 21))
    assert labels(page)[:2] == ["◀", "▶"]
    await user.tap_through(page, "▶")
    assert shown(page.text, language, range(1, 26)) == list(range(21, 26))
    assert labels(page)[0] == "◀" and "▶" not in labels(page)
    await user.tap_through(page, "◀")
    assert shown(page.text, language, range(1, 26)) == list(range(11, 21))


@pytest.mark.no_seed
@pytest.mark.parametrize(("language", "theme"), [("uk", "Енергетика"), ("en", "Energy")])
async def test_a_theme_filter_pages_its_own_contacts(
    bot: BotHarness, language: str, theme: str
) -> None:
    async with content(bot) as session:
        energy = await make_theme(session, title_uk="Енергетика", title_en="Energy")
        for n in range(1, 13):
            names = {"name_uk": NAMES["uk"].format(n), "name_en": NAMES["en"].format(n)}
            await make_contact(session, themes=[energy], position=n, **names)
        await make_contact(session, position=0, name_uk="Інше", name_en="Other")
    user = bot.user(4102, language_code=language)
    await user.send("/contacts")
    page = await user.wait_message()
    await user.tap_through(page, theme)
    assert shown(page.text, language, range(1, 13)) == list(range(1, 11))
    assert page.button("▶")["callback_data"] == f"c:page:{energy.id}:1"
    await user.tap_through(page, "▶")
    assert shown(page.text, language, range(1, 13)) == [11, 12]
    assert "Other" not in page.text and "Інше" not in page.text and "✅ " + theme in labels(page)


@pytest.mark.no_seed
async def test_a_page_of_long_contacts_still_fits_one_message(bot: BotHarness) -> None:
    long = "Дуже довгий опис & <допомога> громадам. " * 40
    async with content(bot) as session:
        for n in range(1, 12):
            await make_contact(
                session,
                position=n,
                name_uk=NAMES["uk"].format(n) + " " + "ж" * 200,
                description_uk=long,
                region="Київська область " * 7,
                email=f"{'x' * 60}{n}@example.org",
                phone="+380 44 000 00 00",
                telegram="@" + "t" * 100,
            )
    user = bot.user(4103, language_code="uk")
    await user.send("/contacts")
    page = await user.wait_message()  # the emulator parses it as Telegram would
    assert len(page.text.encode("utf-16-le")) // 2 <= 4096  # what Telegram counts
    assert shown(page.text, "uk", range(1, 12)) == list(range(1, 11))
    assert "▶" in labels(page)


@pytest.mark.no_seed
@pytest.mark.parametrize("language", ["uk", "en"])
async def test_many_themes_are_paged_with_running_numbers(bot: BotHarness, language: str) -> None:
    async with content(bot) as session:
        for n in range(1, 24):
            await make_theme(session, position=n, title_uk=f"Тема {n}", title_en=f"Theme {n}")
    title = "Тема" if language == "uk" else "Theme"
    user = bot.user(4104, language_code=language)
    await user.send("/themes")
    page = await user.wait_message()
    assert f"1. {title} 1" in labels(page) and f"{title} 11" not in page.text
    assert labels(page)[-1] == "▶"
    await user.tap_through(page, "▶")
    assert f"11. {title} 11" in labels(page) and f"{title} 21" not in page.text
    await user.tap_through(page, "▶")
    assert labels(page)[-3:] == [f"22. {title} 22", f"23. {title} 23", "◀"]
    await user.tap_through(page, f"21. {title} 21")
    assert "☆" in " ".join(labels(page))


@pytest.mark.no_seed
@pytest.mark.parametrize(
    ("language", "count", "said"),
    [
        ("uk", 9, "…і ще 1 результат — будь ласка, уточніть пошук."),
        ("uk", 11, "…і ще 3 результати — будь ласка, уточніть пошук."),
        ("uk", 13, "…і ще 5 результатів — будь ласка, уточніть пошук."),
        ("en", 9, "…and 1 more result — please refine your search."),
        ("en", 13, "…and 5 more results — please refine your search."),
    ],
)
async def test_search_says_how_many_hits_it_left_out(
    bot: BotHarness, language: str, count: int, said: str
) -> None:
    async with content(bot) as session:
        for n in range(count):
            await make_news(session, title_uk=f"Енергія {n}", title_en=f"Energy {n}")
    user = bot.user(4105, language_code=language)
    await user.send("/search energy" if language == "en" else "/search енергія")
    reply = await user.wait_message()
    assert said in reply.text
    assert sum(len(row) for row in reply.buttons) == 8
