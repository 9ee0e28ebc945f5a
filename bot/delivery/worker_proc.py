"""`python -m bot.delivery.worker_proc`: a bare sender process (for crash tests and operators)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from datetime import timedelta

from bot.db import make_engine, make_sessionmaker
from bot.delivery.config import EngineConfig
from bot.delivery.worker import DeliveryEngine


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--rate", type=float, default=25.0)
    parser.add_argument("--concurrency", type=int, default=12)
    parser.add_argument("--lease", type=float, default=120.0, help="seconds")
    parser.add_argument("--lock-ttl", type=float, default=30.0, help="seconds")
    parser.add_argument("--idle-poll", type=float, default=1.0, help="seconds")
    parser.add_argument("--instance", default=None)
    parser.add_argument("--exit-when-idle", action="store_true")
    return parser.parse_args(argv)


async def run(args: argparse.Namespace) -> None:
    config = EngineConfig(
        rate=args.rate,
        concurrency=args.concurrency,
        lease=timedelta(seconds=args.lease),
        lock_ttl=timedelta(seconds=args.lock_ttl),
        idle_poll=args.idle_poll,
    )
    db = make_engine(args.database_url)
    engine = DeliveryEngine(
        make_sessionmaker(db),
        token=args.token,
        api_url=args.api_url,
        config=config,
        instance_id=args.instance,
    )
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    await engine.start()
    try:
        if args.exit_when_idle:
            while not stop.is_set() and not await engine.drain(timeout=3600):
                pass
        else:
            await stop.wait()
    finally:
        await engine.stop(graceful=True)
        await db.dispose()


def main(argv: list[str] | None = None) -> None:
    fmt = "%(asctime)s %(levelname)s %(name)s %(message)s"
    logging.basicConfig(level=logging.INFO, format=fmt)
    asyncio.run(run(parse_args(argv)))


if __name__ == "__main__":
    main()
