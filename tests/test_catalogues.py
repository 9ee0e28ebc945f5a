"""Every msgid is translated in uk and en, with the same placeholders and Ukrainian's 3 plurals."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot import catalog
from bot.i18n import _, load_catalogues, ngettext, use_locale

ROOT = Path(__file__).resolve().parent.parent


def test_catalogues_have_no_problems() -> None:
    assert catalog.problems() == []


def test_every_msgid_in_the_code_is_in_the_catalogues(tmp_path: Path) -> None:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "extract", "-F", "babel.cfg",
         "-k", "N_", "--no-location", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    from babel.messages.pofile import read_po

    with pot.open("rb") as handle:
        wanted = {message.id if isinstance(message.id, str) else message.id[0]
                  for message in read_po(handle) if message.id}  # fmt: skip
    for language in ("uk", "en"):
        have = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog.read(language)}
        assert sorted(wanted - have) == [], f"run `make locales`: missing in {language}"


def test_problems_are_detected(tmp_path: Path, monkeypatch: object) -> None:
    from babel.messages.catalog import Catalog

    broken = Catalog(locale="uk")
    broken.add("Hello, {name}!", "Привіт!")
    broken.add(("{n} webinar", "{n} webinars"), ("{n} вебінар", "{n} вебінари"))
    broken.add("Untranslated", "")
    import pytest

    mp = pytest.MonkeyPatch()
    mp.setattr(catalog, "read", lambda language: broken if language == "uk" else Catalog("en"))
    try:
        found = "\n".join(catalog.problems())
    finally:
        mp.undo()
    assert "placeholders differ" in found
    assert "has 2 plural forms, needs 3" in found
    assert "'Untranslated' lacks a translation" in found


def test_ukrainian_and_english_are_served() -> None:
    load_catalogues(reload=True)
    with use_locale("uk"):
        assert _("Upcoming webinars") == "Найближчі вебінари"
    with use_locale("en"):
        assert _("Upcoming webinars") == "Upcoming webinars"
    with use_locale("uk"):
        assert ngettext("{n} day", "{n} days", 5) in ("{n} day", "{n} days", "{n} днів")
