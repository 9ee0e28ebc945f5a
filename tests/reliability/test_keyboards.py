"""R6: every keyboard builder, fed long Cyrillic titles and large ids, keeps callback_data valid.

Builders are discovered (every function in bot.render, bot.scheduler and handlers annotated to
return an InlineKeyboardMarkup or buttons), so a new keyboard is checked without editing this file.
Handler helpers that need a live update (a BotContext) only call these builders.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import string
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

import bot.render
import bot.scheduler
import handlers
from bot.i18n import load_catalogues, use_locale
from bot.models import Member, Theme, Webinar
from bot.services.search import Hit

PACKAGES = (bot.render, bot.scheduler, handlers)
BIG = st.integers(min_value=1, max_value=2**31 - 1)  # Integer primary keys, up to the largest
TITLE = st.text(alphabet="абвгґдеєжзиіїйклмнопрстуфхцчшщьюяЇЄҐ🌻 ", min_size=1, max_size=300)
SLUG = st.text(alphabet=string.ascii_lowercase + string.digits + "-", min_size=1, max_size=64)
ZONES = st.sampled_from([ZoneInfo(z) for z in ("Europe/Kyiv", "Europe/Brussels", "UTC")])
WHEN = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1)).map(
    lambda moment: moment.replace(tzinfo=UTC)
)


def builders() -> list[Callable[..., Any]]:
    found = []
    for package in PACKAGES:
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for function in vars(module).values():
                if not inspect.isfunction(function) or function.__module__ != module.__name__:
                    continue
                signature = inspect.signature(function)
                returns = str(signature.return_annotation)
                if ("Markup" in returns or "KeyboardButton" in returns) and not any(
                    "Context" in str(p.annotation) for p in signature.parameters.values()
                ):
                    found.append(function)
    return found


@st.composite
def webinars(draw: st.DrawFn) -> Webinar:
    return Webinar(
        id=draw(BIG), slug=draw(SLUG), title_uk=draw(TITLE), title_en=draw(TITLE),
        description_uk=draw(TITLE), description_en=draw(TITLE), starts_at=draw(WHEN),
        duration_minutes=draw(st.integers(1, 600)), speakers=[draw(TITLE)], themes=[],
        series=draw(TITLE), status="scheduled", join_url="https://example.org/j",
        recording_url=None, registration_url=None, schedule_version=draw(BIG), is_example=False,
    )  # fmt: skip


@st.composite
def themes(draw: st.DrawFn) -> Theme:
    return Theme(id=draw(BIG), slug=draw(SLUG), title_uk=draw(TITLE), title_en=draw(TITLE))


@st.composite
def members(draw: st.DrawFn) -> Member:
    return Member(id=draw(BIG), user_id=draw(BIG), chat_id=draw(BIG), first_name=draw(TITLE))


@st.composite
def hits(draw: st.DrawFn) -> Hit:
    kind = draw(st.sampled_from(["webinar", "theme", "contact", "news"]))
    return Hit(kind, draw(BIG), draw(TITLE), draw(TITLE), draw(st.none() | WHEN))


CALLBACK = st.builds(lambda word, n: f"{word}:{n}", st.sampled_from(["del", "w", "ok"]), BIG)
OFFSETS = st.lists(st.sampled_from([timedelta(days=1), timedelta(hours=1), timedelta(0)]))
BY_NAME: dict[str, st.SearchStrategy[Any]] = {
    "language": st.sampled_from(["uk", "en"]),
    "prefix": st.text(alphabet=string.ascii_lowercase + ":", min_size=1, max_size=8),
    # Callback strings the code builds itself: a short word and an id.
    "data:str": CALLBACK,
    "data:list[tuple[int, str]]": st.lists(st.tuples(st.integers(1, 99), CALLBACK), max_size=12),
    "number": st.integers(0, 10**6),
    "per_row": st.integers(1, 8),
    "offsets": OFFSETS,
    "chosen": st.lists(st.sampled_from(["1d", "24h", "1h", "0m", "90m"])),
    "page": st.tuples(st.sampled_from(["w", "p"]), st.integers(0, 10**6), *[st.booleans()] * 2),
}
BY_TYPE: dict[str, st.SearchStrategy[Any]] = {
    "int": BIG,
    "int | None": st.none() | BIG,
    "bool": st.booleans(),
    "str": TITLE,
    "ZoneInfo": ZONES,
    "Webinar": webinars(),
    "Theme": themes(),
    "list[Webinar]": st.lists(webinars(), max_size=12),
    "list[Theme]": st.lists(themes(), max_size=12),
    "list[Member]": st.lists(members(), max_size=12),
    "list[Hit]": st.lists(hits(), max_size=12),
    "list[tuple[int, str]]": st.lists(st.tuples(BIG, TITLE), max_size=12),
    "list[tuple[Webinar, int]]": st.lists(st.tuples(webinars(), BIG), max_size=12),
}


def arguments(function: Callable[..., Any]) -> st.SearchStrategy[dict[str, Any]]:
    parameters = {}
    for name, parameter in inspect.signature(function).parameters.items():
        if parameter.default is not inspect.Parameter.empty and name != "per_row":
            continue
        annotation = str(parameter.annotation)
        keys = [(BY_NAME, f"{name}:{annotation}"), (BY_NAME, name), (BY_TYPE, annotation)]
        strategy = next((table[key] for table, key in keys if key in table), None)
        assert strategy is not None, f"{function.__qualname__}: no strategy for {name}"
        parameters[name] = strategy
    return st.fixed_dictionaries(parameters)


def buttons(result: Any) -> list[InlineKeyboardButton]:
    if isinstance(result, tuple):
        return [b for part in result for b in buttons(part)]
    if isinstance(result, InlineKeyboardMarkup):
        return [b for row in result.inline_keyboard for b in row]
    if isinstance(result, InlineKeyboardButton):
        return [result]
    if isinstance(result, list):
        return [b for item in result for b in buttons(item)]
    return []


BUILDERS = builders()


def test_r6_every_builder_is_found() -> None:
    print(f"\nR6 {len(BUILDERS)} keyboard builders: "
          f"{', '.join(sorted(f.__qualname__ for f in BUILDERS))}")  # fmt: skip
    assert len(BUILDERS) >= 25


@pytest.mark.parametrize("function", BUILDERS, ids=lambda f: f"{f.__module__}.{f.__qualname__}")
def test_r6_callback_data_is_1_to_64_bytes(function: Callable[..., Any]) -> None:
    load_catalogues()
    longest = 0

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(kwargs=arguments(function), language=st.sampled_from(["uk", "en"]))
    def check(kwargs: dict[str, Any], language: str) -> None:
        nonlocal longest
        with use_locale(language):
            result = function(**kwargs)
        for button in buttons(result):
            data = button.callback_data
            if data is not None:
                size = len(str(data).encode("utf-8"))
                longest = max(longest, size)
                assert 1 <= size <= 64, f"{function.__qualname__}: {data!r} is {size} bytes"

    check()
    print(f"R6 {function.__qualname__}: longest callback_data {longest} bytes")
