"""Send one rendered message (all its parts) within the limits; report how far it got."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode

from bot.delivery.classify import Failure, Verdict, classify
from bot.delivery.limits import Limiter
from bot.delivery.message import OutgoingMessage
from bot.delivery.split import CAPTION_LIMIT, split_html, visible_length
from bot.delivery.stats import Counters

Call = tuple[str, dict[str, Any]]  # Bot method name and its arguments minus chat_id
StillWanted = Callable[[], Awaitable[bool]]
# A row whose last "still wanted?" answer is older than this when its HTTP call starts is
# asked again; sent within it, it counts as already in flight when a cancel lands.
RECHECK_WAIT = 0.05


class Withdrawn(Exception):
    """The row was cancelled (or taken back) while it waited; nothing of it was sent now."""


@dataclass(slots=True)
class SendResult:
    parts_sent: int
    failure: Failure | None = None
    migrated_to: int | None = None


def plan_calls(message: OutgoingMessage) -> list[Call]:
    """The Telegram calls one message takes, in order; the keyboard rides on the last one."""
    common: dict[str, Any] = {
        "disable_notification": message.disable_notification,
        "parse_mode": ParseMode.HTML,
    }
    if message.message_thread_id is not None:
        common["message_thread_id"] = message.message_thread_id
    calls: list[Call] = []
    text = message.text
    if message.document is not None:
        caption = text if visible_length(text) <= CAPTION_LIMIT else None
        doc = {"document": message.document, "filename": message.document_name}
        calls.append(("send_document", {**common, **doc, "caption": caption}))
        text = "" if caption is not None else text
    if text.strip():
        preview = LinkPreviewOptions(is_disabled=message.link_preview_disabled)
        for part in split_html(text):
            calls.append(
                ("send_message", {**common, "text": part, "link_preview_options": preview})
            )
    if message.reply_markup is not None and calls:
        calls[-1][1]["reply_markup"] = _markup(message.reply_markup)
    return calls


def _markup(markup: InlineKeyboardMarkup | dict[str, Any]) -> InlineKeyboardMarkup:
    if isinstance(markup, InlineKeyboardMarkup):
        return markup
    parsed = InlineKeyboardMarkup.de_json(markup, None)
    if parsed is None:
        raise ValueError("reply_markup is not an inline keyboard")
    return parsed


class Sender:
    def __init__(
        self, bot: Bot, limiter: Limiter, counters: Counters, max_floods: int = 5
    ) -> None:
        self.bot = bot
        self.limiter = limiter
        self.counters = counters
        self.max_floods = max_floods
        # Groups seen migrating: rows claimed before the migration was recorded (or waiting on
        # the old id's spacing) go straight to the new id instead of earning another 400 each.
        self.moved: dict[int, int] = {}

    async def send(
        self,
        chat_id: int,
        calls: list[Call],
        skip: int = 0,
        still_wanted: StillWanted | None = None,
    ) -> SendResult:
        """Send `calls[skip:]` in order; stop at the first failure the caller must decide on.

        `still_wanted` is asked right before the first HTTP call (after the pacing wait); when
        it says no, Withdrawn is raised. Later parts of a message already begun follow it.
        """
        result = SendResult(parts_sent=skip)
        target = chat_id
        for call in calls[skip:]:
            failure = await self._send_one(target, call, still_wanted)
            if failure and failure.verdict is Verdict.MIGRATED and result.migrated_to is None:
                # The group became a supergroup: the same part goes to the new id exactly once.
                target = result.migrated_to = failure.new_chat_id or target
                self.moved[chat_id] = target
                failure = await self._send_one(target, call)
            still_wanted = None
            if failure:
                result.failure = failure
                return result
            result.parts_sent += 1
        return result

    async def _send_one(
        self, chat_id: int, call: Call, still_wanted: StillWanted | None = None
    ) -> Failure | None:
        """One Telegram call; a 429 is waited out and the same call sent again (bounded)."""
        failure: Failure | None = None
        for _ in range(self.max_floods):
            failure = await self._call(chat_id, call, still_wanted)
            if failure is None:
                self.counters.messages_sent += 1
                return None
            if failure.verdict is not Verdict.FLOOD:
                return failure
            self.counters.floods += 1
            if self.limiter.on_flood(chat_id, failure.retry_after):
                self.counters.global_pauses += 1
        return failure

    async def _call(
        self, chat_id: int, call: Call, still_wanted: StillWanted | None = None
    ) -> Failure | None:
        method, kwargs = call
        await self._acquire(chat_id, still_wanted)
        try:
            await getattr(self.bot, method)(chat_id=self.moved.get(chat_id, chat_id), **kwargs)
        except Exception as exc:
            return classify(exc)
        finally:
            self.limiter.done(chat_id)
        return None

    async def _acquire(self, chat_id: int, still_wanted: StillWanted | None) -> None:
        """Wait for the slot; ask `still_wanted` at most RECHECK_WAIT before the HTTP call.

        A short wait: ask before it, when senders just released by the recorder's group
        commit ask together and share one query (cheap at high rates). A long wait (at 25/s
        each send waits ~concurrency/rate): ask after it too, so a cancel pressed meanwhile
        stops the row; the slot it held is lost, which only a cancel costs.
        """
        if still_wanted is None:
            await self.limiter.acquire(chat_id)
            return
        early = self.limiter.expected_wait(chat_id) < RECHECK_WAIT
        if early and not await still_wanted():
            raise Withdrawn
        started = time.monotonic()
        await self.limiter.acquire(chat_id)
        late = not early or time.monotonic() - started >= RECHECK_WAIT
        if late and not await still_wanted():
            raise Withdrawn
