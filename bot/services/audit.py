"""The audit log: who did what, to what, when, and whether they were allowed to."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import now
from bot.models import AuditEntry, Member
from bot.services.webinars import Page, fetch_page

PAGE_SIZE = 20


async def record(
    session: AsyncSession,
    actor_id: int,
    action: str,
    target: object = None,
    details: dict[str, Any] | None = None,
    allowed: bool = True,
) -> AuditEntry:
    """Add one entry in the caller's transaction, so it commits (or not) with the action."""
    entry = AuditEntry(
        actor_id=actor_id,
        action=action[:64],
        target=None if target is None else str(target)[:255],
        details=details or {},
        allowed=allowed,
        created_at=now(),
    )
    session.add(entry)
    return entry


async def page(session: AsyncSession, number: int, size: int = PAGE_SIZE) -> Page[AuditEntry]:
    """Newest first."""
    query = select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    return await fetch_page(session, query, number, size)


async def actor_names(session: AsyncSession, actor_ids: set[int]) -> dict[int, str]:
    """First names of the actors who are still members (forgotten ones show as ids)."""
    if not actor_ids:
        return {}
    rows = await session.execute(
        select(Member.user_id, Member.first_name).where(Member.user_id.in_(actor_ids))
    )
    return {user_id: name for user_id, name in rows.tuples() if name}
