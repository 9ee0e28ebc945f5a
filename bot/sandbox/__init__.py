"""`hromada sandbox`: the whole bot offline, chatted with from a browser page, no token needed."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

from bot.logging_setup import setup_logging
from bot.sandbox.server import DEFAULT_DATABASE, Sandbox, SandboxError
from bot.settings import Settings

__all__ = ["Sandbox", "SandboxError", "banner", "run_sandbox"]
SIGNALS = (signal.SIGINT, signal.SIGTERM)


def banner(url: str, database: Path) -> str:
    line = "─" * 64
    return "\n".join(
        [
            line,
            "  Hromada Companion sandbox: the bot offline, no Telegram token needed",
            f"  Open {url} in your browser",
            "  Pick a member or the 'Sandbox moderator'; a second tab can be someone else.",
            f"  Sandbox data: {database} (starts fresh every time)",
            "  Stop with Ctrl+C",
            line,
        ]
    )


@contextlib.contextmanager
def stop_on_signals(stop: asyncio.Event) -> Iterator[None]:
    """Ctrl+C and SIGTERM ask for a clean stop, from the very start (even mid start-up)."""
    loop = asyncio.get_running_loop()
    for sig in SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    try:
        yield
    finally:
        for sig in SIGNALS:
            loop.remove_signal_handler(sig)


def _page_url(host: str, port: int) -> str:
    # 0.0.0.0 listens everywhere, but a browser cannot open it: show the local address.
    return f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{port}"


async def run_sandbox(
    settings: Settings, host: str = "127.0.0.1", port: int = 8080, database: Path | None = None
) -> int:
    """Start everything, print the banner, serve until Ctrl+C or SIGTERM, then stop cleanly."""
    # Sandbox logs stay at WARNING unless asked: the terminal is for the banner, not polling noise.
    level = settings.LOG_LEVEL if settings.LOG_LEVEL == "DEBUG" else "WARNING"
    setup_logging(level, settings.LOG_FORMAT, [])
    sandbox = Sandbox(settings, database or DEFAULT_DATABASE)
    stop = asyncio.Event()
    with stop_on_signals(stop):
        try:
            await sandbox.start(host, port)
            print(banner(_page_url(host, sandbox.emu.port), sandbox.database), flush=True)
            await stop.wait()
        except SandboxError as exc:
            print(f"sandbox: {exc}", file=sys.stderr, flush=True)
            return 1
        finally:
            await sandbox.stop()
    print("sandbox stopped", flush=True)
    return 0
