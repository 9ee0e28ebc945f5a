"""Headless Chromium for the sandbox's browser tests and its screenshot, never downloaded.

The system Chromium (/usr/bin/chromium) is used through Playwright's `executable_path`; where it
is missing, browser tests skip locally and fail in CI (CI=true) so the gap cannot go unseen.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 420, "height": 860}


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing; install it with `apt-get install -y chromium`"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            await browser.close()


async def open_sandbox(browser: Browser, url: str, locale: str = "uk-UA") -> Page:
    context = await browser.new_context(viewport=PHONE, locale=locale, device_scale_factor=2)
    page = await context.new_page()
    await page.goto(url)
    await page.wait_for_selector("body[data-ready='1']")
    return page


async def say(page: Page, text: str) -> None:
    await page.fill("#composer-text", text)
    await page.press("#composer-text", "Enter")


async def press(page: Page, word: str) -> None:
    """Press the newest inline button with `word` at a word start, case and all ("Так" must not
    match "Контакти", as a plain has_text would)."""
    label = re.compile(rf"(^|\s){re.escape(word)}")
    await page.locator(".kb-button", has_text=label).last.click()
