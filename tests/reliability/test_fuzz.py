"""R14: malformed and odd updates (fuzzed with hypothesis) reach every handler; the bot carries on.

Updates go through the emulator's getUpdates as raw JSON, so PTB's parsing is fuzzed too. They
mix shapes Telegram sends (messages in every chat type, callbacks, inline queries, member
updates) with what it should not: missing fields, huge texts, odd unicode, unknown update types,
forged callback data aimed at every handler's prefix.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from telegram.error import TelegramError

from tests.harness import BotHarness
from tests.moderation.conftest import OWNER

pytestmark = pytest.mark.bot_settings(ADMIN_IDS=str(OWNER))
USERS = [250_001, 250_002, OWNER]
GROUP = -250_100
ODD = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60
) | st.sampled_from(
    ["\u202e", "\u0000", "👩‍👩‍👧‍👦" * 50, "ї" * 5000, "<b>", "&amp;", "/start " + "x" * 500]
)
COMMANDS = [
    "/start", "/help", "/webinars", "/calendar", "/themes", "/contacts", "/news", "/search",
    "/settings", "/privacy", "/forget", "/stop", "/broadcast", "/stats", "/linkchat", "/cancel",
    "/start w_", "/start t_x", "/start " + "w_" * 40,
]  # fmt: skip
PREFIXES = [
    "w:rsvp:", "w:ics:", "w:page:", "t:open:", "t:follow:", "c:one:", "c:theme:", "n:one:",
    "n:page:", "s:lang:", "s:tz:", "s:rem:", "s:dig:", "s:quiet:", "fb:", "bc:send:", "bc:aud:",
    "bc:stop:", "aw:pick:", "aw:field:", "mod:rm:", "st:csv:", "au:page:", "pz:", "menu:",
]  # fmt: skip
NUMBER = st.sampled_from(["0", "-1", "999999999", "1" * 30, "abc", "", "1:2:3"]) | st.integers(
    0, 2**40
).map(str)


def _chat(user_id: int, kind: str) -> dict[str, Any]:
    if kind == "private":
        return {"id": user_id, "type": "private", "first_name": "Fuzz"}
    return {"id": GROUP, "type": kind, "title": "Громада"}


@st.composite
def messages(draw: st.DrawFn) -> dict[str, Any]:
    user = draw(st.sampled_from(USERS))
    text = draw(st.sampled_from(COMMANDS) | ODD) + draw(st.sampled_from(["", " "]) | ODD)
    message: dict[str, Any] = {
        "message_id": draw(st.integers(1, 2**31)),
        "date": draw(st.integers(0, 2**32)),
        "chat": _chat(user, draw(st.sampled_from(["private", "group", "supergroup"]))),
        "from": {"id": user, "is_bot": False, "first_name": draw(ODD) or "F",
                 "language_code": draw(st.sampled_from(["uk", "en", "de", "", "zz-ZZ"]))},
        "text": text,
    }  # fmt: skip
    if text.startswith("/"):
        length = len(text.split(" ")[0])
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    for key in draw(st.sets(st.sampled_from(["from", "text", "date", "chat", "entities"]))):
        if draw(st.booleans()):
            message.pop(key, None)  # fields Telegram always sends, missing
    return message


@st.composite
def callbacks(draw: st.DrawFn) -> dict[str, Any]:
    user = draw(st.sampled_from(USERS))
    data = draw(st.sampled_from(PREFIXES)) + draw(NUMBER) + draw(st.sampled_from(["", ":x"]))
    query: dict[str, Any] = {
        "id": str(draw(st.integers(1, 2**60))),
        "from": {"id": user, "is_bot": False, "first_name": "F"},
        "chat_instance": "1",
        "data": draw(st.just(data) | ODD),
    }
    if draw(st.booleans()):  # otherwise an inline message's button: no message at all
        query["message"] = {"message_id": 1, "date": 0, "chat": _chat(user, "private")}
    return query


def updates() -> st.SearchStrategy[dict[str, Any]]:
    unknown = st.dictionaries(st.sampled_from(["business_story", "x", "message_v2"]), ODD)
    member_update = st.fixed_dictionaries({"chat": st.just(_chat(0, "group")), "date": NUMBER})
    inline = st.fixed_dictionaries(
        {"id": st.just("1"), "query": ODD, "offset": ODD,
         "from": st.just({"id": USERS[0], "is_bot": False, "first_name": "F"})}
    )  # fmt: skip
    return st.one_of(
        messages().map(lambda m: {"message": m}),
        messages().map(lambda m: {"edited_message": m}),
        callbacks().map(lambda q: {"callback_query": q}),
        inline.map(lambda q: {"inline_query": q}),
        member_update.map(lambda m: {"my_chat_member": m}),
        unknown,
    )


def draw_updates(count: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    @settings(
        max_examples=count, database=None, derandomize=True, deadline=None,
        phases=[Phase.generate], suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    @given(updates())
    def collect(update: dict[str, Any]) -> None:
        found.append(update)

    collect()
    return found


@pytest.mark.timeout(180)
async def test_r14_fuzzed_updates_never_crash_a_handler_and_the_bot_keeps_answering(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    errors: list[BaseException] = []

    async def collect(_update: object, context: Any) -> None:
        errors.append(context.error)

    # First in line: the application's handler ends processing once it has apologised.
    installed = dict(bot.app.error_handlers)
    bot.app.error_handlers.clear()
    bot.app.add_error_handler(collect)
    bot.app.error_handlers.update(installed)
    bot.emu.add_group(GROUP, "Громада")
    for user_id in USERS:
        bot.emu.ensure_user(user_id, first_name="Fuzz")
    fuzz = draw_updates(300)
    caplog.set_level(logging.WARNING)
    probe = bot.user(250_009, language_code="en")
    for start in range(0, len(fuzz), 50):
        for update in fuzz[start : start + 50]:
            bot.emu.updates.push(update)
        await probe.send("/help")  # answered after the batch: polling still moves on
        await probe.wait_message(timeout=30, contains="/start")
    ours = [e for e in errors if not isinstance(e, TelegramError)]
    skipped = sum("cannot be read" in r.getMessage() for r in caplog.records)
    print(f"\nR14 {len(fuzz)} fuzzed updates: {skipped} unreadable ones skipped, "
          f"{len(errors) - len(ours)} Telegram refusals, {len(ours)} errors in our code; "
          "the bot answered after every batch")  # fmt: skip
    for problem in sorted({where(e) for e in ours}):
        print("R14 error:", problem)
    assert not ours


def where(error: BaseException) -> str:
    frame = traceback.extract_tb(error.__traceback__)[-1]
    return f"{type(error).__name__} at {frame.filename.split('/')[-1]}:{frame.lineno} {frame.line}"
