"""The sandbox's own routes on the emulator's aiohttp app: the chat page and a small JSON API.

* ``GET /`` the chat page; ``GET /static/...`` its CSS and JS (no build step, nothing external).
* ``GET /_sandbox/info`` -> ``{"bot", "presets", "moderator_id", "timezone", "now"}``.
* ``GET /_sandbox/clock`` -> ``{"now", "offset_seconds"}`` — the bot's clock, not the wall's.
* ``GET /_sandbox/commands?user_id=`` -> ``{"commands": [...]}``: the menu Telegram would show
  this person (their chat's scope first, then private chats, then default; their language first).
* ``POST /_sandbox/fast-forward`` -> ``{"reason", "moment", "now", "sent"}``: jump to the next
  owed moment, run the planner, send what became due (see fastforward.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.clock import clock, now
from bot.emulator.server import Emulator
from bot.runtime import Runtime
from bot.sandbox.fastforward import fast_forward

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
MODERATOR_ID = 380_000_099
PRESETS = (
    {"id": 380_000_001, "first_name": "Олена", "language_code": "uk", "role": "member"},
    {"id": 380_000_002, "first_name": "Emma", "language_code": "en", "role": "member"},
    {"id": MODERATOR_ID, "first_name": "Sandbox moderator", "language_code": "uk", "role": "mod"},
)
# The page is the only client; nothing here should ever be cached across sandbox versions.
NO_CACHE = {"Cache-Control": "no-store"}


class SandboxRoutes:
    """Routes are mounted before the server starts; the runtime arrives once the bot is built."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.runtime: Runtime | None = None
        self.drain: Callable[[], Awaitable[Any]] | None = None
        self._forwarding = asyncio.Lock()
        router = emu.web_app.router
        router.add_get("/", self.index)
        router.add_static("/static/", STATIC, append_version=False)
        router.add_get("/_sandbox/info", self.info)
        router.add_get("/_sandbox/clock", self.clock)
        router.add_get("/_sandbox/commands", self.commands)
        router.add_post("/_sandbox/fast-forward", self.fast_forward)
        emu.web_app.middlewares.append(_no_cache)

    async def index(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / "index.html", headers=NO_CACHE)

    async def info(self, request: web.Request) -> web.Response:
        zone = self.runtime.settings.TIMEZONE if self.runtime else None
        return web.json_response(
            {
                "bot": self.emu.bot_user,
                "presets": list(PRESETS),
                "moderator_id": MODERATOR_ID,
                "timezone": zone,
                "now": now().isoformat(),
            }
        )

    async def clock(self, request: web.Request) -> web.Response:
        offset = clock.offset.total_seconds()
        return web.json_response({"now": now().isoformat(), "offset_seconds": offset})

    async def commands(self, request: web.Request) -> web.Response:
        user_id = request.query.get("user_id", "")
        user = self.emu.users.get(int(user_id)) if user_id.isdigit() else None
        if user is None:
            return web.json_response({"ok": False, "error": "unknown user_id"}, status=404)
        return web.json_response({"commands": menu_for(self.emu, user)})

    async def fast_forward(self, request: web.Request) -> web.Response:
        if self.runtime is None or self.drain is None:
            return web.json_response({"ok": False, "error": "the bot is starting"}, status=503)
        # One jump at a time: a double click must not run two planners against one clock.
        async with self._forwarding:
            before = _sent(self.emu)
            try:
                result = await fast_forward(self.runtime, self.drain)
            except Exception:
                log.exception("fast-forward failed")
                error = "fast-forward failed; the terminal running the sandbox shows why"
                return web.json_response({"ok": False, "error": error}, status=500)
        return web.json_response({"ok": True, **result, "sent": _sent(self.emu) - before})


def menu_for(emu: Emulator, user: dict[str, Any]) -> list[dict[str, str]]:
    """Telegram's lookup order for a private chat's command menu."""
    language = user.get("language_code") or ""
    scopes = (f"chat:{user['id']}", "all_private_chats", "default")
    for scope in scopes:
        for code in (language, ""):
            if (scope, code) in emu.commands:
                return emu.commands[(scope, code)]
    return []


def _sent(emu: Emulator) -> int:
    return sum(1 for event in emu.events if event["kind"] == "sent")


@web.middleware
async def _no_cache(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    response = await handler(request)
    if request.path.startswith(("/static/", "/_sandbox/")) and not response.prepared:
        response.headers.update(NO_CACHE)
    return response
