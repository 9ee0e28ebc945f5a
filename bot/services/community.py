"""Community chats: groups and forum topics moderators linked; announcements and "starting now".

Messages to chats go through the outbox like everything else (kind "community", no member), one
row per linked chat or topic; negative chat ids get the engine's group pace (20 per minute).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import now
from bot.delivery.planning import owe_many
from bot.models import CommunityChat, Webinar
from bot.scheduler.reminders import (
    LONGEST,
    PLAN_AHEAD,
    REMINDER_PRIORITY,
    reminder_batch,
    should_plan,
)
from bot.services.search import normalise, words_of

KIND = "community"


class Linked(StrEnum):
    DONE = "done"
    ALREADY = "already"


async def find(session: AsyncSession, chat_id: int, thread_id: int | None) -> CommunityChat | None:
    query = select(CommunityChat).where(CommunityChat.chat_id == chat_id)
    query = query.where(
        CommunityChat.thread_id.is_(None)
        if thread_id is None
        else CommunityChat.thread_id == thread_id
    )
    return await session.scalar(query)


async def link(
    session: AsyncSession,
    chat_id: int,
    thread_id: int | None,
    *,
    title: str,
    language: str,
    by: int,
) -> Linked:
    """Link this chat (or forum topic); linking again only refreshes its title and language."""
    found = await find(session, chat_id, thread_id)
    if found is not None:
        found.title, found.language = title[:256], language
        return Linked.ALREADY
    session.add(
        CommunityChat(
            chat_id=chat_id,
            thread_id=thread_id,
            title=title[:256],
            language=language,
            linked_by=by,
        )
    )
    await session.flush()
    return Linked.DONE


async def unlink(session: AsyncSession, chat_id: int, thread_id: int | None) -> bool:
    found = await find(session, chat_id, thread_id)
    if found is None:
        return False
    await session.delete(found)
    return True


async def forget_chat(session: AsyncSession, chat_id: int) -> int:
    """The bot left or was removed: every topic of the chat is unlinked."""
    result = await session.execute(delete(CommunityChat).where(CommunityChat.chat_id == chat_id))
    return int(result.rowcount)  # type: ignore[attr-defined]


async def linked(session: AsyncSession) -> list[CommunityChat]:
    return list(await session.scalars(select(CommunityChat).order_by(CommunityChat.id)))


def _row(
    chat: CommunityChat, purpose: str, batch: str, due: datetime, **payload: Any
) -> dict[str, Any]:
    return {
        "chat_id": chat.chat_id,
        "member_id": None,
        "kind": KIND,
        # Topics of one forum share a chat id: the purpose names the link so each topic gets one.
        "purpose": f"{purpose}:cc{chat.id}",
        "batch": batch,
        "payload": {"community_chat_id": chat.id, **payload},
        "due_at": due,
        "priority": REMINDER_PRIORITY if payload.get("what") == "starting" else 0,
    }


async def owe_broadcast(
    session: AsyncSession, broadcast_id: int, batch: str, due: datetime
) -> int:
    """Announcements to everyone also reach linked chats, in the same batch (progress, cancel)."""
    chats = await linked(session)
    rows = [_row(c, batch, batch, due, what="broadcast", broadcast_id=broadcast_id) for c in chats]
    return await owe_many(session, rows) if rows else 0


async def plan_starting(session: AsyncSession, moment: datetime) -> int:
    """Owe "starting now" to every linked chat for sessions starting within PLAN_AHEAD."""
    chats = await linked(session)
    if not chats:
        return 0
    webinars = await session.scalars(
        select(Webinar)
        .where(Webinar.status == "scheduled")
        .where(Webinar.starts_at > moment - LONGEST, Webinar.starts_at <= moment + PLAN_AHEAD)
    )
    rows = []
    for webinar in webinars:
        if not should_plan(webinar, timedelta(0), moment):
            continue
        # The reminder batch: a reschedule or cancellation drops these with the reminders.
        batch = reminder_batch(webinar.id, webinar.schedule_version)
        purpose = f"starting:{webinar.id}:v{webinar.schedule_version}"
        payload = {
            "what": "starting",
            "webinar_id": webinar.id,
            "version": webinar.schedule_version,
        }
        rows += [_row(chat, purpose, batch, webinar.starts_at, **payload) for chat in chats]
    return await owe_many(session, rows) if rows else 0


async def move_chat(session: AsyncSession, old: int, new: int) -> None:
    """A group became a supergroup (seen as a service message): follow it to its new id."""
    moving = await session.scalars(select(CommunityChat).where(CommunityChat.chat_id == old))
    for chat in list(moving):
        if await find(session, new, chat.thread_id) is not None:
            await session.delete(chat)  # already linked under the new id (the engine got there)
        else:
            chat.chat_id = new
    await session.flush()


async def shareable(session: AsyncSession, query: str, limit: int = 10) -> list[Webinar]:
    """Upcoming sessions matching every word of `query`, in either language; all when empty."""
    upcoming = await session.scalars(
        select(Webinar)
        .where(Webinar.starts_at >= now(), Webinar.status != "cancelled")
        .order_by(Webinar.starts_at, Webinar.id)
        .limit(200)
    )
    words = words_of(query)
    found = []
    for webinar in upcoming:
        haystack = normalise(" ".join((webinar.title_uk, webinar.title_en, webinar.series or "")))
        if all(word in haystack for word in words):
            found.append(webinar)
        if len(found) >= limit:
            break
    return found
