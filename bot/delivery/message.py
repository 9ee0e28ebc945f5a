"""What a renderer hands the engine: one logical message, possibly split into parts on send."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from telegram import InlineKeyboardMarkup


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    text: str  # HTML; split into several messages when longer than Telegram allows
    reply_markup: InlineKeyboardMarkup | dict[str, Any] | None = None
    disable_notification: bool = False
    link_preview_disabled: bool = False
    # A file_id, URL or bytes; sent first, with the text as caption when it fits.
    document: str | bytes | None = None
    document_name: str | None = None
    message_thread_id: int | None = None


class DropDelivery(Exception):
    """Raised by a renderer when the message is no longer meaningful; the reason is recorded."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class DeferDelivery(Exception):
    """Raised by a renderer or gate: not now, at `until` (quiet hours); no attempt is counted."""

    def __init__(self, until: datetime, reason: str) -> None:
        super().__init__(reason)
        self.until = until
        self.reason = reason
