"""/start with consent and the main menu, deep links, /help — in Ukrainian and English."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.clock import clock
from bot.services.members import get_member
from tests.factories import make_theme, make_webinar
from tests.harness import BotHarness
from tests.member.conftest import content, labels

pytestmark = pytest.mark.no_seed
MENU = {
    "uk": ["📅 Вебінари", "🧭 Теми", "🤝 Контакти", "📰 Новини", "⚙️ Налаштування", "❓ Довідка"],
    "en": ["📅 Webinars", "🧭 Themes", "🤝 Contacts", "📰 News", "⚙️ Settings", "❓ Help"],
}


@pytest.mark.parametrize(
    ("language", "offer", "yes", "done"),
    [
        (
            "uk",
            "нагадування про обрані вами події (за 1 день",
            "✅ Так, надсилайте нагадування й дайджести",
            "Ви підписані",
        ),
        (
            "en",
            "reminders for the sessions you choose (1 day before",
            "✅ Yes, send me reminders and digests",
            "You are subscribed",
        ),
    ],
)
async def test_start_explains_consent_and_subscribes_with_one_tap(
    bot: BotHarness, language: str, offer: str, yes: str, done: str
) -> None:
    user = bot.user(3001, language_code=language)
    await user.send("/start")
    greeting = await user.wait_message()
    assert offer in greeting.text
    assert labels(greeting) == [yes, *MENU[language]]
    await user.press(yes)
    await user.wait_edit(greeting)
    assert greeting.text.startswith(done)
    assert labels(greeting) == MENU[language]
    async with content(bot) as session:
        member = await get_member(session, 3001)
    assert member is not None and member.subscribed and member.state == "active"
    await user.send("/start")
    assert (await user.wait_message()).buttons == greeting.buttons  # no second consent


@pytest.mark.parametrize("language", ["uk", "en"])
async def test_menu_buttons_open_each_section(bot: BotHarness, language: str) -> None:
    user = bot.user(3002, language_code=language)
    await user.send("/start")
    await user.wait_message()
    expected = {
        "uk": [
            "Найближчих подій",
            "Тем поки немає",
            "Де отримати допомогу",
            "Новин поки немає",
            "Ваші налаштування",
            "Що я вмію",
        ],
        "en": [
            "No upcoming sessions",
            "No themes yet",
            "Where to get help",
            "No news yet",
            "Your settings",
            "What I can do",
        ],
    }[language]
    for label, heading in zip(MENU[language], expected, strict=True):
        await user.press(label)
        reply = await user.wait_message()
        assert heading in reply.text, (label, reply.text)


@pytest.mark.parametrize(
    ("language", "webinar", "theme", "yes"),
    [
        ("uk", "Цифрова стійкість 1", "Зелене відновлення",
         "✅ Так, надсилайте нагадування й дайджести"),
        ("en", "Digital Resilience 1", "Green recovery", "✅ Yes, send me reminders and digests"),
    ],
)  # fmt: skip
async def test_deep_links_open_a_webinar_or_a_theme(
    bot: BotHarness, language: str, webinar: str, theme: str, yes: str
) -> None:
    clock.set(datetime(2026, 11, 1, tzinfo=UTC))
    async with content(bot) as session:
        green = await make_theme(
            session, slug="green", title_uk="Зелене відновлення", title_en="Green recovery"
        )
        await make_webinar(
            session,
            slug="dr-1",
            title_uk="Цифрова стійкість 1",
            title_en="Digital Resilience 1",
            themes=[green],
        )
    user = bot.user(3003, language_code=language)
    await user.send("/start w_dr-1")
    card = await user.wait_message()
    assert card.text.startswith(webinar)
    consent = await user.wait_message()  # a newcomer is also offered the subscription
    assert yes in labels(consent)
    await user.send("/start t_green")
    assert (await user.wait_message()).text.startswith(theme)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("uk", "На жаль, я не знайшов цього вебінару чи теми"),
        ("en", "Sorry, I could not find that webinar or theme"),
    ],
)
async def test_unknown_deep_link_is_polite(bot: BotHarness, language: str, text: str) -> None:
    user = bot.user(3004, language_code=language)
    await user.send("/start w_no-such-thing")
    reply = await user.wait_message()
    assert reply.text.startswith(text)
    assert labels(reply) == MENU[language]


@pytest.mark.parametrize(
    ("language", "line"),
    [("uk", "/webinars — Найближчі вебінари"), ("en", "/webinars — Upcoming webinars")],
)
async def test_help_lists_commands_in_the_members_language(
    bot: BotHarness, language: str, line: str
) -> None:
    user = bot.user(3005, language_code=language)
    await user.send("/help")
    reply = await user.wait_message()
    assert line in reply.text
    assert "/forget" in reply.text and "/search" in reply.text
