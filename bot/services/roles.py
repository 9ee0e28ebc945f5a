"""Who may moderate: owners from settings.ADMIN_IDS, moderators appointed by owners in the DB."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import now
from bot.delivery import owe
from bot.models import Member
from bot.settings import Settings

OWNER, MODERATOR, MEMBER = "owner", "moderator", "member"


class Change(StrEnum):
    DONE = "done"
    ALREADY = "already"  # nothing to change
    UNKNOWN = "unknown"  # never talked to the bot: no chat to give a menu to
    OWNER = "owner"  # owners are configured, not appointed


def is_owner(settings: Settings, user_id: int) -> bool:
    return user_id in settings.ADMIN_IDS


async def role_of(session: AsyncSession, settings: Settings, user_id: int) -> str:
    """Read at the moment of use, never from anything the client sent."""
    if is_owner(settings, user_id):
        return OWNER
    role = await session.scalar(select(Member.role).where(Member.user_id == user_id))
    return MODERATOR if role == MODERATOR else MEMBER


async def may(session: AsyncSession, settings: Settings, user_id: int, owner_only: bool) -> bool:
    role = await role_of(session, settings, user_id)
    return role == OWNER or (role == MODERATOR and not owner_only)


async def moderators(session: AsyncSession) -> list[Member]:
    query = select(Member).where(Member.role == MODERATOR).order_by(Member.first_name, Member.id)
    return list(await session.scalars(query))


async def moderator_chat_ids(session: AsyncSession, settings: Settings) -> list[int]:
    """Chats of appointed moderators; owners' menus are set from settings at start anyway."""
    rows = await session.scalars(select(Member.chat_id).where(Member.role == MODERATOR))
    return [chat_id for chat_id in rows if chat_id not in settings.ADMIN_IDS]


async def promote(
    session: AsyncSession, settings: Settings, user_id: int, notice: dict[str, str] | None = None
) -> tuple[Change, Member | None]:
    """Appoint; `notice` ({language: text}) is owed to them in the same transaction."""
    if is_owner(settings, user_id):
        return Change.OWNER, None
    member = await session.scalar(select(Member).where(Member.user_id == user_id))
    if member is None:
        return Change.UNKNOWN, None
    if member.role == MODERATOR:
        return Change.ALREADY, member
    member.role = MODERATOR
    if notice:
        await owe(
            session,
            chat_id=member.chat_id,
            member_id=member.id,
            kind="text",
            purpose=f"moderator-welcome:{now().isoformat()}",
            batch="moderator-welcome",
            payload={"text": notice},
            due_at=now(),
            priority=10,
        )
    return Change.DONE, member


async def demote(
    session: AsyncSession, settings: Settings, user_id: int
) -> tuple[Change, Member | None]:
    if is_owner(settings, user_id):
        return Change.OWNER, None
    member = await session.scalar(select(Member).where(Member.user_id == user_id))
    if member is None:
        return Change.UNKNOWN, None
    if member.role != MODERATOR:
        return Change.ALREADY, member
    member.role = "member"
    return Change.DONE, member
