"""R8: the same update delivered twice (polling offset reset, webhook retry) acts once."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.clock import now
from bot.emulator.server import Emulator
from bot.models import AuditEntry, Delivery, Member, Rsvp, Webinar
from tests.deploy.conftest import ServeFactory, serve_bot
from tests.harness import BotHarness
from tests.moderation.conftest import OWNER, add_member
from tests.moderation.test_broadcast import compose
from tests.reliability.support import wait_for

__all__ = ["serve_bot"]


@contextlib.contextmanager
def delivered_twice(emu: Emulator) -> Iterator[list[dict]]:
    """Every update queued meanwhile is queued twice with the same update_id."""
    queue, original, seen = emu.updates, emu.updates.push, []

    def push(payload: dict) -> dict:
        update = original(payload)
        queue.pending.append(dict(update))
        seen.append(update)
        return update

    queue.push = push  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        queue.push = original  # type: ignore[method-assign]


def calls(emu: Emulator, method: str, chat_id: int | None = None) -> list[Any]:
    return [r for r in emu.requests if r.method == method and chat_id in (None, r.chat_id)]


async def count(bot: BotHarness, model: Any, *where: Any) -> int:
    async with bot.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)))


@pytest.mark.bot_settings(ADMIN_IDS=str(OWNER), BROADCAST_RATE="200")
async def test_r8_replayed_subscribe_rsvp_and_send_act_once(bot: BotHarness) -> None:
    emu, member = bot.emu, bot.user(240_001, language_code="uk")
    await member.send("/start")
    offer = await member.wait_message(contains="Підпишіться")
    data = offer.reply_markup["inline_keyboard"][0][0]["callback_data"]
    async with bot.sessionmaker() as session:
        webinar = await session.scalar(
            select(Webinar.id).where(Webinar.status == "scheduled", Webinar.starts_at > now())
        )
    with delivered_twice(emu) as replayed:
        await member.press_data(data, offer)
        await member.press_data(f"w:rsvp:{webinar}", offer)
        await wait_for(lambda: len(calls(emu, "answerCallbackQuery")) >= 2, 10, "answers")
        await emu.wait_idle(quiet=0.5, timeout=10)
    assert len(replayed) == 2
    subscribed = await count(bot, Member, Member.user_id == 240_001, Member.subscribed)
    rsvps = await count(bot, Rsvp, Rsvp.webinar_id == webinar)
    answers = [r.params.get("text") for r in calls(emu, "answerCallbackQuery")]
    edits = calls(emu, "editMessageText", 240_001)
    print(f"\nR8 subscribe + RSVP, each delivered twice: subscribed {subscribed}, RSVPs {rsvps}, "
          f"callback answers {answers}, edits {len(edits)}")  # fmt: skip
    assert (subscribed, rsvps, len(answers)) == (1, 1, 2)  # a replayed toggle would undo it

    await add_member(bot, 240_101, "uk")
    await add_member(bot, 240_102, "en")
    summary = await compose(bot, "Everyone subscribed")
    mod = bot.user(OWNER)
    before = len(calls(emu, "answerCallbackQuery"))
    with delivered_twice(emu):
        await mod.press("📣 Send now", summary)
        await mod.wait_edit(summary)
        await emu.wait_idle(quiet=0.5, timeout=10)
    sends = await count(bot, AuditEntry, AuditEntry.action == "broadcast_send")
    owed = await count(bot, Delivery, Delivery.kind == "broadcast")
    answers = [r.params.get("text") for r in calls(emu, "answerCallbackQuery")[before:]]
    print(f"R8 broadcast Send delivered twice: launched {sends}x, owed {owed} messages, "
          f"answers {answers}")  # fmt: skip
    assert (sends, owed, answers) == (1, 3, ["Sending started."])


async def test_r8_a_webhook_retry_of_start_is_answered_once(serve_bot: ServeFactory) -> None:
    served = await serve_bot(webhook=True)
    emu = served.emu
    user = emu.user(240_201, first_name="Olena", language_code="en").user
    update = {
        "update_id": 990_001,
        "message": {
            "message_id": emu.next_id(), "from": dict(user), "chat": emu.chat_json(user["id"]),
            "date": 1_800_000_000, "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }  # fmt: skip
    statuses = [await emu.updates.post_webhook(update) for _ in range(3)]
    await emu.wait_idle(quiet=0.5, timeout=10)
    replies = calls(emu, "sendMessage", 240_201)
    print(f"\nR8 webhook: the same /start POSTed 3 times -> {statuses}, replies {len(replies)}")
    assert statuses == [200, 200, 200] and len(replies) == 1
