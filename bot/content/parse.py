"""Reading a content file: YAML with positions in its errors, then every entry checked at once."""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any, ClassVar

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from bot.content.schema import KINDS, Entry

TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class ContentError(Exception):
    """A content file is unusable; `errors` holds one line per problem, each naming its place."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


class _Loader(yaml.SafeLoader):
    """Safe YAML that keeps date-times as text and refuses duplicate keys.

    Our own parser decides what an offset-less time means (settings.TIMEZONE); PyYAML would
    read it as UTC. A duplicate key would silently drop the first value.
    """

    yaml_implicit_resolvers: ClassVar[dict[Any, list[tuple[str, Any]]]] = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != TIMESTAMP_TAG]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, str) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep)


def load_yaml(text: str, source: str = "<content>") -> object:
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader subclass: no arbitrary objects
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ContentError([f"{source}: {where}{exc.problem or exc.context}"]) from None
    except yaml.YAMLError as exc:
        raise ContentError([f"{source}: {exc}"]) from None


def read_content(path: str | os.PathLike[str]) -> object:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ContentError([f"{path}: not UTF-8 text"]) from None
    except OSError as exc:
        raise ContentError([f"{path}: {exc.strerror or exc}"]) from None
    return load_yaml(text, str(path))


def validate(
    data: object, known_themes: Collection[str] = (), tz: tzinfo | None = None
) -> dict[str, list[Entry]]:
    """Every entry checked; raise ContentError listing all problems, or return the entries."""
    errors: list[str] = []
    sections = _sections(data, errors)
    themes = set(known_themes) | {
        raw["slug"] for raw in sections.get("themes", []) if _key(raw, "slug") is not None
    }
    entries: dict[str, list[Entry]] = {}
    for kind, raws in sections.items():
        first: dict[str, int] = {}
        entries[kind] = []
        for index, raw in enumerate(raws):
            entry, problems = _check(kind, index, raw, first, themes, tz)
            errors.extend(problems)
            if entry is not None:
                entries[kind].append(entry)
    if errors:
        raise ContentError(errors)
    return entries


def _sections(data: object, errors: list[str]) -> dict[str, list[object]]:
    if data is None:
        errors.append("the file is empty")
        return {}
    if not isinstance(data, Mapping):
        errors.append("the file must be a mapping with the lists themes, webinars, contacts, news")
        return {}
    errors.extend(
        f"{key}: unknown key (expected themes, webinars, contacts or news)"
        for key in data
        if key not in KINDS
    )
    sections: dict[str, list[object]] = {}
    for kind in KINDS:
        value = data.get(kind)
        if value is not None and not isinstance(value, list):
            errors.append(f"{kind}: must be a list")
        sections[kind] = value if isinstance(value, list) else []
    return sections


def _check(
    kind: str,
    index: int,
    raw: object,
    first: dict[str, int],
    themes: Collection[str],
    tz: tzinfo | None,
) -> tuple[Entry | None, list[str]]:
    schema = KINDS[kind]
    key = _key(raw, schema.KEY)
    label = f'{kind}[{index}] ({schema.KEY} "{key}")' if key is not None else f"{kind}[{index}]"
    entry, problems = _parse(schema, raw, tz)
    if key is not None and key in first:
        problems.append(f"{schema.KEY}: duplicate of {kind}[{first[key]}]")
    elif key is not None:
        first[key] = index
    refs = raw.get("themes") if isinstance(raw, Mapping) and kind != "themes" else None
    for position, slug in enumerate(refs if isinstance(refs, list) else []):
        if isinstance(slug, str) and slug not in themes:
            problems.append(f'themes[{position}]: unknown theme "{slug}"')
    return (None if problems else entry), [f"{label}: {problem}" for problem in problems]


def _parse(schema: type[Entry], raw: object, tz: tzinfo | None) -> tuple[Entry | None, list[str]]:
    try:
        entry = schema.model_validate(raw)
    except ValidationError as exc:
        return None, [_describe(error) for error in exc.errors()]
    problems = []
    for name in type(entry).model_fields:
        value = getattr(entry, name)
        if tz is not None and isinstance(value, datetime) and value.tzinfo is None:
            # A wall time skipped when the clocks move forward does not exist; a round trip
            # through UTC reveals it. A repeated autumn hour means its first occurrence.
            back = value.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None)
            if back != value:
                problems.append(f"{name}: {value:%Y-%m-%d %H:%M} does not exist in {tz}")
    return entry, problems


def _key(raw: object, name: str) -> str | None:
    value = raw.get(name) if isinstance(raw, Mapping) else None
    return value if isinstance(value, str) else None


def _describe(error: ErrorDetails) -> str:
    where = ""
    for part in error["loc"]:
        where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
    if error["type"] == "extra_forbidden":
        message = "unknown key"
    elif error["type"] == "missing":
        message = "required"
    elif error["type"] == "model_type":
        message = "must be a mapping of fields"
    else:
        message = error["msg"].removeprefix("Value error, ")
    return f"{where}: {message}" if where else message
