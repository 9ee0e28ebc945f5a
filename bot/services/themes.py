"""Themes: the five of them, their upcoming webinars and contacts, and who follows them."""

from __future__ import annotations

from sqlalchemy import delete, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import now
from bot.models import Theme, Webinar, member_themes, webinar_themes
from bot.services.webinars import Page, fetch_page, insert_ignore

# There are five; pages only matter if moderators ever add many more.
THEMES_PAGE = 10
MAX_THEMES = 30  # pickers (broadcast audience) list at most this many


async def list_themes(session: AsyncSession, limit: int = MAX_THEMES) -> list[Theme]:
    query = select(Theme).order_by(Theme.position, Theme.id).limit(limit)
    return list(await session.scalars(query))


async def themes_page(session: AsyncSession, number: int, size: int = THEMES_PAGE) -> Page[Theme]:
    query = select(Theme).order_by(Theme.position, Theme.id)
    return await fetch_page(session, query, number, size)


async def get_theme(session: AsyncSession, theme_id: int) -> Theme | None:
    return await session.get(Theme, theme_id)


async def theme_by_slug(session: AsyncSession, slug: str) -> Theme | None:
    return await session.scalar(select(Theme).where(Theme.slug == slug[:64]))


async def theme_webinars(session: AsyncSession, theme_id: int, limit: int = 8) -> list[Webinar]:
    """The theme's upcoming sessions, soonest first."""
    query = (
        select(Webinar)
        .join(webinar_themes, webinar_themes.c.webinar_id == Webinar.id)
        .where(webinar_themes.c.theme_id == theme_id, Webinar.starts_at >= now())
        .order_by(Webinar.starts_at, Webinar.id)
        .limit(limit)
    )
    return list(await session.scalars(query))


async def followed_ids(session: AsyncSession, member_id: int) -> set[int]:
    query = select(member_themes.c.theme_id).where(member_themes.c.member_id == member_id)
    return set(await session.scalars(query))


async def is_following(session: AsyncSession, member_id: int, theme_id: int) -> bool:
    row = member_themes.c
    query = select(exists().where(row.member_id == member_id, row.theme_id == theme_id))
    return bool(await session.scalar(query))


async def toggle_follow(session: AsyncSession, member_id: int, theme_id: int) -> bool:
    """Follow or unfollow; return whether the member now follows the theme."""
    row = member_themes.c
    if await is_following(session, member_id, theme_id):
        await session.execute(
            delete(member_themes).where(row.member_id == member_id, row.theme_id == theme_id)
        )
        return False
    await insert_ignore(session, member_themes, member_id=member_id, theme_id=theme_id)
    return True
