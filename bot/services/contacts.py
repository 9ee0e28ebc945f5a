"""Assistance contacts, optionally filtered by theme, a page at a time."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import Contact, contact_themes
from bot.services.webinars import Page, fetch_page

# Ten blocks fit one message even at their most compact (bot.render.directory.contacts_text).
CONTACTS_PAGE = 10


async def contacts_page(
    session: AsyncSession, theme_id: int | None, number: int, size: int = CONTACTS_PAGE
) -> Page[Contact]:
    query = select(Contact).order_by(Contact.position, Contact.id)
    if theme_id is not None:
        query = query.join(contact_themes, contact_themes.c.contact_id == Contact.id).where(
            contact_themes.c.theme_id == theme_id
        )
    return await fetch_page(session, query, number, size)


async def get_contact(session: AsyncSession, contact_id: int) -> Contact | None:
    return await session.get(Contact, contact_id)
