"""Telegram's flood limits, respected before sending rather than discovered through 429s."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable

Monotonic = Callable[[], float]
# Telegram: ~1 msg/s per chat and 20/min per group. Spacing (not bursting) is the only shape
# that stays under any window the server might measure with; the margins absorb jitter.
PRIVATE_INTERVAL = 1.05
GROUP_INTERVAL = 3.05
_PRUNE_EVERY = 20_000


class Pacer:
    """A global bucket without burst: slots are 1/rate seconds apart, first come first served."""

    def __init__(self, rate: float, clock: Monotonic = time.monotonic) -> None:
        self.interval = 1.0 / rate
        self._clock = clock
        self._next = 0.0

    def reserve(self) -> float:
        slot = max(self._clock(), self._next)
        self._next = slot + self.interval
        return slot

    def hold_until(self, moment: float) -> None:
        self._next = max(self._next, moment)

    def ahead(self) -> float:
        """Seconds until the next free slot: how long a send reserving now would wait."""
        return max(0.0, self._next - self._clock())


class Limiter:
    """Global pace, per-chat spacing and 429 back-off for one sending process."""

    def __init__(
        self,
        rate: float,
        *,
        private_interval: float = PRIVATE_INTERVAL,
        group_interval: float = GROUP_INTERVAL,
        clock: Monotonic = time.monotonic,
    ) -> None:
        self._rate = rate
        self.pacer = Pacer(rate, clock)
        self._clock = clock
        self._intervals = (private_interval, group_interval)
        self._chat_ready: dict[int, float] = {}
        self._paused_until = 0.0
        self._floods: deque[tuple[float, int]] = deque(maxlen=32)
        self._reservations = 0
        self._window_cap = max(1, int(rate))
        self._recent: deque[float] = deque()

    def share(self, senders: int) -> None:
        """Send at 1/senders of the configured rate: the token's limit is shared."""
        self.pacer.interval = senders / self._rate
        self._window_cap = max(1, int(self._rate / senders))

    def interval(self, chat_id: int) -> float:
        return self._intervals[1] if chat_id < 0 else self._intervals[0]

    def paused_for(self) -> float:
        return max(0.0, self._paused_until - self._clock())

    def chat_wait(self, chat_id: int) -> float:
        now = self._clock()
        return max(0.0, self._paused_until - now, self._chat_ready.get(chat_id, 0.0) - now)

    def expected_wait(self, chat_id: int) -> float:
        """How long acquire(chat_id) would wait if called now."""
        return max(self.chat_wait(chat_id), self.pacer.ahead())

    async def acquire(self, chat_id: int) -> None:
        """Wait until a message to `chat_id` may leave without breaking any limit."""
        while True:
            wait = self.chat_wait(chat_id)
            if wait > 0:
                await asyncio.sleep(wait)
                continue
            # Reserve the global slot and the chat slot together, with no await in between,
            # so two tasks sending to one chat can never both take the same second.
            at = max(self.pacer.reserve(), self._chat_ready.get(chat_id, 0.0))
            self._chat_ready[chat_id] = at + self.interval(chat_id)
            self._prune()
            delay = at - self._clock()
            if delay > 0:
                await asyncio.sleep(delay)
            if self._paused_until <= self._clock():
                await self._window()
                return

    async def _window(self) -> None:
        """At most `rate` sends in any second, counted when they leave.

        Slots are reserved ahead; if the event loop stalls, every overdue slot would fire at
        once. This second check turns such a burst back into the allowed pace.
        """
        while True:
            now = self._clock()
            while self._recent and self._recent[0] <= now - 1.0:
                self._recent.popleft()
            if len(self._recent) < self._window_cap:
                self._recent.append(now)
                return
            await asyncio.sleep(self._recent[0] + 1.0 - now)

    def done(self, chat_id: int) -> None:
        """Space the chat's next message from when this one was answered, not when it left.

        Telegram measures arrivals; a request delayed on the way (a busy loop, a slow commit)
        would otherwise land closer than 1 s to the next one and earn a 429.
        """
        ready = self._clock() + self.interval(chat_id)
        self._chat_ready[chat_id] = max(self._chat_ready.get(chat_id, 0.0), ready)

    def on_flood(self, chat_id: int, retry_after: float) -> bool:
        """Record a 429; return True when it is treated as global (another chat hit one too)."""
        now = self._clock()
        until = now + retry_after
        self._chat_ready[chat_id] = max(self._chat_ready.get(chat_id, 0.0), until)
        recent = [chat for moment, chat in self._floods if now - moment <= max(retry_after, 1.0)]
        self._floods.append((now, chat_id))
        if any(chat != chat_id for chat in recent):
            self._paused_until = max(self._paused_until, until)
            self.pacer.hold_until(until)
            return True
        return False

    def _prune(self) -> None:
        # 100,000 chats would otherwise leave 100,000 stale timestamps behind.
        self._reservations += 1
        if self._reservations % _PRUNE_EVERY == 0:
            now = self._clock()
            self._chat_ready = {c: t for c, t in self._chat_ready.items() if t > now}
