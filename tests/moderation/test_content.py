"""Content in chat: step-by-step webinars and news with validation, edits, YAML upload."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.clock import clock
from bot.models import AuditEntry, NewsItem, Webinar
from tests.harness import BotHarness
from tests.moderation.conftest import OWNER, rsvp, upcoming_webinar

pytestmark = pytest.mark.bot_settings(ADMIN_IDS=str(OWNER))
KYIV = ZoneInfo("Europe/Kyiv")


async def count_webinars(bot: BotHarness) -> int:
    async with bot.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Webinar)) or 0)


async def answer(user: object, text: str, expect: str) -> str:
    await user.send(text)  # type: ignore[attr-defined]
    return (await user.wait_message(contains=expect)).text  # type: ignore[attr-defined]


async def test_add_webinar_asks_again_after_a_bad_date_and_a_bad_link(bot: BotHarness) -> None:
    clock.set(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    before = await count_webinars(bot)
    mod = bot.user(OWNER, language_code="en")
    await answer(mod, "/addwebinar", "Title in Ukrainian?")
    await answer(mod, "Енергоефективні школи", "Title in English?")
    assert "like 2026-12-03 14:00" in await answer(mod, "Energy-efficient schools", "time zone")
    assert "(Kyiv)" in mod.messages()[-1].text
    assert "could not read that date" in await answer(mod, "3rd of December", "date")
    assert "already passed" in await answer(mod, "2026-11-01 10:00", "passed")
    await answer(mod, "2026-12-03 14:00", "Duration in minutes")
    await answer(mod, "90", "Description in Ukrainian")
    await answer(mod, "Досвід громад <і> міст", "Description in English")
    await answer(mod, "-", "Link to join")
    assert "not a web link" in await answer(mod, "zoom meeting 123", "web link")
    await mod.send("https://example.org/join/42")
    summary = await mod.wait_message(contains="Energy-efficient schools")
    assert "3 December 2026, 14:00 (Kyiv)" in summary.text
    assert "Досвід громад <і> міст" in summary.text  # escaped, shown as typed
    assert await count_webinars(bot) == before  # nothing saved before the confirmation
    await mod.press("✅ Save", summary)
    await bot.emu.wait_until(lambda: "Saved." in summary.text, 5)
    async with bot.sessionmaker() as session:
        webinar = await session.scalar(
            select(Webinar).where(Webinar.title_en == "Energy-efficient schools")
        )
        assert webinar is not None
        assert webinar.starts_at == datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
        assert webinar.duration_minutes == 90 and webinar.join_url == "https://example.org/join/42"
        assert webinar.description_en == webinar.description_uk == "Досвід громад <і> міст"
        assert webinar.slug == "energy-efficient-schools-2026-12-03"
        audit = await session.scalar(select(AuditEntry).where(AuditEntry.action == "webinar_add"))
        assert audit is not None and audit.actor_id == OWNER


async def test_cancel_leaves_the_conversation_with_nothing_saved_in_ukrainian(
    bot: BotHarness,
) -> None:
    before = await count_webinars(bot)
    mod = bot.user(OWNER, language_code="uk")
    await answer(mod, "/addwebinar", "Назва українською?")
    await answer(mod, "Тест", "Назва англійською?")
    assert "Не вдалося розпізнати дату" not in await answer(mod, "-", "часовому поясі")
    assert "Не вдалося розпізнати дату" in await answer(mod, "завтра", "дату")
    assert await answer(mod, "/cancel", "Скасовано") == "Скасовано. Нічого не збережено."
    assert await answer(mod, "2026-12-03 14:00", "") != ""  # no longer a step: not consumed
    assert await count_webinars(bot) == before
    assert await answer(mod, "/cancel", "скасовувати") == "Немає чого скасовувати."


async def test_reschedule_and_cancel_a_webinar_from_the_editor(bot: BotHarness) -> None:
    webinar = await upcoming_webinar(bot)
    mod = bot.user(OWNER, language_code="en")
    await mod.send("/editwebinar")
    picker = await mod.wait_message(contains="Which webinar?")
    label = next(row[0] for row in picker.buttons if webinar.title_en[:20] in row[0])
    await mod.press(label, picker)
    await bot.emu.wait_until(lambda: "What should change?" in picker.text, 5)
    await mod.press("Date and time", picker)
    await mod.wait_message(contains="time zone")
    new_start = (webinar.starts_at + timedelta(days=7)).astimezone(KYIV)
    saved = await answer(mod, new_start.strftime("%Y-%m-%d %H:%M"), "Saved.")
    assert new_start.strftime("%H:%M") in saved
    async with bot.sessionmaker() as session:
        moved = await session.get(Webinar, webinar.id)
        assert moved is not None and moved.starts_at == new_start.astimezone(UTC)
        assert moved.schedule_version == webinar.schedule_version + 1
    panel = mod.messages()[-1]
    await mod.press("❌ Cancel this webinar", panel)
    await bot.emu.wait_until(lambda: "Cancel this webinar?" in panel.text, 5)
    await mod.press("Yes, cancel the webinar", panel)
    await bot.emu.wait_until(lambda: "The webinar is cancelled." in panel.text, 5)
    async with bot.sessionmaker() as session:
        gone = await session.get(Webinar, webinar.id)
        assert gone is not None and gone.status == "cancelled"
        actions = list(await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
        assert actions == ["webinar_edit", "webinar_cancel"]


async def test_add_news_item_in_both_languages(bot: BotHarness) -> None:
    mod = bot.user(OWNER, language_code="en")
    await answer(mod, "/addnews", "News title in Ukrainian?")
    await answer(mod, "Нова програма грантів", "News title in English?")
    await answer(mod, "New grant programme", "summary in Ukrainian")
    await answer(mod, "Подання до 1 березня", "summary in English")
    await answer(mod, "-", "full story")
    assert (
        await answer(mod, "https://example.org/grants", "Saved")
        == "Saved. Members see it in /news."
    )
    async with bot.sessionmaker() as session:
        item = await session.scalar(
            select(NewsItem).where(NewsItem.title_en == "New grant programme")
        )
        assert item is not None and item.summary_en == "Подання до 1 березня"


GOOD_YAML = """
webinars:
  - slug: chat-import-test
    title: {uk: Імпорт з чату, en: Import from chat}
    starts_at: 2031-05-04 10:00
