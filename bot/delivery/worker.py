"""DeliveryEngine: a claimer feeding N send tasks; the outbox table is the only truth."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot

from bot.clock import now
from bot.db import transaction
from bot.delivery import share
from bot.delivery.claim import (
    claim_due,
    reclaim_expired,
    reclaim_orphans,
    release,
    renew_leases,
)
from bot.delivery.classify import quiet_retry_after_warning
from bot.delivery.config import EngineConfig, make_bot
from bot.delivery.limits import Limiter
from bot.delivery.lock import acquire_sender_lock, lock_holder, release_sender_lock
from bot.delivery.process import Prepared, RowProcessor
from bot.delivery.recheck import ClaimCheck
from bot.delivery.record import Recorder
from bot.delivery.render import RENDERERS, Renderer
from bot.delivery.sender import Sender
from bot.delivery.stats import Counters, backlog
from bot.models import Delivery

log = logging.getLogger(__name__)


class DeliveryEngine:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        token: str,
        api_url: str = "https://api.telegram.org",
        config: EngineConfig | None = None,
        renderers: Mapping[str, Renderer] | None = None,
        instance_id: str | None = None,
        bot: Bot | None = None,
    ) -> None:
        self.config = config or EngineConfig()
        quiet_retry_after_warning()
        self.instance = instance_id or _instance_name()
        self.counters = Counters()
        self.limiter = Limiter(
            self.config.rate,
            private_interval=self.config.private_interval,
            group_interval=self.config.group_interval,
        )
        self.bot = bot or make_bot(token, api_url, self.config)
        sender = Sender(self.bot, self.limiter, self.counters)
        # The live registry by default, so renderers registered after construction still count.
        check = ClaimCheck(sessionmaker, self.instance)
        self._processor = RowProcessor(
            sessionmaker, sender, renderers or RENDERERS, self.config, check
        )
        self._recorder = Recorder(sessionmaker, self.instance, self.counters.written)
        self._sessionmaker = sessionmaker
        self._sqlite = sessionmaker.kw["bind"].dialect.name == "sqlite"
        self._queue: asyncio.Queue[Prepared | None] = asyncio.Queue(self.config.queue_size)
        self._tasks: list[asyncio.Task[None]] = []
        self._claimer: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._stop_event = asyncio.Event()
        self._stopping = False
        self._inflight = 0
        self._abandoned: list[int] = []
        self._held: set[int] = set()  # ids queued or in flight here, never queued twice
        self._heartbeat: asyncio.Task[None] | None = None
        self._refusal_logged = False
        self.is_sender = False
        # Until when (monotonic) this sender surely still counts as alive for the others; past
        # it they may have taken its rows back, so it sends none (see _alive).
        self._alive_until = 0.0
        self._lapsed: list[int] = []  # rows not sent because liveness lapsed; handed back later

    @classmethod
    def from_settings(
        cls, settings: Any, sessionmaker: async_sessionmaker[AsyncSession], **kwargs: Any
    ) -> DeliveryEngine:
        config = kwargs.pop("config", None) or EngineConfig(rate=settings.BROADCAST_RATE)
        return cls(
            sessionmaker,
            token=settings.token,
            api_url=settings.TELEGRAM_API_URL,
            config=config,
            **kwargs,
        )

    def wake(self) -> None:
        """Claim now instead of at the next poll (call after committing new rows)."""
        self._wake.set()

    # -- lifecycle ------------------------------------------------------------------------------
    async def start(self) -> None:
        await self.bot.initialize()
        self._stopping = False
        self._stop_event.clear()
        await self._housekeeping()
        self._heartbeat = asyncio.create_task(self._heartbeat_loop(), name="delivery-heartbeat")
        self._claimer = asyncio.create_task(self._claim_loop(), name="delivery-claimer")
        self._tasks = [
            asyncio.create_task(self._send_loop(), name=f"delivery-sender-{n}")
            for n in range(self.config.concurrency)
        ]

    async def stop(self, graceful: bool = True, grace: float = 15.0) -> None:
        """Stop claiming; finish in-flight sends (graceful) and hand unsent rows back."""
        self._stopping = True
        self._stop_event.set()
        self._wake.set()
        # Loops finish their current transaction and exit; cancelling one mid-transaction
        # could leave SQLite's write lock held by an orphaned connection.
        loops = [task for task in (self._claimer, self._heartbeat) if task]
        if loops:
            _done, stuck = await asyncio.wait(loops, timeout=grace)
            for task in stuck:
                task.cancel()
            await asyncio.gather(*loops, return_exceptions=True)
        unsent = self._take_queued()
        late = set(self._tasks)
        if graceful and self._tasks:
            for _ in self._tasks:
                self._queue.put_nowait(None)
            _done, late = await asyncio.wait(self._tasks, timeout=grace)
        for task in late:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks, self._claimer, self._heartbeat = [], None, None
        await self._hand_back(unsent + self._abandoned + self._lapsed)
        await self.bot.shutdown()

    def _take_queued(self) -> list[int]:
        ids = []
        while not self._queue.empty():
            item = self._queue.get_nowait()
            self._queue.task_done()
            if item is not None:
                ids.append(item[0].id)
                self._held.discard(item[0].id)
        return ids

    async def _hand_back(self, ids: list[int]) -> None:
        async with transaction(self._sessionmaker) as session:
            await release(session, ids, self.instance)
            if self._sqlite and self.is_sender:
                await release_sender_lock(session, self.instance)
            elif not self._sqlite:
                await share.leave(session, self.instance)
        self._abandoned, self._lapsed, self.is_sender = [], [], False

    # -- claiming -------------------------------------------------------------------------------
    async def _claim_loop(self) -> None:
        while not self._stopping:
            try:
                busy = await self._claim_step()
            except Exception:
                log.exception("claiming deliveries failed; retrying")
                busy = False
            if not busy:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.config.idle_poll)
                self._wake.clear()

    async def _rest(self, seconds: float) -> None:
        """Sleep, but wake at once when the engine stops."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop_event.wait(), seconds)

    async def _claim_step(self) -> bool:
        if not self.is_sender:
            return False
        paused = self.limiter.paused_for()
        if paused > 0:  # a global 429: claiming more would only age leases
            await self._rest(paused)
            return True
        free = self._queue.maxsize - self._queue.qsize()
        if free < min(self.config.claim_batch, self._queue.maxsize) // 2:
            await self._rest(min(0.05, 1 / self.config.rate))
            return True
        rows = await self._claim(min(free, self.config.claim_batch))
        fresh = [row for row in rows if row.id not in self._held]
        self._held.update(row.id for row in fresh)
        for item in await self._processor.prepare(fresh):
            self._queue.put_nowait(item)
        return bool(rows)

    async def _claim(self, limit: int) -> list[Delivery]:
        async with transaction(self._sessionmaker) as session:
            rows = await claim_due(
                session, instance=self.instance, limit=limit, lease=self.config.lease
            )
        self.counters.claimed += len(rows)
        return rows

    async def _heartbeat_loop(self) -> None:
        beat = min(self.config.lock_ttl, self.config.lease).total_seconds() / 3
        while not self._stopping:
            await self._rest(beat)
            if self._stopping:
                return
            try:
                await self._housekeeping()
            except Exception:
                log.exception("delivery heartbeat failed; retrying")

    async def _housekeeping(self) -> None:
        """Hold the SQLite sender lock, keep our leases alive, return dead workers' rows."""
        await self._check_lock()
        if not self.is_sender:
            return
        async with transaction(self._sessionmaker) as session:
            await renew_leases(session, self.instance, self.config.lease, list(self._held))
            if reclaimed := await reclaim_expired(session):
                log.warning("reclaimed %d deliveries whose lease expired", reclaimed)

    async def _check_lock(self) -> None:
        started = time.monotonic()
        if not self._sqlite:
            self.is_sender = True
            async with transaction(self._sessionmaker) as session:
                senders = await share.beat(session, self.instance, self.config.lock_ttl)
                await self._reclaim_orphans(session, share.alive())
            self.limiter.share(senders)
            self._stay_alive(started)
            return
        async with transaction(self._sessionmaker) as session:
            holder = await acquire_sender_lock(session, self.instance, self.config.lock_ttl)
            if holder is None:  # the only sender: rows anyone else claimed are orphans
                await self._reclaim_orphans(session, lock_holder())
        was, self.is_sender = self.is_sender, holder is None
        if self.is_sender:
            self._stay_alive(started)
        if not self.is_sender and (was or not self._refusal_logged):
            log.warning(
                "delivery sender %s standing by: SQLite allows one sender per database "
                "and %s holds the lock",
                self.instance,
                holder,
            )
            self._refusal_logged = True
        elif self.is_sender and self._refusal_logged and not was:
            log.info("delivery sender %s took over the SQLite sender lock", self.instance)

    async def _reclaim_orphans(self, session: AsyncSession, alive: Any) -> None:
        if orphans := await reclaim_orphans(session, alive):
            log.warning("took back %d deliveries claimed by a sender that died", orphans)
        if self._lapsed:
            await release(session, self._lapsed, self.instance)
            self._lapsed = []

    def _stay_alive(self, started: float) -> None:
        # Others drop our heartbeat/lock `lock_ttl` after it was written; keep one beat spare.
        ttl = self.config.lock_ttl.total_seconds()
        self._alive_until = started + ttl - min(ttl, self.config.lease.total_seconds()) / 3

    def _alive(self) -> bool:
        return time.monotonic() < self._alive_until

    # -- sending --------------------------------------------------------------------------------
    async def _send_loop(self) -> None:
        while (item := await self._queue.get()) is not None:
            row = item[0]
            self._inflight += 1
            try:
                if not self._alive():
                    # A stalled heartbeat: another sender may own this row now. Sending it
                    # could duplicate; not sending costs a short delay (it is handed back).
                    self._lapsed.append(row.id)
                    continue
                await self._recorder.record(await self._processor.process(*item))
            except asyncio.CancelledError:
                self._abandoned.append(row.id)
                raise
            except Exception:
                # The row stays `sending`; its lease brings it back. Never kill the sender.
                log.exception("delivery %s could not be processed", row.id)
            finally:
                self._held.discard(row.id)
                self._inflight -= 1
                self._queue.task_done()

    async def run_once(self) -> int:
        """Claim one batch and send all of it (tests and one-shot tools, without start())."""
        await self.bot.initialize()
        await self._housekeeping()
        if not self.is_sender:
            return 0
        prepared = await self._processor.prepare(await self._claim(self.config.claim_batch))
        gate = asyncio.Semaphore(self.config.concurrency)

        async def one(item: Prepared) -> None:
            async with gate:
                await self._recorder.record(await self._processor.process(*item))

        await asyncio.gather(*(one(item) for item in prepared))
        return len(prepared)

    async def drain(self, timeout: float = 30.0) -> bool:  # noqa: ASYNC109 - a deadline, not I/O
        """Send until nothing due before the deadline is left (started or not).

        Retries scheduled within `timeout` count as due; False if the deadline passed first.
        """
        deadline = time.monotonic() + timeout
        horizon = now() + timedelta(seconds=timeout)
        while time.monotonic() < deadline:
            if self._tasks:
                self.wake()
            elif not await self.run_once():
                await asyncio.sleep(self.config.idle_poll)
            if await self._idle(horizon):
                return True
            await asyncio.sleep(0.1 if self._tasks else 0)
        return False

    async def _idle(self, horizon: datetime) -> bool:
        if self._queue.qsize() or self._inflight:
            return False
        async with self._sessionmaker() as session:
            return await backlog(session, horizon) == 0


def _instance_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
