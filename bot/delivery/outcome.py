"""What happened to one claimed row, decided by the sender and written by the recorder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # back to pending at `retry_at`; the attempt counts
    DEFER = "defer"  # back to pending at `retry_at`; the attempt is returned (never sent)
    FAILED = "failed"
    UNREACHABLE = "unreachable"
    DROPPED = "dropped"
    # Cancelled (or taken back) while it waited in memory: nothing sent, nothing to write —
    # whoever changed the row already recorded why. Not a failure.
    WITHDRAWN = "withdrawn"


@dataclass(slots=True)
class Outcome:
    delivery_id: int
    chat_id: int
    status: Status
    reason: str | None = None
    retry_at: datetime | None = None
    at: datetime | None = None
    migrated_to: int | None = None
    # Parts of a split message already delivered, so a retry resumes instead of repeating.
    parts_sent: int = 0
    payload: dict[str, Any] | None = None  # the row's payload with progress, when it changed
