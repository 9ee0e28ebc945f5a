"""Engine behaviour: splitting, priority, pause, rendering verdicts, lifecycle."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import transaction
from bot.delivery import DropDelivery, OutgoingMessage, set_paused
from bot.delivery.render import RENDERERS
from bot.emulator.server import Emulator
from bot.emulator.telegram_html import parse_html
from bot.models import Delivery
from tests.delivery.conftest import EngineFactory, delivered, owe_texts, sends

Maker = async_sessionmaker[AsyncSession]


async def statuses(maker: Maker) -> dict[int, tuple[str, str | None]]:
    async with maker() as session:
        found = await session.scalars(select(Delivery))
        return {d.chat_id: (d.status, d.last_error) for d in found}


async def test_long_text_arrives_in_order_in_valid_parts(
    sessionmaker: Maker, emu: Emulator, make_delivery_engine: EngineFactory
) -> None:
    paragraphs = [f"<b>Part {n}</b> " + "слово " * 300 for n in range(12)]
    await owe_texts(sessionmaker, [11], text="\n\n".join(paragraphs))
    engine = make_delivery_engine()
    assert await engine.drain(timeout=30)
    messages = delivered(emu, 11)
    assert len(messages) == 6 and all(len(m.text or "") <= 4096 for m in messages)
    assert "".join(m.text or "" for m in messages).count("Part") == 12
    assert [m.text.split()[1] for m in messages] == ["0", "2", "4", "6", "8", "10"]  # type: ignore[union-attr]
    gaps = [b.t - a.t for a, b in zip(sends(emu, 11), sends(emu, 11)[1:], strict=False)]
    assert min(gaps) >= 1.0  # one chat, at most one message a second
    assert (await statuses(sessionmaker))[11][0] == "sent"


async def test_split_message_resumes_after_the_last_part_that_arrived(
    sessionmaker: Maker, emu: Emulator, make_delivery_engine: EngineFactory
) -> None:
    await owe_texts(
        sessionmaker, [12], text="\n\n".join(f"{n} " + "абзац " * 600 for n in range(3))
    )
    engine = make_delivery_engine(private_interval=0.05)
    original = emu.faults.check_rate
    calls = {"n": 0}

    def fail_second(method: str, chat_id: int | None, paid: bool, now: float) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            from bot.emulator.state import ApiError

            raise ApiError(502, "Bad Gateway")
        original(method, chat_id, paid, now)

    emu.faults.check_rate = fail_second  # type: ignore[method-assign]
    assert await engine.drain(timeout=20)
    texts = [m.text for m in delivered(emu, 12)]
    assert [t.split()[0] for t in texts] == ["0", "1", "2"]  # part 1 was not sent twice  # type: ignore[union-attr]


async def test_priority_rows_go_first(
    sessionmaker: Maker, emu: Emulator, make_delivery_engine: EngineFactory
) -> None:
    await owe_texts(sessionmaker, range(21, 41), purpose="digest")
    await owe_texts(sessionmaker, [41, 42], purpose="starting-now", priority=10)
    engine = make_delivery_engine(concurrency=1, claim_batch=5)
    assert await engine.drain(timeout=20)
    assert [r.chat_id for r in sends(emu)][:2] == [41, 42]


async def test_pause_flag_stops_claiming(
    sessionmaker: Maker, emu: Emulator, make_delivery_engine: EngineFactory
) -> None:
    async with transaction(sessionmaker) as session:
        await set_paused(session, True)
    await owe_texts(sessionmaker, range(51, 56))
    engine = make_delivery_engine()
    await engine.start()
    await asyncio.sleep(0.5)
    assert sends(emu) == []
    async with transaction(sessionmaker) as session:
        await set_paused(session, False)
    engine.wake()
    assert await engine.drain(timeout=10)
    assert len(sends(emu)) == 5


async def test_renderer_verdicts_drop_or_fail(
    sessionmaker: Maker, emu: Emulator, make_delivery_engine: EngineFactory
) -> None:
    async def reminder(_session: AsyncSession, delivery: Delivery) -> OutgoingMessage | None:
        if delivery.chat_id == 61:
            return None
        if delivery.chat_id == 62:
            raise DropDelivery("webinar cancelled")
        keyboard = {"inline_keyboard": [[{"text": "Join", "url": "https://example.org"}]]}
        return OutgoingMessage(text="<i>Soon</i>", reply_markup=keyboard)

    await owe_texts(sessionmaker, [61, 62, 63], kind="reminder")
    await owe_texts(sessionmaker, [64], kind="unknown-kind")
    engine = make_delivery_engine(renderers={**RENDERERS, "reminder": reminder})
    assert await engine.drain(timeout=10)
    found = await statuses(sessionmaker)
    assert found[61] == ("dropped", "no longer meaningful")
    assert found[62] == ("dropped", "webinar cancelled")
    assert found[63][0] == "sent" and found[64][0] == "failed"
    message = delivered(emu, 63)[0]
    assert message.reply_markup and message.reply_markup["inline_keyboard"][0][0]["text"] == "Join"
    assert parse_html("<i>Soon</i>")[0] == message.text


async def test_graceful_stop_hands_unsent_rows_back(
    sessionmaker: Maker, emu: Emulator, make_delivery_engine: EngineFactory
) -> None:
    await owe_texts(sessionmaker, range(1001, 1201))
    engine = make_delivery_engine(rate=20, concurrency=2)
    await engine.start()
    await asyncio.sleep(0.6)
    await engine.stop(graceful=True)
    found = await statuses(sessionmaker)
    sent = {chat for chat, (status, _) in found.items() if status == "sent"}
    assert {status for status, _ in found.values()} == {"sent", "pending"}
    assert sent == {r.chat_id for r in sends(emu)}  # every send recorded, nothing left sending


async def test_second_sqlite_sender_stands_by(
    sessionmaker: Maker,
    emu: Emulator,
    make_delivery_engine: EngineFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    if sessionmaker.kw["bind"].dialect.name != "sqlite":
        pytest.skip("the single-sender lock is SQLite's")
    first = make_delivery_engine(lock_ttl=_seconds(0.6))
    second = make_delivery_engine(lock_ttl=_seconds(0.6))
    await first.start()
    with caplog.at_level(logging.WARNING, logger="bot.delivery.worker"):
        await second.start()
    assert first.is_sender and not second.is_sender
    assert sum("standing by" in r.message for r in caplog.records) == 1
    await owe_texts(sessionmaker, range(71, 81))
    assert await first.drain(timeout=10)
    assert second.counters.messages_sent == 0
    await first.stop()
    await owe_texts(sessionmaker, range(81, 86))
    assert await second.drain(timeout=10)
    assert second.is_sender and second.counters.messages_sent == 5


def _seconds(value: float) -> Any:
    from datetime import timedelta

    return timedelta(seconds=value)
