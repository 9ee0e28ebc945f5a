"""Half-finished steps (a moderator's /addwebinar, a typed time zone) live in the database.

Why: a member's next message may reach another instance behind the load balancer, or this one
after a restart; both must know what that message answers. State is stored per Telegram user
(steps only happen in private chats) as JSON: the conversations' states by name and the
handlers' scratch data. A state idle for longer than STALE_AFTER counts as abandoned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import now
from bot.models import DialogState

STALE_AFTER = timedelta(minutes=30)
_DATETIME = "$datetime"


@dataclass
class Steps:
    """Where a user is: conversation name → state, and the handlers' scratch data."""

    conversations: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    abandoned: bool = False  # a stored state too old to continue: treated as none, then deleted

    def is_empty(self) -> bool:
        return not self.conversations and not self.data


def encode(value: Any) -> Any:
    """JSON-safe form: datetimes tagged, tuples as lists; anything else unknown is refused."""
    if isinstance(value, datetime):
        return {_DATETIME: value.isoformat()}
    if isinstance(value, dict):
        return {str(key): encode(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [encode(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot keep a {type(value).__name__} in a step's state")


def decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {_DATETIME}:
            return datetime.fromisoformat(value[_DATETIME])
        return {key: decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [decode(item) for item in value]
    return value


async def load(session: AsyncSession, user_id: int) -> Steps:
    row = await session.get(DialogState, user_id)
    if row is None:
        return Steps()
    if row.updated_at < now() - STALE_AFTER:
        return Steps(abandoned=True)
    return Steps(decode(row.conversations or {}), decode(row.data or {}))


async def save(session: AsyncSession, user_id: int, steps: Steps) -> None:
    """Store the user's steps (an upsert: two instances may race); nothing pending, no row."""
    if steps.is_empty():
        await session.execute(delete(DialogState).where(DialogState.user_id == user_id))
        return
    values = {
        "user_id": user_id,
        "conversations": encode(steps.conversations),
        "data": encode(steps.data),
        "updated_at": now(),
    }
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(DialogState).values(values)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=["user_id"],
            set_={key: stmt.excluded[key] for key in ("conversations", "data", "updated_at")},
        )
    )


async def prune(session: AsyncSession) -> int:
    """Forget abandoned steps (housekeeping)."""
    result = await session.execute(
        delete(DialogState).where(DialogState.updated_at < now() - STALE_AFTER)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
