"""`hromada content import|export FILE.yaml`: content between YAML files and the database."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.content import (
    ContentError,
    dump_yaml,
    export_content,
    import_content,
    load_yaml,
    read_content,
    write_yaml,
)
from bot.db import make_engine, make_sessionmaker, transaction
from bot.migrate import at_head
from bot.settings import Settings, settings_or_exit

STDIO = "-"


def add_content_commands(subparsers: argparse._SubParsersAction[Any]) -> None:
    content = subparsers.add_parser(
        "content", help="import or export themes, webinars, contacts and news as YAML"
    )
    actions = content.add_subparsers(dest="content_action", required=True, metavar="ACTION")
    load = actions.add_parser("import", help="create or update content from a YAML file")
    load.add_argument("file", help="the YAML file, or - for standard input")
    load.set_defaults(func=cmd_import)
    save = actions.add_parser("export", help="write all content to a YAML file")
    save.add_argument("file", help="the YAML file, or - for standard output")
    save.set_defaults(func=cmd_export)


def cmd_import(args: argparse.Namespace) -> int:
    return _run(_import(settings_or_exit(), args.file))


def cmd_export(args: argparse.Namespace) -> int:
    return _run(_export(settings_or_exit(), args.file))


def _run(work: Coroutine[Any, Any, None]) -> int:
    # Operators get one line per problem and exit status 1, never a traceback.
    try:
        asyncio.run(work)
    except ContentError as exc:
        print("\n".join(exc.errors), file=sys.stderr)
        return 1
    return 0


@asynccontextmanager
async def _database(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(settings.DATABASE_URL)
    try:
        if not await at_head(engine):
            raise ContentError(["the database schema is not current: run `hromada migrate` first"])
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()


async def _import(settings: Settings, path: str) -> None:
    # Read and check the file's YAML before connecting: a bad file never waits on the database.
    data = load_yaml(sys.stdin.read(), "<stdin>") if path == STDIO else read_content(path)
    async with _database(settings) as sessionmaker, transaction(sessionmaker) as session:
        report = await import_content(session, data, settings.zone)
    print(report.summary())


async def _export(settings: Settings, path: str) -> None:
    async with _database(settings) as sessionmaker, sessionmaker() as session:
        data = await export_content(session, settings.zone)
    if path == STDIO:
        sys.stdout.buffer.write(dump_yaml(data).encode("utf-8"))
        sys.stdout.flush()
    else:
        write_yaml(path, data)
    counts = ", ".join(f"{kind} {len(items)}" for kind, items in data.items())
    # The summary goes to stderr when stdout carries the YAML itself.
    print(f"exported: {counts}", file=sys.stderr if path == STDIO else sys.stdout)
