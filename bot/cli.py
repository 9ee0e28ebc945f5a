"""The `hromada` command line: argument parsing only; the work lives in other modules."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable

from bot.cli_content import add_content_commands
from bot.settings import settings_or_exit


def cmd_migrate(args: argparse.Namespace) -> int:
    from bot.migrate import upgrade

    settings = settings_or_exit()
    path = settings.sqlite_path()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    upgrade(settings.DATABASE_URL)
    print("database is at the latest revision")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    settings = settings_or_exit()
    if settings.BOT_TOKEN is None:
        print("BOT_TOKEN is not set: starting the offline sandbox instead (hromada sandbox).")
        return cmd_sandbox(args)
    from bot.runner import run

    return run(settings)


def cmd_sandbox(args: argparse.Namespace) -> int:
    from bot.sandbox import run_sandbox

    return asyncio.run(run_sandbox(settings_or_exit(), port=args.port, host=args.host))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hromada", description="Hromada Companion: the webinar companion bot."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("migrate", help="bring the database to the latest schema").set_defaults(
        func=cmd_migrate
    )
    run = sub.add_parser("run", help="start the bot (the sandbox when BOT_TOKEN is not set)")
    sandbox = sub.add_parser("sandbox", help="the bot offline, with a chat page in the browser")
    for command, func in ((run, cmd_run), (sandbox, cmd_sandbox)):
        command.add_argument("--host", default="127.0.0.1", help="sandbox page host")
        command.add_argument("--port", type=int, default=8080, help="sandbox page port")
        command.set_defaults(func=func)
    add_content_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
