"""Log lines: secrets scrubbed from every record, JSON one object per line."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from bot.logging_setup import REDACTED, install_record_factory, setup_logging
from bot.runner import secrets_of
from bot.settings import load_settings

TOKEN = "424242:AAE-logging_TestSecret0123456789"
KEY = TOKEN.split(":")[1]
SECRET = "webhook-Secret_abc123"
log = logging.getLogger("tests.deploy.logging")


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    factory = logging.getLogRecordFactory()
    yield
    root.handlers[:], root.level = handlers, level
    logging.setLogRecordFactory(factory)


def leaky_lines() -> None:
    log.warning("calling https://api.telegram.org/bot%s/getMe", TOKEN)
    log.warning("encoded: /bot%s/sendMessage", quote(TOKEN, safe=""))
    log.warning("just the key half: %s; the secret: %s", KEY, SECRET)
    try:
        raise RuntimeError(f"The token `{TOKEN}` was rejected by the server.")
    except RuntimeError:
        log.exception("start-up failed")
    log.warning("where: %s", TOKEN, stack_info=True)


def test_every_handler_sees_scrubbed_records(
    restore_logging: None, caplog: pytest.LogCaptureFixture
) -> None:
    install_record_factory([TOKEN, SECRET])
    with caplog.at_level(logging.WARNING):
        leaky_lines()
    formatted = "\n".join(logging.Formatter().format(record) for record in caplog.records)
    for text in (caplog.text, formatted):
        assert TOKEN not in text and KEY not in text and SECRET not in text
        assert quote(TOKEN, safe="") not in text
    assert formatted.count(REDACTED) >= 6
    assert "Traceback" in formatted and "RuntimeError: The token `[REDACTED]`" in formatted


def test_json_logs_are_one_object_per_line(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    setup_logging("INFO", "json", [TOKEN, SECRET])
    leaky_lines()
    log.info("Київ: %d учасників", 3)
    lines = capsys.readouterr().err.splitlines()
    entries = [json.loads(line) for line in lines]
    assert len(entries) == 6  # the traceback stays inside its own line
    assert entries[3]["level"] == "ERROR" and "Traceback" in entries[3]["exc"]
    assert entries[4]["stack"].startswith("Stack (most recent call last)")
    assert entries[5] == entries[5] | {"message": "Київ: 3 учасників", "logger": log.name}
    assert all(TOKEN not in line and KEY not in line and SECRET not in line for line in lines)


def test_the_database_password_is_a_secret_too() -> None:
    settings = load_settings(
        BOT_TOKEN=TOKEN,
        DATABASE_URL="postgresql+asyncpg://hromada:Long-DB-password-1@db/hromada",
        _env_file=None,
    )
    assert secrets_of(settings) == [TOKEN, "", "Long-DB-password-1"]
    short = load_settings(DATABASE_URL="postgresql+asyncpg://u:pw@db/x", _env_file=None)
    assert secrets_of(short)[2] == ""  # too short to scrub without mangling ordinary words
