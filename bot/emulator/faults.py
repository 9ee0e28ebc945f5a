"""Switchable Telegram misbehaviour: flood limits, 429/403/400, migrations, broken transports.

``emu.faults`` (one ``Faults`` per emulator; all off by default):

* ``limits(global_per_sec=None, per_chat_per_sec=None, per_group_per_min=None)`` — sliding windows
  over *accepted* sends/edits (``SEND_METHODS``); exceeding one answers ``429 Too Many Requests:
  retry after N`` with ``parameters.retry_after = N`` = whole seconds until the window has room.
  ``allow_paid_broadcast=true`` raises the global limit to 1000/s, as Telegram does.
* ``force_429(count, retry_after, chat_id=None)`` — the next ``count`` matching sends answer 429.
* ``block(chat_id, reason="blocked")`` — 403 for that chat; reasons ``blocked``, ``deactivated``,
  ``cant_initiate``, ``kicked``. ``unblock(chat_id)`` lifts a block and ``chat_not_found``.
* ``chat_not_found(chat_id)`` — 400 "Bad Request: chat not found" for every method naming the chat.
* ``migrate(old_chat_id, new_chat_id)`` — 400 "group chat was upgraded to a supergroup chat" with
  ``parameters.migrate_to_chat_id``, and the two service-message updates Telegram emits.
* ``server_error(count, status=502)``, ``drop_connection(count, delivered=False)`` (the transport
  is closed without an answer; with ``delivered=True`` the message is recorded first),
  ``slow_response(count=None, delay_s=1.0, *, probability=None)`` (recorded as delivered, answered
  ``delay_s`` late: "accepted but timed out"), ``seed(n)`` for the probability draws, ``reset()``.
* ``count_429`` — how many 429 answers were given (forced or by limits); ``log_429`` says which:
  ``(monotonic time, "global" | "per_chat" | "per_group" | "forced", chat_id, retry_after)``.

Transport faults and 429s apply to ``SEND_METHODS`` only, so a bot's polling and callback answers
keep working while its sends fail; block/not-found/migration apply to every method with that
``chat_id``.
"""

from __future__ import annotations

import math
import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from .state import ApiError, bad_request

SEND_METHODS = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "copyMessage",
        "forwardMessage",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
    }
)
_FORBIDDEN = {
    "blocked": "Forbidden: bot was blocked by the user",
    "deactivated": "Forbidden: user is deactivated",
    "cant_initiate": "Forbidden: bot can't initiate conversation with a user",
    "kicked": "Forbidden: bot was kicked from the group chat",
}
PAID_PER_SEC = 1000.0


@dataclass
class _Forced:
    count: int
    retry_after: int
    chat_id: int | None


class _Window:
    """A sliding window: at most ``capacity`` events per ``span`` seconds."""

    def __init__(self, capacity: int, span: float) -> None:
        self.capacity, self.span = capacity, span
        self.times: dict[int | None, deque[float]] = {}

    def retry_after(self, key: int | None, now: float) -> int | None:
        times = self.times.get(key)
        if not times:
            return None
        while times and times[0] <= now - self.span:
            times.popleft()
        if len(times) < self.capacity:
            return None
        return max(1, math.ceil(times[0] + self.span - now))

    def add(self, key: int | None, now: float) -> None:
        self.times.setdefault(key, deque()).append(now)


def _window_per_sec(rate: float) -> _Window:
    # 0.5/s means one message per 2 s; 30/s means 30 per second.
    return _Window(1, 1 / rate) if rate < 1 else _Window(int(rate), 1.0)


