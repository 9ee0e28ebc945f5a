"""R4, R5, R7: what Telegram refuses, through the real application and its delivery engine."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import now
from bot.db import transaction
from bot.delivery import owe_from_select
from bot.models import CommunityChat, Delivery, Member
from bot.services.broadcasts import recipients
from tests.delivery.conftest import owe_texts
from tests.harness import BotHarness
from tests.reliability.support import wait_for

pytestmark = pytest.mark.bot_settings(BROADCAST_RATE="200")


def requests_to(bot: BotHarness, chat_id: int) -> list[Any]:
    return [r for r in bot.emu.requests if r.method == "sendMessage" and r.chat_id == chat_id]


async def rows_by_chat(bot: BotHarness) -> dict[int, list[Delivery]]:
    found: dict[int, list[Delivery]] = {}
    async with bot.sessionmaker() as session:
        for row in await session.scalars(select(Delivery).order_by(Delivery.id)):
            found.setdefault(row.chat_id, []).append(row)
    return found


async def settled(bot: BotHarness, count: int) -> dict[int, list[Delivery]]:
    """Wait until `count` rows are closed (neither pending nor sending); return them by chat."""

    async def closed() -> int:
        rows = await rows_by_chat(bot)
        return sum(r.status not in ("pending", "sending") for rs in rows.values() for r in rs)

    for _ in range(400):
        if await closed() >= count:
            break
        await bot.emu.wait_until(lambda: False, 0.05)
    return await rows_by_chat(bot)


async def broadcast_to_all(bot: BotHarness, purpose: str) -> int:
    async with transaction(bot.sessionmaker) as session:
        owed = await owe_from_select(
            session, recipients({"kind": "all"}), kind="text", purpose=purpose, batch=purpose,
            payload={"text": {"uk": "Оголошення", "en": "Announcement"}}, due_at=now(),
        )  # fmt: skip
    bot.runtime.extras["delivery"].wake()
    return owed


async def test_r4_blocked_members_cost_one_attempt_and_are_skipped_next_time(
    bot: BotHarness,
) -> None:
    chats = list(range(220_001, 220_021))
    blocked = {220_003: "blocked", 220_007: "deactivated", 220_011: "cant_initiate"}
    async with transaction(bot.sessionmaker) as session:
        session.add_all(Member(user_id=c, chat_id=c, subscribed=True) for c in chats)
    for chat, reason in blocked.items():
        bot.emu.faults.block(chat, reason=reason)
    await broadcast_to_all(bot, "r4-first")
    rows = await settled(bot, len(chats))
    async with bot.sessionmaker() as session:
        found = await session.execute(select(Member.chat_id, Member.state))
        states = dict(found.tuples().all())
    assert {c: rows[c][0].status for c in blocked} == dict.fromkeys(blocked, "unreachable")
    assert {c: len(requests_to(bot, c)) for c in blocked} == dict.fromkeys(blocked, 1)
    assert {states[c] for c in blocked} == {"blocked"}
    second = await broadcast_to_all(bot, "r4-second")
    await settled(bot, len(chats) + second)
    print(f"\nR4 {len(blocked)} blocked of {len(chats)}: one attempt each, marked blocked; "
          f"the next broadcast owed {second} messages and sent the blocked none")  # fmt: skip
    assert second == len(chats) - len(blocked)
    assert {c: len(requests_to(bot, c)) for c in blocked} == dict.fromkeys(blocked, 1)
    assert all(len(bot.emu.messages[c]) == 2 for c in chats if c not in blocked)


ALPHABETS = {"ascii": "a", "cyrillic": "ї", "emoji": "🌻"}


def sized(unit: str, shown: int, size: int) -> str:
    """Repeat `unit` (showing `shown` characters) and pad with "x" to exactly `size` shown."""
    count = (size - 1) // shown
    return unit * count + "x" * (size - count * shown)


def payloads() -> dict[int, str]:
    """4096 and 4097 visible characters of each alphabet, and of HTML with entities."""
    units = {name: (letter * 9 + " ", 10) for name, letter in ALPHABETS.items()}
    units["entities"] = ("<b>слово</b> &amp; <i>x</i> ", 10)
    found, chat = {}, 230_000
    for unit, shown in units.values():
        for size in (4096, 4097):
            chat += 1
            found[chat] = sized(unit, shown, size)
    return found


def plain(html_text: str) -> str:
    return re.sub(r"<[^>]+>", "", html_text).replace("&amp;", "&")


def visible(html_text: str) -> str:
    return re.sub(r"\s+", "", plain(html_text))


async def test_r5_gone_chats_fail_once_long_texts_split_and_not_modified_is_fine(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    bot.emu.faults.chat_not_found(239_999)
    texts = payloads()
    for chat, text in texts.items():
        await owe_texts(bot.sessionmaker, [chat], text=text, purpose=f"r5-{chat}")
    await owe_texts(bot.sessionmaker, [239_999], text="Hello", purpose="r5-gone")
    bot.runtime.extras["delivery"].wake()
    rows = await settled(bot, len(texts) + 1)
    gone = rows[239_999][0]
    assert (gone.status, gone.attempts, len(requests_to(bot, 239_999))) == ("failed", 1, 1)
    parts = {chat: bot.emu.messages.get(chat, []) for chat in texts}
    longest = max(len(m.text) for ms in parts.values() for m in ms)
    for chat, text in texts.items():
        assert rows[chat][0].status == "sent"
        assert "".join(visible(m.html) for m in parts[chat]) == visible(text)
    statuses = {r.status for r in bot.emu.requests if r.chat_id in texts}
    assert sorted(len(plain(t)) for t in texts.values()) == [4096] * 4 + [4097] * 4
    counts = sorted(len(ms) for ms in parts.values())
    print(f"\nR5 chat not found: 1 request, failed, attempts 1; {len(texts)} long texts in "
          f"{sum(counts)} parts (per text {counts}), longest part {longest} characters, "
          f"answers {statuses}")  # fmt: skip
    assert statuses == {200} and longest <= 4096

    member = bot.user(239_001, language_code="en")
    await member.send("/start")
    offer = await member.wait_message(contains="Subscribe")
    button = next(b for row in offer.reply_markup["inline_keyboard"] for b in row)
    await member.press_data(button["callback_data"], offer)
    await member.wait_edit(offer)
    await member.press_data(button["callback_data"], offer)  # same content again
    await bot.emu.wait_idle(quiet=0.5, timeout=10)
    answers = [a.get("text") or "" for a in member.callback_answers]
    errors = [r.getMessage() for r in caplog.records if r.name == "handlers.common"]
    print(f"R5 the same edit twice: callback answers {answers}; logged {errors}")
    assert len(answers) == 2 and "error while handling an update" not in errors


@pytest.mark.bot_settings(BROADCAST_RATE="200", ADMIN_IDS="1001")
async def test_r7_a_migrated_group_is_followed_once_and_the_old_id_never_used_again(
    bot: BotHarness,
) -> None:
    old, new = -4_100_001, -1_004_100_001
    bot.emu.add_group(old, "Громада")
    async with transaction(bot.sessionmaker) as session:
        session.add(CommunityChat(chat_id=old, title="Громада", language="uk", linked_by=1001))
    bot.emu.faults.migrate(old, new)  # the service messages go to the bot as updates too
    for purpose in ("r7-first", "r7-second"):
        await owe_texts(bot.sessionmaker, [old], text=f"Оголошення {purpose}", purpose=purpose)
    bot.runtime.extras["delivery"].wake()
    await wait_for(lambda: len(bot.emu.messages.get(new, [])) >= 2, 30, "both at the new id")
    await owe_texts(bot.sessionmaker, [old], text="Третє", purpose="r7-third")  # stale id
    bot.runtime.extras["delivery"].wake()
    await wait_for(lambda: len(bot.emu.messages.get(new, [])) >= 3, 30, "the third one")
    await bot.emu.wait_idle(quiet=0.5, timeout=10)
    async with bot.sessionmaker() as session:
        linked = (await session.scalars(select(CommunityChat.chat_id))).all()
    to_old = [r.status for r in requests_to(bot, old)]
    to_new = [m.text for m in bot.emu.messages[new]]
    print(f"\nR7 requests to the old id {to_old}; messages at the new id {len(to_new)}; "
          f"linked chat ids {list(linked)}")  # fmt: skip
    assert list(linked) == [new]
    assert to_old.count(200) == 0 and len(to_old) <= 1
    assert sorted(to_new) == sorted(["Оголошення r7-first", "Оголошення r7-second", "Третє"])
