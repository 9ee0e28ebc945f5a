"""The emulator's HTTP face: Bot API routing, fault injection, request log, and driver factories.

``Emulator(token="123456:TEST-TOKEN", bot_username="hromada_test_bot")``; ``await emu.start(host,
port=0)`` or ``async with Emulator() as emu``; ``await emu.stop()``.

* ``emu.api_url`` — ``http://127.0.0.1:PORT`` (TELEGRAM_API_URL); the bot calls
  ``{api_url}/bot{token}/{method}`` (GET or POST; JSON, urlencoded or multipart; method names are
  case-insensitive as in Telegram). ``emu.base_url`` = ``{api_url}/bot`` and ``emu.base_file_url``
  = ``{api_url}/file/bot`` are what PTB's ``Bot(base_url=..., base_file_url=...)`` take.
* Wrong token -> 401 "Unauthorized"; unknown method -> 404 "Not Found", and its name is appended to
  ``emu.unknown_methods`` so a fixture can fail loudly.
* ``emu.web_app`` is the aiohttp Application, made in ``__init__``: mount more routes before
  ``start``. The control API for the browser sandbox lives under ``/_emu/`` (see ``control.py``).
* ``emu.faults`` (``faults.py``), ``emu.updates`` (``updates.py``), ``emu.user()/group()``
  (``driver.py``); state such as ``emu.messages``, ``emu.requests`` is described in ``state.py``.
* ``await emu.add_bot_to_group(chat_id, title, by, status="member", forum=False)`` emits
  ``my_chat_member`` and a ``new_chat_members`` service message; ``await emu.post_webhook(update,
  secret=CONFIGURED, url=None)`` -> HTTP status; ``await emu.wait_for_requests(method, count=1,
  timeout=5.0)`` -> the matching ``RequestRecord``s; ``await emu.wait_idle(quiet=0.2,
  timeout=5.0)``.
"""

from __future__ import annotations

import asyncio
import time
from http import HTTPStatus
from typing import Any

from aiohttp import web

from . import botinfo, messages
from .control import add_control_routes
from .driver import GroupDriver, UserDriver
from .faults import Faults
from .params import Params, optional_chat_id, read_params
from .state import ApiError, EmulatorState, RequestRecord
from .updates import CONFIGURED, UpdateQueue

_UNSET: Any = object()  # "argument not given" for emu.user(), where None means "remove"


