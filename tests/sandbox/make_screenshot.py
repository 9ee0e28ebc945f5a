"""Regenerate bot/sandbox/screenshot.png: a Ukrainian member after /start, /webinars and a card.

Run `.venv/bin/python -m tests.sandbox.make_screenshot` from the repository root (needs the
system Chromium, like the browser tests).
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from playwright.async_api import Page, expect

from bot.sandbox import Sandbox
from bot.settings import load_settings
from tests.sandbox.browser import chromium, open_sandbox, say

OUTPUT = Path(__file__).resolve().parents[2] / "bot" / "sandbox" / "screenshot.png"
OLENA = 380_000_001


async def converse(page: Page) -> None:
    await page.click(f"button.person[data-user-id='{OLENA}']")
    await say(page, "/start")
    await expect(page.locator(".from-bot").first).to_be_visible()
    await say(page, "/webinars")
    listing = page.locator(".from-bot", has_text="Найближчі вебінари")
    await expect(listing).to_be_visible()
    await listing.locator(".kb-button").first.click()  # open the first session's card
    await expect(page.locator(".from-bot")).to_have_count(3)
    await expect(page.locator("#toast")).to_be_hidden(timeout=10_000)
    await page.locator("#messages").evaluate("list => { list.scrollTop = list.scrollHeight; }")


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings(_env_file=None, FEED_URLS="")
        sandbox = Sandbox(settings, database=Path(folder) / "sandbox.sqlite3")
        await sandbox.start("127.0.0.1", 0)
        try:
            async with chromium() as browser:
                page = await open_sandbox(browser, sandbox.url)
                await converse(page)
                await page.screenshot(path=str(OUTPUT))
        finally:
            await sandbox.stop()
    print(f"saved {OUTPUT}")


if __name__ == "__main__":
    asyncio.run(main())
