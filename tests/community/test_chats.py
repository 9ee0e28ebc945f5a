"""Community chats: linked by a moderator, they get announcements and "starting now" notices."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.db import transaction
from bot.emulator.driver import GroupDriver, UserDriver
from bot.models import CommunityChat
from bot.services import broadcasts
from tests.community.conftest import (
    OWNER,
    Deliver,
    add_webinar,
    at,
    move_to,
    tick_and_send,
)
from tests.harness import BotHarness

pytestmark = [pytest.mark.no_seed, pytest.mark.bot_settings(ADMIN_IDS=str(OWNER))]
NOW = at("2027-05-12T08:00")
GROUP, FORUM, SUPERGROUP, TOPIC = -500, -1000600, -1000777, 7


async def _in_topic(forum: GroupDriver, user: UserDriver, text: str) -> None:
    entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    forum._post_message(
        user.user, text=text, entities=entities, message_thread_id=TOPIC, is_topic_message=True
    )


async def _announce(bot: BotHarness, uk: str, en: str) -> None:
    async with transaction(bot.sessionmaker) as session:
        draft = await broadcasts.create_draft(
            session, OWNER, {"uk": uk, "en": en}, {"kind": "all"}
        )
        await broadcasts.launch(session, draft.id, NOW, (OWNER, 0))


async def _chats(bot: BotHarness) -> list[tuple[int, int | None, str]]:
    async with bot.sessionmaker() as session:
        found = await session.scalars(select(CommunityChat).order_by(CommunityChat.id))
        return [(c.chat_id, c.thread_id, c.language) for c in found]


async def test_linked_group_and_forum_topic_get_starting_now_and_announcements(
    bot: BotHarness, deliver: Deliver
) -> None:
    move_to(NOW - timedelta(hours=2))
    await add_webinar(bot, NOW + timedelta(minutes=1), title_en="Water", title_uk="Вода")
    mod = bot.user(OWNER, language_code="uk")
    member = bot.user(2901, language_code="en")
    await member.send("/linkchat")  # in a private chat it only explains where it belongs
    assert (await member.wait_message()).text.startswith("Send /linkchat in the group")
    group = await bot.emu.add_bot_to_group(GROUP, "Hromady", by=mod)
    assert "/linkchat" in (await group.wait_message()).text
    await group.send_as(member, "/linkchat")
    assert (await group.wait_message()).text == "Sorry, this is only for moderators."
    await group.send_as(mod, "/linkchat en")
    linked = await group.wait_message()
    assert linked.text.startswith("✅ Під’єднано.") and "англійською" in linked.text
    forum = await bot.emu.add_bot_to_group(FORUM, "Forum", by=mod, forum=True)
    await forum.wait_message()
    await _in_topic(forum, mod, "/linkchat")
    assert (await forum.wait_message(contains="Під’єднано")).message_thread_id == TOPIC
    assert await _chats(bot) == [(GROUP, None, "en"), (FORUM, TOPIC, "uk")]

    move_to(NOW + timedelta(minutes=1, seconds=1))
    await tick_and_send(bot, deliver)
    assert (await group.wait_message()).text.startswith("🔴 Starting now!\n\nWater")
    topic = await forum.wait_message(contains="Вебінар починається зараз")
    assert topic.message_thread_id == TOPIC and "Вода" in topic.text

    await _announce(bot, "Оголошення для громад", "News for hromadas")
    await deliver()
    assert (await group.wait_message()).text == "News for hromadas"
    announced = await forum.wait_message()
    assert (announced.text, announced.message_thread_id) == ("Оголошення для громад", TOPIC)

    await _in_topic(forum, mod, "/unlinkchat")
    assert (await forum.wait_message()).text.startswith("Від’єднано")
    assert await _chats(bot) == [(GROUP, None, "en")]


async def test_group_that_became_a_supergroup_stays_linked(
    bot: BotHarness, deliver: Deliver
) -> None:
    move_to(NOW)
    mod = bot.user(OWNER, language_code="en")
    group = await bot.emu.add_bot_to_group(GROUP, "Hromady", by=mod)
    await group.send_as(mod, "/linkchat")
    await group.wait_message(contains="Linked")
    await _announce(bot, "Перше", "First")  # owed to the old id
    bot.emu.faults.migrate(GROUP, SUPERGROUP)
    await deliver()
    supergroup = bot.emu.group(SUPERGROUP)
    assert (await supergroup.wait_message(contains="First")).text == "First"
    assert await _chats(bot) == [(SUPERGROUP, None, "en")]

    await _announce(bot, "Друге", "Second")
    await deliver()
    assert (await supergroup.wait_message(contains="Second")).text == "Second"
    bot.emu.updates.push(
        {
            "my_chat_member": {
                "chat": bot.emu.chat_json(SUPERGROUP),
                "from": dict(mod.user),
                "date": 0,
                "old_chat_member": {"status": "member", "user": dict(bot.emu.bot_user)},
                "new_chat_member": {"status": "left", "user": dict(bot.emu.bot_user)},
            }
        }
    )
    for _ in range(50):  # handled without any reply: poll the database
        if not await _chats(bot):
            break
        await asyncio.sleep(0.1)
    assert await _chats(bot) == []
