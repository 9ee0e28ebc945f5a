"""What community chats and inline shares show: announcements, "starting now", shareable cards."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.clock import now
from bot.delivery.message import DropDelivery, OutgoingMessage
from bot.delivery.render import register_renderer
from bot.i18n import _, use_locale
from bot.models import Broadcast, CommunityChat, Delivery, Webinar
from bot.render.admin_broadcast import broadcast_text
from bot.render.aftercare import link
from bot.render.common import esc, is_link
from bot.render.webinar import card_text, title_of
from bot.scheduler.reminders import ends_at
from bot.services.community import KIND
from bot.timefmt import format_when, parse_zone

# Telegram's deep-link payload: 1-64 characters of A-Z, a-z, 0-9, _ and -.
START_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")


def organiser_zone() -> ZoneInfo:
    from bot.scheduler.render import DEFAULTS  # set from TIMEZONE at start-up

    return parse_zone(DEFAULTS.zone) or ZoneInfo("UTC")


def deep_link(username: str, webinar: Webinar) -> str:
    """`https://t.me/<bot>?start=w_<slug>`; the bare bot link when the slug cannot be a payload."""
    payload = f"w_{webinar.slug}"
    base = f"https://t.me/{username}"
    return f"{base}?start={payload}" if START_PAYLOAD.fullmatch(payload) else base


def share_keyboard(webinar: Webinar, username: str) -> InlineKeyboardMarkup:
    """URL buttons only: a shared card lives in other chats, where callbacks mean little."""
    rows = [[InlineKeyboardButton(_("🔔 Remind me in the bot"), url=deep_link(username, webinar))]]
    if is_link(webinar.registration_url):
        rows.append([InlineKeyboardButton(_("📝 Register"), url=str(webinar.registration_url))])
    return InlineKeyboardMarkup(rows)


def share_card(webinar: Webinar, language: str, zone: ZoneInfo) -> str:
    return card_text(webinar, language, zone, organiser_zone())


def starting_text(webinar: Webinar, language: str) -> str:
    zone = organiser_zone()
    lines = [
        "<b>" + esc(_("🔴 Starting now!")) + "</b>",
        "",
        f"<b>{esc(title_of(webinar, language))}</b>",
        "🗓 " + esc(format_when(webinar.starts_at, zone, language)),
    ]
    if is_link(webinar.join_url):
        lines.append(_("Join: {link}").format(link=link(str(webinar.join_url), webinar.join_url)))
    return "\n".join(lines)


async def _starting(session: AsyncSession, payload: dict[str, object], language: str) -> str:
    webinar = await session.get(Webinar, int(str(payload.get("webinar_id", 0))))
    if webinar is None or webinar.status != "scheduled":
        raise DropDelivery("webinar no longer scheduled")
    if webinar.schedule_version != payload.get("version"):
        raise DropDelivery("webinar rescheduled")
    if ends_at(webinar) <= now():
        raise DropDelivery("session ended")
    return starting_text(webinar, language)


async def _broadcast(session: AsyncSession, payload: dict[str, object], language: str) -> str:
    broadcast = await session.get(Broadcast, int(str(payload.get("broadcast_id", 0))))
    if broadcast is None or broadcast.status == "cancelled":
        raise DropDelivery("broadcast cancelled")
    return broadcast_text(broadcast, language)


async def render_community(session: AsyncSession, delivery: Delivery) -> OutgoingMessage:
    payload = delivery.payload or {}
    chat = await session.get(CommunityChat, int(payload.get("community_chat_id", 0)))
    if chat is None:
        raise DropDelivery("chat unlinked")
    what = payload.get("what")
    with use_locale(chat.language):
        if what == "starting":
            text = await _starting(session, payload, chat.language)
        elif what == "broadcast":
            text = await _broadcast(session, payload, chat.language)
        else:
            raise DropDelivery(f"unknown community message {what!r}")
    return OutgoingMessage(text=text, link_preview_disabled=True, message_thread_id=chat.thread_id)


register_renderer(KIND, render_community)
