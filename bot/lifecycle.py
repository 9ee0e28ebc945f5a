"""One process lifecycle for polling and webhook mode: start, serve until SIGTERM/SIGINT, stop.

Start: web server (health answers at once) → initialize → post_init hooks → start handling →
take updates (poll, or set the webhook) → ready. Stop, in reverse: stop taking updates → let
PTB handle what it already took → stop the delivery engine gracefully (in-flight sends finish,
claimed rows go back to the outbox) → shutdown hooks → exit 0. SIGKILL loses only acked but
unhandled updates, which Telegram does not resend (see TELEGRAM.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Callable
from typing import Any, Protocol

from telegram import Update
from telegram.ext import Application

from bot.app import stop_delivery
from bot.metrics import Metrics, instrument
from bot.runtime import Runtime
from bot.webserver import Phase, WebServer, register_webhook, webhook_path

log = logging.getLogger(__name__)
App = Application[Any, Any, Any, Any, Any, Any]


class UpdateSource(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...


class Polling:
    def __init__(self, app: App, poll_timeout: float = 10.0) -> None:
        self.app, self.poll_timeout = app, poll_timeout

    async def start(self) -> None:
        assert self.app.updater is not None, "the Application was built without an Updater"
        # start_polling deletes any webhook first, so switching modes needs no manual step.
        await self.app.updater.start_polling(
            timeout=int(self.poll_timeout), allowed_updates=Update.ALL_TYPES
        )

    async def stop(self) -> None:
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()


class Webhook:
    def __init__(self, app: App, server: WebServer) -> None:
        self.app, self.server = app, server

    async def start(self) -> None:
        await register_webhook(self.app)

    async def stop(self) -> None:
        # New POSTs get 503 from now on (Telegram retries them); the webhook itself stays set.
        self.server.phase = Phase.STOPPING


def on_signals(stop: asyncio.Event) -> Callable[[], None]:
    """SIGTERM/SIGINT set `stop`; a second one exits at once. Returns the undo function."""
    loop = asyncio.get_running_loop()
    signals = (signal.SIGTERM, signal.SIGINT)

    def handle(signum: int) -> None:
        if stop.is_set():
            log.warning("second %s: exiting without a graceful stop", signal.Signals(signum).name)
            os._exit(128 + signum)
        log.info("%s received: stopping gracefully", signal.Signals(signum).name)
        stop.set()

    for sig in signals:
        loop.add_signal_handler(sig, handle, sig)

    def undo() -> None:
        for sig in signals:
            loop.remove_signal_handler(sig)

    return undo


async def serve(app: App, runtime: Runtime, stop: asyncio.Event | None = None) -> int:
    """Run until `stop` is set and return the exit code; without `stop`, SIGTERM/SIGINT set it."""
    settings = runtime.settings
    undo_signals: Callable[[], None] | None = None
    if stop is None:
        stop = asyncio.Event()
        undo_signals = on_signals(stop)
    metrics = Metrics(runtime)
    instrument(app, metrics)
    server = WebServer(runtime, metrics)
    source: UpdateSource = Polling(app)
    if settings.WEBHOOK_URL:
        server.route_updates(app, webhook_path(settings.WEBHOOK_URL))
        source = Webhook(app, server)
    runtime.extras["metrics"], runtime.extras["webserver"] = metrics, server
    try:
        await server.start(settings.LISTEN_HOST, settings.LISTEN_PORT)
        await _run(app, runtime, server, source, stop)
    finally:
        if undo_signals:
            undo_signals()
        await server.stop()
    log.info("stopped")
    return 0


async def _run(
    app: App, runtime: Runtime, server: WebServer, source: UpdateSource, stop: asyncio.Event
) -> None:
    # Each step registers its undo as soon as it succeeded, so a failed start unwinds cleanly.
    async with contextlib.AsyncExitStack() as undo:
        await app.initialize()
        undo.push_async_callback(_shutdown, app)
        # Pops the engine from runtime.extras, so the app's shutdown hook finds nothing to stop.
        undo.push_async_callback(stop_delivery, app, runtime)
        if app.post_init:
            await app.post_init(app)
        await app.start()
        undo.push_async_callback(_stop_app, app)
        undo.push_async_callback(source.stop)
        await source.start()
        server.phase = Phase.RUNNING
        mode = "webhook" if isinstance(source, Webhook) else "polling"
        log.info("running in %s mode; health and metrics on port %d", mode, server.port)
        await stop.wait()
        server.phase = Phase.STOPPING
        log.info("stopping: finishing updates and deliveries in flight")


async def _stop_app(app: App) -> None:
    if app.running:
        await app.stop()  # handles every update already in the queue first
    if app.post_stop:
        await app.post_stop(app)


async def _shutdown(app: App) -> None:
    await app.shutdown()
    if app.post_shutdown:
        await app.post_shutdown(app)
