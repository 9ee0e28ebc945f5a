"""News digests end to end: weekly or daily per member, each item once, empty ones never sent."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest

from bot.clock import now
from bot.db import transaction
from bot.jobs import digest_tick
from bot.models import DigestEntry, NewsItem
from tests.harness import BotHarness
from tests.scheduler.conftest import Deliver, add_member, add_webinar, at, move_to, rows, texts

pytestmark = pytest.mark.no_seed
SECOND = timedelta(seconds=1)
_guids = itertools.count(1)


async def add_news(bot: BotHarness, **fields: Any) -> int:
    values = {"guid": f"test-{next(_guids)}", "published_at": now()} | fields
    async with transaction(bot.sessionmaker) as session:
        item = NewsItem(**values)
        session.add(item)
        await session.flush()
        return item.id


async def digest_now(bot: BotHarness, deliver: Deliver) -> dict[str, int]:
    planned = await digest_tick(bot.runtime)
    await deliver()
    return planned


async def test_weekly_digest_lists_new_items_once_in_each_language(
    bot: BotHarness, deliver: Deliver
) -> None:
    move_to(at("2027-05-05T10:00"))  # a Wednesday
    await add_member(bot, 1001, "uk")
    await add_member(bot, 1002, "en")
    await add_member(bot, 1004, "uk", digest="off")
    await add_news(bot, title_uk="Відновлення шкіл у Харкові", summary_uk="Нові укриття.")
    await add_news(bot, title_en="EU fund for hromadas", url="https://example.org/fund")
    await add_webinar(bot, at("2027-05-20T11:00"), title_uk="Енергоефективність")
    await add_webinar(bot, at("2027-05-21T11:00"), title_uk="Скасований", status="cancelled")

    move_to(at("2027-05-10T05:59"))  # Monday 08:59 in Kyiv: not yet
    assert await digest_now(bot, deliver) == {}
    move_to(at("2027-05-10T06:00") + SECOND)  # Monday 09:00 in Kyiv
    assert (await digest_now(bot, deliver))["weekly"] == 2
    assert (await digest_now(bot, deliver))["weekly"] == 0  # once per week

    [uk] = texts(bot, 1001)
    assert uk.startswith("📰 Ваш щотижневий дайджест")
    assert "Відновлення шкіл у Харкові\nНові укриття." in uk
    assert "EU fund for hromadas (англійською)" in uk
    assert "Найближчі вебінари" in uk and "чт 20 трав., 14:00 — Енергоефективність" in uk
    assert "Скасований" not in uk
    [en] = texts(bot, 1002)
    assert en.startswith("📰 Your weekly digest")
    assert "Відновлення шкіл у Харкові (in Ukrainian)" in en and "EU fund for hromadas" in en
    assert "Upcoming webinars" in en
    link = bot.user(1002).messages()[0].html
    assert '<a href="https://example.org/fund">EU fund for hromadas</a>' in link
    assert texts(bot, 1004) == []

    move_to(at("2027-05-17T06:00") + SECOND)  # nothing new this week: no digest at all
    assert (await digest_now(bot, deliver))["weekly"] == 0
    assert len(texts(bot, 1001)) == 1

    await add_news(bot, title_uk="Грант для громад", title_en="A grant for hromadas")
    move_to(at("2027-05-24T06:00") + SECOND)
    await digest_now(bot, deliver)
    latest = texts(bot, 1001)[-1]
    assert "Грант для громад" in latest
    assert "Харкові" not in latest and "Енергоефективність" not in latest
    async with bot.sessionmaker() as session:
        entries = (await session.scalars(DigestEntry.__table__.select())).all()
    assert len(entries) == 2 * 3 + 2  # 3 items then 1, to each of two members


async def test_daily_digest_follows_the_local_morning_across_the_clock_change(
    bot: BotHarness, deliver: Deliver
) -> None:
    move_to(at("2027-10-29T10:00"))
    await add_member(bot, 1101, "uk", digest="daily")
    await add_member(bot, 1102, "en", digest="weekly")  # Monday only
    await add_news(bot, title_uk="Новина першого дня")
    move_to(at("2027-10-30T06:00") + SECOND)  # Saturday 09:00 in Kyiv (UTC+3)
    assert await digest_now(bot, deliver) == {"daily": 1}
    [first] = texts(bot, 1101)
    assert first.startswith("📰 Ваш щоденний дайджест") and "Новина першого дня" in first
    assert texts(bot, 1102) == []

    await add_news(bot, title_en="Second day news")
    move_to(at("2027-10-31T06:00") + SECOND)  # 08:00 in Kyiv after the clocks went back
    assert await digest_now(bot, deliver) == {}
    move_to(at("2027-10-31T07:00") + SECOND)  # Sunday 09:00 in Kyiv (UTC+2)
    await digest_now(bot, deliver)
    second = texts(bot, 1101)[-1]
    assert "Second day news (англійською)" in second and "Новина першого дня" not in second

    move_to(at("2027-11-01T07:00") + SECOND)  # Monday: nothing new daily; the weekly is due
    assert await digest_now(bot, deliver) == {"daily": 0, "weekly": 1}
    assert len(texts(bot, 1101)) == 2
    [weekly] = texts(bot, 1102)
    assert weekly.startswith("📰 Your weekly digest") and "Second day news" in weekly
    assert [r.purpose for r in await rows(bot, "digest")] == [
        "digest:d2027-10-30",
        "digest:d2027-10-31",
        "digest:w2027-44",
    ]


async def test_a_busy_week_lists_the_most_recent_and_says_how_many_more(
    bot: BotHarness, deliver: Deliver
) -> None:
    from bot.scheduler.digest import MAX_NEWS, MAX_WEBINARS

    move_to(at("2027-05-05T10:00"))
    await add_member(bot, 1101, "uk")
    await add_member(bot, 1102, "en")
    for n in range(MAX_NEWS + 3):
        await add_news(bot, title_uk=f"Новина {n}", title_en=f"News {n}")
    for n in range(MAX_WEBINARS + 1):
        await add_webinar(bot, at("2027-05-20T11:00") + timedelta(hours=n))

    move_to(at("2027-05-10T06:00") + SECOND)
    assert (await digest_now(bot, deliver))["weekly"] == 2
    [uk] = texts(bot, 1101)
    assert "…і ще 3 новини в /news" in uk and "…і ще 1 вебінар у /webinars" in uk
    assert uk.count("• Новина") == MAX_NEWS and "Новина 17" in uk and "Новина 2\n" not in uk
    assert uk.count("— Відбудова громад") == MAX_WEBINARS
    [en] = texts(bot, 1102)
    assert "…and 3 more news items in /news" in en and "…and 1 more webinar in /webinars" in en
