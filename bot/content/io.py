"""Content between files and the database: upsert by slug (news by guid), export the same shape."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import InstrumentedAttribute

from bot.content.parse import load_yaml, read_content, validate
from bot.content.schema import KINDS, Entry, Local, dump_entry
from bot.db import Base, transaction
from bot.models import Contact, NewsItem, Theme, Webinar
from bot.services.recording import recording_added

Outcome = Literal["created", "updated", "unchanged"]
MODELS: dict[str, type[Base]] = {
    "themes": Theme,
    "webinars": Webinar,
    "contacts": Contact,
    "news": NewsItem,
}
# Export order; contacts have no position in the file, so their first import order (id) stays.
ORDER: dict[str, tuple[InstrumentedAttribute[Any], ...]] = {
    "themes": (Theme.position, Theme.slug),
    "webinars": (Webinar.starts_at, Webinar.slug),
    "contacts": (Contact.position, Contact.id),
    "news": (NewsItem.published_at, NewsItem.guid),
}
SEED = resources.files("bot") / "seed" / "content.yaml"


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        total = self.created + self.updated + self.unchanged
        named = ((self.created, "new"), (self.updated, "updated"), (self.unchanged, "unchanged"))
        parts = [f"{count} {label}" for count, label in named if count]
        return f"{total} ({', '.join(parts)})" if total else "0"


@dataclass
class ImportReport:
    counts: dict[str, Counts] = field(default_factory=lambda: {kind: Counts() for kind in KINDS})

    @property
    def changed(self) -> int:
        return sum(c.created + c.updated for c in self.counts.values())

    def summary(self) -> str:
        return "imported: " + ", ".join(f"{kind} {c}" for kind, c in self.counts.items())


async def import_content(
    session: AsyncSession, data: Mapping[str, Any] | str | os.PathLike[str], tz: tzinfo
) -> ImportReport:
    """Check everything first (raising ContentError), then upsert in the caller's transaction."""
    raw = read_content(data) if isinstance(data, str | os.PathLike) else data
    themes = {theme.slug: theme for theme in await session.scalars(select(Theme))}
    entries = validate(raw, known_themes=themes.keys(), tz=tz)
    report, announce = ImportReport(), []
    for kind, batch in entries.items():
        model = MODELS[kind]
        key = KINDS[kind].KEY
        keys = [getattr(entry, key) for entry in batch]
        found = await session.scalars(select(model).where(getattr(model, key).in_(keys)))
        existing = {getattr(row, key): row for row in found}
        for entry in batch:
            before = existing.get(getattr(entry, key))
            had = getattr(before, "recording_url", None)
            row, outcome = _upsert(session, model, entry, before, themes, tz)
            setattr(report.counts[kind], outcome, getattr(report.counts[kind], outcome) + 1)
            if isinstance(row, Theme):
                themes[row.slug] = row
            if isinstance(before, Webinar) and row.recording_url and row.recording_url != had:
                announce.append(row)
    await session.flush()
    for webinar in announce:  # a recording added to a known session is announced once
        await recording_added(session, webinar)
    return report


def _upsert(
    session: AsyncSession,
    model: type[Base],
    entry: Entry,
    row: Any,
    themes: dict[str, Theme],
    tz: tzinfo,
) -> tuple[Any, Outcome]:
    values = _columns(entry, tz)
    slugs: list[str] | None = getattr(entry, "themes", None)
    refs = [themes[slug] for slug in slugs] if slugs is not None else None
    if row is None:
        row = model(**values, **({"themes": refs} if refs is not None else {}))
        session.add(row)
        return row, "created"
    changed = {name for name, value in values.items() if getattr(row, name) != value}
    for name in changed:
        setattr(row, name, values[name])
    if slugs is not None and {theme.slug for theme in row.themes} != set(slugs):
        row.themes = refs
        changed.add("themes")
    if isinstance(row, Webinar) and "starts_at" in changed:
        # Reminders planned for the old time carry the old version and are never confused.
        row.schedule_version += 1
    return row, "updated" if changed else "unchanged"


def _columns(entry: Entry, tz: tzinfo) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in type(entry).model_fields:
        value = getattr(entry, name)
        column = entry.RENAMES.get(name, name)
        if name == "themes":
            continue
        if isinstance(value, Local):
            values[f"{column}_uk"], values[f"{column}_en"] = value.uk, value.en
        elif isinstance(value, datetime) and value.tzinfo is None:
            values[column] = value.replace(tzinfo=tz)  # an offset-less time is local time
        else:
            values[column] = value
    return values


async def export_content(session: AsyncSession, tz: tzinfo) -> dict[str, list[dict[str, Any]]]:
    exported: dict[str, list[dict[str, Any]]] = {}
    for kind, schema in KINDS.items():
        rows = await session.scalars(select(MODELS[kind]).order_by(*ORDER[kind]))
        exported[kind] = [dump_entry(_entry(schema, row, tz)) for row in rows]
    return exported


def _entry(schema: type[Entry], row: Any, tz: tzinfo) -> Entry:
    # Not validated: an export must always succeed; a bad value shows up on the next import.
    data: dict[str, Any] = {}
    for name in schema.model_fields:
        column = schema.RENAMES.get(name, name)
        if name == "themes":
            ordered = sorted(row.themes, key=lambda theme: (theme.position, theme.slug))
            data[name] = [theme.slug for theme in ordered]
        elif hasattr(row, f"{column}_uk"):
            data[name] = Local(uk=getattr(row, f"{column}_uk"), en=getattr(row, f"{column}_en"))
        else:
            value = getattr(row, column)
            data[name] = value.astimezone(tz) if isinstance(value, datetime) else value
    return schema.model_construct(**data)


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key, as people write YAML by hand.
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=99, indent=2)


async def import_file(
    sessionmaker: async_sessionmaker[AsyncSession], path: str | os.PathLike[str], tz: tzinfo
) -> ImportReport:
    data = read_content(path)
    async with transaction(sessionmaker) as session:
        return await import_content(session, data, tz)


async def export_file(
    sessionmaker: async_sessionmaker[AsyncSession], path: str | os.PathLike[str], tz: tzinfo
) -> None:
    async with sessionmaker() as session:
        write_yaml(path, await export_content(session, tz))


def write_yaml(path: str | os.PathLike[str], data: dict[str, Any]) -> None:
    target = Path(path)
    # Write beside the target, then rename: a failed export never leaves half a file.
    partial = target.with_name(f".{target.name}.partial")
    partial.write_text(dump_yaml(data), encoding="utf-8")
    partial.replace(target)


async def load_seed(
    sessionmaker: async_sessionmaker[AsyncSession], tz: tzinfo, *, examples: bool = True
) -> ImportReport | None:
    """Import the shipped seed on first run only: a database with themes is left alone.

    Without `examples`, example webinars and news are left out: a production bot must not
    remind real members about sessions that will never happen.
    """
    async with transaction(sessionmaker) as session:
        if await session.scalar(select(Theme.id).limit(1)) is not None:
            return None
        data = load_yaml(SEED.read_text(encoding="utf-8"), "bot/seed/content.yaml")
        if not examples and isinstance(data, dict):
            data = _without_examples(data)
        return await import_content(session, data, tz)


def _without_examples(data: dict[str, Any]) -> dict[str, Any]:
    webinars = [w for w in data.get("webinars") or [] if not w.get("example")]
    news = [n for n in data.get("news") or [] if not str(n.get("guid", "")).startswith("example")]
    return {**data, "webinars": webinars, "news": news}
