"""The sandbox page in a real headless browser: chat, buttons, safe rendering, fast-forward."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from aiohttp import ClientSession
from icalendar import Calendar
from playwright.async_api import Browser, Page, expect
from sqlalchemy import select

from bot.clock import now
from bot.models import Webinar
from bot.sandbox import Sandbox
from tests.sandbox.browser import chromium, open_sandbox, press, require_chromium, say

pytestmark = pytest.mark.browser
OLENA, EMMA = 380_000_001, 380_000_002


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    require_chromium()
    async with chromium() as browser:
        yield browser


@pytest.fixture
async def page(browser: Browser, sandbox: Sandbox) -> AsyncIterator[Page]:
    page = await open_sandbox(browser, sandbox.url)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert not errors, f"the page raised: {errors}"


async def next_webinar(sandbox: Sandbox) -> Webinar:
    assert sandbox.runtime is not None
    async with sandbox.runtime.sessionmaker() as session:
        query = select(Webinar).where(Webinar.starts_at > now()).order_by(Webinar.starts_at)
        webinar = await session.scalar(query)
    assert webinar is not None
    return webinar


@pytest.mark.parametrize(
    ("person", "greeting", "subscribe", "menu", "heading"),
    [
        (OLENA, "Вітаємо, Олена!", "Так", "Вебінари", "Найближчі вебінари"),
        (EMMA, "Hello, Emma!", "Yes", "Webinars", "Upcoming webinars"),
    ],
)
async def test_member_starts_presses_buttons_and_sees_the_webinar_list(
    page: Page,
    sandbox: Sandbox,
    person: int,
    greeting: str,
    subscribe: str,
    menu: str,
    heading: str,
) -> None:
    await page.click(f"button.person[data-user-id='{person}']")
    await say(page, "/start")
    messages = page.locator("#messages")
    await expect(messages.locator(".from-bot", has_text=greeting)).to_be_visible()
    await press(page, subscribe)
    await press(page, menu)
    webinar = await next_webinar(sandbox)
    title = webinar.title_uk if person == OLENA else webinar.title_en
    listing = messages.locator(".from-bot", has_text=heading).last
    await expect(listing).to_contain_text(title)
    await expect(listing.locator(".kb-button").first).to_be_visible()


async def test_html_and_scripts_in_messages_show_as_text_and_never_run(
    page: Page, sandbox: Sandbox
) -> None:
    await page.click(f"button.person[data-user-id='{OLENA}']")
    attack = '<b>x</b><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
    await say(page, attack)
    mine = page.locator(".from-user .text").last
    await expect(mine).to_have_text(attack)
    # A bot message with Telegram formatting and a hostile link, straight through the Bot API.
    hostile = (
        '<b>bold</b> <a href="javascript:window.__pwned=3">link</a> '
        "&lt;script&gt;window.__pwned=4&lt;/script&gt;"
    )
    async with ClientSession() as http:
        url = f"{sandbox.url}/bot{sandbox.emu.token}/sendMessage"
        body = {"chat_id": OLENA, "text": hostile, "parse_mode": "HTML"}
        async with http.post(url, json=body) as response:
            assert response.status == 200, await response.text()
    theirs = page.locator(".from-bot .text", has_text="bold").last
    await expect(theirs).to_have_text("bold link <script>window.__pwned=4</script>")
    await expect(theirs.locator("strong")).to_have_text("bold")
    assert await theirs.locator("a").count() == 0  # a javascript: link is shown as plain text
    assert await page.locator("#messages script, #messages img").count() == 0
    assert await page.evaluate("typeof window.__pwned") == "undefined"


async def test_fast_forward_delivers_the_next_reminder(page: Page, sandbox: Sandbox) -> None:
    await page.click(f"button.person[data-user-id='{OLENA}']")
    await say(page, "/start")
    await press(page, "Так")  # subscribe: reminders before every session
    await expect(page.locator(".from-bot", has_text="підписані")).to_be_visible()
    webinar = await next_webinar(sandbox)
    reminder = page.locator(".from-bot", has_text="⏰")
    # The weekly digest may come first; a few jumps always reach the first reminder.
    for _ in range(4):
        await page.click("#fast-forward")
        await expect(page.locator("#toast")).to_be_visible()
        await expect(page.locator("#fast-forward")).to_be_enabled()
        if await reminder.count():
            break
    await expect(reminder.last).to_contain_text(webinar.title_uk)
    await expect(reminder.last.locator(".kb-button").first).to_be_visible()
    assert now() >= webinar.starts_at - max(sandbox.runtime.settings.REMINDER_OFFSETS)  # type: ignore[union-attr]


async def test_a_calendar_file_from_a_card_downloads_from_the_page(page: Page) -> None:
    await page.click(f"button.person[data-user-id='{OLENA}']")
    await say(page, "/next")
    await press(page, "Додати")  # "📆 Додати в календар" on the card
    document = page.locator(".from-bot .document").last
    await expect(document).to_contain_text(".ics")
    async with page.expect_download() as started:
        await document.click()
    download = await started.value
    path = await download.path()
    assert download.suggested_filename.endswith(".ics")
    assert path.read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("uk", ("Вітаємо, Марія!", "Так", "Найближчі вебінари", "Додати", "Ваші налаштування")),
        ("en", ("Hello, Maria!", "Yes", "Upcoming webinars", "Add", "Your settings")),
    ],
)
async def test_a_new_person_goes_from_start_to_a_calendar_file_and_settings(
    page: Page, sandbox: Sandbox, language: str, words: tuple[str, ...]
) -> None:
    greeting, subscribe, heading, add, settings = words
    name = "Марія" if language == "uk" else "Maria"
    await page.fill("#new-name", name)  # a person made on the page, with a Telegram language
    await page.select_option("#new-language", language)
    await page.click("#new-person button[type='submit']")
    messages = page.locator("#messages")
    await say(page, "/start")
    await expect(messages.locator(".from-bot", has_text=greeting)).to_be_visible()
    await press(page, subscribe)
    await say(page, "/webinars")
    listing = messages.locator(".from-bot", has_text=heading).last
    await expect(listing.locator(".kb-button").first).to_be_visible()
    await listing.locator(".kb-button", has_text=re.compile(r"^1$")).click()
    webinar = await next_webinar(sandbox)
    title = webinar.title_uk if language == "uk" else webinar.title_en
    card = messages.locator(".from-bot", has_text=title).last
    await expect(card.locator(".kb-button", has_text=add)).to_be_visible()
    await card.locator(".kb-button", has_text=add).click()
    document = messages.locator(".from-bot .document").last
    async with page.expect_download() as started:
        await document.click()
    event = Calendar.from_ical((await (await started.value).path()).read_bytes()).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in event] == [title]  # in the person's language
    await say(page, "/settings")
    await expect(messages.locator(".from-bot", has_text=settings).last).to_be_visible()
