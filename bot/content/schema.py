"""The content file's item schema: what outside tools may write, checked field by field."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictBool,
    StrictInt,
    model_serializer,
)

_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?[0-9][0-9 ()-]{3,30}")
_TELEGRAM = re.compile(r"@[A-Za-z0-9_]{4,32}")


class Local(BaseModel):
    """A text in both languages; dumped back as a plain string when both are the same."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    uk: str
    en: str

    @model_serializer
    def _dump(self) -> str | dict[str, str]:
        return self.uk if self.uk == self.en else {"uk": self.uk, "en": self.en}


def _local(value: object) -> object:
    if isinstance(value, str):
        return {"uk": value, "en": value}
    if isinstance(value, dict | Local):
        return value
    raise ValueError("must be a string or a {uk: ..., en: ...} mapping")


def _date_time(value: object) -> datetime:
    # YAML loaders may already have made a datetime; our own loader leaves the text as is.
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            if not _is_date_only(text):
                return parsed
    raise ValueError("not an ISO 8601 date-time")


def _is_date_only(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _checked(pattern: re.Pattern[str], message: str) -> AfterValidator:
    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            raise ValueError(message)
        return value

    return AfterValidator(check)


def _url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        raise ValueError("must be an http(s) URL")
    return value


def _blank_to_none(value: object) -> object:
    # Spreadsheet exports write "" for an empty cell; that means "none", not a broken value.
    return None if isinstance(value, str) and not value.strip() else value


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _sized(limit: int) -> AfterValidator:
    def check(value: Local) -> Local:
        if not (0 < len(value.uk) <= limit and 0 < len(value.en) <= limit):
            raise ValueError(f"must be 1–{limit} characters in each language")
        return value

    return AfterValidator(check)


def _optional(*metadata: Any) -> Any:
    """An optional string field with checks; a blank value means none."""
    return Annotated[Annotated[str, *metadata] | None, BeforeValidator(_blank_to_none)]


Text = Annotated[Local, BeforeValidator(_local)]
Title = Annotated[Local, BeforeValidator(_local), _sized(256)]
Slug = Annotated[str, _checked(_SLUG, "must be lowercase letters, digits and dashes (≤ 64)")]
DateTime = Annotated[
    datetime, BeforeValidator(_date_time), PlainSerializer(lambda value: value.isoformat())
]
Url = _optional(Field(max_length=512), AfterValidator(_url))
Email = _optional(_checked(_EMAIL, "not an e-mail address"))
Phone = _optional(_checked(_PHONE, "not a phone number like +380 44 123 4567"))
Telegram = _optional(_checked(_TELEGRAM, "not a Telegram handle like @iclei_europe"))
NewsUrl = _optional(Field(max_length=1024), AfterValidator(_url))
Label = _optional(Field(max_length=256))
Region = _optional(Field(max_length=128))
Name = Annotated[str, Field(min_length=1, max_length=256)]
ThemeRefs = Annotated[list[Slug], AfterValidator(_unique)]
NO_TEXT = Local(uk="", en="")


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    KEY: ClassVar[str] = "slug"
    # Schema field name → model column name where the two differ.
    RENAMES: ClassVar[dict[str, str]] = {}


class ThemeEntry(Entry):
    slug: Slug
    title: Title
    description: Text = NO_TEXT
    position: StrictInt = 0


class WebinarEntry(Entry):
    RENAMES: ClassVar[dict[str, str]] = {"example": "is_example"}

    slug: Slug
    title: Title
    description: Text = NO_TEXT
    starts_at: DateTime
    duration_minutes: Annotated[StrictInt, Field(ge=1, le=24 * 60)] = 60
    themes: ThemeRefs = Field(default_factory=list)
    speakers: list[Name] = Field(default_factory=list)
    join_url: Url = None
    registration_url: Url = None
    recording_url: Url = None
    status: Literal["scheduled", "cancelled", "postponed", "interrupted"] = "scheduled"
    series: Label = None
    example: StrictBool = False


class ContactEntry(Entry):
    slug: Slug
    name: Title
    description: Text = NO_TEXT
    themes: ThemeRefs = Field(default_factory=list)
    region: Region = None
    url: Url = None
    email: Email = None
    phone: Phone = None
    telegram: Telegram = None


class NewsEntry(Entry):
    KEY: ClassVar[str] = "guid"

    guid: Annotated[str, Field(min_length=1, max_length=512)]
    title: Annotated[Local, BeforeValidator(_local), _sized(512)]
    summary: Text = NO_TEXT
    url: NewsUrl = None
    source: Label = None
    published_at: DateTime


# Top-level key → item schema, in the order a file is written.
KINDS: dict[str, type[Entry]] = {
    "themes": ThemeEntry,
    "webinars": WebinarEntry,
    "contacts": ContactEntry,
    "news": NewsEntry,
}
# Written even when they hold their default, so a reader sees them without knowing the defaults.
_ALWAYS = ("position", "duration_minutes", "status")


def dump_entry(entry: Entry) -> dict[str, Any]:
    """The entry as the file spells it: empty and default-off fields left out, keys in order."""
    data = entry.model_dump(mode="python", exclude_none=True)
    return {
        key: value
        for key, value in data.items()
        if key in _ALWAYS or not (value is False or value == "" or value == [])
    }
