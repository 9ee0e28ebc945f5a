"""Health, readiness and Prometheus metrics on LISTEN_HOST:LISTEN_PORT."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.clock import now
from bot.db import transaction
from bot.delivery import DeliveryEngine, EngineConfig, owe_many, set_paused
from bot.emulator.server import Emulator
from bot.metrics import Metrics
from bot.migrate import upgrade_async
from bot.runtime import Runtime
from bot.webserver import Phase, WebServer
from tests.conftest import POSTGRES_URL
from tests.deploy.conftest import Served, ServeFactory, eventually, http_get, plan_broadcast
from tests.deploy.test_webhook import start_update
from tests.harness import harness_settings


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus text exposition, keyed by name and sorted labels."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


ServerFactory = Callable[[str], Awaitable[WebServer]]


@pytest.fixture
async def bare_server(emulator: Emulator) -> AsyncIterator[ServerFactory]:
    """The web server alone, marked running, on whatever database the test points it at."""
    servers: list[tuple[WebServer, Runtime]] = []

    async def make(url: str) -> WebServer:
        runtime = Runtime.create(harness_settings(emulator, url, LISTEN_PORT=0))
        server = WebServer(runtime, Metrics(runtime))
        await server.start("127.0.0.1", 0)
        server.phase = Phase.RUNNING
        servers.append((server, runtime))
        return server

    yield make
    for server, runtime in servers:
        await server.stop()
        await runtime.close()


async def test_readiness_follows_migrations(bare_server: ServerFactory, fresh_url: str) -> None:
    server = await bare_server(fresh_url)
    base = f"http://127.0.0.1:{server.port}"
    assert await http_get(base + "/healthz") == (200, "ok")
    status, body = await http_get(base + "/readyz")
    assert status == 503 and "database not migrated (at nothing" in body
    await upgrade_async(fresh_url)
    assert await http_get(base + "/readyz") == (200, "ready")
    server.phase = Phase.STOPPING
    assert await http_get(base + "/readyz") == (503, "not ready: stopping")


async def test_readiness_fails_when_the_database_is_unreachable(
    bare_server: ServerFactory, tmp_path: Path
) -> None:
    if POSTGRES_URL:
        url = "postgresql+asyncpg://postgres@127.0.0.1:1/nowhere"
    else:
        (tmp_path / "a-directory").mkdir()  # SQLite cannot open a directory as a database
        url = f"sqlite+aiosqlite:///{tmp_path / 'a-directory'}"
    before = set(threading.enumerate())
    server = await bare_server(url)
    base = f"http://127.0.0.1:{server.port}"
    assert await http_get(base + "/healthz") == (200, "ok")  # alive, just not ready
    status, body = await http_get(base + "/readyz")
    assert status == 503 and body.startswith("not ready: database unreachable (")
    status, body = await http_get(base + "/metrics")
    assert status == 200 and samples(body)[("hromada_database_up", ())] == 0
    # aiosqlite (0.22) closes a connection that failed to open without awaiting it; its thread
    # must finish while this test's loop still runs, or it reports "Event loop is closed".
    failed = [
        t for t in threading.enumerate() if t not in before and "_connection_worker" in t.name
    ]
    for _ in range(100):
        if not any(thread.is_alive() for thread in failed):
            break
        await asyncio.sleep(0.01)


async def test_a_running_bot_is_ready_and_refuses_updates_while_stopping(
    serve_bot: ServeFactory,
) -> None:
    served = await serve_bot(webhook=True)
    assert await served.get("/healthz") == (200, "ok")
    assert await served.get("/readyz") == (200, "ready")
    served.server.phase = Phase.STOPPING
    # Telegram retries a 503, so an update arriving during shutdown is not lost.
    assert await served.emu.updates.post_webhook(start_update(served.emu, 3001)) == 503
    assert await served.finish() == 0


async def test_metrics_count_what_was_handled_and_what_is_owed(serve_bot: ServeFactory) -> None:
    served = await serve_bot(webhook=True)
    emu = served.emu
    for user_id in (3101, 3102, 3103):
        user = emu.user(user_id, language_code="en")
        await user.send("/start")
        await user.wait_message()
    first = emu.user(3101)
    query = await first.press_data("stale:button", first.messages()[-1])
    assert await emu.wait_until(lambda: emu.callback_queries[query]["answered"], 5)
    await emu.updates.post_webhook(start_update(emu, 3104), secret="nope")
    await _owe_rows(served.runtime)

    status, body = await served.get("/metrics")
    assert status == 200
    found = samples(body)
    assert found[("hromada_updates_total", (("type", "message"),))] == 3
    assert found[("hromada_updates_total", (("type", "callback_query"),))] == 1
    assert found[("hromada_update_seconds_count", (("type", "message"),))] == 3
    assert found[("hromada_webhook_rejected_total", (("reason", "wrong_secret"),))] == 1
    assert found[("hromada_deliveries", (("status", "pending"),))] == 4
    assert found[("hromada_deliveries", (("status", "failed"),))] == 0
    assert found[("hromada_outbox_backlog", ())] == 3
    assert found[("hromada_database_up", ())] == 1


async def _owe_rows(runtime: Runtime) -> None:
    """Three rows due now (held back by the pause) and one due tomorrow."""
    async with transaction(runtime.sessionmaker) as session:
        await set_paused(session, True)
        rows = [
            {
                "chat_id": 3200 + n,
                "member_id": None,
                "kind": "text",
                "purpose": f"metrics-{n}",
                "batch": "metrics",
                "payload": {"text": "hello"},
                "due_at": now() + (timedelta(days=1) if n == 3 else timedelta(0)),
            }
            for n in range(4)
        ]
        await owe_many(session, rows)


async def test_metrics_report_the_delivery_engines_429s(serve_bot: ServeFactory) -> None:
    served = await serve_bot(webhook=True)
    runtime = served.runtime
    engine = runtime.extras.get("delivery")
    if engine is None:  # the composition root runs none yet: the metrics read whichever runs
        config = EngineConfig(rate=200, idle_poll=0.05, backoff_base=0.05)
        engine = DeliveryEngine.from_settings(
            runtime.settings, runtime.sessionmaker, config=config
        )
        runtime.extras["delivery"] = engine
        await engine.start()
    served.emu.faults.force_429(2, retry_after=1)
    await plan_broadcast(runtime.settings.DATABASE_URL, [3301])
    engine.wake()
    await served.emu.user(3301).wait_message(timeout=10, contains="Оголошення")
    await eventually(lambda: _sent_recorded(served))
    found = samples((await served.get("/metrics"))[1])
    assert found[("hromada_telegram_429_total", ())] == 2
    assert found[("hromada_delivery_messages_sent_total", ())] == 1
    assert found[("hromada_delivery_outcomes_total", (("status", "sent"),))] == 1
    assert found[("hromada_delivery_sender", ())] == 1


async def _sent_recorded(served: Served) -> bool:
    return b'hromada_deliveries{status="sent"} 1.0' in (await served.get("/metrics"))[1].encode()
