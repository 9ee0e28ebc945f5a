"""Engine tuning, and the engine's own Bot so broadcast back-off never touches replies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from telegram import Bot

from bot.delivery.http import AiohttpRequest
from bot.delivery.limits import GROUP_INTERVAL, PRIVATE_INTERVAL


@dataclass(frozen=True, slots=True)
class EngineConfig:
    rate: float = 25.0  # BROADCAST_RATE, messages per second for this process
    concurrency: int = 12  # send tasks; also bounds duplicates after a crash
    claim_batch: int = 100
    queue_seconds: float = 2.0  # claimed rows held in memory, in seconds of sending
    lease: timedelta = timedelta(minutes=2)  # a dead worker's rows come back after this
    max_attempts: int = 5
    backoff_base: float = 5.0  # seconds before the first retry; doubles, with jitter
    backoff_cap: float = 600.0
    idle_poll: float = 1.0  # seconds between claims when nothing is due (wake() cuts it short)
    defer_over: float = 5.0  # a chat busy longer than this sends its row back to the table
    # Sender liveness (SQLite lock, PostgreSQL heartbeat rows); a heartbeat every third. A killed
    # sender's rows come back within this (plus one beat): restarts resume in seconds.
    lock_ttl: timedelta = timedelta(seconds=10)
    private_interval: float = PRIVATE_INTERVAL
    group_interval: float = GROUP_INTERVAL
    read_timeout: float = 10.0

    @property
    def queue_size(self) -> int:
        return max(2 * self.concurrency, min(int(self.rate * self.queue_seconds), 2000))


def make_bot(token: str, api_url: str, config: EngineConfig) -> Bot:
    """A Bot with its own connection pool (aiohttp, see http.py) and no AIORateLimiter.

    PTB's AIORateLimiter pauses every request of its Bot on any 429; sharing that Bot would let
    a broadcast's back-off freeze replies to members. The engine paces itself (limits.py).
    """
    request = AiohttpRequest(pool_size=config.concurrency + 4, read_timeout=config.read_timeout)
    return Bot(token, base_url=f"{api_url.rstrip('/')}/bot", request=request)
