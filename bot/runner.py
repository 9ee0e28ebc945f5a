"""Start the real bot: migrate, seed on first run, then poll (default) or serve a webhook."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.app import build_application
from bot.logging_setup import setup_logging
from bot.migrate import upgrade
from bot.runtime import Runtime
from bot.settings import Settings

log = logging.getLogger(__name__)


async def prepare_database(runtime: Runtime) -> None:
    """Apply pending migrations and load the shipped seed content on first run."""
    await asyncio.to_thread(upgrade, runtime.settings.DATABASE_URL)
    from bot.content import load_seed

    await load_seed(runtime.sessionmaker, runtime.settings.zone)


def _secrets(settings: Settings) -> list[str]:
    secret = settings.WEBHOOK_SECRET.get_secret_value() if settings.WEBHOOK_SECRET else ""
    return [settings.token, secret]


def run(settings: Settings) -> int:
    setup_logging(settings.LOG_LEVEL, settings.LOG_FORMAT, _secrets(settings))
    runtime = Runtime.create(settings)
    asyncio.run(prepare_database(runtime))
    app: Application[Any, Any, Any, Any, Any, Any] = build_application(runtime)
    log.info("starting in %s mode", "webhook" if settings.WEBHOOK_URL else "polling")
    if settings.WEBHOOK_URL:
        from bot.webserver import run_webhook

        return run_webhook(app, runtime)
    app.run_polling(allowed_updates=Update.ALL_TYPES, close_loop=False)
    asyncio.run(runtime.close())
    return 0
