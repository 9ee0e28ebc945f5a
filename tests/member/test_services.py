"""Member services straight on a database: paging, search in chunks, toggles, preferences."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services import search as search_service
from bot.services import settings as prefs
from bot.services.themes import followed_ids, toggle_follow
from bot.services.webinars import has_rsvp, toggle_rsvp, upcoming_page
from tests.factories import make_member, make_news, make_theme, make_webinar

OFFSETS = [timedelta(hours=24), timedelta(hours=1), timedelta(0)]


async def test_search_reads_in_chunks_and_needs_every_word(
    sessionmaker: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_service, "CHUNK", 3)  # many chunks from a few rows
    async with sessionmaker() as session, session.begin():
        for n in range(10):
            await make_news(session, title_uk=f"Новина {n}", summary_en="Energy" if n % 2 else "")
        await make_news(session, title_en="Énergie à Kyïv")
        hits = await search_service.search(session, "energy")
        assert len(hits) == 5  # "Énergie" is another word
        assert [h.title_en for h in await search_service.search(session, "ENERGIE kyiv")] == [
            "Énergie à Kyïv"
        ]
        assert await search_service.search(session, "   ") == []


async def test_pages_stop_at_the_end_and_forged_numbers_are_harmless(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session, session.begin():
        for day in range(9):
            await make_webinar(session, starts_in=timedelta(days=day + 1))
        await make_webinar(session, starts_in=-timedelta(days=1))
        first, second = await upcoming_page(session, 0), await upcoming_page(session, 1)
        assert (len(first.items), first.has_next, len(second.items), second.has_next) == (
            8,
            True,
            1,
            False,
        )
        assert (await upcoming_page(session, 10**9)).items == []


async def test_toggles_flip_and_never_duplicate(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session, session.begin():
        member = await make_member(session, 77)
        webinar, theme = await make_webinar(session), await make_theme(session)
        assert await toggle_rsvp(session, member.id, webinar.id) is True
        assert await has_rsvp(session, member.id, webinar.id)
        assert await toggle_rsvp(session, member.id, webinar.id) is False
        assert await toggle_follow(session, member.id, theme.id) is True
        assert await followed_ids(session, member.id) == {theme.id}


async def test_offsets_are_stored_as_a_comma_list_and_null_means_all(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session, session.begin():
        member = await make_member(session, 78)
        assert prefs.chosen_offsets(member, OFFSETS) == ["1d", "1h", "0m"]
        assert prefs.toggle_offset(member, "1h", OFFSETS)
        assert member.reminder_offsets == "1d,0m"
        assert prefs.toggle_offset(member, "1h", OFFSETS) and member.reminder_offsets is None
        assert not prefs.toggle_offset(member, "7h", OFFSETS)
        assert not prefs.set_time_zone(member, "Nowhere/Land") and member.time_zone is None
        assert not prefs.set_digest(member, "hourly") and not prefs.set_quiet(member, "21")
