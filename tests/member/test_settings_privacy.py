"""/settings, /language, /stop and /forget end to end."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.models import Delivery, DigestEntry, Feedback, Member, Rsvp, member_themes
from bot.services.members import get_member
from tests.factories import make_webinar
from tests.harness import BotHarness
from tests.member.conftest import content, labels


async def _member(bot: BotHarness, user_id: int) -> Member:
    async with content(bot) as session:
        member = await get_member(session, user_id)
    assert member is not None
    return member


async def test_language_switch_changes_the_reply_at_once(bot: BotHarness) -> None:
    user = bot.user(6001, language_code="uk")
    await user.send("/language")
    screen = await user.wait_message()
    assert screen.text == "Оберіть мову:"
    await user.press("▫️ English")
    await user.wait_edit(screen)
    assert screen.text.startswith("Your settings")
    assert "🌐 Language: English" in screen.text
    assert (await _member(bot, 6001)).language == "en"
    await user.send("/help")
    assert "What I can do" in (await user.wait_message()).text


@pytest.mark.parametrize(
    ("language", "other", "bad", "good"),
    [
        (
            "uk",
            "⌨️ Ввести інший пояс",
            "Я не знаю часового поясу «Mars/Olympus». Нічого не змінено.",
            "🕒 Часовий пояс: Торонто (America/Toronto)",
        ),
        (
            "en",
            "⌨️ Type another zone",
            "I don't know the time zone “Mars/Olympus”. Nothing was changed.",
            "🕒 Time zone: Toronto (America/Toronto)",
        ),
    ],
)
async def test_time_zone_buttons_and_free_entry(
    bot: BotHarness, language: str, other: str, bad: str, good: str
) -> None:
    user = bot.user(6002, language_code=language)
    await user.send("/settings")
    screen = await user.wait_message()
    await user.press("🕒 Часовий пояс" if language == "uk" else "🕒 Time zone")
    await user.wait_edit(screen)
    await user.press("▫️ Варшава" if language == "uk" else "▫️ Warsaw")
    await user.wait_edit(screen)
    assert (await _member(bot, 6002)).time_zone == "Europe/Warsaw"
    await user.press("🕒 Часовий пояс" if language == "uk" else "🕒 Time zone")
    await user.wait_edit(screen)
    await user.press(other)
    await user.wait_edit(screen)
    await user.send("Mars/Olympus")
    assert (await user.wait_message()).text.startswith(bad)
    assert (await _member(bot, 6002)).time_zone == "Europe/Warsaw"
    await user.press(other)
    await user.send("america/toronto")
    assert good in (await user.wait_message()).text
    assert (await _member(bot, 6002)).time_zone == "America/Toronto"


SCREENS = {
    "uk": ("🔔 Нагадування", "Нагадування увімкнено", ("за 1 день", "за 1 годину", "на початку"),
           "📰 Дайджест", "щодня", "🌙 Тихі години"),
    "en": ("🔔 Reminders", "Reminders on", ("1 day before", "1 hour before", "at the start"),
           "📰 Digest", "daily", "🌙 Quiet hours"),
}  # fmt: skip


@pytest.mark.parametrize("language", ["uk", "en"])
async def test_reminders_digest_and_quiet_hours(bot: BotHarness, language: str) -> None:
    reminders, on, (day, hour, start), digest, daily, quiet = SCREENS[language]
    user = bot.user(6003, language_code=language)
    await user.send("/settings")
    screen = await user.wait_message()
    await user.press(reminders)
    await user.wait_edit(screen)
    assert labels(screen)[:4] == [f"✅ {on}", f"✅ {day}", f"✅ {hour}", f"✅ {start}"]
    await user.press(f"✅ {hour}")
    await user.wait_edit(screen)
    assert (await _member(bot, 6003)).reminder_offsets == "1d,0m"
    assert f"{reminders}: {day}, {start}" in screen.text
    await user.press(digest)
    await user.wait_edit(screen)
    await user.press(f"▫️ {daily}")
    await user.wait_edit(screen)
    await user.press(quiet)
    await user.wait_edit(screen)
    await user.press("▫️ 22:00–08:00")
    await user.wait_edit(screen)
    member = await _member(bot, 6003)
    assert (member.digest, member.quiet_start, member.quiet_end) == ("daily", "22:00", "08:00")
    assert f"{quiet}: 22:00–08:00" in screen.text
    await user.press_data("s:dig:hourly", screen)  # forged: nothing changes
    await bot.emu.wait_until(lambda: user.callback_answers[-1]["show_alert"], 5)
    assert (await _member(bot, 6003)).digest == "daily"


@pytest.mark.parametrize(("language", "text"), [("uk", "Призупинено."), ("en", "Paused.")])
async def test_stop_pauses_and_says_how_to_resume(
    bot: BotHarness, language: str, text: str
) -> None:
    user = bot.user(6004, language_code=language)
    await user.send("/start")
    await user.wait_message()
    await user.press(
        "✅ Так, надсилайте нагадування й дайджести"
        if language == "uk"
        else "✅ Yes, send me reminders and digests"
    )
    await user.send("/stop")
    reply = await user.wait_message(contains=text)
    assert "/start" in reply.text
    member = await _member(bot, 6004)
    assert (member.subscribed, member.state) == (False, "stopped")


@pytest.mark.parametrize(
    ("language", "done"),
    [("uk", "Готово: ваші дані видалено."), ("en", "Done: your data has been deleted.")],
)
async def test_forget_leaves_no_personal_row(bot: BotHarness, language: str, done: str) -> None:
    user = bot.user(6005, language_code=language)
    await user.send("/start")
    await user.wait_message()
    member = await _member(bot, 6005)
    async with content(bot) as session:
        webinar = await make_webinar(session)
        session.add(Rsvp(member_id=member.id, webinar_id=webinar.id))
        session.add(Feedback(member_id=member.id, webinar_id=webinar.id, rating=5))
        session.add(DigestEntry(member_id=member.id, item_kind="news", item_id=1))
        await session.execute(member_themes.insert().values(member_id=member.id, theme_id=1))
        session.add(
            Delivery(
                chat_id=6005,
                member_id=member.id,
                kind="reminder",
                purpose="p",
                batch="b",
                due_at=webinar.starts_at,
            )
        )
    await user.send("/forget")
    ask = await user.wait_message()
    await user.press("🗑 Так, видалити мої дані" if language == "uk" else "🗑 Yes, delete my data")
    await user.wait_edit(ask)
    assert ask.text.startswith(done)
    async with content(bot) as session:
        assert await session.scalar(select(func.count()).where(Member.user_id == 6005)) == 0
        assert await session.scalar(select(func.count()).where(Delivery.chat_id == 6005)) == 0
        for model in (Rsvp, Feedback, DigestEntry):
            assert await session.scalar(select(func.count()).select_from(model)) == 0, model
        assert await session.scalar(select(func.count()).select_from(member_themes)) == 0


async def test_forget_can_be_cancelled(bot: BotHarness) -> None:
    user = bot.user(6006, language_code="en")
    await user.send("/forget")
    ask = await user.wait_message()
    await user.press("Cancel")
    await user.wait_edit(ask)
    assert ask.text == "Nothing was deleted."
    await _member(bot, 6006)


@pytest.mark.parametrize(
    ("language", "label", "other", "nothing"),
    [
        ("uk", "🕒 Часовий пояс", "⌨️ Ввести інший пояс", "За запитом «Toronto» нічого"),
        ("en", "🕒 Time zone", "⌨️ Type another zone", "Nothing found for “Toronto”"),
    ],
)
async def test_a_command_or_another_button_ends_the_wait_for_a_typed_zone(
    bot: BotHarness, language: str, label: str, other: str, nothing: str
) -> None:
    user = bot.user(6007, language_code=language)
    await user.send("/settings")
    screen = await user.wait_message()
    await user.press(label)
    await user.wait_edit(screen)
    await user.press(other)
    await user.wait_edit(screen)
    await user.send("/help")  # the member moved on instead of typing a zone
    await user.wait_message()
    await user.send("Toronto")
    assert (await user.wait_message()).text.startswith(nothing)
    answered = len(user.callback_answers)
    await user.press_data("s:tz:other", screen)  # the prompt again (it is already on screen)
    assert await bot.emu.wait_until(lambda: len(user.callback_answers) > answered, 5)
    await user.press_data("menu:news", screen)  # any other button also ends the wait
    await user.wait_message()
    await user.send("Toronto")
    assert (await user.wait_message()).text.startswith(nothing)
    assert (await _member(bot, 6007)).time_zone is None
