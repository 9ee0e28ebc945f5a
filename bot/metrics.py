"""Prometheus metrics of one process: updates, handler latency, the outbox, Telegram's 429s.

A per-process CollectorRegistry (not prometheus_client's global one) so several applications in
one test process never collide. Outbox gauges are read from the database at scrape time.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from telegram import Update
from telegram.ext import Application, BaseUpdateProcessor

from bot.delivery.stats import STATUSES, backlog
from bot.models import Delivery
from bot.runtime import Runtime

log = logging.getLogger(__name__)
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
DB_TIMEOUT = 5.0


def update_type(update: object) -> str:
    """`message`, `callback_query`, ...: the one field Telegram set besides update_id."""
    if not isinstance(update, Update):
        return type(update).__name__
    return next((kind for kind in Update.ALL_TYPES if getattr(update, kind, None)), "other")


class EngineCollector(Collector):
    """The delivery engine's in-process counters, read when scraped (none before it starts)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def collect(self) -> Iterator[Metric]:
        engine = self.runtime.extras.get("delivery")
        counters = getattr(engine, "counters", None)
        if counters is None:
            return
        yield CounterMetricFamily(
            "hromada_telegram_429", "429 Too Many Requests answers received", counters.floods
        )
        yield CounterMetricFamily(
            "hromada_delivery_messages_sent", "Telegram messages sent", counters.messages_sent
        )
        outcomes = CounterMetricFamily(
            "hromada_delivery_outcomes", "Outcomes recorded by this process", labels=["status"]
        )
        for status, count in sorted(counters.by_status.items()):
            outcomes.add_metric([status], count)
        yield outcomes
        yield GaugeMetricFamily(
            "hromada_delivery_sender",
            "1 when this process sends deliveries",
            int(engine.is_sender),
        )


class Metrics:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.registry = registry = CollectorRegistry()
        self.updates = Counter(
            "hromada_updates", "Updates handled, by type", ["type"], registry=registry
        )
        self.latency = Histogram(
            "hromada_update_seconds",
            "Time to handle one update, by type",
            ["type"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.webhook_rejected = Counter(
            "hromada_webhook_rejected", "Webhook requests refused, by reason", ["reason"],
            registry=registry,
        )  # fmt: skip
        self.deliveries = Gauge(
            "hromada_deliveries", "Outbox rows by status", ["status"], registry=registry
        )
        self.backlog = Gauge(
            "hromada_outbox_backlog", "Outbox rows due now and not finished", registry=registry
        )
        self.database_up = Gauge(
            "hromada_database_up",
            "1 when the last scrape could read the database",
            registry=registry,
        )
        registry.register(EngineCollector(runtime))

    def observe(self, update: object, seconds: float) -> None:
        kind = update_type(update)
        self.updates.labels(kind).inc()
        self.latency.labels(kind).observe(seconds)

    async def refresh(self) -> None:
        """Read the outbox gauges; a slow or absent database must not hang the scrape."""
        try:
            counts, due = await asyncio.wait_for(self._read_outbox(), DB_TIMEOUT)
        except Exception as exc:
            log.warning("metrics: cannot read the outbox: %s", type(exc).__name__)
            self.database_up.set(0)
            return
        self.database_up.set(1)
        for status in dict.fromkeys((*STATUSES, *counts)):
            self.deliveries.labels(status).set(counts.get(status, 0))
        self.backlog.set(due)

    async def _read_outbox(self) -> tuple[dict[str, int], int]:
        async with self.runtime.sessionmaker() as session:
            rows = await session.execute(
                select(Delivery.status, func.count()).group_by(Delivery.status)
            )
            return dict(rows.tuples().all()), await backlog(session)

    async def exposition(self) -> bytes:
        await self.refresh()
        return generate_latest(self.registry)


class TimedUpdateProcessor(BaseUpdateProcessor):
    """Wraps the Application's update processor: every update is counted and timed, whatever
    handler group takes it or stops it (ApplicationHandlerStop would skip a last-group handler)."""

    def __init__(self, inner: BaseUpdateProcessor, metrics: Metrics) -> None:
        super().__init__(inner.max_concurrent_updates)
        self.inner, self.metrics = inner, metrics

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        started = time.perf_counter()
        try:
            await self.inner.do_process_update(update, coroutine)
        finally:
            self.metrics.observe(update, time.perf_counter() - started)

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()


def instrument(app: Application[Any, Any, Any, Any, Any, Any], metrics: Metrics) -> None:
    """Time every update; call before `app.initialize()`.

    PTB takes a processor only through ApplicationBuilder.concurrent_updates(); wrapping the built
    Application's one keeps the composition root unaware of metrics. PTB is pinned to 22.x.
    """
    if not isinstance(app.update_processor, TimedUpdateProcessor):
        app._update_processor = TimedUpdateProcessor(app.update_processor, metrics)  # type: ignore[misc]
