"""The private calendar feed: a link from /calendar, served by the bot's web server, revocable."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.calendar_feed import add_calendar_routes
from bot.db import transaction
from bot.models import Webinar
from bot.scheduler import changes
from tests.community.conftest import add_member, add_webinar, at, move_to, rsvp
from tests.harness import BotHarness

pytestmark = pytest.mark.no_seed
NOW = at("2027-05-12T08:00")
PUBLIC = pytest.mark.bot_settings(
    WEBHOOK_URL="https://bot.example.org/tg/hook", WEBHOOK_SECRET="s3cret-token"
)
LINK = re.compile(r"https://bot\.example\.org/calendar/([A-Za-z0-9_-]+)\.ics")


@pytest.fixture
async def http(bot: BotHarness) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    web_app = web.Application()
    add_calendar_routes(web_app, bot.runtime)
    async with TestClient(TestServer(web_app)) as client:
        yield client


async def _feed(http: TestClient[web.Request, web.Application], token: str) -> tuple[int, str]:
    response = await http.get(f"/calendar/{token}.ics")
    return response.status, await response.text()


@PUBLIC
async def test_feed_follows_reschedules_and_cancellations_until_revoked(
    bot: BotHarness, http: TestClient[web.Request, web.Application]
) -> None:
    move_to(NOW)
    chosen = await add_webinar(bot, NOW + timedelta(days=2), title_uk="Вода", title_en="Water")
    await add_webinar(bot, NOW + timedelta(days=3), title_uk="Школи", title_en="Schools")
    await rsvp(bot, await add_member(bot, 3101, "uk"), chosen)
    user = bot.user(3101)
    await user.send("/calendar")
    shown = await user.wait_message()
    assert shown.text.startswith("📆 Ваше особисте посилання на календар:")
    match = LINK.search(shown.text)
    assert match is not None
    token = match.group(1)

    status, body = await _feed(http, token)
    assert status == 200 and "X-WR-CALNAME:Вебінари Hromada Companion" in body
    assert "SUMMARY:Вода" in body and "Школи" not in body and "SEQUENCE:1" in body
    async with transaction(bot.sessionmaker) as session:
        webinar = await session.get(Webinar, chosen)
        assert webinar is not None
        await changes.reschedule(session, webinar, NOW + timedelta(days=4))
    body = (await _feed(http, token))[1]
    assert "SEQUENCE:2" in body and "DTSTART:20270516T080000Z" in body
    async with transaction(bot.sessionmaker) as session:
        webinar = await session.get(Webinar, chosen)
        assert webinar is not None
        await changes.cancel(session, webinar)
    assert "STATUS:CANCELLED" in (await _feed(http, token))[1]

    await user.press("🔄 Нове посилання (старе перестане діяти)", shown)
    await user.wait_edit(shown)
    fresh = LINK.search(shown.text)
    assert fresh is not None and fresh.group(1) != token
    assert (await _feed(http, token))[0] == 404
    assert (await _feed(http, fresh.group(1)))[0] == 200
    await user.press("🚫 Вимкнути посилання", shown)
    await user.wait_edit(shown)
    assert shown.text.startswith("Посилання на календар вимкнено.")
    assert (await _feed(http, fresh.group(1)))[0] == 404


@PUBLIC
async def test_member_without_choices_gets_every_upcoming_session(
    bot: BotHarness, http: TestClient[web.Request, web.Application]
) -> None:
    move_to(NOW)
    await add_webinar(bot, NOW + timedelta(days=2), title_en="Water")
    await add_webinar(bot, NOW + timedelta(days=3), title_en="Schools")
    await add_member(bot, 3102, "en")
    user = bot.user(3102, language_code="en")
    await user.send("/settings")
    await user.press("📆 Calendar link", await user.wait_message())  # /calendar from settings
    shown = await user.wait_message(contains="calendar link")
    assert "updates itself when times change" in shown.text
    match = LINK.search(shown.text)
    assert match is not None
    body = (await _feed(http, match.group(1)))[1]
    assert "SUMMARY:Water" in body and "SUMMARY:Schools" in body
    assert (await _feed(http, "not-a-real-token-at-all-0000"))[0] == 404


async def test_without_a_public_server_calendar_explains(bot: BotHarness) -> None:
    for user_id, language, expected in (
        (3103, "en", "A calendar subscription needs the bot's public web server"),
        (3104, "uk", "Для підписки на календар потрібен публічний вебсервер бота"),
    ):
        user = bot.user(user_id, language_code=language)
        await user.send("/calendar")
        assert (await user.wait_message()).text.startswith(expected)
