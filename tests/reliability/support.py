"""Helpers for the reliability matrix: real bot processes, outbox figures, send-time windows.

Process spawning reuses tests/deploy (BotProcess, fresh databases, broadcast planning); what is
here is only what the matrix adds: counting what members received and what the outbox says.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bot.db import make_engine
from bot.emulator.server import Emulator
from bot.models import Delivery
from tests.deploy.process import BotProcess

TOKEN = "777000:AAH-reliability_TestToken0123456789"
SEND_METHODS = ("sendMessage", "sendDocument")


async def start_bot(
    workdir: Path, emu: Emulator, url: str, name: str, webhook: bool = False, **settings: str
) -> BotProcess:
    """`python -m bot run` against the emulator, ready to serve."""
    bot = BotProcess.make(
        workdir, token=emu.token, api_url=emu.api_url, database_url=url, webhook=webhook,
        name=name, **settings,
    )  # fmt: skip
    await bot.start()
    await bot.wait_ready()
    return bot


async def restart(bot: BotProcess, name: str, ready: bool = True) -> BotProcess:
    """The same configuration (port, database, settings) as a new process."""
    again = BotProcess(bot.workdir, bot.env, bot.port, name=name)
    await again.start()
    if ready:
        await again.wait_ready()
    return again


async def outbox(url: str) -> dict[str, int]:
    """Outbox rows by status."""
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                select(Delivery.status, func.count()).group_by(Delivery.status)
            )
            return dict(rows.tuples().all())
    finally:
        await engine.dispose()


def sent_ok(emu: Emulator, since: int = 0) -> list[Any]:
    """Accepted sends (the member has the message), from request index `since` on."""
    return [r for r in emu.requests[since:] if r.method in SEND_METHODS and r.status in (200, 0)]


def received(emu: Emulator, chats: Iterable[int]) -> Counter[int]:
    return Counter({chat: len(emu.messages.get(chat, [])) for chat in chats})


def duplicates(counts: Counter[int]) -> int:
    return sum(n - 1 for n in counts.values() if n > 1)


async def wait_for(
    check: Callable[[], bool], within: float, what: str = "condition", step: float = 0.05
) -> float:
    """Poll `check` until true; return the seconds it took."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > within:
            raise AssertionError(f"{what} not reached within {within}s")
        await asyncio.sleep(step)
    return time.monotonic() - started


async def wait_outbox(url: str, within: float) -> dict[str, int]:
    """Wait until no row is pending or sending; return the final statuses."""
    deadline = time.monotonic() + within
    while True:
        statuses = await outbox(url)
        if not statuses.get("pending") and not statuses.get("sending"):
            return statuses
        if time.monotonic() > deadline:
            raise AssertionError(f"outbox still open after {within}s: {statuses}")
        await asyncio.sleep(0.25)


def max_in_window(times: Iterable[float], span: float) -> int:
    """The most events inside any window of `span` seconds."""
    window: deque[float] = deque()
    most = 0
    for moment in sorted(times):
        window.append(moment)
        while window[0] <= moment - span:
            window.popleft()
        most = max(most, len(window))
    return most


class TcpProxy:
    """A TCP forwarder the test can cut: the database becomes unreachable for this test only.

    `cut()` closes the listener and every open connection (as a database restart or failover
    would: connections refused and reset); `restore()` listens on the same port again.
    """

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> TcpProxy:
        self._server = await asyncio.start_server(self._client, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self._writers |= {writer, up_writer}
        await asyncio.gather(
            self._pipe(reader, up_writer), self._pipe(up_reader, writer), return_exceptions=True
        )

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        finally:
            writer.close()
            self._writers.discard(writer)

    async def cut(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()
        if server is not None:
            await server.wait_closed()

    async def restore(self) -> None:
        await self.start()

    async def close(self) -> None:
        await self.cut()
