"""Assistance contacts, optionally filtered by theme."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import Contact
from bot.services.themes import theme_contacts

# Enough for the whole directory; the renderer splits it into messages that fit.
MAX_CONTACTS = 60


async def list_contacts(session: AsyncSession, theme_id: int | None = None) -> list[Contact]:
    if theme_id is not None:
        return await theme_contacts(session, theme_id, MAX_CONTACTS)
    query = select(Contact).order_by(Contact.position, Contact.id).limit(MAX_CONTACTS)
    return list(await session.scalars(query))


async def get_contact(session: AsyncSession, contact_id: int) -> Contact | None:
    return await session.get(Contact, contact_id)
