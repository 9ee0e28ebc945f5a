"""The one HTTP server of a bot process: Telegram's webhook, /healthz, /readyz and /metrics.

It runs in both modes on LISTEN_HOST:LISTEN_PORT; only webhook mode adds the update route, at
the path of WEBHOOK_URL. Expose just that path to the internet; keep the rest internal.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Update
from telegram.ext import Application

from bot.calendar_feed import add_calendar_routes
from bot.metrics import Metrics
from bot.migrate import head_revision
from bot.runtime import Runtime

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
READY_TIMEOUT = 5.0


class Phase(StrEnum):
    STARTING = "starting"
    RUNNING = "running"
    STOPPING = "stopping"


def webhook_path(url: str) -> str:
    return urlsplit(url).path or "/"


def same_secret(given: str | None, expected: str) -> bool:
    # Constant time, so response timing never tells an attacker how much of a guess was right.
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


async def database_revision(engine: AsyncEngine) -> str | None:
    """The schema revision, read without alembic (whose context logs two lines per probe)."""

    def read(connection: Connection) -> str | None:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()

    async with engine.connect() as connection:
        return await connection.run_sync(read)


class WebServer:
    def __init__(self, runtime: Runtime, metrics: Metrics) -> None:
        self.runtime, self.metrics = runtime, metrics
        self.phase = Phase.STARTING
        self.port = 0
        self._head = head_revision(runtime.settings.DATABASE_URL)
        self._app: Application[Any, Any, Any, Any, Any, Any] | None = None
        self._secret = ""
        self.web_app = web.Application()
        self.web_app.router.add_get("/healthz", self._healthz)
        self.web_app.router.add_get("/readyz", self._readyz)
        self.web_app.router.add_get("/metrics", self._metrics)
        add_calendar_routes(self.web_app, runtime)  # members' private iCal feeds
        self._runner: web.AppRunner | None = None

    def route_updates(self, app: Application[Any, Any, Any, Any, Any, Any], path: str) -> None:
        """Accept webhook POSTs at `path`; call before start() (aiohttp freezes its routes)."""
        secret = self.runtime.settings.WEBHOOK_SECRET
        if secret is None:
            raise ValueError("webhook mode needs WEBHOOK_SECRET")
        self._app, self._secret = app, secret.get_secret_value()
        self.web_app.router.add_post(path, self._webhook)

    async def start(self, host: str, port: int) -> None:
        # A short shutdown_timeout: by the time the server stops, the updates are handled.
        self._runner = web.AppRunner(self.web_app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        sockets = site._server.sockets if site._server else []  # type: ignore[union-attr]
        self.port = sockets[0].getsockname()[1] if sockets else port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _healthz(self, request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def _readyz(self, request: web.Request) -> web.Response:
        reason = await self.not_ready_reason()
        if reason:
            return web.Response(status=503, text=f"not ready: {reason}")
        return web.Response(text="ready")

    async def not_ready_reason(self) -> str | None:
        if self.phase is not Phase.RUNNING:
            return self.phase.value
        try:
            revision = await asyncio.wait_for(
                database_revision(self.runtime.engine), READY_TIMEOUT
            )
        except Exception as exc:  # any failure means "not ready"; its class says why
            return f"database unreachable ({type(exc).__name__})"
        if revision != self._head:
            return f"database not migrated (at {revision or 'nothing'}, expected {self._head})"
        return None

    async def _metrics(self, request: web.Request) -> web.Response:
        body = await self.metrics.exposition()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def _webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER)
        if not same_secret(given, self._secret):
            reason = "missing_secret" if given is None else "wrong_secret"
            self.metrics.webhook_rejected.labels(reason).inc()
            # Neither the expected nor the given value goes to the log.
            log.warning("webhook request from %s refused: %s", request.remote, reason)
            return web.Response(status=403)
        if self.phase is not Phase.RUNNING or self._app is None:
            # Telegram retries non-2xx answers; another instance or this one later takes it.
            return web.Response(status=503)
        try:
            body = await request.json()
        except ValueError:  # not JSON at all: Telegram never sends that
            self.metrics.webhook_rejected.labels("bad_update").inc()
            log.warning("webhook request refused: the body is not JSON")
            return web.Response(status=400)
        try:
            update = Update.de_json(body, self._app.bot)
        except Exception as exc:
            # JSON from Telegram that this PTB version cannot read. A non-2xx answer would make
            # Telegram resend it forever and hold back every update behind it; drop it, loudly.
            self.metrics.webhook_rejected.labels("bad_update").inc()
            log.error(
                "webhook update %s dropped: not readable as an Update (%s)",
                body.get("update_id") if isinstance(body, dict) else "?",
                type(exc).__name__,
            )
            return web.Response()
        await self._app.update_queue.put(update)
        return web.Response()


async def register_webhook(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Point Telegram at WEBHOOK_URL. Never deleted on stop: other instances still serve it."""
    settings = app.bot_data["runtime"].settings
    secret = settings.WEBHOOK_SECRET.get_secret_value()
    await app.bot.set_webhook(
        url=settings.WEBHOOK_URL, secret_token=secret, allowed_updates=Update.ALL_TYPES
    )
