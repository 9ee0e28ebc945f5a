"""Roles: owners appoint moderators; every moderator action is checked and refusals audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.models import AuditEntry, Member
from tests.harness import BotHarness
from tests.moderation.conftest import OWNER, add_member

pytestmark = pytest.mark.bot_settings(ADMIN_IDS=str(OWNER))


async def refusals(bot: BotHarness, user_id: int) -> list[AuditEntry]:
    async with bot.sessionmaker() as session:
        query = select(AuditEntry).where(AuditEntry.actor_id == user_id, ~AuditEntry.allowed)
        return list(await session.scalars(query))


@pytest.mark.parametrize(
    ("language", "refusal"),
    [("uk", "Вибачте, це лише для модераторів."), ("en", "Sorry, this is only for moderators.")],
)
async def test_members_are_refused_and_the_attempt_is_audited(
    bot: BotHarness, language: str, refusal: str
) -> None:
    member = bot.user(3001, language_code=language)
    for command in ("/broadcast", "/stats", "/addwebinar", "/pause"):
        await member.send(command)
        assert (await member.wait_message()).text == refusal
    entries = await refusals(bot, 3001)
    assert [e.action for e in entries] == ["broadcast", "stats", "webinar_add", "pause"]
    assert "stats" not in [c["command"] for c in bot.emu.commands[("all_private_chats", language)]]


async def test_forged_moderator_button_does_nothing_but_refuse(bot: BotHarness) -> None:
    member = bot.user(3002, language_code="en")
    await member.send("/start")
    message = await member.wait_message()
    await member.press_data("pz:on", message)
    await bot.emu.wait_until(lambda: member.callback_answers, 5)
    assert member.callback_answers[-1]["text"] == "Sorry, this is only for moderators."
    assert member.callback_answers[-1]["show_alert"] is True
    entries = await refusals(bot, 3002)
    assert entries[0].details == {"via": "button", "data": "pz:on"}
    async with bot.sessionmaker() as session:
        assert not await session.scalar(
            select(AuditEntry).where(AuditEntry.action == "pause", AuditEntry.allowed)
        )


async def test_promote_gives_the_menu_and_demote_takes_it_and_old_buttons_away(
    bot: BotHarness,
) -> None:
    owner = bot.user(OWNER, language_code="en")
    mod = bot.user(3003, language_code="uk", first_name="Oksana")
    await mod.send("/start")
    await mod.wait_message()
    await owner.send("/promote 3003")
    assert "Oksana (3003) is now a moderator" in (await owner.wait_message()).text
    menu = [c["command"] for c in bot.emu.commands[("chat:3003", "uk")]]
    assert "broadcast" in menu and "webinars" in menu
    await mod.send("/pause")
    panel = await mod.wait_message(contains="Надсилання")
    await owner.send("/demote 3003")
    assert "Oksana (3003) is no longer a moderator." in (await owner.wait_message()).text
    assert ("chat:3003", "uk") not in bot.emu.commands
    await mod.press("⏸ Призупинити все надсилання", panel)
    await bot.emu.wait_until(lambda: mod.callback_answers, 5)
    assert mod.callback_answers[-1]["text"] == "Вибачте, це лише для модераторів."
    assert [e.action for e in await refusals(bot, 3003)] == ["pause"]


async def test_promote_by_replying_to_a_forwarded_message(bot: BotHarness) -> None:
    owner = bot.user(OWNER, language_code="en")
    await add_member(bot, 3004, "en", first_name="Taras")
    forwarded = await owner.forward_from({"id": 3004, "is_bot": False, "first_name": "Taras"})
    await owner.wait_message()  # whatever the bot says to a stray forward
    owner._post_message(
        owner.user,
        text="/promote",
        entities=[{"type": "bot_command", "offset": 0, "length": 8}],
        reply_to_message=forwarded,
    )
    assert (
        "Taras (3004) is now a moderator" in (await owner.wait_message(contains="moderator")).text
    )
    async with bot.sessionmaker() as session:
        member = await session.scalar(select(Member).where(Member.user_id == 3004))
        assert member is not None and member.role == "moderator"


async def test_moderators_cannot_appoint_and_unknown_people_are_explained(bot: BotHarness) -> None:
    owner = bot.user(OWNER, language_code="en")
    await owner.send("/promote 999999")
    assert "they need to send /start to me first" in (await owner.wait_message()).text
    await add_member(bot, 3005, "en", role="moderator")
    mod = bot.user(3005, language_code="en")
    await mod.send("/promote 3006")
    assert (await mod.wait_message()).text == "Sorry, only the bot's owners can do this."
    await mod.send("/moderators")
    listing = await mod.wait_message()
    assert "Member3005 (3005)" in listing.text and listing.buttons == []


async def test_existing_moderators_get_their_menu_at_start(bot: BotHarness) -> None:
    # The fixture's app started before this member existed; start-up hooks run again here.
    from handlers.admin_roles import on_startup

    await add_member(bot, 3007, "en", role="moderator")
    await on_startup(bot.app, bot.runtime)
    assert "broadcast" in [c["command"] for c in bot.emu.commands[("chat:3007", "en")]]
    assert "broadcast" in [c["command"] for c in bot.emu.commands[(f"chat:{OWNER}", "en")]]


async def test_owner_removes_a_moderator_with_the_button(bot: BotHarness) -> None:
    await add_member(bot, 3008, "uk", role="moderator", first_name="Petro")
    owner = bot.user(OWNER, language_code="uk")
    await owner.send("/moderators")
    listing = await owner.wait_message(contains="Модератори")
    assert "Petro (3008)" in listing.text
    await owner.press("Зняти: Petro", listing)
    assert await bot.emu.wait_until(lambda: "більше не модератор" in listing.text, 5)
    async with bot.sessionmaker() as session:
        member = await session.scalar(select(Member).where(Member.user_id == 3008))
        assert member is not None and member.role == "member"
