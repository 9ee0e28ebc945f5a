"""Delivery engine benchmark: prints figures with their targets; asserts nothing.

    .venv/bin/python bench/delivery.py [--pg postgresql+asyncpg://postgres@127.0.0.1/bench]

The emulator runs in its own process so this process's CPU is the bot's alone. Runs (a) 10,000
messages with emulator limits off at a paid-broadcast-like rate, (b) 750 messages against an
emulator enforcing 30/s, 1/s per chat, 20/min per group at BROADCAST_RATE 25, (c) the peak RSS
of a sending process that plans and sends a broadcast to 100,000 members.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.clock import now  # noqa: E402
from bot.db import Base, make_engine, make_sessionmaker, transaction  # noqa: E402
from bot.delivery import DeliveryEngine, EngineConfig, owe_from_select  # noqa: E402
from bot.models import Member  # noqa: E402

TOKEN = "123456:TEST-TOKEN"


# -- the emulator, in a child process -----------------------------------------------------------
async def serve_emulator(limits: bool) -> None:
    from aiohttp import web

    from bot.emulator.server import Emulator

    emu = Emulator(token=TOKEN)
    if limits:
        emu.faults.limits(global_per_sec=30, per_chat_per_sec=1, per_group_per_min=20)

    async def stats(_request: web.Request) -> web.Response:
        sent = [r.t for r in emu.requests if r.method == "sendMessage" and r.status == 200]
        return web.json_response({"sent": len(sent), "count_429": emu.faults.count_429})

    emu.web_app.router.add_get("/_bench/stats", stats)
    await emu.start(port=0)
    print(emu.api_url, flush=True)
    await asyncio.Event().wait()


async def start_emulator(limits: bool) -> tuple[asyncio.subprocess.Process, str]:
    args = [sys.executable, __file__, "--serve-emulator"] + (["--limits"] if limits else [])
    proc = await asyncio.create_subprocess_exec(*args, stdout=asyncio.subprocess.PIPE, cwd=ROOT)
    assert proc.stdout is not None
    return proc, (await proc.stdout.readline()).decode().strip()


async def emulator_stats(api_url: str) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http, http.get(f"{api_url}/_bench/stats") as answer:
        return dict(await answer.json())


# -- the database -------------------------------------------------------------------------------
async def fresh_database(url: str, members: int) -> Any:
    engine = make_engine(url)
    async with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        else:
            await connection.run_sync(Base.metadata.drop_all)
        await connection.run_sync(Base.metadata.create_all)
    maker = make_sessionmaker(engine)
    rows = [{"user_id": n, "chat_id": n, "language": "uk"} for n in range(1, members + 1)]
    async with transaction(maker) as session:
        for start in range(0, len(rows), 5000):
            await session.execute(Member.__table__.insert(), rows[start : start + 5000])
    return engine


async def plan(maker: Any, limit: int | None, batch: str) -> int:
    recipients = select(Member.chat_id, Member.id).order_by(Member.id)
    if limit:
        recipients = recipients.limit(limit)
    async with transaction(maker) as session:
        return await owe_from_select(
            session, recipients, kind="text", purpose=batch, batch=batch,
            payload={"text": {"uk": "<b>Оголошення</b> громади", "en": "Notice"}}, due_at=now(),
        )  # fmt: skip


# -- runs ---------------------------------------------------------------------------------------
async def timed_send(maker: Any, api_url: str, config: EngineConfig) -> tuple[float, float]:
    engine = DeliveryEngine(maker, token=TOKEN, api_url=api_url, config=config)
    wall, cpu = time.monotonic(), time.process_time()
    await engine.start()
    await engine.drain(timeout=600)
    wall, cpu = time.monotonic() - wall, time.process_time() - cpu
    await engine.stop()
    return wall, cpu


async def run_throughput(url: str, label: str) -> None:
    emulator, api_url = await start_emulator(limits=False)
    try:
        db = await fresh_database(url, 10_000)
        maker = make_sessionmaker(db)
        planned = await plan(maker, None, "bench-a")
        config = EngineConfig(rate=1000.0, concurrency=32, claim_batch=200, idle_poll=0.05)
        wall, cpu = await timed_send(maker, api_url, config)
        sent = (await emulator_stats(api_url))["sent"]
        print(f"[{label}] (a) no limits: {sent}/{planned} sent in {wall:.1f}s = "
              f"{sent / wall:,.0f} msg/s (target >= 1,000/s); bot CPU {cpu:.1f}s = "
              f"{sent / cpu:,.0f} msg per CPU-second")  # fmt: skip
        await db.dispose()
    finally:
        emulator.terminate()
        await emulator.wait()


async def run_compliance(url: str, label: str, messages: int = 750) -> None:
    emulator, api_url = await start_emulator(limits=True)
    try:
        db = await fresh_database(url, messages)
        maker = make_sessionmaker(db)
        await plan(maker, None, "bench-b")
        config = replace(EngineConfig(), rate=25.0, idle_poll=0.05)
        wall, _cpu = await timed_send(maker, api_url, config)
        stats = await emulator_stats(api_url)
        achieved = stats["sent"] / wall
        print(f"[{label}] (b) emulator at 30/s: {stats['sent']} sent in {wall:.1f}s = "
              f"{achieved:.2f} msg/s = {achieved / 25:.1%} of BROADCAST_RATE 25 "
              f"(target >= 95%); 429s: {stats['count_429']} (target 0)")  # fmt: skip
        await db.dispose()
    finally:
        emulator.terminate()
        await emulator.wait()


async def run_memory(url: str, label: str, send_seconds: float = 20.0) -> None:
    emulator, api_url = await start_emulator(limits=False)
    try:
        db = await fresh_database(url, 100_000)
        await db.dispose()
        args = [sys.executable, __file__, "--rss-child", url, api_url, str(send_seconds)]
        child = await asyncio.create_subprocess_exec(*args, stdout=asyncio.subprocess.PIPE)
        out, _ = await child.communicate()
        result = json.loads(out.decode().strip().splitlines()[-1])
        print(f"[{label}] (c) 100,000 members: planned {result['planned']:,} rows, sent "
              f"{result['sent']:,} in {send_seconds:.0f}s; peak RSS {result['rss_mb']:.0f} MB "
              f"(target <= 200 MB)")  # fmt: skip
    finally:
        emulator.terminate()
        await emulator.wait()


async def rss_child(url: str, api_url: str, seconds: float) -> None:
    db = make_engine(url)
    maker = make_sessionmaker(db)
    planned = await plan(maker, None, "bench-c")
    config = EngineConfig(rate=1000.0, concurrency=32, claim_batch=200, idle_poll=0.05)
    engine = DeliveryEngine(maker, token=TOKEN, api_url=api_url, config=config)
    await engine.start()
    await asyncio.sleep(seconds)
    await engine.stop()
    await db.dispose()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sent = engine.counters.messages_sent
    print(json.dumps({"planned": planned, "sent": sent, "rss_mb": rss_mb}))


async def postgres_reachable(url: str) -> bool:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
    finally:
        await engine.dispose()


def machine() -> str:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor(),
    )  # fmt: skip
    load = os.getloadavg()[0]
    return f"{cpu}, {os.cpu_count()} CPUs, load avg {load:.1f}, Python {platform.python_version()}"


async def main(args: argparse.Namespace) -> None:
    print(f"machine: {machine()}")
    targets = [("sqlite", f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.sqlite3")]
    if args.pg and await postgres_reachable(args.pg):
        targets.append(("postgresql", args.pg))
    elif args.pg:
        print(f"PostgreSQL at {args.pg} not reachable: skipped")
    for label, url in targets:
        if "a" in args.runs:
            await run_throughput(url, label)
        if "b" in args.runs:
            await run_compliance(url, label)
        if "c" in args.runs:
            await run_memory(url, label)


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pg", default="postgresql+asyncpg://postgres@127.0.0.1:5432/bench")
    parser.add_argument("--runs", default="abc")
    parser.add_argument("--serve-emulator", action="store_true")
    parser.add_argument("--limits", action="store_true")
    parser.add_argument("--rss-child", nargs=3, metavar=("URL", "API", "SECONDS"))
    return parser.parse_args()


if __name__ == "__main__":
    arguments = parse()
    if arguments.serve_emulator:
        asyncio.run(serve_emulator(arguments.limits))
    elif arguments.rss_child:
        url_, api_, seconds_ = arguments.rss_child
        asyncio.run(rss_child(url_, api_, float(seconds_)))
    else:
        asyncio.run(main(arguments))
