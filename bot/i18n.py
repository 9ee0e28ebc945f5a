"""Gettext catalogues and the per-update locale.

Strings are English msgids. The locale lives in a ContextVar: handlers set it once per update, and
code outside an update (reminders, digests, broadcasts) renders inside `with use_locale(lang):`.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LANGUAGES = ("uk", "en")
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"

_current: ContextVar[str] = ContextVar("locale", default="uk")
_catalogues: dict[str, Translations] = {}


class CatalogueError(RuntimeError):
    """A compiled or source catalogue is missing: the bot must not start speaking raw msgids."""


def _load_one(language: str) -> Translations:
    folder = LOCALES_DIR / language / "LC_MESSAGES"
    mo, po = folder / f"{DOMAIN}.mo", folder / f"{DOMAIN}.po"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return Translations(handle, domain=DOMAIN)
    if not po.exists():
        raise CatalogueError(f"no catalogue for {language!r} at {po}")
    # Compiling in memory keeps a fresh checkout working before `make locales` has run.
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def load_catalogues(reload: bool = False) -> None:
    if _catalogues and not reload:
        return
    for language in LANGUAGES:
        _catalogues[language] = _load_one(language)


def _translations() -> Translations:
    if not _catalogues:
        load_catalogues()
    return _catalogues[_current.get()]


def pick_locale(*candidates: str | None, default: str = "uk") -> str:
    """The first supported language among member choice, Telegram's language_code, default."""
    for candidate in candidates:
        if candidate:
            code = candidate.lower().replace("_", "-").split("-")[0]
            if code in LANGUAGES:
                return code
    return default


def set_locale(language: str) -> None:
    _current.set(language if language in LANGUAGES else "uk")


def get_locale() -> str:
    return _current.get()


@contextmanager
def use_locale(language: str) -> Iterator[None]:
    token = _current.set(language if language in LANGUAGES else "uk")
    try:
        yield
    finally:
        _current.reset(token)


def _(message: str) -> str:
    return _translations().ugettext(message)


gettext = _


def ngettext(singular: str, plural: str, count: int) -> str:
    return _translations().ungettext(singular, plural, count)


def N_(message: str) -> str:
    """Mark a module-level string for extraction; translate it at send time with _()."""
    return message
