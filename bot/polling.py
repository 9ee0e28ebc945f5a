"""Run a built Application's polling inside an event loop someone else owns (tests, sandbox).

`Application.run_polling` owns the loop and the signals; the harness and the sandbox share a loop
with the emulator, so they start and stop the pieces by hand, in PTB's documented order.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


async def start_polling(app: AnyApplication, poll_timeout: int = 1) -> None:
    """Initialise, run post_init, poll every update type, then start dispatching."""
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    assert app.updater is not None
    # A short long-poll timeout lets a local emulator's stop() finish quickly.
    await app.updater.start_polling(
        poll_interval=0, timeout=poll_timeout, allowed_updates=Update.ALL_TYPES
    )
    await app.start()


async def stop_polling(app: AnyApplication) -> None:
    """Undo start_polling in reverse order; safe after a partial start."""
    assert app.updater is not None
    if app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await app.shutdown()
    if app.post_shutdown:
        await app.post_shutdown(app)