class Faults:
    def __init__(self, on_migrate: Callable[[int, int], None]) -> None:
        self._on_migrate = on_migrate
        self.rng = random.Random(0)
        self.count_429 = 0
        self.log_429: list[tuple[float, str, int | None, int]] = []
        self.reset()

    def reset(self) -> None:
        """Switch every fault off (the 429 counter keeps counting)."""
        self._global: _Window | None = None
        self._global_rate: float | None = None
        self._per_chat: _Window | None = None
        self._per_group: _Window | None = None
        self._paid = _window_per_sec(PAID_PER_SEC)
        self._forced: list[_Forced] = []
        self.blocked: dict[int, str] = {}
        self.not_found: set[int] = set()
        self.migrated: dict[int, int] = {}
        self._errors: list[int] = []
        self._drops: list[bool] = []
        self._slow_count = 0
        self._slow_probability = 0.0
        self._slow_delay = 0.0

    # -- switches ---------------------------------------------------------------------------
    def limits(
        self,
        global_per_sec: float | None = None,
        per_chat_per_sec: float | None = None,
        per_group_per_min: int | None = None,
    ) -> None:
        self._global_rate = global_per_sec
        self._global = _window_per_sec(global_per_sec) if global_per_sec else None
        self._per_chat = _window_per_sec(per_chat_per_sec) if per_chat_per_sec else None
        self._per_group = _Window(per_group_per_min, 60.0) if per_group_per_min else None

    def force_429(self, count: int, retry_after: int, chat_id: int | None = None) -> None:
        self._forced.append(_Forced(count, retry_after, chat_id))

    def block(self, chat_id: int, reason: str = "blocked") -> None:
        if reason not in _FORBIDDEN:
            raise ValueError(f"reason must be one of {sorted(_FORBIDDEN)}")
        self.blocked[chat_id] = reason

    def unblock(self, chat_id: int) -> None:
        self.blocked.pop(chat_id, None)
        self.not_found.discard(chat_id)

    def chat_not_found(self, chat_id: int) -> None:
        self.not_found.add(chat_id)

    def migrate(self, old_chat_id: int, new_chat_id: int) -> None:
        self.migrated[old_chat_id] = new_chat_id
        self._on_migrate(old_chat_id, new_chat_id)

    def server_error(self, count: int, status: int = 502) -> None:
        self._errors.extend([status] * count)

    def drop_connection(self, count: int, delivered: bool = False) -> None:
        self._drops.extend([delivered] * count)

    def slow_response(
        self, count: int | None = None, delay_s: float = 1.0, *, probability: float | None = None
    ) -> None:
        self._slow_count = count or 0
        self._slow_probability = probability or 0.0
        self._slow_delay = delay_s

    def seed(self, n: int) -> None:
        self.rng.seed(n)

    # -- checks used by the server ----------------------------------------------------------
    def transport_fault(self, method: str) -> tuple[str, int | bool] | None:
        """("error", status) or ("drop", delivered) for the next send, consuming one."""
        if method not in SEND_METHODS:
            return None
        if self._drops:
            return "drop", self._drops.pop(0)
        if self._errors:
            return "error", self._errors.pop(0)
        return None

    def check_chat(self, method: str, chat_id: int | None) -> None:
        if chat_id is None:
            return
        if chat_id in self.not_found:
            raise bad_request("chat not found")
        if chat_id in self.migrated:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self.migrated[chat_id]},
            )
        if chat_id in self.blocked and (method in SEND_METHODS or method == "sendChatAction"):
            raise ApiError(403, _FORBIDDEN[self.blocked[chat_id]])

    def check_rate(self, method: str, chat_id: int | None, paid: bool, now: float) -> None:
        if method not in SEND_METHODS:
            return
        for forced in self._forced:
            if forced.count > 0 and forced.chat_id in (None, chat_id):
                forced.count -= 1
                self._forced = [f for f in self._forced if f.count > 0]
                raise self._too_many(forced.retry_after, "forced", chat_id)
        waits: list[tuple[int | None, str]] = []
        paid_ok = paid and (self._global_rate or 0) < PAID_PER_SEC
        global_window = self._paid if paid_ok else self._global
        if global_window:
            waits.append((global_window.retry_after(None, now), "global"))
        if self._per_chat and chat_id is not None:
            waits.append((self._per_chat.retry_after(chat_id, now), "per_chat"))
        if self._per_group and chat_id is not None and chat_id < 0:
            waits.append((self._per_group.retry_after(chat_id, now), "per_group"))
        exceeded = [(wait, name) for wait, name in waits if wait is not None]
        if exceeded:
            wait, name = max(exceeded)
            raise self._too_many(wait, name, chat_id)

    def record_send(self, method: str, chat_id: int | None, paid: bool, now: float) -> None:
        """Count an accepted send in the windows (refused ones do not use up quota)."""
        if method not in SEND_METHODS:
            return
        for window in (self._global, self._paid if paid else None):
            if window:
                window.add(None, now)
        if self._per_chat and chat_id is not None:
            self._per_chat.add(chat_id, now)
        if self._per_group and chat_id is not None and chat_id < 0:
            self._per_group.add(chat_id, now)

    def slow_delay(self, method: str) -> float:
        """Seconds to hold back the answer to this (already processed) send."""
        if method not in SEND_METHODS or not self._slow_delay:
            return 0.0
        if self._slow_count > 0:
            self._slow_count -= 1
            return self._slow_delay
        if self._slow_probability and self.rng.random() < self._slow_probability:
            return self._slow_delay
        return 0.0

    def _too_many(self, retry_after: int, limit: str, chat_id: int | None) -> ApiError:
        self.count_429 += 1
        self.log_429.append((time.monotonic(), limit, chat_id, retry_after))
        return ApiError(
            429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
        )
