"""One claimed row from start to verdict: render, send every part, decide what to record."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import now
from bot.delivery.classify import Verdict
from bot.delivery.config import EngineConfig
from bot.delivery.message import DeferDelivery, DropDelivery, OutgoingMessage
from bot.delivery.outcome import Outcome, Status
from bot.delivery.recheck import ClaimCheck
from bot.delivery.render import Renderer, apply_gates
from bot.delivery.sender import Call, Sender, SendResult, Withdrawn, plan_calls
from bot.models import Delivery, Member

log = logging.getLogger(__name__)
PROGRESS_KEY = "_parts_sent"
Prepared = tuple[Delivery, list[Call] | Outcome]
UNREACHABLE_MEMORY = 600.0  # seconds


class RowProcessor:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        sender: Sender,
        renderers: Mapping[str, Renderer],
        config: EngineConfig,
        check: ClaimCheck | None = None,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._sender = sender
        self._renderers = renderers
        self._config = config
        self._check = check
        self._unreachable: dict[int, float] = {}

    async def prepare(self, rows: list[Delivery]) -> list[Prepared]:
        """Render a claimed batch in one read-only session, closed before any HTTP call.

        The batch's members are loaded up front: renderers nearly always want the member,
        and one query per batch beats a session and a query per message.
        """
        async with self._sessionmaker() as session:
            ids = {row.member_id for row in rows if row.member_id is not None}
            members = (await session.scalars(select(Member).where(Member.id.in_(ids)))).all()
            prepared = [(row, await self._calls(session, row)) for row in rows]
            del members  # held until here: the identity map keeps only weak references
        return prepared

    async def process(self, row: Delivery, calls: list[Call] | Outcome) -> Outcome:
        if row.attempts > self._config.max_attempts:
            # Only a row whose lease kept expiring gets here: its sender died each time.
            return _outcome(row, Status.FAILED, f"gave up after {row.attempts - 1} attempts")
        if isinstance(calls, Outcome):
            return calls
        wait = self._sender.limiter.chat_wait(row.chat_id)
        if wait > self._config.defer_over:
            # Do not sit on a claimed row (and its lease) while a chat or the bot is cooling down.
            retry_at = now() + timedelta(seconds=wait)
            return _outcome(row, Status.DEFER, "waiting for flood limit", retry_at=retry_at)
        if self._recently_unreachable(row.chat_id):
            return _outcome(row, Status.UNREACHABLE, "chat unreachable (an earlier 403)")
        skip = int((row.payload or {}).get(PROGRESS_KEY, 0))
        check = self._check
        wanted = (lambda: check.still_ours(row.id)) if check is not None else None
        try:
            result = await self._sender.send(row.chat_id, calls, skip, wanted)
        except Withdrawn:
            return _outcome(row, Status.WITHDRAWN, "withdrawn before sending (cancelled)")
        if result.failure and result.failure.verdict is Verdict.UNREACHABLE:
            self._unreachable[row.chat_id] = time.monotonic()
        return self._judge(row, result, skip)

    def _recently_unreachable(self, chat_id: int) -> bool:
        # Rows of the chat claimed in the same batch as the 403 are already in memory; the
        # database update cannot reach them. Forget after a while: the member may come back.
        blocked_at = self._unreachable.get(chat_id)
        if blocked_at is None:
            return False
        if time.monotonic() - blocked_at < UNREACHABLE_MEMORY:
            return True
        del self._unreachable[chat_id]
        return False

    async def _calls(self, session: AsyncSession, row: Delivery) -> list[Call] | Outcome:
        renderer = self._renderers.get(row.kind)
        if renderer is None:
            return _outcome(row, Status.FAILED, f"no renderer for kind {row.kind!r}")
        try:
            message: OutgoingMessage | None = await renderer(session, row)
            if message is not None:
                message = await apply_gates(session, row, message)
            if message is None:
                return _outcome(row, Status.DROPPED, "no longer meaningful")
            calls = plan_calls(message)
        except DropDelivery as exc:
            return _outcome(row, Status.DROPPED, exc.reason)
        except DeferDelivery as exc:
            return _outcome(row, Status.DEFER, exc.reason, retry_at=exc.until)
        except Exception as exc:
            log.exception("rendering delivery %s (%s) failed", row.id, row.kind)
            await session.rollback()  # one broken renderer must not poison the batch
            return _outcome(row, Status.FAILED, f"render error: {exc!r}"[:500])
        if not calls:
            return _outcome(row, Status.DROPPED, "rendered empty")
        return calls

    def _judge(self, row: Delivery, result: SendResult, skip: int) -> Outcome:
        failure = result.failure
        if failure is None:
            moved = result.migrated_to
            return _outcome(row, Status.SENT, f"migrated to {moved}" if moved else None, result)
        outcome = _outcome(row, Status.FAILED, failure.reason, result)
        if result.parts_sent > skip:
            outcome.payload = {**(row.payload or {}), PROGRESS_KEY: result.parts_sent}
        if failure.verdict is Verdict.FLOOD:
            outcome.status = Status.DEFER
            outcome.retry_at = now() + timedelta(seconds=failure.retry_after)
        elif failure.verdict is Verdict.UNREACHABLE:
            outcome.status = Status.UNREACHABLE
        elif failure.verdict is Verdict.TRANSIENT and row.attempts < self._config.max_attempts:
            outcome.status = Status.RETRY
            outcome.retry_at = now() + timedelta(seconds=self._backoff(row.attempts))
        elif failure.verdict is Verdict.TRANSIENT:
            outcome.reason = f"{failure.reason} (after {row.attempts} attempts)"
        return outcome

    def _backoff(self, attempts: int) -> float:
        delay = min(self._config.backoff_cap, self._config.backoff_base * 2 ** (attempts - 1))
        return delay * random.uniform(0.5, 1.0)  # jitter: retries of one outage spread out


def _outcome(
    row: Delivery,
    status: Status,
    reason: str | None,
    result: SendResult | None = None,
    retry_at: datetime | None = None,
) -> Outcome:
    outcome = Outcome(row.id, row.chat_id, status, reason, retry_at=retry_at, at=now())
    if result is not None:
        outcome.parts_sent = result.parts_sent
        outcome.migrated_to = result.migrated_to
    return outcome
