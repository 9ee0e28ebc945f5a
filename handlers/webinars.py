"""/webinars, /next, /past, webinar cards and the "Remind me" toggle."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext
from bot.i18n import _
from bot.models import Webinar
from bot.render.common import menu_keyboard
from bot.render.webinar import webinar_card, webinar_list
from bot.services import webinars as service
from handlers.respond import (
    answer_stale,
    callback_id,
    language,
    member_id,
    member_zone,
    send,
    show,
)

PRIVATE = filters.ChatType.PRIVATE


async def _render_list(
    context: BotContext, past: bool, number: int
) -> tuple[str, InlineKeyboardMarkup]:
    async with context.session() as session:
        fetch = service.past_page if past else service.upcoming_page
        page = await fetch(session, number)
    if not page.items and number == 0:
        if past:
            return _("No past sessions yet."), menu_keyboard()
        text = _(
            "No upcoming sessions are scheduled yet. Follow themes in /themes and I will tell "
            "you when new ones are announced."
        )
        return text, menu_keyboard()
    heading = _("Past sessions") if past else _("Upcoming webinars")
    paging = ("w:past" if past else "w:page", page.number, page.has_prev, page.has_next)
    return webinar_list(page.items, language(), member_zone(context), heading, paging)


async def upcoming(update: Update, context: BotContext) -> None:
    """List upcoming sessions, soonest first."""
    await send(update, context, *await _render_list(context, past=False, number=0))


async def past(update: Update, context: BotContext) -> None:
    """List recent sessions, with recordings where there are any."""
    await send(update, context, *await _render_list(context, past=True, number=0))


async def turn_page(update: Update, context: BotContext) -> None:
    """Show another page of the list in place."""
    assert context.match is not None
    is_past, number = context.match.group(1) == "past", int(context.match.group(2))
    await show(update, context, *await _render_list(context, is_past, number))


def _subscribed(context: BotContext) -> bool:
    member = context.member
    return bool(member and member.subscribed and member.state == "active")


def _rsvp_note(context: BotContext, rsvp: bool) -> str:
    if not rsvp:
        return _("Reminder removed.")
    if not _subscribed(context):
        # Honest about consent: reminders go only to members who subscribed with /start.
        return _("Saved. To receive the reminder, subscribe first: send /start.")
    return _("🔔 I will remind you before this session.")


async def from_menu(update: Update, context: BotContext) -> None:
    """The main menu's Webinars button: the list as a new message, the menu stays."""
    assert update.callback_query is not None
    await update.callback_query.answer()
    await upcoming(update, context)


def render_card(
    webinar: Webinar, context: BotContext, rsvp: bool
) -> tuple[str, InlineKeyboardMarkup]:
    zone, organiser = member_zone(context), context.settings.zone
    return webinar_card(webinar, language(), zone, organiser, rsvp)


async def send_card(update: Update, context: BotContext, webinar: Webinar) -> None:
    """Send one webinar's card as a new message (also used by /start deep links)."""
    async with context.session() as session:
        rsvp = await service.has_rsvp(session, member_id(context), webinar.id)
    if update.callback_query is not None:
        await update.callback_query.answer()
    await send(update, context, *render_card(webinar, context, rsvp))


async def next_session(update: Update, context: BotContext) -> None:
    """Show the session running now or coming next."""
    async with context.session() as session:
        webinar = await service.next_webinar(session)
    if webinar is None:
        text = _("No upcoming sessions are scheduled yet.")
        await send(update, context, text, menu_keyboard())
        return
    await send_card(update, context, webinar)


async def open_card(update: Update, context: BotContext) -> None:
    """Open the card behind a list's number button."""
    async with context.session() as session:
        webinar = await service.get_webinar(session, callback_id(context))
    if webinar is None:
        await answer_stale(update)
        return
    await send_card(update, context, webinar)


async def toggle_rsvp(update: Update, context: BotContext) -> None:
    """Flip "Remind me" for this session and redraw the card in place."""
    query = update.callback_query
    assert query is not None
    async with context.session() as session, session.begin():
        webinar = await service.get_webinar(session, callback_id(context))
        if webinar is None or webinar.status != "scheduled":
            rsvp = None
        else:
            rsvp = await service.toggle_rsvp(session, member_id(context), webinar.id)
    if webinar is None or rsvp is None:
        await answer_stale(update)
        return
    await query.answer(_rsvp_note(context, rsvp), show_alert=rsvp and not _subscribed(context))
    text, markup = render_card(webinar, context, rsvp)
    await query.edit_message_text(text, reply_markup=markup)


HANDLERS = [
    CommandHandler("webinars", upcoming, filters=PRIVATE),
    CommandHandler("next", next_session, filters=PRIVATE),
    CommandHandler("past", past, filters=PRIVATE),
    CallbackQueryHandler(turn_page, pattern=r"^w:(page|past):(\d{1,4})$"),
    CallbackQueryHandler(open_card, pattern=r"^w:card:(\d{1,9})$"),
    CallbackQueryHandler(toggle_rsvp, pattern=r"^w:rsvp:(\d{1,9})$"),
    CallbackQueryHandler(from_menu, pattern=r"^menu:webinars$"),
]
