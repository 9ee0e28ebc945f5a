"""The renderer registry: the engine knows kinds, other modules know what each kind looks like."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.message import OutgoingMessage
from bot.models import Delivery, Member

Renderer = Callable[[AsyncSession, Delivery], Awaitable[OutgoingMessage | None]]
# A check every rendered message passes at send time (e.g. the member's quiet hours): it returns
# the message (possibly changed) or raises DropDelivery / DeferDelivery.
Gate = Callable[[AsyncSession, Delivery, OutgoingMessage], Awaitable[OutgoingMessage]]

# One process-wide registry, filled by the composition root (bot/app.py) at start-up.
RENDERERS: dict[str, Renderer] = {}
GATES: list[Gate] = []


def register_renderer(kind: str, renderer: Renderer) -> None:
    RENDERERS[kind] = renderer


def register_gate(gate: Gate) -> None:
    if gate not in GATES:
        GATES.append(gate)


async def apply_gates(
    session: AsyncSession, delivery: Delivery, message: OutgoingMessage
) -> OutgoingMessage:
    for gate in GATES:
        message = await gate(session, delivery, message)
    return message


async def render_text(session: AsyncSession, delivery: Delivery) -> OutgoingMessage | None:
    """`payload["text"]` as HTML: a string, or a dict by language picked for the member."""
    payload = delivery.payload or {}
    text = payload.get("text")
    if isinstance(text, dict):
        language = payload.get("language") or await _member_language(session, delivery)
        text = text.get(language) or next((value for value in text.values() if value), None)
    if not text:
        return None
    return OutgoingMessage(
        text=str(text),
        disable_notification=bool(payload.get("silent", False)),
        link_preview_disabled=bool(payload.get("no_preview", False)),
        message_thread_id=payload.get("thread_id"),
    )


async def _member_language(session: AsyncSession, delivery: Delivery) -> str | None:
    if delivery.member_id is None:
        return None
    member = await session.get(Member, delivery.member_id)
    return member.language if member else None


register_renderer("text", render_text)
