"""Each answer Telegram can give is handled as the delivery design says (through the emulator)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery.classify import Verdict, classify
from bot.emulator.server import Emulator
from bot.models import CommunityChat, Delivery, Member
from tests.delivery.conftest import EngineFactory, add_members, delivered, owe_texts, sends

Maker = async_sessionmaker[AsyncSession]


async def rows(maker: Maker) -> dict[int, Delivery]:
    async with maker() as session:
        return {d.chat_id: d for d in (await session.scalars(select(Delivery))).all()}


async def test_each_chat_gets_its_message_once(
    sessionmaker: Maker, emu: Emulator, make_delivery_engine: EngineFactory
) -> None:
    members = await add_members(sessionmaker, range(101, 121))
    await owe_texts(sessionmaker, members, text={"uk": "<b>Привіт</b>", "en": "Hi"})
    engine = make_delivery_engine()
    assert await engine.drain(timeout=20)
    assert all(len(delivered(emu, chat)) == 1 for chat in members)
    assert delivered(emu, 101)[0].text == "Привіт"
    assert {d.status for d in (await rows(sessionmaker)).values()} == {"sent"}
    assert engine.counters.by_status["sent"] == 20


async def test_blocked_member_is_unreachable_with_all_pending_rows(
    sessionmaker: Maker, emu: Emulator, make_delivery_engine: EngineFactory
) -> None:
    members = await add_members(sessionmaker, [201, 202, 203])
    emu.faults.block(201, reason="blocked")
    emu.faults.block(202, reason="deactivated")
    await owe_texts(sessionmaker, members, purpose="first")
    await owe_texts(sessionmaker, {201: members[201]}, purpose="later", priority=-1)
    engine = make_delivery_engine(concurrency=1)
    assert await engine.drain(timeout=20)
    async with sessionmaker() as session:
        found = await session.scalars(select(Delivery).where(Delivery.chat_id == 201))
        assert {d.status for d in found} == {"unreachable"}
        member = await session.get(Member, members[201])
        assert member is not None and member.state == "blocked" and member.unreachable_since
    assert len(sends(emu, 201)) == 1  # the "later" row was never tried
    assert engine.counters.by_status["unreachable"] == 3
    assert engine.counters.by_status.get("failed", 0) == 0


async def test_chat_not_found_fails_without_retry(
    sessionmaker: Maker, emu: Emulator, make_delivery_engine: EngineFactory
) -> None:
    emu.faults.chat_not_found(301)
    await owe_texts(sessionmaker, [301])
    assert await make_delivery_engine().drain(timeout=10)
    row = (await rows(sessionmaker))[301]
    assert row.status == "failed" and "chat not found" in (row.last_error or "").lower()
    assert len(sends(emu, 301)) == 1


async def test_migrated_group_is_resent_once_to_the_new_id(
    sessionmaker: Maker, emu: Emulator, make_delivery_engine: EngineFactory
) -> None:
    emu.add_group(-401, "Old group")
    async with sessionmaker() as session, session.begin():
        session.add(CommunityChat(chat_id=-401, title="Old group", linked_by=1))
    emu.faults.migrate(-401, -100401)
    await owe_texts(sessionmaker, [-401], purpose="announce")
    await owe_texts(sessionmaker, [-401], purpose="announce-2", priority=-1)
    assert await make_delivery_engine().drain(timeout=20)
    assert len(delivered(emu, -100401)) == 2
    assert len(sends(emu, -100401)) == 2
    async with sessionmaker() as session:
        linked = await session.scalar(select(CommunityChat))
        assert linked is not None and linked.chat_id == -100401
        statuses = {(d.chat_id, d.status) for d in (await session.scalars(select(Delivery)))}
    assert statuses == {(-401, "sent")}
    assert [r.status for r in sends(emu, -401)] == [400]


async def test_server_errors_and_dropped_connections_are_retried(
    sessionmaker: Maker, emu: Emulator, make_delivery_engine: EngineFactory
) -> None:
    emu.faults.server_error(2, status=502)
    emu.faults.drop_connection(1)
    await owe_texts(sessionmaker, [501])
    engine = make_delivery_engine(concurrency=1)
    assert await engine.drain(timeout=20)
    row = (await rows(sessionmaker))[501]
    assert row.status == "sent" and row.attempts == 4
    assert len(delivered(emu, 501)) == 1


async def test_persistent_errors_fail_after_bounded_attempts(
    sessionmaker: Maker, emu: Emulator, make_delivery_engine: EngineFactory
) -> None:
    emu.faults.server_error(50, status=500)
    await owe_texts(sessionmaker, [502])
    engine = make_delivery_engine(concurrency=1, max_attempts=3)
    assert await engine.drain(timeout=20)
    row = (await rows(sessionmaker))[502]
    assert row.status == "failed" and row.attempts == 3 and "after 3 attempts" in row.last_error
    assert len(sends(emu, 502)) == 3


async def test_per_chat_429_waits_retry_after_then_sends_once(
    sessionmaker: Maker, emu: Emulator, make_delivery_engine: EngineFactory
) -> None:
    emu.faults.force_429(1, retry_after=1, chat_id=601)
    await owe_texts(sessionmaker, [601, 602, 603])
    engine = make_delivery_engine()
    assert await engine.drain(timeout=20)
    first, second = sends(emu, 601)
    assert first.status == 429 and second.status == 200
    assert second.t - first.t >= 1.0
    assert len(delivered(emu, 601)) == 1
    assert engine.counters.floods == 1 and engine.counters.global_pauses == 0


async def test_429s_from_several_chats_pause_everything(
    sessionmaker: Maker, emu: Emulator, make_delivery_engine: EngineFactory
) -> None:
    emu.faults.force_429(2, retry_after=2)
    await owe_texts(sessionmaker, range(701, 741))
    engine = make_delivery_engine(concurrency=4, rate=50)
    assert await engine.drain(timeout=30)
    requests = sends(emu)
    second_429 = [r for r in requests if r.status == 429][1]
    after = [r for r in requests if r.t > second_429.t]
    assert after[0].t - second_429.t >= 2.0
    assert engine.counters.global_pauses == 1
    assert all(len(delivered(emu, chat)) == 1 for chat in range(701, 741))


def test_classification_of_forbidden_and_bad_requests() -> None:
    from telegram.error import BadRequest, Forbidden, NetworkError, TimedOut

    assert classify(Forbidden("bot can't initiate conversation")).verdict is Verdict.UNREACHABLE
    assert classify(BadRequest("Chat not found")).verdict is Verdict.GONE
    assert classify(BadRequest("Message is too long")).verdict is Verdict.REJECTED
    assert classify(TimedOut()).verdict is Verdict.TRANSIENT
    assert classify(NetworkError("Bad Gateway")).verdict is Verdict.TRANSIENT
