"""Render a planned digest at send time: the listed items, in the member's language and zone."""

from __future__ import annotations

import html
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.clock import now
from bot.delivery.message import DropDelivery, OutgoingMessage
from bot.delivery.render import register_renderer
from bot.i18n import N_, _, ngettext, use_locale
from bot.models import Delivery, Member, NewsItem, Webinar
from bot.render.common import clip, esc, is_link
from bot.render.webinar import title_of
from bot.scheduler.render import DEFAULTS
from bot.timefmt import format_short, other_clock, parse_zone

SUMMARY_LIMIT = 220
HEADINGS = {"weekly": N_("📰 Your weekly digest"), "daily": N_("📰 Your daily digest")}
# A translation missing in the member's language: the other one, saying which it is.
OTHER_LANGUAGE = {"uk": N_("(in English)"), "en": N_("(in Ukrainian)")}


def localised(item: object, field: str, language: str) -> tuple[str, bool]:
    """The field in `language`, else in the other language with a flag saying so."""
    own = str(getattr(item, f"{field}_{language}", "") or "")
    if own.strip():
        return own, False
    other = "en" if language == "uk" else "uk"
    return str(getattr(item, f"{field}_{other}", "") or ""), True


def news_block(item: NewsItem, language: str) -> str:
    title, foreign = localised(item, "title", language)
    title = esc(clip(title, 200))
    if is_link(item.url):
        title = f'<a href="{html.escape(str(item.url))}">{title}</a>'
    line = f"• <b>{title}</b>"
    if foreign:
        line += f" <i>{esc(_(OTHER_LANGUAGE[language]))}</i>"
    summary, _foreign = localised(item, "summary", language)
    if summary.strip():
        line += "\n" + esc(clip(summary, SUMMARY_LIMIT))
    return line


def webinar_line(webinar: Webinar, member: Member, organiser: str) -> str:
    zone = parse_zone(member.time_zone or "") or parse_zone(organiser) or parse_zone("UTC")
    assert zone is not None
    when = format_short(webinar.starts_at, zone, member.language)
    when += other_clock(webinar.starts_at, zone, member.language, parse_zone(organiser))
    return f"• {esc(when)} — {esc(title_of(webinar, member.language))}"


def digest_text(
    member: Member,
    kind: str,
    news: Sequence[NewsItem],
    webinars: Sequence[Webinar],
    zone: str,
    more: tuple[int, int] = (0, 0),
) -> str:
    """`more`: how many news items and webinars did not fit (they are one command away)."""
    more_news, more_webinars = more
    parts = [f"<b>{esc(_(HEADINGS.get(kind, HEADINGS['weekly'])))}</b>"]
    if news:
        blocks = [news_block(item, member.language) for item in news]
        if more_news:
            blocks.append(
                ngettext(
                    "…and {n} more news item in /news",
                    "…and {n} more news items in /news",
                    more_news,
                ).format(n=more_news)
            )
        parts.append(f"<b>{esc(_('News'))}</b>\n" + "\n\n".join(blocks))
    if webinars:
        lines = [webinar_line(webinar, member, zone) for webinar in webinars]
        if more_webinars:
            lines.append(
                ngettext(
                    "…and {n} more webinar in /webinars",
                    "…and {n} more webinars in /webinars",
                    more_webinars,
                ).format(n=more_webinars)
            )
        parts.append(f"<b>{esc(_('Upcoming webinars'))}</b>\n" + "\n".join(lines))
        parts.append(_("Open /webinars to see the details and ask for reminders."))
    return "\n\n".join(parts)


def digest_keyboard() -> InlineKeyboardMarkup:
    # The main menu's own buttons (same data and labels), so the usual handlers answer them.
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(_("📅 Webinars"), callback_data="menu:webinars"),
                InlineKeyboardButton(_("📰 News"), callback_data="menu:news"),
            ]
        ]
    )


async def render_digest(session: AsyncSession, delivery: Delivery) -> OutgoingMessage:
    payload = delivery.payload or {}
    member = await session.get(Member, delivery.member_id) if delivery.member_id else None
    if member is None or member.state != "active" or not member.subscribed:
        raise DropDelivery("member gone, stopped or unsubscribed")
    if member.digest == "off":
        raise DropDelivery("member turned the digest off")
    news_ids = [int(i) for i in payload.get("news") or []]
    webinar_ids = [int(i) for i in payload.get("webinars") or []]
    news = list(
        await session.scalars(
            select(NewsItem)
            .where(NewsItem.id.in_(news_ids))
            .order_by(NewsItem.published_at.desc(), NewsItem.id.desc())
        )
    )
    found = await session.scalars(
        select(Webinar).where(Webinar.id.in_(webinar_ids)).order_by(Webinar.starts_at)
    )
    webinars = [w for w in found if w.status == "scheduled" and w.starts_at > now()]
    if not news and not webinars:
        raise DropDelivery("nothing left to tell")
    zone = str(payload.get("zone") or DEFAULTS.zone)
    with use_locale(member.language):
        more = (int(payload.get("more_news") or 0), int(payload.get("more_webinars") or 0))
        text = digest_text(member, str(payload.get("kind")), news, webinars, zone, more)
        keyboard = digest_keyboard()
    return OutgoingMessage(text=text, reply_markup=keyboard, link_preview_disabled=True)


register_renderer("digest", render_digest)
