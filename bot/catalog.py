"""Maintain the gettext catalogues: extract, update, fill, check and compile.

Run as `python -m bot.catalog {sync,fill,missing,check,compile}`; every write takes a file lock
so several people (or scripts) can update the catalogues at once without losing entries.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from bot.i18n import DOMAIN, LANGUAGES, LOCALES_DIR

ROOT = LOCALES_DIR.parent
POT = LOCALES_DIR / f"{DOMAIN}.pot"
PLACEHOLDER = re.compile(r"\{[a-zA-Z_][a-zA-Z0-9_]*(?:![rsa])?(?::[^{}]*)?\}|%\(\w+\)[sd]|%[sd]")
PLURAL_FORMS = {"uk": 3, "en": 2}


def po_path(language: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@contextmanager
def locked() -> Iterator[None]:
    LOCALES_DIR.mkdir(parents=True, exist_ok=True)
    with (LOCALES_DIR / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def read(language: str) -> Catalog:
    with po_path(language).open("rb") as handle:
        return read_po(handle, locale=language)


def write(language: str, catalog: Catalog) -> None:
    path = po_path(language)
    catalog.fuzzy = False
    catalog.project, catalog.version = "hromada-companion", "0.1.0"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=99, omit_header=False, sort_output=True)


def sync() -> None:
    """Extract msgids from bot/ and handlers/ and merge them into both catalogues."""
    with locked():
        subprocess.run(
            [str(Path(sys.executable).parent / "pybabel"), "extract", "-F", "babel.cfg",
             "-k", "N_", "--no-location", "--sort-output",
             "--project", "hromada-companion", "-o", str(POT), "."],
            cwd=ROOT, check=True, capture_output=True,
        )  # fmt: skip
        with POT.open("rb") as handle:
            template = read_po(handle)
        for language in LANGUAGES:
            catalog = read(language) if po_path(language).exists() else Catalog(locale=language)
            catalog.update(template, no_fuzzy_matching=True)
            write(language, catalog)


def fill(entries: dict[str, dict[str, object]]) -> int:
    """Set translations: {msgid: {"uk": str | [3 forms], "en": ...}}; en defaults to msgid."""
    changed = 0
    with locked():
        for language in LANGUAGES:
            catalog = read(language)
            for msgid, values in entries.items():
                message = catalog.get(msgid)
                if message is None:
                    plural = values.get("plural")
                    key: object = (msgid, plural) if plural else msgid
                    catalog.add(key, "" if not plural else ("",) * PLURAL_FORMS[language])
                    message = catalog.get(msgid)
                value = values.get(language)
                if value is None and language == "en":
                    value = [message.id[0], message.id[1]] if message.pluralizable else msgid
                if value is None:
                    continue
                message.string = tuple(value) if isinstance(value, list) else value
                message.flags.discard("fuzzy")
                changed += 1
            write(language, catalog)
    return changed


def problems() -> list[str]:
    """Every missing translation, placeholder mismatch and wrong plural count, one line each."""
    found: list[str] = []
    for language in LANGUAGES:
        for message in read(language):
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            label = f"{language}: {ids[0]!r}"
            if "fuzzy" in message.flags:
                found.append(f"{label} is marked fuzzy")
            if message.pluralizable and len(strings) != PLURAL_FORMS[language]:
                found.append(
                    f"{label} has {len(strings)} plural forms, needs {PLURAL_FORMS[language]}"
                )
            if not all(strings):
                found.append(f"{label} lacks a translation")
                continue
            wanted = sorted(set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0])))
            for form in strings:
                if sorted(set(PLACEHOLDER.findall(form))) != wanted:
                    found.append(f"{label} placeholders differ: {form!r}")
    return found


def compile_all() -> None:
    for language in LANGUAGES:
        with po_path(language).with_suffix(".mo").open("wb") as handle:
            write_mo(handle, read(language))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.catalog", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("sync", help="extract msgids and merge into locales/{uk,en}")
    fill_cmd = sub.add_parser("fill", help="set translations from a JSON file")
    fill_cmd.add_argument("file", type=Path)
    sub.add_parser("missing", help="list msgids without translations")
    sub.add_parser("check", help="fail on any catalogue problem")
    sub.add_parser("compile", help="write .mo files")
    args = parser.parse_args(argv)
    if args.command == "sync":
        sync()
    elif args.command == "fill":
        print(f"updated {fill(json.loads(args.file.read_text(encoding='utf-8')))} entries")
    elif args.command in ("missing", "check"):
        issues = problems()
        print("\n".join(issues) or "catalogues complete")
        return 1 if issues and args.command == "check" else 0
    elif args.command == "compile":
        compile_all()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