class Emulator(EmulatorState):
    def __init__(
        self, token: str = "123456:TEST-TOKEN", bot_username: str = "hromada_test_bot"
    ) -> None:
        super().__init__(token, bot_username)
        self.faults = Faults(self._migrate)
        self.updates = UpdateQueue(self)
        self._methods = {
            name.lower(): (name, handler)
            for name, handler in {**messages.METHODS, **botinfo.METHODS}.items()
        }
        self._users: dict[int, UserDriver] = {}
        self._groups: dict[int, GroupDriver] = {}
        self._runner: web.AppRunner | None = None
        self.host, self.port = "127.0.0.1", 0
        # Documents up to 50 MB, as the Bot API allows for bots.
        self.web_app = web.Application(client_max_size=50 * 1024 * 1024)
        self.web_app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        self.web_app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        add_control_routes(self)

    # -- lifecycle ----------------------------------------------------------------------------
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> Emulator:
        # A short shutdown_timeout: a stopped emulator must not wait for slow_response sleepers.
        self._runner = web.AppRunner(self.web_app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        sockets = site._server.sockets if site._server else []  # type: ignore[union-attr]
        self.host, self.port = host, sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        await self.updates.close()
        if self._runner:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Emulator:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def api_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.api_url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.api_url}/file/bot"

    # -- Bot API ------------------------------------------------------------------------------
    def _record(self, method: str, chat_id: int | None, params: Params) -> RequestRecord:
        # Logged on arrival (status None while in flight) so waits see long polls as they start.
        record = RequestRecord(time.monotonic(), method, chat_id, params.plain(), None)
        self.requests.append(record)
        self.notify()
        return record

    def _finish(self, record: RequestRecord, status: int) -> None:
        record.status = status
        self.notify()

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error(ApiError(401, "Unauthorized"))
        try:
            params = Params(await read_params(request))
        except ApiError as exc:
            return _error(exc)
        name = request.match_info["method"]
        chat_id = optional_chat_id(params.raw)
        entry = self._methods.get(name.lower())
        record = self._record(entry[0] if entry else name, chat_id, params)
        if entry is None:
            self.unknown_methods.append(name)
            self._finish(record, 404)
            return _error(ApiError(404, "Not Found"))
        method, handler = entry
        fault = self.faults.transport_fault(method)
        if fault == ("drop", False):
            self._finish(record, 0)
            return _drop(request)
        if fault and fault[0] == "error":
            self._finish(record, int(fault[1]))
            return _error(ApiError(int(fault[1]), HTTPStatus(int(fault[1])).phrase))
        try:
            result = await self._call(method, handler, chat_id, params)
        except ApiError as exc:
            self._finish(record, exc.status)
            return _error(exc)
        self._finish(record, 0 if fault else 200)
        if fault:  # ("drop", True): delivered, but the bot never hears so
            return _drop(request)
        delay = self.faults.slow_delay(method)
        if delay:
            await asyncio.sleep(delay)
        return web.json_response({"ok": True, "result": result})

    async def _call(self, method: str, handler: Any, chat_id: int | None, params: Params) -> Any:
        paid = params.bool("allow_paid_broadcast")
        self.faults.check_chat(method, chat_id)
        now = time.monotonic()
        self.faults.check_rate(method, chat_id, paid, now)
        result = await handler(self, params)
        self.faults.record_send(method, chat_id, paid, now)
        return result

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error(ApiError(401, "Unauthorized"))
        file_id = self.file_paths.get(request.match_info["path"])
        if file_id is None:
            return _error(ApiError(404, "Not Found"))
        doc = self.files[file_id]
        return web.Response(body=doc.data, content_type=doc.mime.split(";")[0])

    # -- scenario helpers ---------------------------------------------------------------------
    def user(
        self,
        user_id: int,
        first_name: str = _UNSET,
        language_code: str | None = _UNSET,
        username: str | None = _UNSET,
    ) -> UserDriver:
        """The driver for this user, one per id.

        The first call creates the user with first_name "Test", language_code "uk" and no username
        unless given; later calls change only the arguments given (None removes the field), so
        ``emu.user(1001)`` fetches a user without renaming them.
        """
        given = {"first_name": first_name, "language_code": language_code, "username": username}
        given = {key: value for key, value in given.items() if value is not _UNSET}
        if user_id not in self._users:
            given = {"first_name": "Test", "language_code": "uk", **given}
        user = self.ensure_user(user_id)
        for key, value in given.items():
            if value is None:
                user.pop(key, None)
            else:
                user[key] = value
        if user_id not in self._users:
            self._users[user_id] = UserDriver(self, user)
        return self._users[user_id]

    def group(self, chat_id: int, title: str = "Test group", forum: bool = False) -> GroupDriver:
        self.add_group(chat_id, title, forum)
        return self._groups.setdefault(chat_id, GroupDriver(self, chat_id))

    async def add_bot_to_group(
        self,
        chat_id: int,
        title: str,
        by: UserDriver,
        status: str = "member",
        forum: bool = False,
    ) -> GroupDriver:
        group = self.group(chat_id, title, forum)
        self.member_status[(chat_id, self.bot_id)] = status
        bot = dict(self.bot_user)
        self.updates.push(
            {
                "my_chat_member": {
                    "chat": self.chat_json(chat_id),
                    "from": dict(by.user),
                    "date": int(time.time()),
                    "old_chat_member": botinfo.member_json(bot, "left"),
                    "new_chat_member": botinfo.member_json(bot, status),
                }
            }
        )
        group._post_message(by.user, new_chat_members=[bot])
        return group

    def _migrate(self, old_chat_id: int, new_chat_id: int) -> None:
        """Turn a group into a supergroup and emit both service messages, as Telegram does."""
        old = self.chats.get(old_chat_id)
        title = old.title if old and old.title else "Migrated group"
        self.add_group(new_chat_id, title)
        self.chats[new_chat_id].type = "supergroup"
        admin = next(iter(self.users.values()), None) or self.ensure_user(777000)
        if old is not None:
            GroupDriver(self, old_chat_id)._post_message(admin, migrate_to_chat_id=new_chat_id)
        GroupDriver(self, new_chat_id)._post_message(admin, migrate_from_chat_id=old_chat_id)

    async def post_webhook(
        self, update: dict, secret: object = CONFIGURED, url: str | None = None
    ) -> int:
        return await self.updates.post_webhook(update, secret, url)

    async def wait_for_requests(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[RequestRecord]:
        """Wait until ``count`` requests of ``method`` (any case) arrived; return them all."""

        wanted, scanned = method.lower(), 0
        seen: list[RequestRecord] = []

        def enough() -> bool:
            # Scan only new records: bulk benchmarks wait for thousands of sends.
            nonlocal scanned
            seen.extend(r for r in self.requests[scanned:] if r.method.lower() == wanted)
            scanned = len(self.requests)
            return len(seen) >= count

        if not await self.wait_until(enough, timeout):
            raise AssertionError(
                f"expected {count} {method} request(s) within {timeout}s, got {len(seen)}"
            )
        return seen

    async def wait_idle(
        self,
        quiet: float = 0.2,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> None:
        """Wait until no non-polling request arrived for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            busy = [r for r in self.requests if r.method != "getUpdates"]
            if not busy or time.monotonic() - busy[-1].t >= quiet:
                return
            await asyncio.sleep(quiet / 4)
        recent = [
            (r.method, r.chat_id, r.status) for r in self.requests[-8:] if r.method != "getUpdates"
        ]
        raise AssertionError(f"the bot was still sending after {timeout}s; last calls: {recent}")


def _error(exc: ApiError) -> web.Response:
    return web.json_response(exc.payload(), status=exc.status)


def _drop(request: web.Request) -> web.StreamResponse:
    """Close the connection without answering: the client sees a disconnect, not a status."""
    if request.transport is not None:
        request.transport.close()
    return web.Response(status=204)  # never reaches the client: the transport is gone
