"""News items, newest first, a page at a time."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import NewsItem
from bot.services.webinars import Page, fetch_page

NEWS_PAGE = 5


async def news_page(session: AsyncSession, number: int, size: int = NEWS_PAGE) -> Page[NewsItem]:
    query = select(NewsItem).order_by(NewsItem.published_at.desc(), NewsItem.id.desc())
    return await fetch_page(session, query, number, size)


async def get_news(session: AsyncSession, news_id: int) -> NewsItem | None:
    return await session.get(NewsItem, news_id)
