"""Fault switches produce exactly the errors PTB maps to RetryAfter, Forbidden, ChatMigrated..."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
import telegram
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.warnings import PTBDeprecationWarning

from bot.emulator import Emulator


@contextmanager
def raises_retry_after() -> Iterator[pytest.ExceptionInfo[RetryAfter]]:
    # PTB 22.2+ warns (PTBDeprecationWarning) while *building* RetryAfter unless PTB_TIMEDELTA is
    # set, and filterwarnings=error would turn that into the exception instead of RetryAfter.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        with pytest.raises(RetryAfter) as caught:
            yield caught


def seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def test_forced_429_hits_only_the_matching_chat(emu: Emulator, tg: telegram.Bot) -> None:
    emu.faults.force_429(2, retry_after=7, chat_id=1001)
    await tg.send_message(1002, "other chats are fine")
    for _ in range(2):
        with raises_retry_after() as caught:
            await tg.send_message(1001, "x")
        assert seconds(caught.value) == 7
    await tg.send_message(1001, "third time lucky")
    assert emu.faults.count_429 == 2
    assert [m.text for m in emu.messages[1001]] == ["third time lucky"]


async def test_no_limits_by_default(emu: Emulator, tg: telegram.Bot) -> None:
    for i in range(40):
        await tg.send_message(1001, f"burst {i}")
    assert emu.faults.count_429 == 0


async def test_per_chat_limit_answers_429_only_when_exceeded(
    emu: Emulator, tg: telegram.Bot
) -> None:
    emu.faults.limits(per_chat_per_sec=5)
    for i in range(5):
        await tg.send_message(1001, f"within {i}")
    with raises_retry_after() as caught:
        await tg.send_message(1001, "sixth")
    assert seconds(caught.value) == 1
    await tg.send_message(1002, "another chat has its own window")
    assert emu.faults.count_429 == 1
    assert [r.status for r in emu.requests if r.method == "sendMessage"] == [200] * 5 + [429, 200]


async def test_global_limit_and_paid_broadcast(emu: Emulator, tg: telegram.Bot) -> None:
    emu.faults.limits(global_per_sec=3)
    for chat_id in (1, 2, 3):
        await tg.send_message(chat_id, "ok")
    with raises_retry_after():
        await tg.send_message(4, "over")
    for chat_id in (5, 6, 7):  # paid broadcasts get 1000/s
        await tg.send_message(chat_id, "paid", allow_paid_broadcast=True)
    assert emu.messages[7][0].allow_paid_broadcast


async def test_group_limit_is_per_minute(emu: Emulator, tg: telegram.Bot) -> None:
    emu.add_group(-500, "Hromada")
    emu.faults.limits(per_group_per_min=2)
    await tg.send_message(-500, "1")
    await tg.send_message(-500, "2")
    with raises_retry_after() as caught:
        await tg.send_message(-500, "3")
    assert 55 <= seconds(caught.value) <= 60
    await tg.send_message(1001, "private chats are not group-limited")


@pytest.mark.parametrize(
    ("reason", "text"),
    [
        ("blocked", "bot was blocked by the user"),
        ("deactivated", "user is deactivated"),
        ("cant_initiate", "bot can't initiate conversation with a user"),
    ],
)
async def test_blocked_users_raise_forbidden(
    emu: Emulator, tg: telegram.Bot, reason: str, text: str
) -> None:
    emu.faults.block(1001, reason)
    with pytest.raises(Forbidden, match=text):
        await tg.send_message(1001, "hello")
    emu.faults.unblock(1001)
    await tg.send_message(1001, "hello again")


async def test_chat_not_found(emu: Emulator, tg: telegram.Bot) -> None:
    emu.faults.chat_not_found(1001)
    with pytest.raises(BadRequest, match="Chat not found"):
        await tg.send_message(1001, "hello")


async def test_migration_raises_chat_migrated_and_emits_service_messages(
    emu: Emulator, tg: telegram.Bot
) -> None:
    emu.add_group(-4001, "Громада")
    emu.faults.migrate(-4001, -1004001)
    with pytest.raises(ChatMigrated) as caught:
        await tg.send_message(-4001, "hello")
    assert caught.value.new_chat_id == -1004001
    to_new, from_old = await tg.get_updates()
    assert to_new.message.migrate_to_chat_id == -1004001
    assert from_old.message.migrate_from_chat_id == -4001
    assert from_old.message.chat.type == "supergroup"
    await tg.send_message(-1004001, "hello supergroup")


async def test_server_errors_and_dropped_connections(emu: Emulator, tg: telegram.Bot) -> None:
    emu.faults.server_error(1)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await tg.send_message(1001, "lost")
    emu.faults.drop_connection(1)
    with pytest.raises(NetworkError, match="disconnected"):
        await tg.send_message(1001, "lost too")
    emu.faults.drop_connection(1, delivered=True)
    with pytest.raises(NetworkError):
        await tg.send_message(1001, "delivered silently")
    await tg.get_me()  # faults only hit sends
    assert [m.text for m in emu.messages[1001]] == ["delivered silently"]
    assert [r.status for r in emu.requests if r.method == "sendMessage"] == [502, 0, 0]


async def test_slow_response_is_delivered_but_times_out(emu: Emulator, tg: telegram.Bot) -> None:
    emu.faults.slow_response(count=1, delay_s=1.0)
    with pytest.raises(TimedOut):
        await tg.send_message(1001, "accepted", read_timeout=0.2)
    assert [m.text for m in emu.messages[1001]] == ["accepted"]
    await tg.send_message(1001, "fast again", read_timeout=0.2)


def test_seed_makes_probabilistic_faults_repeatable(emu: Emulator) -> None:
    emu.faults.slow_response(delay_s=0.5, probability=0.5)
    draws = []
    for _ in range(2):
        emu.faults.seed(42)
        draws.append([emu.faults.slow_delay("sendMessage") for _ in range(20)])
    assert draws[0] == draws[1]
    assert set(draws[0]) == {0.0, 0.5}
    assert emu.faults.slow_delay("getMe") == 0.0
