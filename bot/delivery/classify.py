"""Sort what Telegram answered into the few things the engine does about it."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    RetryAfter,
)
from telegram.warnings import PTBDeprecationWarning


class Verdict(StrEnum):
    FLOOD = "flood"  # 429: wait retry_after, then send the same message again
    MIGRATED = "migrated"  # group became a supergroup: resend once to the new id
    UNREACHABLE = "unreachable"  # 403: blocked, deactivated, can't initiate, kicked
    GONE = "gone"  # 400 chat not found: failed, never retried
    REJECTED = "rejected"  # other 400s: the message itself is wrong; retrying cannot help
    TRANSIENT = "transient"  # network, timeouts, 5xx: retry with back-off


@dataclass(frozen=True, slots=True)
class Failure:
    verdict: Verdict
    reason: str
    retry_after: float = 0.0
    new_chat_id: int | None = None


def quiet_retry_after_warning() -> None:
    """Silence PTB 22's deprecation warning about RetryAfter.retry_after becoming a timedelta.

    PTB emits it when the exception is *built*, inside its request code, for every 429 - so a
    broadcast would log it thousands of times, and under `-W error` a 429 would turn into a
    warning exception. Targeted by message, so every other deprecation still shows.
    """
    warnings.filterwarnings(
        "ignore", message=r".*attribute `retry_after` will be", category=PTBDeprecationWarning
    )


def retry_after_seconds(exc: RetryAfter) -> float:
    # PTB 22 warns on reading retry_after as int unless PTB_TIMEDELTA is set; read either shape.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def classify(exc: BaseException) -> Failure:
    reason = f"{type(exc).__name__}: {exc}"[:500]
    if isinstance(exc, RetryAfter):
        return Failure(Verdict.FLOOD, reason, retry_after=retry_after_seconds(exc))
    if isinstance(exc, ChatMigrated):
        return Failure(Verdict.MIGRATED, reason, new_chat_id=int(exc.new_chat_id))
    if isinstance(exc, Forbidden):
        return Failure(Verdict.UNREACHABLE, reason)
    # BadRequest subclasses NetworkError in PTB, so it must be tested first.
    if isinstance(exc, BadRequest):
        gone = "chat not found" in str(exc).lower()
        return Failure(Verdict.GONE if gone else Verdict.REJECTED, reason)
    if isinstance(exc, InvalidToken):
        # A configuration problem: retrying with back-off keeps the rows until it is fixed.
        return Failure(Verdict.TRANSIENT, reason)
    # NetworkError, TimedOut, 5xx and anything unexpected: a timed-out send may still have
    # arrived, so a retry can duplicate; at-least-once is the documented best (no idempotency key).
    return Failure(Verdict.TRANSIENT, reason)
