"""/calendar: the member's private calendar feed link, a new link, or no link at all."""

from __future__ import annotations

from collections.abc import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot import calendar_feed as feed
from bot.context import BotContext
from bot.i18n import _
from bot.models import Member
from bot.render.common import attr, esc
from bot.services.settings import load
from handlers.respond import member_id, send, show

SHOW, NEW, OFF = "cal:show", "cal:new", "cal:off"


def _keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    _("🔄 New link (the old one stops working)"), callback_data=NEW
                )
            ],
            [InlineKeyboardButton(_("🚫 Turn the link off"), callback_data=OFF)],
        ]
    )


def _link_text(url: str) -> str:
    intro = _("📆 Your private calendar link:")
    help_text = _(
        "Add it to your calendar app as a subscription (Google Calendar: “Other calendars → "
        "From URL”; iPhone: Settings → Calendar → Accounts → Add Subscribed Calendar). It holds "
        "the sessions you asked to be reminded of or whose themes you follow (all upcoming ones "
        "if you chose none) and updates itself when times change.\n\n"
        "Keep it to yourself: anyone with the link sees these sessions."
    )
    return f'{esc(intro)}\n<a href="{attr(url)}">{esc(url)}</a>\n\n{esc(help_text)}'


async def _apply(context: BotContext, change: Callable[[Member], str | None]) -> str | None:
    async with context.session() as session, session.begin():
        member = await load(session, member_id(context))
        assert member is not None
        token = change(member)
    return feed.feed_url(context.settings, token) if token else None


async def show_link(update: Update, context: BotContext) -> None:
    """The member's feed link, created on first use (/calendar or the /settings button)."""
    if update.callback_query is not None:
        await update.callback_query.answer()  # the link comes as a new message; settings stay
    if not context.settings.WEBHOOK_URL:
        text = _(
            "A calendar subscription needs the bot's public web server, which is not set up "
            "here. Tap “📆 Add to calendar” on a session card to get a calendar file instead."
        )
        await send(update, context, text)
        return
    url = await _apply(context, feed.ensure_token)
    assert url is not None
    await send(update, context, _link_text(url), _keyboard())


async def new_link(update: Update, context: BotContext) -> None:
    """Replace the link; the old one stops working at once."""
    url = await _apply(context, feed.regenerate)
    if url is None:  # no public server (any more): nothing to show
        await show(update, context, _("The calendar link is not available here."))
        return
    await show(update, context, _link_text(url), _keyboard())


async def link_off(update: Update, context: BotContext) -> None:
    """Revoke the link."""
    await _apply(context, lambda member: feed.revoke(member))
    text = _("The calendar link is turned off. Send /calendar to get a new one.")
    await show(update, context, text)


PRIVATE = filters.ChatType.PRIVATE
HANDLERS = [
    CommandHandler("calendar", show_link, filters=PRIVATE),
    CallbackQueryHandler(show_link, pattern=f"^{SHOW}$"),
    CallbackQueryHandler(new_link, pattern=f"^{NEW}$"),
    CallbackQueryHandler(link_off, pattern=f"^{OFF}$"),
]
