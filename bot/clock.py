"""The one injectable clock: tests move time instead of sleeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    """Real time plus an offset; `advance` and `set` only ever move the offset."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, delta: timedelta) -> None:
        self.offset += delta

    def set(self, moment: datetime) -> None:
        self.offset = moment - datetime.now(UTC)

    def reset(self) -> None:
        self.offset = timedelta(0)


clock = Clock()


def now() -> datetime:
    return clock.now()


def wall_now() -> datetime:
    """Real time, never moved: process liveness (leases, the sender lock, heartbeats).

    Moving the business clock (tests, the sandbox's fast-forward) must not make a live
    sender look dead to another one, which would take its rows back and send them twice.
    """
    return datetime.now(UTC)
