"""R11: two instances share one database - exactly once on PostgreSQL, one sender on SQLite."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.clock import now
from bot.db import make_engine, make_sessionmaker, transaction
from bot.delivery import owe_from_select
from bot.emulator.server import Emulator
from bot.models import Broadcast, Delivery, Member, Rsvp, Webinar
from tests.conftest import POSTGRES_URL
from tests.reliability.support import TOKEN, start_bot, wait_for, wait_outbox

pytestmark = pytest.mark.slow
MEMBERS = range(290_001, 295_001)  # 5,000 members get the broadcast
RSVPS = range(290_001, 291_001)  # 1,000 of them asked to be reminded


async def plan_session(url: str, starts: datetime) -> None:
    engine = make_engine(url)
    async with transaction(make_sessionmaker(engine)) as session:
        known = starts - timedelta(days=2)
        webinar = Webinar(
            slug="r11", title_uk="Сесія R11", title_en="Session R11", starts_at=starts,
            duration_minutes=60, created_at=known, updated_at=known,
        )  # fmt: skip
        members = [
            Member(user_id=c, chat_id=c, language="uk", subscribed=True, reminders_on=False)
            for c in MEMBERS
        ]
        session.add_all([webinar, *members])
        await session.flush()
        ids = {m.chat_id: m.id for m in members}
        session.add_all(Rsvp(member_id=ids[c], webinar_id=webinar.id) for c in RSVPS)
    await engine.dispose()


async def plan_broadcast(url: str) -> None:
    engine = make_engine(url)
    async with transaction(make_sessionmaker(engine)) as session:
        broadcast = Broadcast(
            created_by=1, text_uk="Оголошення R11", text_en="News", status="sending"
        )
        session.add(broadcast)
        await session.flush()
        purpose = f"broadcast:{broadcast.id}"
        await owe_from_select(
            session, select(Member.chat_id, Member.id), kind="broadcast", purpose=purpose,
            batch=purpose, payload={"broadcast_id": broadcast.id}, due_at=now(),
        )  # fmt: skip
    await engine.dispose()


def tally(emu: Emulator, word: str) -> Counter[int]:
    return Counter(
        {c: sum(word in (m.text or "") for m in emu.messages.get(c, [])) for c in MEMBERS}
    )


@pytest.mark.skipif(not POSTGRES_URL, reason="several senders need PostgreSQL")
@pytest.mark.timeout(300)
async def test_r11_two_postgresql_instances_send_everything_exactly_once(
    tmp_path: Path, fresh_url: str
) -> None:
    async with Emulator(token=TOKEN) as emu:
        settings = {"BROADCAST_RATE": "1000", "REMINDER_OFFSETS": "0m"}
        a = await start_bot(tmp_path, emu, fresh_url, "r11-a", webhook=True, **settings)
        b = await start_bot(tmp_path, emu, fresh_url, "r11-b", webhook=True, **settings)
        try:
            await plan_session(fresh_url, datetime.now(UTC) + timedelta(seconds=20))
            await plan_broadcast(fresh_url)
            done = len(MEMBERS)
            await wait_for(lambda: len(+tally(emu, "Оголошення")) == done, 180, "broadcast", 0.5)
            await wait_for(
                lambda: len(+tally(emu, "Сесія R11")) == len(RSVPS), 120, "reminders", 0.5
            )
            await asyncio.sleep(1)  # anything sent twice would show up by now
            statuses = await wait_outbox(fresh_url, 60)
        finally:
            await asyncio.gather(a.kill(), b.kill())
    engine = make_engine(fresh_url)
    async with engine.connect() as connection:
        senders = dict(
            (await connection.execute(
                select(Delivery.claimed_by, func.count()).group_by(Delivery.claimed_by)
            )).tuples().all()
        )  # fmt: skip
    await engine.dispose()
    news, reminders = tally(emu, "Оголошення"), tally(emu, "Сесія R11")
    print(f"\nR11 PostgreSQL, 2 instances: broadcast {sum(news.values())} messages to "
          f"{len(+news)} members (most to one {max(news.values())}); reminders "
          f"{sum(reminders.values())} to {len(+reminders)} (most {max(reminders.values())}); "
          f"rows per sender {sorted(senders.values())}; outbox {statuses}")  # fmt: skip
    assert set(news.values()) == {1}
    assert {reminders[c] for c in RSVPS} == {1} and sum(reminders.values()) == len(RSVPS)
    assert set(statuses) == {"sent"}


@pytest.mark.timeout(120)
async def test_r11_a_second_sqlite_instance_stands_by_and_a_409_does_not_crash_it(
    tmp_path: Path, fresh_url: str
) -> None:
    if POSTGRES_URL:
        pytest.skip("the SQLite sender lock; PostgreSQL shares senders")
    async with Emulator(token=TOKEN) as emu:
        a = await start_bot(tmp_path, emu, fresh_url, "r11-sqlite-a")
        b = await start_bot(tmp_path, emu, fresh_url, "r11-sqlite-b")  # a second poller: 409s
        try:
            await asyncio.sleep(8)
            member = emu.user(296_001, language_code="en")
            await member.send("/help")
            await member.wait_message(timeout=20, contains="/start")
            await asyncio.sleep(1)
            conflicts = [r for r in emu.requests if r.method == "getUpdates" and r.status == 409]
            alive = [p.proc is not None and p.proc.returncode is None for p in (a, b)]
            replies = len(emu.messages[296_001])
        finally:
            await asyncio.gather(a.kill(), b.kill())
    standing_by = [line for line in b.log().splitlines() if "standing by" in line]
    print(f"\nR11 SQLite, 2 instances: second says {standing_by[0].split(' WARNING ')[-1]!r}; "
          f"{len(conflicts)} getUpdates 409s in ~10 s, both alive {alive}, "
          f"replies to one /help {replies}")  # fmt: skip
    assert standing_by and "SQLite allows one sender" in standing_by[0]
    assert all(alive) and replies == 1
    assert len(conflicts) < 60  # backing off, not a storm
