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

STATUSES = ("scheduled", "cancelled", "postponed", "interrupted")
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


Text = Annotated[Local, BeforeValidator(_local)]
Slug = Annotated[str, _checked(_SLUG, "must be lowercase letters, digits and dashes (≤ 64)")]
DateTime = Annotated[
    datetime, BeforeValidator(_date_time), PlainSerializer(lambda value: value.isoformat())
]
Url = Annotated[str, Field(max_length=1024), AfterValidator(_url)]
OptionalUrl = Annotated[Url | None, BeforeValidator(_blank_to_none)]
Name = Annotated[str, Field(min_length=1, max_length=256)]
OptionalName = Annotated[Name | None, BeforeValidator(_blank_to_none)]
ThemeRefs = Annotated[list[Slug], AfterValidator(_unique)]


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    KEY: ClassVar[str] = "slug"
    # Schema field name → model column name where the two differ.
    RENAMES: ClassVar[dict[str, str]] = {}


class ThemeItem(Item):
    slug: Slug
    title: Text
    description: Text = Local(uk="", en="")
    position: StrictInt = 0


class WebinarItem(Item):
    RENAMES: ClassVar[dict[str, str]] = {"example": "is_example"}

    slug: Slug
    title: Text
    description: Text = Local(uk="", en="")
    starts_at: DateTime
    duration_minutes: Annotated[StrictInt, Field(ge=1, le=24 * 60)] = 60
    themes: ThemeRefs = []
    speakers: list[Name] = []
    join_url: OptionalUrl = None
    registration_url: OptionalUrl = None
    recording_url: OptionalUrl = None
    status: Literal["scheduled", "cancelled", "postponed", "interrupted"] = "scheduled"
    series: OptionalName = None
    example: StrictBool = False


class ContactItem(Item):
    slug: Slug
    name: Text
    description: Text = Local(uk="", en="")
    themes: ThemeRefs = []
    region: OptionalName = None
    url: OptionalUrl = None
    email: Annotated[
        Annotated[str, _checked(_EMAIL, "not an e-mail address")] | None,
        BeforeValidator(_blank_to_none),
    ] = None
    phone: Annotated[
        Annotated[str, _checked(_PHONE, "not a phone number like +380 44 123 4567")] | None,
        BeforeValidator(_blank_to_none),
    ] = None
    telegram: Annotated[
        Annotated[str, _checked(_TELEGRAM, "not a Telegram handle like @iclei_europe")] | None,
        BeforeValidator(_blank_to_none),
    ] = None


class NewsItem(Item):
    KEY: ClassVar[str] = "guid"

    guid: Annotated[str, Field(min_length=1, max_length=512)]
    title: Text
    summary: Text = Local(uk="", en="")
    url: OptionalUrl = None
    source: OptionalName = None
    published_at: DateTime


# Top-level key → item schema, in the order a file is written.
KINDS: dict[str, type[Item]] = {
    "themes": ThemeItem,
    "webinars": WebinarItem,
    "contacts": ContactItem,
    "news": NewsItem,
}


def dump_item(item: Item) -> dict[str, Any]:
    """The item as the file spells it: empty and default-off fields left out, keys in order."""
    data = item.model_dump(mode="python", exclude_none=True)
    return {
        key: value
        for key, value in data.items()
        if value not in ("", [], False) or key in ("status", "duration_minutes", "position")
    }
