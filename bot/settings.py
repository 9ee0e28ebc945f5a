"""Runtime configuration read from the environment and an optional `.env` file.

The variable names are a contract with operators and outside tools: keep them exactly.
"""

from __future__ import annotations

import re
import sys
from datetime import time, timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

LANGUAGES = ("uk", "en")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_OFFSET = re.compile(r"^\s*(\d+)\s*([dhm])\s*$")
_UNIT = {"d": "days", "h": "hours", "m": "minutes"}


def parse_offset(text: str) -> timedelta:
    """Parse `24h`, `90m` or `1d` into a timedelta; raise ValueError otherwise."""
    match = _OFFSET.match(text)
    if not match:
        raise ValueError(f"{text!r} is not an offset like 24h, 1h or 0m")
    return timedelta(**{_UNIT[match.group(2)]: int(match.group(1))})


def format_offset(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes and minutes % 1440 == 0:
        return f"{minutes // 1440}d"
    if minutes and minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


def _split(value: object) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, int):
        return [str(value)]
    return [str(part).strip() for part in value or []]  # type: ignore[union-attr]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=True)

    BOT_TOKEN: SecretStr | None = None
    DATABASE_URL: str = "sqlite+aiosqlite:///data/hromada.sqlite3"
    TELEGRAM_API_URL: str = "https://api.telegram.org"
    ADMIN_IDS: Annotated[list[int], NoDecode] = Field(default_factory=list)
    TIMEZONE: str = "Europe/Kyiv"
    DEFAULT_LANGUAGE: str = "uk"
    REMINDER_OFFSETS: Annotated[list[timedelta], NoDecode] = Field(
        default_factory=lambda: [timedelta(hours=24), timedelta(hours=1), timedelta(0)]
    )
    DIGEST_DAY: str = "mon"
    DIGEST_TIME: time = time(9, 0)
    FEED_URLS: Annotated[list[str], NoDecode] = Field(default_factory=list)
    BROADCAST_RATE: float = 25.0
    WEBHOOK_URL: str | None = None
    WEBHOOK_SECRET: SecretStr | None = None
    LISTEN_HOST: str = "127.0.0.1"
    LISTEN_PORT: int = 8080
    LOG_LEVEL: str = "INFO"
    LOG_FORMAT: str = "text"

    @field_validator("ADMIN_IDS", mode="before")
    @classmethod
    def _admin_ids(cls, value: object) -> list[int]:
        parts = _split(value)
        bad = [part for part in parts if not part.lstrip("-").isdigit()]
        if bad:
            raise ValueError(f"not a numeric Telegram user id: {', '.join(bad)}")
        return [int(part) for part in parts]

    @field_validator("TIMEZONE")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r} (use a name like Europe/Kyiv)"
            ) from None
        return value

    @field_validator("DEFAULT_LANGUAGE")
    @classmethod
    def _language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"must be one of {', '.join(LANGUAGES)}")
        return value

    @field_validator("REMINDER_OFFSETS", mode="before")
    @classmethod
    def _offsets(cls, value: object) -> list[timedelta]:
        if isinstance(value, list) and all(isinstance(v, timedelta) for v in value):
            return value
        offsets = sorted({parse_offset(part) for part in _split(value)}, reverse=True)
        if not offsets:
            raise ValueError("give at least one offset, e.g. 24h,1h,0m")
        return offsets

    @field_validator("DIGEST_DAY")
    @classmethod
    def _day(cls, value: str) -> str:
        if value.lower()[:3] not in DAYS:
            raise ValueError(f"must be one of {', '.join(DAYS)}")
        return value.lower()[:3]

    @field_validator("DIGEST_TIME", mode="before")
    @classmethod
    def _digest_time(cls, value: object) -> object:
        if isinstance(value, str) and not re.fullmatch(r"\d{1,2}:\d{2}", value.strip()):
            raise ValueError(f"{value!r} is not a time like 09:00")
        return value

    @field_validator("FEED_URLS", mode="before")
    @classmethod
    def _feeds(cls, value: object) -> list[str]:
        urls = _split(value)
        bad = [url for url in urls if not url.startswith(("http://", "https://"))]
        if bad:
            raise ValueError(f"not an http(s) URL: {', '.join(bad)}")
        return urls

    @field_validator("BROADCAST_RATE")
    @classmethod
    def _rate(cls, value: float) -> float:
        if not 0 < value <= 1000:
            raise ValueError("must be between 0 and 1000 messages per second")
        return value

    @field_validator("LOG_LEVEL")
    @classmethod
    def _level(cls, value: str) -> str:
        if value.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return value.upper()

    @field_validator("LOG_FORMAT")
    @classmethod
    def _format(cls, value: str) -> str:
        if value.lower() not in ("text", "json"):
            raise ValueError("must be text or json")
        return value.lower()

    @model_validator(mode="after")
    def _webhook(self) -> Settings:
        if self.WEBHOOK_URL and not self.WEBHOOK_SECRET:
            raise ValueError("WEBHOOK_SECRET: required when WEBHOOK_URL is set")
        secret = self.WEBHOOK_SECRET.get_secret_value() if self.WEBHOOK_SECRET else ""
        if secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ValueError("WEBHOOK_SECRET: 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.TIMEZONE)

    @property
    def token(self) -> str:
        return self.BOT_TOKEN.get_secret_value() if self.BOT_TOKEN else ""

    def sqlite_path(self) -> Path | None:
        """The file behind a SQLite URL, so its folder can be created before connecting."""
        prefix = "sqlite+aiosqlite:///"
        if self.DATABASE_URL.startswith(prefix) and ":memory:" not in self.DATABASE_URL:
            return Path(self.DATABASE_URL[len(prefix) :])
        return None


class SettingsError(Exception):
    """Configuration is invalid; the message is one line naming the variable."""


def load_settings(**overrides: object) -> Settings:
    """Build Settings, turning pydantic's report into one clear line per bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = ".".join(str(part) for part in error["loc"])
            message = str(error["msg"]).removeprefix("Value error, ")
            # Model-level checks (WEBHOOK_SECRET) already name their variable.
            lines.append(f"{name}: {message}" if name else message)
        raise SettingsError("; ".join(lines)) from None


def settings_or_exit() -> Settings:
    """For command-line entry points: one clear line on stderr and exit 2, never a traceback."""
    try:
        return load_settings()
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
