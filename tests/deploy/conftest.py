"""Deployment fixtures: the real lifecycle in-process, `python -m bot run` subprocesses, fresh DBs.

Unlike the `bot` fixture (schema from the models), these start from an empty database so the
bot migrates it itself, as it does in production.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import text

from bot.app import build_application
from bot.clock import now
from bot.db import make_engine, make_sessionmaker, transaction
from bot.delivery import owe_many
from bot.emulator.server import Emulator
from bot.lifecycle import serve
from bot.models import Broadcast, Member
from bot.runner import prepare_database
from bot.runtime import Runtime
from bot.webserver import Phase, WebServer
from tests.conftest import POSTGRES_URL
from tests.harness import harness_settings

SECRET = "hook-Secret_0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def empty_database(url: str) -> None:
    engine = make_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


@pytest.fixture
async def fresh_url(tmp_path: Path) -> str:
    """An empty database: nothing migrated yet."""
    if POSTGRES_URL:
        await empty_database(POSTGRES_URL)
        return POSTGRES_URL
    return f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"


async def plan_broadcast(url: str, chats: Iterable[int]) -> None:
    """What launching an announcement leaves behind: members and one outbox row for each."""
    engine = make_engine(url)
    async with transaction(make_sessionmaker(engine)) as session:
        broadcast = Broadcast(created_by=1, text_uk="Оголошення", text_en="News", status="sending")
        members = [Member(user_id=c, chat_id=c, language="uk", subscribed=True) for c in chats]
        session.add_all([broadcast, *members])
        await session.flush()
        purpose = f"broadcast:{broadcast.id}"
        rows = [
            {"chat_id": m.chat_id, "member_id": m.id, "kind": "broadcast", "purpose": purpose,
             "batch": purpose, "payload": {"broadcast_id": broadcast.id}, "due_at": now()}
            for m in members
        ]  # fmt: skip
        assert await owe_many(session, rows) == len(members)
    await engine.dispose()


async def http_get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 10.0) -> None:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(0.05)


@dataclass
class Served:
    """A bot running through bot.lifecycle.serve in this process."""

    emu: Emulator
    runtime: Runtime
    task: asyncio.Task[int]
    stop: asyncio.Event

    @property
    def server(self) -> WebServer:
        return self.runtime.extras["webserver"]  # type: ignore[no-any-return]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    @property
    def hook(self) -> str:
        return str(self.runtime.settings.WEBHOOK_URL)

    async def get(self, path: str) -> tuple[int, str]:
        return await http_get(self.base + path)

    async def finish(self) -> int:
        self.stop.set()
        return await asyncio.wait_for(self.task, 20)


ServeFactory = Callable[..., Awaitable[Served]]


@pytest.fixture
async def serve_bot(emulator: Emulator, fresh_url: str) -> AsyncIterator[ServeFactory]:
    """`await serve_bot(webhook=True, **settings)`: migrate, seed, then serve until finished."""
    running: list[Served] = []

    async def start(webhook: bool = True, **overrides: Any) -> Served:
        port = free_port()
        values: dict[str, Any] = {"LISTEN_PORT": port}
        if webhook:
            values |= {"WEBHOOK_URL": f"http://127.0.0.1:{port}/tg/hook", "WEBHOOK_SECRET": SECRET}
        settings = harness_settings(emulator, fresh_url, **(values | overrides))
        runtime = Runtime.create(settings)
        await prepare_database(runtime)
        stop = asyncio.Event()
        task = asyncio.create_task(serve(build_application(runtime), runtime, stop))
        served = Served(emulator, runtime, task, stop)
        running.append(served)
        await eventually(lambda: _running(served))
        return served

    yield start
    for served in running:
        with contextlib.suppress(Exception):
            await served.finish()
        await served.runtime.close()


async def _running(served: Served) -> bool:
    if served.task.done():
        served.task.result()  # raises what broke the start
    server = served.runtime.extras.get("webserver")
    return server is not None and server.phase is Phase.RUNNING
