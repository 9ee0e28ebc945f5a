"""Content files: the seed, validation messages, idempotent import, lossless export, the CLI."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import clock
from bot.content import (
    SEED,
    ContentError,
    ImportReport,
    dump_yaml,
    export_content,
    import_content,
    load_seed,
    load_yaml,
    read_content,
    validate,
)
from bot.db import transaction
from bot.models import Contact, Theme, Webinar

KYIV = ZoneInfo("Europe/Kyiv")
ROOT = Path(__file__).resolve().parent.parent
Maker = async_sessionmaker[AsyncSession]

SAMPLE: dict[str, Any] = {
    "themes": [
        {"slug": "energy", "title": {"uk": "Енергетика", "en": "Energy"}, "position": 2},
        {"slug": "water", "title": "Water / Вода", "description": "Спільний текст"},
    ],
    "webinars": [
        {
            "slug": "heat-pumps",
            "title": {"uk": "Теплові насоси для шкіл", "en": "Heat pumps for schools"},
            "description": "Багаторядковий\nопис з «лапками» та апострофом: м’ята",
            "starts_at": "2026-12-03T14:00",
            "duration_minutes": 75,
            "themes": ["water", "energy"],
            "speakers": ["Олена Коваль", "Jan de Vries"],
            "join_url": "https://example.org/join",
            "status": "postponed",
            "series": "Енергія громад",
            "example": True,
        }
    ],
    "contacts": [
        {
            "slug": "hub",
            "name": "Хаб відновлення",
            "description": {"uk": "Однаково", "en": "Однаково"},
            "themes": ["energy"],
            "region": "Київщина",
            "url": "http://example.org/hub",
            "email": "hub@example.org",
            "phone": "+380 44 000 0000",
            "telegram": "@example_hub",
        },
    ],
    "news": [
        {
            "guid": "urn:example:1",
            "title": {"uk": "Новина", "en": "News"},
            "published_at": "2026-10-30T09:30:00+02:00",
            "source": "example.org",
        },
    ],
}


async def _import(sessionmaker: Maker, data: Any) -> ImportReport:
    async with transaction(sessionmaker) as session:
        return await import_content(session, data, KYIV)


async def _export(sessionmaker: Maker) -> dict[str, Any]:
    async with sessionmaker() as session:
        return await export_content(session, KYIV)


def _errors(
    data: Any, known_themes: tuple[str, ...] = (), tz: ZoneInfo | None = None
) -> list[str]:
    with pytest.raises(ContentError) as caught:
        validate(data, known_themes, tz)
    return caught.value.errors


async def test_seed_validates_and_imports(sessionmaker: Maker) -> None:
    report = await load_seed(sessionmaker, KYIV)
    assert report is not None
    assert report.summary().startswith("imported: themes 5 (5 new), webinars ")
    async with sessionmaker() as session:
        webinars = list(await session.scalars(select(Webinar)))
        contacts = list(await session.scalars(select(Contact)))
    assert 3 <= len(webinars) <= 4
    for webinar in webinars:
        assert webinar.is_example and webinar.title_uk.startswith("[Приклад] ")
        assert webinar.title_en.startswith("[Example] ")
        urls = [webinar.join_url, webinar.registration_url, webinar.recording_url]
        assert all(url.startswith("https://example.org/") for url in urls if url)
    assert any(
        w.recording_url and w.starts_at < datetime(2026, 12, 1, tzinfo=UTC) for w in webinars
    )
    assert all(c.email is None and c.phone is None and c.themes for c in contacts)


async def test_production_seed_leaves_the_examples_out(sessionmaker: Maker) -> None:
    report = await load_seed(sessionmaker, KYIV, examples=False)
    assert report is not None
    exported = await _export(sessionmaker)
    assert len(exported["themes"]) == 5 and len(exported["contacts"]) >= 3
    assert exported.get("webinars", []) == [] and exported.get("news", []) == []


async def test_seed_loads_only_into_a_database_without_themes(sessionmaker: Maker) -> None:
    await _import(sessionmaker, {"themes": [{"slug": "own", "title": "Власна тема"}]})
    assert await load_seed(sessionmaker, KYIV) is None
    assert [theme["slug"] for theme in (await _export(sessionmaker))["themes"]] == ["own"]


async def test_import_twice_changes_nothing(sessionmaker: Maker) -> None:
    first = await _import(sessionmaker, read_content(SEED))  # type: ignore[arg-type]
    before = await _export(sessionmaker)
    async with sessionmaker() as session:
        stamps = set(await session.scalars(select(Webinar.updated_at)))
    clock.advance(timedelta(hours=1))  # any UPDATE would now leave a later updated_at
    again = await _import(sessionmaker, read_content(SEED))  # type: ignore[arg-type]
    assert first.changed > 0 and again.changed == 0
    assert not re.search(r"\d (new|updated)", again.summary())
    assert await _export(sessionmaker) == before
    async with sessionmaker() as session:
        assert set(await session.scalars(select(Webinar.schedule_version))) == {1}
        assert set(await session.scalars(select(Webinar.updated_at))) == stamps


async def test_round_trip_is_lossless(sessionmaker: Maker) -> None:
    await _import(sessionmaker, SAMPLE)
    exported = await _export(sessionmaker)
    text = dump_yaml(exported)
    assert "Теплові насоси" in text and "\\u" not in text  # Cyrillic written as is
    assert (await _import(sessionmaker, load_yaml(text))).changed == 0
    assert (await _export(sessionmaker)) == exported
    webinar = exported["webinars"][0]
    assert webinar["title"] == {"uk": "Теплові насоси для шкіл", "en": "Heat pumps for schools"}
    assert webinar["description"] == SAMPLE["webinars"][0]["description"]  # plain form stays
    assert webinar["starts_at"] == "2026-12-03T14:00:00+02:00"
    assert webinar["themes"] == ["water", "energy"]  # by theme position, then slug
    assert exported["themes"][0] == {
        "slug": "water",
        "title": "Water / Вода",
        "description": "Спільний текст",
        "position": 0,
    }
    assert exported["news"][0]["published_at"] == "2026-10-30T09:30:00+02:00"
    assert exported["contacts"][0]["description"] == "Однаково"  # same in both: plain string


async def test_export_file_keeps_key_order_and_multiline_text(sessionmaker: Maker) -> None:
    await _import(sessionmaker, SAMPLE)
    text = dump_yaml(await _export(sessionmaker))
    assert text.index("themes:") < text.index("webinars:") < text.index("contacts:")
    assert "description: |-\n      Багаторядковий\n      опис" in text
    assert list(load_yaml(text)["webinars"][0])[:4] == [
        "slug",
        "title",
        "description",
        "starts_at",
    ]  # type: ignore[index]


@pytest.mark.parametrize(
    ("local", "utc"),
    [
        ("2027-03-10T14:00", "2027-03-10T12:00"),  # winter time, UTC+2
        ("2027-03-30T14:00", "2027-03-30T11:00"),  # after the last Sunday of March, UTC+3
        ("2026-10-20T14:00", "2026-10-20T11:00"),  # summer time, UTC+3
        ("2026-10-30T14:00", "2026-10-30T12:00"),  # after the last Sunday of October, UTC+2
        ("2026-10-20T14:00:00+01:00", "2026-10-20T13:00"),  # an explicit offset wins
    ],
)
async def test_offset_less_time_means_the_bot_time_zone(
    sessionmaker: Maker, local: str, utc: str
) -> None:
    data = {"webinars": [{"slug": "w", "title": "Вебінар", "starts_at": local}]}
    await _import(sessionmaker, data)
    async with sessionmaker() as session:
        starts_at = await session.scalar(select(Webinar.starts_at))
    assert starts_at == datetime.fromisoformat(utc).replace(tzinfo=UTC)


async def test_bad_file_lists_every_error_and_imports_nothing(sessionmaker: Maker) -> None:
    await load_seed(sessionmaker, KYIV)
    before = await _export(sessionmaker)
    webinar = {"slug": "ok", "title": "Добре", "starts_at": "2026-12-03T14:00"}
    bad: dict[str, Any] = {
        "themes": [{"slug": "new-theme", "title": {"uk": "Нова"}, "colour": "red"}],
        "webinars": [
            webinar,
            {**webinar, "title": "Змінено"},
            {**webinar, "slug": "digital-twins", "starts_at": "3 December"},
            {**webinar, "slug": "links", "join_url": "ftp://example.org/x", "themes": ["nope"]},
            "not a mapping",
        ],
        "contacts": [{"slug": "c", "name": "C", "email": "nobody", "themes": ["new-theme"]}],
    }
    errors = _errors(bad, known_themes=("advisory",))
    assert errors == [
        'themes[0] (slug "new-theme"): title.en: required',
        'themes[0] (slug "new-theme"): colour: unknown key',
        'webinars[1] (slug "ok"): slug: duplicate of webinars[0]',
        'webinars[2] (slug "digital-twins"): starts_at: not an ISO 8601 date-time',
        'webinars[3] (slug "links"): join_url: must be an http(s) URL',
        'webinars[3] (slug "links"): themes[0]: unknown theme "nope"',
        "webinars[4]: must be a mapping of fields",
        'contacts[0] (slug "c"): email: not an e-mail address',
    ]
    bad["webinars"][0]["title"] = "Changed but must not be saved"
    with pytest.raises(ContentError):
        await _import(sessionmaker, bad)
    assert await _export(sessionmaker) == before


def test_time_skipped_by_the_spring_clock_change_is_an_error() -> None:
    data = {"webinars": [{"slug": "w", "title": "W", "starts_at": "2027-03-28T03:30"}]}
    assert _errors(data, tz=KYIV) == [
        'webinars[0] (slug "w"): starts_at: 2027-03-28 03:30 does not exist in Europe/Kyiv'
    ]


def test_yaml_syntax_error_names_line_and_column() -> None:
    text = "themes:\n  - slug: a\n    title: [unclosed\n  - slug: b\n"
    with pytest.raises(ContentError) as caught:
        load_yaml(text, "content.yaml")
    [message] = caught.value.errors
    assert message.startswith("content.yaml: line 4, column ")


def test_duplicate_yaml_key_is_an_error() -> None:
    with pytest.raises(ContentError, match=r"line 3, column 5: duplicate key 'title'"):
        load_yaml("themes:\n  - title: a\n    title: b\n")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"webinars": [{"slug": "w", "title": "W", "starts_at": "2026-12-03T14:00",
                        "themes": ["ghost"]}]},
         'webinars[0] (slug "w"): themes[0]: unknown theme "ghost"'),
        ({"news": [{"guid": "g", "title": "N", "published_at": "2026-12-03T14:00", "tags": []}]},
         'news[0] (guid "g"): tags: unknown key'),
        ({"events": []}, "events: unknown key (expected themes, webinars, contacts or news)"),
        ({"contacts": [{"slug": "c", "name": "C", "url": "javascript:alert(1)"}]},
         'contacts[0] (slug "c"): url: must be an http(s) URL'),
        ({"webinars": [{"slug": "w", "title": "W", "starts_at": "2026-12-03",
                        "status": "done"}]},
         'webinars[0] (slug "w"): starts_at: not an ISO 8601 date-time'),
        ({"themes": [{"slug": "Bad Slug", "title": 5}]},
         'themes[0] (slug "Bad Slug"): slug: must be lowercase letters, digits and dashes (≤ 64)'),
    ],
)  # fmt: skip
def test_invalid_entry_is_named_with_its_field(data: dict[str, Any], expected: str) -> None:
    assert expected in _errors(data)


async def test_themes_already_in_the_database_may_be_referenced(sessionmaker: Maker) -> None:
    await load_seed(sessionmaker, KYIV)
    data = {"contacts": [{"slug": "c", "name": "Контакт", "themes": ["city-to-city"]}]}
    assert (await _import(sessionmaker, data)).summary().endswith("contacts 1 (1 new), news 0")


async def test_reimport_with_new_time_bumps_schedule_version(sessionmaker: Maker) -> None:
    await _import(sessionmaker, SAMPLE)
    moved = {**SAMPLE["webinars"][0], "starts_at": "2026-12-10T14:00", "status": "scheduled"}
    report = await _import(sessionmaker, {"webinars": [moved]})
    assert str(report.counts["webinars"]) == "1 (1 updated)"
    async with sessionmaker() as session:
        webinar = await session.scalar(select(Webinar))
        theme_count = len(list(await session.scalars(select(Theme))))
    assert webinar is not None and theme_count == 2
    assert (webinar.schedule_version, webinar.status) == (2, "scheduled")
    await _import(sessionmaker, {"webinars": [{**moved, "title": "Інша назва"}]})
    async with sessionmaker() as session:
        assert await session.scalar(select(Webinar.schedule_version)) == 2


def _cli(
    *args: str, env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=env["HOME"],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.slow
def test_cli_import_export_round_trip(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}",
    }
    assert _cli("migrate", env=env).returncode == 0
    first = _cli("content", "import", str(SEED), env=env)
    assert first.returncode == 0 and first.stdout.startswith("imported: themes 5 (5 new), ")
    exported = tmp_path / "out.yaml"
    assert _cli("content", "export", str(exported), env=env).returncode == 0
    again = _cli("content", "import", str(exported), env=env)
    assert not re.search(r"\d (new|updated)", again.stdout), again.stdout
    stdout = _cli("content", "export", "-", env=env)
    assert stdout.stdout == exported.read_text(encoding="utf-8")
    bad = _cli("content", "import", "-", env=env, stdin="themes:\n  - slug: x\n    nope: 1\n")
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert bad.stderr.splitlines() == [
        'themes[0] (slug "x"): title: required',
        'themes[0] (slug "x"): nope: unknown key',
    ]
