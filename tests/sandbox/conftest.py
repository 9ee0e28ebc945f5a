"""Fixtures for the sandbox: the whole thing in-process on a free port and its own SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession

from bot.sandbox import Sandbox
from bot.settings import load_settings

OPERATOR_ADMIN = 1001


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[Sandbox]:
    settings = load_settings(_env_file=None, ADMIN_IDS=str(OPERATOR_ADMIN), FEED_URLS="")
    box = Sandbox(settings, database=tmp_path / "sandbox.sqlite3")
    try:
        await box.start("127.0.0.1", 0)
        yield box
    finally:
        await box.stop()


@pytest.fixture
async def http(sandbox: Sandbox) -> AsyncIterator[Http]:
    async with ClientSession(base_url=sandbox.url) as session:
        yield Http(session)


class Http:
    """JSON in, JSON out, with the status checked: tests read as the page's own calls."""

    def __init__(self, session: ClientSession) -> None:
        self.session = session

    async def get(self, path: str, status: int = 200) -> Any:
        async with self.session.get(path) as response:
            assert response.status == status, await response.text()
            return await response.json()

    async def post(self, path: str, body: dict[str, Any], status: int = 200) -> Any:
        async with self.session.post(path, json=body) as response:
            assert response.status == status, await response.text()
            return await response.json()

    async def wait_text(self, chat_id: int, contains: str, after: int = 0) -> dict[str, Any]:
        """Long-poll the page's event feed until a bot message containing `contains` arrives."""
        for _ in range(20):
            data = await self.get(f"/_emu/messages?chat_id={chat_id}&after={after}&wait=5")
            for event in data["events"]:
                if event.get("from_bot") and contains in (event.get("text") or ""):
                    return event
            after = data["seq"]
        raise AssertionError(f"no bot message containing {contains!r} in chat {chat_id}")
