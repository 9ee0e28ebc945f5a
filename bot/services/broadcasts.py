"""Announcements to many members: drafts, audiences, planning through the outbox, progress."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import now
from bot.delivery import batch_stats, cancel_batch, owe, owe_from_select
from bot.models import Broadcast, Member, Rsvp, Theme, Webinar, member_themes
from bot.services import community
from bot.telegram_html import MessageProblem, check_message

KIND = "broadcast"
LANGUAGES = ("uk", "en")
# Builds the final report from batch stats in one language (the caller owns the wording).
Report = Callable[[dict[str, Any], str], str]
# The text check is shared with anything else moderators write; named here for callers.
TextProblem, check_text = MessageProblem, check_message


def batch_name(broadcast_id: int) -> str:
    return f"broadcast:{broadcast_id}"


def recipients(audience: dict[str, Any]) -> Select[Any]:
    """(chat_id, member_id) of everyone the audience reaches; only people who still listen."""
    kind, value = audience.get("kind", "all"), audience.get("value")
    query = select(Member.chat_id, Member.id).where(Member.state == "active")
    if kind == "webinar":
        # An RSVP is its own consent to hear about that session, subscribed or not.
        rsvp = exists().where(Rsvp.member_id == Member.id, Rsvp.webinar_id == int(value))
        return query.where(rsvp)
    query = query.where(Member.subscribed.is_(True))
    if kind == "language":
        return query.where(Member.language == str(value))
    if kind == "theme":
        follows = exists().where(
            and_(member_themes.c.member_id == Member.id, member_themes.c.theme_id == int(value))
        )
        return query.where(follows)
    return query


async def count_recipients(session: AsyncSession, audience: dict[str, Any]) -> int:
    sub = recipients(audience).subquery()
    return int(await session.scalar(select(func.count()).select_from(sub)) or 0)


async def audience_target(
    session: AsyncSession, kind: str, value: str
) -> tuple[dict[str, Any], Theme | Webinar | None] | None:
    """The audience a button names, checked against the database; None when it is stale."""
    if kind == "all":
        return {"kind": "all"}, None
    if kind == "lang" and value in LANGUAGES:
        return {"kind": "language", "value": value}, None
    model = {"theme": Theme, "web": Webinar}.get(kind)
    item = await session.get(model, int(value)) if model and value.isdigit() else None
    if item is None:
        return None
    return {"kind": "theme" if kind == "theme" else "webinar", "value": item.id}, item


async def set_progress_message(
    session: AsyncSession, broadcast_id: int, chat_id: int, message_id: int
) -> None:
    broadcast = await session.get(Broadcast, broadcast_id)
    if broadcast is not None:
        broadcast.progress_chat_id, broadcast.progress_message_id = chat_id, message_id


async def create_draft(
    session: AsyncSession, created_by: int, texts: dict[str, str], audience: dict[str, Any]
) -> Broadcast:
    draft = Broadcast(
        created_by=created_by,
        text_uk=texts["uk"],
        text_en=texts["en"],
        audience=audience,
        status="draft",
        recipients=await count_recipients(session, audience),
    )
    session.add(draft)
    await session.flush()
    return draft


async def launch(
    session: AsyncSession, broadcast_id: int, due_at: datetime, progress: tuple[int, int]
) -> Broadcast | None:
    """Flip draft → sending/scheduled and owe every message in the same transaction.

    The conditional UPDATE is the lock: of two presses on Send, only one sees rowcount 1.
    """
    scheduled = due_at > now()
    result = await session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.status == "draft")
        .values(
            status="scheduled" if scheduled else "sending",
            scheduled_at=due_at if scheduled else None,
            started_at=None if scheduled else now(),
            progress_chat_id=progress[0],
            progress_message_id=progress[1],
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    broadcast = await session.get(Broadcast, broadcast_id, populate_existing=True)
    assert broadcast is not None
    batch = batch_name(broadcast_id)
    broadcast.recipients = await owe_from_select(
        session,
        recipients(broadcast.audience),
        kind=KIND,
        purpose=batch,
        batch=batch,
        payload={"broadcast_id": broadcast_id},
        due_at=due_at,
    )
    if broadcast.audience.get("kind", "all") == "all":  # linked community chats hear it too
        broadcast.recipients += await community.owe_broadcast(session, broadcast_id, batch, due_at)
    return broadcast


async def cancel(
    session: AsyncSession, broadcast_id: int, statuses: tuple[str, ...] = ("scheduled", "sending")
) -> Broadcast | None:
    """Stop a scheduled or running broadcast (or a draft); rows already being sent finish."""
    result = await session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.status.in_(statuses))
        .values(status="cancelled", finished_at=now())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    await cancel_batch(session, batch_name(broadcast_id))
    return await session.get(Broadcast, broadcast_id, populate_existing=True)


@dataclass
class Progress:
    broadcast: Broadcast
    stats: dict[str, Any]
    finished: bool  # this call moved it to done: tell the moderator once


async def active(session: AsyncSession) -> list[Broadcast]:
    query = select(Broadcast).where(Broadcast.status.in_(("scheduled", "sending")))
    return list(await session.scalars(query.order_by(Broadcast.id)))


async def advance(session: AsyncSession, broadcast_id: int, report: Report) -> Progress | None:
    """Scheduled → sending when due; sending → done when nothing is left, owing the report.

    Read fresh (a moderator may have just cancelled it); conditional updates again, so several
    instances running this tick report once.
    """
    broadcast = await session.get(Broadcast, broadcast_id, populate_existing=True)
    if broadcast is None:
        return None
    stats = await batch_stats(session, batch_name(broadcast.id))
    moment = now()
    due = (broadcast.scheduled_at or moment) <= moment
    if broadcast.status == "scheduled" and due:
        if await _flip(session, broadcast.id, "scheduled", "sending", started_at=moment):
            broadcast.status = "sending"
    left = stats["queued"] + stats["sending"]
    if broadcast.status != "sending" or left:
        return Progress(broadcast, stats, False)
    if not await _flip(session, broadcast.id, "sending", "done", finished_at=moment):
        return Progress(broadcast, stats, False)
    broadcast.status = "done"
    stats = await batch_stats(session, batch_name(broadcast.id))
    if broadcast.progress_chat_id:
        await _owe_report(session, broadcast, {lang: report(stats, lang) for lang in LANGUAGES})
    return Progress(broadcast, stats, True)


async def _owe_report(session: AsyncSession, broadcast: Broadcast, texts: dict[str, str]) -> None:
    """The final report goes through the outbox, in the transaction that marks the end."""
    chat_id = broadcast.progress_chat_id
    assert chat_id is not None
    member_id = await session.scalar(select(Member.id).where(Member.chat_id == chat_id))
    await owe(
        session,
        chat_id=chat_id,
        member_id=member_id,
        kind="text",
        purpose=f"broadcast-report:{broadcast.id}",
        batch=f"broadcast-report:{broadcast.id}",
        payload={"text": texts},
        due_at=now(),
        priority=10,
    )


async def _flip(
    session: AsyncSession, broadcast_id: int, old: str, new: str, **values: Any
) -> bool:
    result = await session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.status == old)
        .values(status=new, **values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


async def recent(session: AsyncSession, limit: int = 5) -> list[tuple[Broadcast, dict[str, Any]]]:
    query = select(Broadcast).where(Broadcast.status != "draft")
    rows = await session.scalars(query.order_by(Broadcast.id.desc()).limit(limit))
    return [(row, await batch_stats(session, batch_name(row.id))) for row in rows]
