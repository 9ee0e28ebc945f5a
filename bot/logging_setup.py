"""Log lines with the bot token and webhook secret scrubbed; text for people, JSON for machines.

JSON (`LOG_FORMAT=json`) is one object per line, tracebacks included, for log collectors.
Text keeps tracebacks on their own lines so a developer can read them.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

REDACTED = "[REDACTED]"


def secret_variants(secrets: Iterable[str]) -> list[str]:
    """Every spelling of each secret that may reach a log line, longest first.

    A bot token `id:key` appears in URLs percent-encoded (`id%3Akey`), and its `key` half alone
    is as good as the whole token to anyone who knows the public bot id.
    """
    variants: set[str] = set()
    for secret in filter(None, secrets):
        variants.update({secret, quote(secret, safe=""), quote(secret)})
        bot_id, colon, key = secret.partition(":")
        if colon and bot_id.isdigit() and len(key) >= 8:
            variants.add(key)
    return sorted(variants, key=len, reverse=True)


class Redactor:
    def __init__(self, secrets: Iterable[str]) -> None:
        self.variants = secret_variants(secrets)

    def scrub(self, text: str) -> str:
        for variant in self.variants:
            text = text.replace(variant, REDACTED)
        return text

    def record(self, record: logging.LogRecord) -> logging.LogRecord:
        """Freeze the message (args included) and the traceback text, both scrubbed."""
        if not self.variants:
            return record
        try:
            message = record.getMessage()
        except Exception:  # bad %-args: logging reports those later; still scrub what is there
            message = f"{record.msg} {record.args}"
        record.msg, record.args = self.scrub(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.scrub(record.exc_text)
            # Formatters and integrations re-render exc_info; the frozen exc_text must win.
            record.exc_info = None
        if record.stack_info:
            record.stack_info = self.scrub(record.stack_info)
        return record


class RedactingFilter(logging.Filter):
    """For handlers set up elsewhere (tests, tools); setup_logging redacts every record."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.redactor = Redactor(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        self.redactor.record(record)
        return True


def install_record_factory(secrets: Iterable[str]) -> Callable[[], None]:
    """Redact at record creation, so every handler (pytest's caplog too) sees clean records.

    A filter on our handler alone would leave records going to any other handler untouched.
    Returns a function that restores the previous factory.
    """
    previous = logging.getLogRecordFactory()
    base = getattr(previous, "unredacted", previous)
    redactor = Redactor(secrets)

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return redactor.record(base(*args, **kwargs))

    factory.unredacted = base  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
    return lambda: logging.setLogRecordFactory(previous)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(level: str, fmt: str, secrets: list[str]) -> None:
    install_record_factory(secrets)
    handler = logging.StreamHandler(sys.stderr)
    # Belt and braces: records built before the factory was installed are scrubbed here.
    handler.addFilter(RedactingFilter(secrets))
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL (with the token) at INFO; keep it at WARNING.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # Per-operation traces of the HTTP and SQLite drivers drown the bot's own DEBUG lines.
    logging.getLogger("httpcore").setLevel(logging.INFO)
    logging.getLogger("aiosqlite").setLevel(logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
