"""A private iCal feed per member, so their calendar app follows reschedules and cancellations.

`GET /calendar/<token>.ics` on the bot's web server (added by `add_calendar_routes`). The token
is the only key: unguessable (`secrets.token_urlsafe(24)`), revocable and regenerable by the
member. The feed holds the sessions they RSVP'd or whose themes they follow (all upcoming ones
when neither), plus recent past ones so entries do not vanish the moment a session ends.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from aiohttp import web
from sqlalchemy import exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import now
from bot.i18n import _, use_locale
from bot.ics import webinars_ics
from bot.models import Member, Rsvp, Webinar, member_themes, webinar_themes
from bot.runtime import Runtime
from bot.settings import Settings

TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
KEEP_PAST = timedelta(days=30)
LIMIT = 200


def new_token() -> str:
    return secrets.token_urlsafe(24)


def feed_url(settings: Settings, token: str) -> str | None:
    """The public URL, on WEBHOOK_URL's scheme and host; None without a public server."""
    if not settings.WEBHOOK_URL:
        return None
    parts = urlsplit(settings.WEBHOOK_URL)
    return f"{parts.scheme}://{parts.netloc}/calendar/{token}.ics"


def ensure_token(member: Member) -> str:
    if not member.calendar_token:
        member.calendar_token = new_token()
    return member.calendar_token


def regenerate(member: Member) -> str:
    """A new link; the old one stops working at once."""
    member.calendar_token = new_token()
    return member.calendar_token


def revoke(member: Member) -> None:
    member.calendar_token = None


async def _chosen(session: AsyncSession, member: Member, since: object) -> list[Webinar]:
    rsvp = exists().where(Rsvp.member_id == member.id, Rsvp.webinar_id == Webinar.id)
    follows = exists().where(
        webinar_themes.c.webinar_id == Webinar.id,
        member_themes.c.theme_id == webinar_themes.c.theme_id,
        member_themes.c.member_id == member.id,
    )
    query = select(Webinar).where(Webinar.starts_at >= since, or_(rsvp, follows))
    return list(await session.scalars(query.order_by(Webinar.starts_at).limit(LIMIT)))


async def member_webinars(session: AsyncSession, member: Member) -> list[Webinar]:
    chosen = await _chosen(session, member, now() - KEEP_PAST)
    if chosen:
        return chosen
    query = select(Webinar).where(Webinar.starts_at >= now()).order_by(Webinar.starts_at)
    return list(await session.scalars(query.limit(LIMIT)))


async def feed_for(session: AsyncSession, token: str) -> bytes | None:
    """The calendar behind `token`, or None for an unknown or revoked one."""
    if not TOKEN.fullmatch(token):
        return None
    member = await session.scalar(select(Member).where(Member.calendar_token == token))
    if member is None:
        return None
    webinars = await member_webinars(session, member)
    with use_locale(member.language):
        name = _("Hromada Companion webinars")
    return webinars_ics(webinars, member.language, name)


def add_calendar_routes(web_app: web.Application, runtime: Runtime) -> None:
    """Serve the feeds; call before the server starts (aiohttp freezes its routes)."""

    async def serve(request: web.Request) -> web.Response:
        async with runtime.sessionmaker() as session:
            body = await feed_for(session, request.match_info["token"])
        if body is None:
            return web.Response(status=404, text="not found")
        headers = {"Cache-Control": "private, max-age=900"}
        return web.Response(
            body=body, content_type="text/calendar", charset="utf-8", headers=headers
        )

    web_app.router.add_get(r"/calendar/{token:[A-Za-z0-9_-]+}.ics", serve)
