"""Members: find or create on contact, preferences, consent and forgetting."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import now
from bot.models import Delivery, DigestEntry, Feedback, Member, Rsvp, member_themes


@dataclass(frozen=True)
class Contact:
    """Who wrote to the bot, as far as the services need to know."""

    user_id: int
    chat_id: int
    first_name: str
    language_code: str | None


async def get_member(session: AsyncSession, user_id: int) -> Member | None:
    return await session.scalar(select(Member).where(Member.user_id == user_id))


async def touch_member(session: AsyncSession, contact: Contact, language: str) -> Member:
    """Return the member for this user, creating a row (not yet subscribed) on first contact."""
    member = await get_member(session, contact.user_id)
    if member is None:
        member = Member(
            user_id=contact.user_id,
            chat_id=contact.chat_id,
            first_name=contact.first_name[:128],
            language=language,
            subscribed=False,
        )
        session.add(member)
    member.last_seen_at = now()
    if contact.chat_id > 0:
        member.chat_id = contact.chat_id
    await session.flush()
    return member


async def subscribe(session: AsyncSession, member: Member) -> bool:
    """Record consent; return True when the member was not subscribed before."""
    was = member.subscribed and member.state == "active"
    member.subscribed = True
    member.state = "active"
    member.unreachable_since = None
    return not was


async def stop(session: AsyncSession, member: Member) -> None:
    """Pause everything owed to the member; pending deliveries are cancelled, not lost silently."""
    member.subscribed = False
    member.state = "stopped"
    # Where a catch-up starts when they come back (bot.services.catchup).
    member.unreachable_since = member.unreachable_since or now()
    await session.execute(
        Delivery.__table__.update()
        .where(Delivery.member_id == member.id, Delivery.status == "pending")
        .values(status="cancelled", last_error="member stopped")
    )


async def forget(session: AsyncSession, member: Member) -> None:
    """Delete the member's personal data and every row about them.

    Deleted explicitly rather than trusting ON DELETE CASCADE: SQLite only cascades when the
    connection enabled foreign keys, and a privacy promise should not depend on a pragma.
    """
    # Sent rows too: they hold the chat id, and nothing is owed to someone who left.
    await session.execute(
        delete(Delivery).where(
            or_(Delivery.member_id == member.id, Delivery.chat_id == member.chat_id)
        )
    )
    for table in (Rsvp.__table__, DigestEntry.__table__, Feedback.__table__, member_themes):
        await session.execute(delete(table).where(table.c.member_id == member.id))
    await session.execute(delete(Member).where(Member.id == member.id))


async def forget_user(session: AsyncSession, user_id: int) -> bool:
    """Forget whoever has this Telegram id; False when there was nobody to forget."""
    member = await get_member(session, user_id)
    if member is None:
        return False
    await forget(session, member)
    return True