"""
BAD_YAML = """
webinars:
  - slug: Bad Slug
    title: ""
    starts_at: tomorrow
"""


async def test_yaml_upload_imports_or_lists_every_problem(bot: BotHarness) -> None:
    mod = bot.user(OWNER, language_code="en")
    await mod.send_document("content.yaml", GOOD_YAML.encode())
    report = await mod.wait_message(contains="imported")
    assert "webinars: 1 new, 0 updated, 0 unchanged" in report.text
    await mod.send_document("broken.yaml", BAD_YAML.encode())
    errors = await mod.wait_message(contains="not imported")
    assert "3 problems" in errors.text and "slug" in errors.text and "starts_at" in errors.text
    member = bot.user(4001, language_code="uk")
    await member.send_document("content.yaml", GOOD_YAML.encode())
    assert (await member.wait_message()).text == "Вибачте, це лише для модераторів."


async def test_rsvp_csv_export_lists_name_language_and_time(bot: BotHarness) -> None:
    from tests.moderation.conftest import add_member

    webinar = await upcoming_webinar(bot)
    await add_member(bot, 4101, "uk", first_name="Ірина")
    await add_member(bot, 4102, "en", first_name="=HYPERLINK(1)")
    await rsvp(bot, 4101, webinar.id)
    await rsvp(bot, 4102, webinar.id)
    mod = bot.user(OWNER, language_code="en")
    await mod.send(f"/export {webinar.slug}")
    sent = await mod.wait_message(contains="2 RSVPs")
    filename, data, _mime = sent.document
    assert filename == f"rsvps-{webinar.slug}.csv"
    import csv
    import io

    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["name", "language", "rsvp_time"]
    assert [row[:2] for row in rows[1:]] == [["Ірина", "uk"], ["'=HYPERLINK(1)", "en"]]
    assert rows[1][2].endswith("+02:00") or rows[1][2].endswith("+03:00")  # Kyiv time
    await mod.send("/export nosuch")
    assert "I found no webinar “nosuch”." in (await mod.wait_message()).text
