"""Settings: defaults, the variable-name contract, and one clear line for every bad value."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import time, timedelta
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings


def test_defaults_match_the_documented_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "TIMEZONE", "REMINDER_OFFSETS", "ADMIN_IDS", "BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings(_env_file=None)
    assert settings.DATABASE_URL.startswith("sqlite+aiosqlite:///data/")
    assert settings.TELEGRAM_API_URL == "https://api.telegram.org"
    assert settings.TIMEZONE == "Europe/Kyiv" and settings.DEFAULT_LANGUAGE == "uk"
    assert settings.REMINDER_OFFSETS == [timedelta(hours=24), timedelta(hours=1), timedelta(0)]
    assert (settings.DIGEST_DAY, settings.DIGEST_TIME) == ("mon", time(9, 0))
    assert settings.BROADCAST_RATE == 25 and settings.FEED_URLS == [] and settings.ADMIN_IDS == []


def test_lists_are_read_from_comma_separated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", "101, 202")
    monkeypatch.setenv("REMINDER_OFFSETS", "0m,2d,90m")
    monkeypatch.setenv("FEED_URLS", "https://a.example/rss,http://b.example/atom")
    settings = load_settings(_env_file=None)
    assert settings.ADMIN_IDS == [101, 202]
    assert settings.REMINDER_OFFSETS == [timedelta(days=2), timedelta(minutes=90), timedelta(0)]
    assert settings.FEED_URLS == ["https://a.example/rss", "http://b.example/atom"]


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("TIMEZONE", "Mars/Olympus", "TIMEZONE: unknown time zone"),
        ("REMINDER_OFFSETS", "abc", "REMINDER_OFFSETS: 'abc' is not an offset"),
        ("ADMIN_IDS", "12,bob", "ADMIN_IDS: not a numeric Telegram user id: bob"),
        ("DEFAULT_LANGUAGE", "de", "DEFAULT_LANGUAGE: must be one of uk, en"),
        ("DIGEST_DAY", "someday", "DIGEST_DAY: must be one of"),
        ("DIGEST_TIME", "9am", "DIGEST_TIME: '9am' is not a time"),
        ("BROADCAST_RATE", "0", "BROADCAST_RATE: must be between"),
        ("FEED_URLS", "ftp://x", "FEED_URLS: not an http(s) URL"),
    ],
)
def test_bad_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as error:
        load_settings(_env_file=None)
    assert expected in str(error.value)
    assert "\n" not in str(error.value)


def test_webhook_mode_requires_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org/telegram")
    monkeypatch.delenv("WEBHOOK_SECRET", raising=False)
    with pytest.raises(SettingsError, match="WEBHOOK_SECRET: required when WEBHOOK_URL is set"):
        load_settings(_env_file=None)


def test_cli_stops_with_one_line_and_no_traceback(tmp_path: os.PathLike[str]) -> None:
    env = {**os.environ, "TIMEZONE": "Europe/Atlantis", "DATABASE_URL": "sqlite+aiosqlite://"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "migrate"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "configuration error: TIMEZONE: unknown time zone 'Europe/Atlantis' "
        "(use a name like Europe/Kyiv)"
    ]
    assert "Traceback" not in result.stderr


def test_console_script_and_python_m_bot_are_one_cli() -> None:
    script = shutil.which("hromada", path=str(Path(sys.executable).parent))
    assert script is not None, "the `hromada` console script is not installed (pip install -e .)"
    outputs = [
        subprocess.run(
            [*command, "--help"], capture_output=True, text=True, timeout=60, check=True
        ).stdout
        for command in ([script], [sys.executable, "-m", "bot"])
    ]
    assert outputs[0] == outputs[1]
    assert outputs[0].startswith("usage: hromada ")
    for command in ("migrate", "content", "run", "sandbox"):
        assert command in outputs[0]
