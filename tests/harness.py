"""End-to-end harness: the Bot API emulator + the real PTB Application polling it over HTTP.

Fixture `bot` gives a running `BotHarness` on a fresh database (SQLite, or PostgreSQL when
TEST_DATABASE_URL is set) with the seed content loaded. Override settings per test with
`@pytest.mark.bot_settings(ADMIN_IDS="1001", TIMEZONE="Europe/Brussels")`; skip the seed with
`@pytest.mark.no_seed`. Any Bot API method the emulator does not know fails the test loudly.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram.ext import Application

from bot.app import build_application
from bot.emulator.driver import GroupDriver, UserDriver
from bot.emulator.server import Emulator
from bot.polling import start_polling, stop_polling
from bot.runtime import Runtime
from bot.settings import Settings, load_settings

TOKEN = "123456:TEST-TOKEN"


@dataclass
class BotHarness:
    emu: Emulator
    app: Application[Any, Any, Any, Any, Any, Any]
    runtime: Runtime

    @property
    def settings(self) -> Settings:
        return self.runtime.settings

    @property
    def sessionmaker(self) -> async_sessionmaker[AsyncSession]:
        return self.runtime.sessionmaker

    def user(
        self, user_id: int, language_code: str | None = "uk", first_name: str = "Olena", **kw: Any
    ) -> UserDriver:
        return self.emu.user(user_id, first_name=first_name, language_code=language_code, **kw)

    def group(
        self, chat_id: int, title: str = "Community chat", forum: bool = False
    ) -> GroupDriver:
        return self.emu.group(chat_id, title=title, forum=forum)


def harness_settings(emu: Emulator, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "BOT_TOKEN": emu.token,
        "TELEGRAM_API_URL": emu.api_url,
        "DATABASE_URL": database_url,
        "FEED_URLS": "",
        "WEBHOOK_URL": None,
        "_env_file": None,
    }
    values.update(overrides)
    return load_settings(**values)


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    emu = Emulator(token=TOKEN)
    await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()
    assert not emu.unknown_methods, (
        f"the bot called unknown Bot API methods: {emu.unknown_methods}"
    )


@pytest.fixture
async def bot(
    request: pytest.FixtureRequest, emulator: Emulator, engine: AsyncEngine, database_url: str
) -> AsyncIterator[BotHarness]:
    marker = request.node.get_closest_marker("bot_settings")
    settings = harness_settings(emulator, database_url, **(marker.kwargs if marker else {}))
    runtime = Runtime.create(settings)
    if request.node.get_closest_marker("no_seed") is None:
        from bot.content import load_seed

        await load_seed(runtime.sessionmaker, settings.zone)
    app = build_application(runtime)
    await start_polling(app)
    try:
        yield BotHarness(emu=emulator, app=app, runtime=runtime)
    finally:
        await stop_polling(app)
        await runtime.close()
        await asyncio.sleep(0)


Restart = Callable[[], Awaitable[Runtime]]


@pytest.fixture
async def restart(bot: BotHarness) -> AsyncIterator[Restart]:
    """`await restart()`: stop the bot's process and start a fresh one on the same database and
    emulator (a deploy, a crash and restart); returns the new process's Runtime."""
    started: list[tuple[Application[Any, Any, Any, Any, Any, Any], Runtime]] = []

    async def again() -> Runtime:
        await stop_polling(started[-1][0] if started else bot.app)
        runtime = Runtime.create(bot.settings)
        app = build_application(runtime)
        await start_polling(app)
        started.append((app, runtime))
        return runtime

    yield again
    for app, runtime in reversed(started):
        await stop_polling(app)
        await runtime.close()
