"""One process, one event loop: the Bot API emulator, the real bot polling it, and the chat page.

The sandbox never touches the operator's database: it always plays on its own SQLite file
(`data/sandbox.sqlite3`, recreated at every start so the emulator's memory and the database
agree). `hromada run` falls back to the sandbox when BOT_TOKEN is missing, and a real
DATABASE_URL must then never see emulated members or have its owed messages "sent" here.
"""

from __future__ import annotations

import contextlib
import errno
import logging
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from bot.app import build_application
from bot.clock import now
from bot.delivery import DeliveryEngine
from bot.emulator.server import Emulator
from bot.polling import AnyApplication, start_polling, stop_polling
from bot.runner import prepare_database
from bot.runtime import Runtime
from bot.sandbox.web import MODERATOR_ID, SandboxRoutes
from bot.settings import Settings

log = logging.getLogger(__name__)
TOKEN = "100200300:SANDBOX-TOKEN"
BOT_USERNAME = "hromada_sandbox_bot"
DEFAULT_DATABASE = Path("data") / "sandbox.sqlite3"
DRAIN_SECONDS = 20.0


class SandboxError(Exception):
    """The sandbox cannot start; the message is one line for the person at the terminal."""


def sandbox_settings(base: Settings, emu: Emulator, database: Path) -> Settings:
    """The operator's settings, pointed at the emulator and the sandbox database, offline."""
    admins = [*base.ADMIN_IDS, *([] if MODERATOR_ID in base.ADMIN_IDS else [MODERATOR_ID])]
    return base.model_copy(
        update={
            "BOT_TOKEN": SecretStr(emu.token),
            "TELEGRAM_API_URL": emu.api_url,
            "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
            "ADMIN_IDS": admins,
            "FEED_URLS": [],  # offline: no news feeds fetched from the internet
            "WEBHOOK_URL": None,
        }
    )


def fresh_database(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()


def _stamp_bot_time(emu: Emulator) -> None:
    """Add the bot's clock to every page event: after a fast-forward, a reminder should show
    the moment a member would get it, while the emulator's own dates stay wall-clock."""
    log_event = emu.log_event

    def stamped(kind: str, chat_id: int, **fields: Any) -> None:
        log_event(kind, chat_id, bot_time=int(now().timestamp()), **fields)

    emu.log_event = stamped  # type: ignore[method-assign]


class Sandbox:
    def __init__(self, settings: Settings, database: Path = DEFAULT_DATABASE) -> None:
        self.base, self.database = settings, database
        self.emu = Emulator(token=TOKEN, bot_username=BOT_USERNAME)
        self.emu.bot_user["first_name"] = "Hromada Companion"
        _stamp_bot_time(self.emu)
        self.routes = SandboxRoutes(self.emu)  # mounted now: aiohttp freezes routes at start
        self.runtime: Runtime | None = None
        self.app: AnyApplication | None = None
        self.engine: DeliveryEngine | None = None
        self._own_engine = False

    @property
    def url(self) -> str:
        return self.emu.api_url

    async def start(self, host: str = "127.0.0.1", port: int = 8080) -> None:
        try:
            await self.emu.start(host, port)
        except OSError as exc:
            why = "already in use" if exc.errno == errno.EADDRINUSE else (exc.strerror or str(exc))
            raise SandboxError(
                f"cannot listen on {host}:{port}: {why}. "
                f"Is another sandbox running? Try --port {port + 1}"
            ) from None
        fresh_database(self.database)
        settings = sandbox_settings(self.base, self.emu, self.database)
        self.runtime = Runtime.create(settings)
        await prepare_database(self.runtime, examples=True)
        self.app = build_application(self.runtime)
        await start_polling(self.app)
        await self._attach_engine()
        self.routes.runtime, self.routes.drain = self.runtime, self.drain

    async def _attach_engine(self) -> None:
        """Use the app's delivery engine when it wires one; otherwise run one for the sandbox."""
        assert self.runtime is not None
        found = [v for v in self.runtime.extras.values() if isinstance(v, DeliveryEngine)]
        if found:
            self.engine = found[0]
            return
        runtime = self.runtime
        self.engine = DeliveryEngine.from_settings(runtime.settings, runtime.sessionmaker)
        runtime.extras["delivery"] = self.engine  # where the planner's wake_delivery looks
        self._own_engine = True
        await self.engine.start()

    async def drain(self) -> Any:
        assert self.engine is not None
        self.engine.wake()
        return await self.engine.drain(timeout=DRAIN_SECONDS)

    async def stop(self) -> None:
        """Stop in reverse order; each step runs even if an earlier start step failed."""
        # The app's own engine stops in its post_shutdown hook; one the sandbox started, here.
        if self.engine is not None and self._own_engine:
            await self.engine.stop()
        if self.app is not None:
            await stop_polling(self.app)
        if self.runtime is not None:
            await self.runtime.close()
        await self.emu.stop()
