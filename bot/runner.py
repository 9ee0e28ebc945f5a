"""Start the real bot: migrate, seed on first run, then poll (default) or serve a webhook."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import make_url, text
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.logging_setup import setup_logging
from bot.migrate import upgrade
from bot.runtime import Runtime
from bot.settings import Settings

log = logging.getLogger(__name__)
# pg_advisory_lock key ("hrmd"): instances starting together migrate and seed one at a time.
STARTUP_LOCK = 0x68726D64


@asynccontextmanager
async def startup_lock(engine: AsyncEngine) -> AsyncIterator[None]:
    """Serialise start-up work across instances sharing one PostgreSQL database.

    Two instances upgrading at once would both try CREATE TABLE; the second one waits here and
    then finds the schema at head. SQLite has a single writer and one sender anyway.
    """
    if engine.dialect.name != "postgresql":
        yield
        return
    async with engine.connect() as connection:
        connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": STARTUP_LOCK})
        try:
            yield
        finally:
            await connection.execute(
                text("SELECT pg_advisory_unlock(:key)"), {"key": STARTUP_LOCK}
            )


async def prepare_database(runtime: Runtime, *, examples: bool = False) -> None:
    """Apply pending migrations and load the shipped seed content on first run.

    Example webinars and news come only with `examples` (the sandbox): real members must never
    be reminded of a session that will not happen.
    """
    from bot.content import load_seed

    async with startup_lock(runtime.engine):
        await asyncio.to_thread(upgrade, runtime.settings.DATABASE_URL)
        await load_seed(runtime.sessionmaker, runtime.settings.zone, examples=examples)


def secrets_of(settings: Settings) -> list[str]:
    """What must never appear in a log line: the token, the webhook secret, the DB password."""
    secret = settings.WEBHOOK_SECRET.get_secret_value() if settings.WEBHOOK_SECRET else ""
    try:
        password = str(make_url(settings.DATABASE_URL).password or "")
    except ArgumentError:
        password = ""
    # A short password would scrub ordinary words ("postgres") out of every line.
    return [settings.token, secret, password if len(password) >= 8 else ""]


async def main(settings: Settings) -> int:
    # One event loop for everything: asyncpg connections belong to the loop that opened them.
    from bot.app import build_application
    from bot.lifecycle import on_signals, serve

    # Signals are caught from here on, so a SIGTERM during migrations waits for them to finish.
    stop = asyncio.Event()
    undo_signals = on_signals(stop)
    runtime = Runtime.create(settings)
    try:
        await prepare_database(runtime)
        if stop.is_set():
            return 0
        app = build_application(runtime)
        log.info("starting in %s mode", "webhook" if settings.WEBHOOK_URL else "polling")
        return await serve(app, runtime, stop)
    except Exception:
        log.exception("the bot stopped on an error")
        return 1
    finally:
        undo_signals()
        await runtime.close()


def run(settings: Settings) -> int:
    setup_logging(settings.LOG_LEVEL, settings.LOG_FORMAT, secrets_of(settings))
    return asyncio.run(main(settings))
