"""R9 and R10: stopping with updates queued, and being down across reminder moments."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from bot.db import make_engine, make_sessionmaker, transaction
from bot.emulator.server import Emulator
from bot.models import Member, Webinar
from tests.reliability.support import TOKEN, outbox, restart, start_bot, wait_for

pytestmark = pytest.mark.slow
QUEUED = 200


def help_update(emu: Emulator, user_id: int) -> dict[str, Any]:
    user = emu.ensure_user(user_id, first_name="Olena", language_code="en")
    message = {
        "message_id": emu.next_id(), "from": dict(user), "chat": emu.chat_json(user_id),
        "date": int(time.time()), "text": "/help",
        "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
    }  # fmt: skip
    return {"message": message}


def answered(emu: Emulator, users: range) -> list[int]:
    return [len(emu.messages.get(u, [])) for u in users]


@pytest.mark.parametrize("webhook", [False, True], ids=["polling", "webhook"])
@pytest.mark.timeout(150)
async def test_r9_sigterm_handles_every_queued_update_quickly(
    tmp_path: Path, fresh_url: str, webhook: bool
) -> None:
    users = range(280_001, 280_001 + QUEUED)
    async with Emulator(token=TOKEN) as emu:
        bot = await start_bot(tmp_path, emu, fresh_url, "r9", webhook=webhook)
        try:
            if webhook:  # Telegram's POSTs, all acknowledged before the first is handled
                posts = [
                    emu.updates.post_webhook(help_update(emu, u), url=bot.hook) for u in users
                ]
                assert set(await asyncio.gather(*posts)) == {200}
            else:
                for user in users:
                    emu.updates.push(help_update(emu, user))
                await wait_for(lambda: any(answered(emu, users)), 20, "handling started")
            replied_at_signal = sum(answered(emu, users))
            code, took = await bot.terminate()
            unconfirmed = len(emu.updates.pending)
            replied = answered(emu, users)
            print(f"\nR9 {'webhook' if webhook else 'polling'}: SIGTERM with "
                  f"{QUEUED - replied_at_signal} of {QUEUED} updates not yet answered; exit "
                  f"{code} after {took:.1f}s; answered before exit {sum(replied)}, left "
                  f"unconfirmed at Telegram {unconfirmed}")  # fmt: skip
            assert code == 0 and took < 8
            assert set(replied) <= {0, 1} and sum(replied) + unconfirmed == QUEUED
            if unconfirmed:  # polling: never fetched, so Telegram still has them for the next run
                bot = await restart(bot, "r9-again")
                await wait_for(lambda: all(answered(emu, users)), 30, "the rest answered")
                assert set(answered(emu, users)) == {1}
        finally:
            await bot.kill()


@pytest.mark.timeout(150)
async def test_r9_sigkill_mid_queue_leaves_the_database_consistent(
    tmp_path: Path, fresh_url: str
) -> None:
    users = range(281_001, 281_001 + QUEUED)
    async with Emulator(token=TOKEN) as emu:
        bot = await start_bot(tmp_path, emu, fresh_url, "r9-kill")
        for user in users:
            emu.updates.push(help_update(emu, user))
        await wait_for(lambda: sum(answered(emu, users)) >= QUEUED // 4, 30, "some answered")
        await bot.kill()
        replied = sum(answered(emu, users))
        engine = make_engine(fresh_url)
        try:
            async with engine.connect() as connection:
                if engine.dialect.name == "sqlite":
                    check = await connection.scalar(text("PRAGMA integrity_check"))
                else:
                    check = "ok"
                members = await connection.scalar(select(func.count()).select_from(Member))
                broken = await connection.scalar(
                    select(func.count()).where(Member.chat_id != Member.user_id)
                )
        finally:
            await engine.dispose()
        bot = await restart(bot, "r9-after-kill")
        try:
            late = emu.user(281_999, language_code="en")
            await late.send("/help")
            await late.wait_message(timeout=30, contains="/start")
        finally:
            await bot.kill()
    print(f"\nR9 SIGKILL after {replied} of {QUEUED} answers: integrity {check}, "
          f"{members} members written, {broken} inconsistent; restarted, answering")  # fmt: skip
    assert check == "ok" and broken == 0 and members >= replied


async def add_session(session: Any, slug: str, starts: datetime, created: datetime) -> None:
    session.add(
        Webinar(
            slug=slug, title_uk=f"Сесія {slug}", title_en=f"Session {slug}", starts_at=starts,
            duration_minutes=60, created_at=created, updated_at=created, status="scheduled",
        )
    )  # fmt: skip


@pytest.mark.timeout(150)
async def test_r10_down_across_reminder_moments_sends_only_what_still_makes_sense(
    tmp_path: Path, fresh_url: str
) -> None:
    chats = {282_001: "uk", 282_002: "en"}
    async with Emulator(token=TOKEN) as emu:
        bot = await start_bot(tmp_path, emu, fresh_url, "r10-before")
        await bot.kill()  # down from here; the moments below pass while nobody runs
        moment = datetime.now(UTC)
        engine = make_engine(fresh_url)
        async with transaction(make_sessionmaker(engine)) as session:
            session.add_all(
                Member(user_id=c, chat_id=c, language=lang, subscribed=True)
                for c, lang in chats.items()
            )
            known = moment - timedelta(days=2)
            await add_session(session, "ahead", moment + timedelta(minutes=30), known)
            await add_session(session, "running", moment - timedelta(minutes=10), known)
            await add_session(session, "ended", moment - timedelta(hours=3), known)
        await engine.dispose()
        bot = await restart(bot, "r10-after")
        try:
            # The planner's first tick runs 10 s after start.
            await wait_for(lambda: all(len(emu.messages.get(c, [])) >= 2 for c in chats), 45)
            await asyncio.sleep(3)  # anything more would show up by now
        finally:
            await bot.kill()
    statuses = await outbox(fresh_url)
    for chat in chats:
        texts = [m.text for m in emu.messages[chat]]
        about = {slug: sum(slug in t for t in texts) for slug in ("ahead", "running", "ended")}
        print(f"\nR10 member {chat} ({chats[chat]}) after the downtime: {about}; "
              f"{[t.splitlines()[0] for t in texts]}")  # fmt: skip
        assert about == {"ahead": 1, "running": 1, "ended": 0}
    print(f"R10 outbox {statuses} (pending: the starting-now rows of the session ahead)")
    assert "sending" not in statuses
