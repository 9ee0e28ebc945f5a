"""Webinars end to end: lists, pages, cards, "Remind me", calendar files, stale buttons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from bot.clock import clock
from bot.models import Rsvp
from tests.factories import make_theme, make_webinar
from tests.harness import BotHarness
from tests.member.conftest import content, labels

pytestmark = pytest.mark.no_seed
NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
START = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)  # 14:00 Kyiv


async def _one_webinar(bot: BotHarness, **fields: object) -> int:
    clock.set(NOW)
    async with content(bot) as session:
        theme = await make_theme(session, title_uk="Зелене відновлення", title_en="Green recovery")
        webinar = await make_webinar(
            session,
            starts_at=START,
            themes=[theme],
            slug="dr-2",
            title_uk="Цифрова стійкість 2",
            title_en="Digital Resilience 2",
            **fields,
        )
        return webinar.id


@pytest.mark.parametrize(
    ("language", "when", "labels"),
    [
        ("uk", "3 грудня 2026 р., 14:00 (Київ)", ["▶️ Приєднатися", "📝 Зареєструватися"]),
        ("en", "3 December 2026, 14:00 (Kyiv)", ["▶️ Join", "📝 Register"]),
    ],
)
async def test_next_shows_the_card_in_the_members_language(
    bot: BotHarness, language: str, when: str, labels: list[str]
) -> None:
    await _one_webinar(bot)
    user = bot.user(2001, language_code=language)
    await user.send("/next")
    card = await user.wait_message()
    assert when in card.text
    assert ("Цифрова стійкість 2" if language == "uk" else "Digital Resilience 2") in card.text
    assert ("1 година 30 хвилин" if language == "uk" else "1 hour 30 minutes") in card.text
    assert ("Зелене відновлення" if language == "uk" else "Green recovery") in card.text
    assert card.buttons[0] == labels


@pytest.mark.bot_settings(TIMEZONE="Europe/Kyiv")
async def test_card_shows_the_organisers_clock_for_members_elsewhere(bot: BotHarness) -> None:
    await _one_webinar(bot)
    user = bot.user(2002, language_code="en")
    await user.send("/settings")
    await user.tap_through(await user.wait_message(), "🕒 Time zone", "▫️ Brussels")
    await user.send("/next")
    card = await user.wait_message(contains="Digital")
    assert "3 December 2026, 13:00 (Brussels) · 14:00 Kyiv" in card.text


RSVP = {
    "uk": ("✅ Так, надсилайте нагадування й дайджести", "🔔 Нагадати мені", "🔕 Не нагадувати",
           "🔔 Я нагадаю вам про цю подію."),
    "en": ("✅ Yes, send me reminders and digests", "🔔 Remind me", "🔕 Don't remind me",
           "🔔 I will remind you before this session."),
}  # fmt: skip


@pytest.mark.parametrize("language", ["uk", "en"])
async def test_remind_me_toggles_and_is_stored(bot: BotHarness, language: str) -> None:
    subscribe, remind, dont, note = RSVP[language]
    webinar_id = await _one_webinar(bot)
    user = bot.user(2003, language_code=language)
    await user.send("/start")
    await user.press(subscribe, await user.wait_message())
    await user.send("/next")
    card = await user.wait_message()
    await user.press(remind)
    await user.wait_edit(card)
    assert dont in labels(card)
    assert user.callback_answers[-1]["text"] == note
    async with content(bot) as session:
        count = await session.scalar(select(func.count()).where(Rsvp.webinar_id == webinar_id))
    assert count == 1
    await user.press(dont)
    await user.wait_edit(card)
    assert remind in labels(card)
    async with content(bot) as session:
        assert await session.scalar(select(func.count()).select_from(Rsvp)) == 0


@pytest.mark.parametrize(
    ("language", "summary"), [("uk", "Цифрова стійкість 2"), ("en", "Digital Resilience 2")]
)
async def test_add_to_calendar_sends_an_ics_file(
    bot: BotHarness, language: str, summary: str
) -> None:
    await _one_webinar(bot)
    user = bot.user(2004, language_code=language)
    await user.send("/next")
    await user.wait_message()
    await user.press("📆 Додати в календар" if language == "uk" else "📆 Add to calendar")
    sent = await user.wait_message()
    assert sent.document.filename == "dr-2.ics"
    event = Calendar.from_ical(sent.document.data).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == START
    assert str(event["SUMMARY"]) == summary
    assert str(event["UID"]) == "webinar-dr-2@hromada-companion"


@pytest.mark.parametrize(
    ("language", "mark", "banner", "join"),
    [
        ("uk", "(скасовано)", "❌ Скасовано: ця подія не відбудеться.", "▶️ Приєднатися"),
        ("en", "(cancelled)", "❌ Cancelled: this session will not take place.", "▶️ Join"),
    ],
)
async def test_cancelled_session_says_so_at_the_top(
    bot: BotHarness, language: str, mark: str, banner: str, join: str
) -> None:
    await _one_webinar(bot, status="cancelled")
    user = bot.user(2005, language_code=language)
    await user.send("/webinars")
    listing = await user.wait_message()
    assert mark in listing.text
    await user.press("1")
    card = await user.wait_message()
    assert card.text.startswith(banner)
    assert join not in labels(card)


async def test_upcoming_list_pages_with_arrows(bot: BotHarness) -> None:
    clock.set(NOW)
    async with content(bot) as session:
        for day in range(10):
            await make_webinar(
                session, starts_in=timedelta(days=day + 1), title_en=f"Session {day:02d}"
            )
    user = bot.user(2006, language_code="en")
    await user.send("/webinars")
    first = await user.wait_message()
    assert "Session 00" in first.text and "Session 07" in first.text
    assert "Session 08" not in first.text
    assert first.buttons[-1] == ["▶"]
    await user.press("▶")
    await user.wait_edit(first)
    assert "Session 08" in first.text and "Session 09" in first.text
    assert first.buttons[-1] == ["◀"]
    await user.press("1", first)
    card = await user.wait_message()
    assert "Session 08" in card.text


@pytest.mark.parametrize(
    ("language", "title", "heading", "recording", "remind"),
    [
        ("uk", "Минулий вебінар", "Минулі події", "🎥 Запис", "🔔 Нагадати мені"),
        ("en", "A past webinar", "Past sessions", "🎥 Recording", "🔔 Remind me"),
    ],
)
async def test_past_lists_recordings(
    bot: BotHarness, language: str, title: str, heading: str, recording: str, remind: str
) -> None:
    clock.set(NOW)
    async with content(bot) as session:
        await make_webinar(
            session,
            starts_in=-timedelta(days=3),
            title_uk="Минулий вебінар",
            title_en="A past webinar",
            recording_url="https://example.org/rec",
        )
    user = bot.user(2007, language_code=language)
    await user.send("/past")
    listing = await user.wait_message()
    assert heading in listing.text and title in listing.text and "🎥" in listing.text
    await user.press("1")
    card = await user.wait_message()
    assert card.button(recording)["url"] == "https://example.org/rec"
    assert remind not in labels(card)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("uk", "Ця кнопка застаріла. Надішліть /start, щоб отримати свіже меню."),
        ("en", "This button is out of date. Please send /start for a fresh menu."),
    ],
)
async def test_stale_and_forged_buttons_get_a_polite_answer(
    bot: BotHarness, language: str, text: str
) -> None:
    webinar_id = await _one_webinar(bot)
    user = bot.user(2008, language_code=language)
    await user.send("/webinars")
    listing = await user.wait_message()
    async with content(bot) as session:
        from bot.models import Webinar

        await session.delete(await session.get(Webinar, webinar_id))
    for data in (
        "1",
        f"w:card:{webinar_id}",
        f"w:rsvp:{webinar_id}",
        "w:ics:99999",
        "zz:top",
        "w:card:abc",
        "w:card:" + "9" * 40,
    ):
        await user.press_data(data, listing)
    await bot.emu.wait_until(lambda: len(user.callback_answers) >= 7, 5)
    assert [a["text"] for a in user.callback_answers] == [text] * 7
    await user.send("/help")  # the bot still answers normally afterwards
    await user.wait_message()


async def test_empty_programme_is_explained(bot: BotHarness) -> None:
    user = bot.user(2009, language_code="en")
    await user.send("/webinars")
    assert "No upcoming sessions are scheduled yet" in (await user.wait_message()).text
    await user.send("/next")
    assert "No upcoming sessions" in (await user.wait_message()).text


@pytest.mark.parametrize("language", ["uk", "en"])
async def test_content_with_markup_is_shown_as_plain_text_on_every_screen(
    bot: BotHarness, language: str
) -> None:
    clock.set(NOW)
    title = {"uk": "Пілот R&D <b>міста</b>", "en": "R&D <b>city</b> pilot"}[language]
    async with content(bot) as session:
        theme = await make_theme(session, title_uk="Енергія & <тепло>", title_en="Energy & <heat>")
        await make_webinar(
            session,
            starts_at=START,
            themes=[theme],
            title_uk="Пілот R&D <b>міста</b>",
            title_en="R&D <b>city</b> pilot",
            description_uk="Опис <script>alert(1)</script> & ще",
            description_en="About <script>alert(1)</script> & more",
            speakers=["O'Neil <Ltd>", "Олена & Co"],
        )
    user = bot.user(2010, language_code=language)
    await user.send("/webinars")  # the emulator refuses bad HTML, as Telegram does
    assert title in (await user.wait_message()).text
    await user.press("1")
    card = await user.wait_message()
    assert card.text.startswith(title)
    assert "<script>alert(1)</script> &" in card.text
    assert "O'Neil <Ltd>, Олена & Co" in card.text
    theme = "Енергія & <тепло>" if language == "uk" else "Energy & <heat>"
    assert theme in card.text
    await user.press("📆 Додати в календар" if language == "uk" else "📆 Add to calendar")
    assert title in (await user.wait_message()).text  # the .ics file's caption
    await user.send("/search R&D")
    assert title in (await user.wait_message()).text
    await user.send("/themes")
    assert theme in (await user.wait_message()).text
