"""``python -m bot.emulator --host 127.0.0.1 --port 8081 --token T``: run the emulator alone.

Prints exactly one line, ``Telegram Bot API emulator at http://HOST:PORT`` (the URL is the last
word; ``--port 0`` picks a free port), then serves until SIGINT/SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import signal

from .server import Emulator


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot.emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123456:TEST-TOKEN")
    parser.add_argument("--bot-username", default="hromada_test_bot")
    return parser.parse_args(argv)


async def _serve(args: argparse.Namespace) -> None:
    emu = Emulator(args.token, args.bot_username)
    await emu.start(args.host, args.port)
    print(f"Telegram Bot API emulator at {emu.api_url}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await emu.stop()


def main(argv: list[str] | None = None) -> None:
    asyncio.run(_serve(_parse_args(argv)))


if __name__ == "__main__":
    main()
