"""Small helpers the member-facing handlers share: who is asking, in which zone, and replying."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.context import BotContext
from bot.i18n import _, get_locale
from bot.render.common import STALE
from bot.timefmt import parse_zone

log = logging.getLogger(__name__)


def language() -> str:
    """The locale handlers.common resolved for this update (member choice → Telegram → default)."""
    return get_locale()


def member_zone(context: BotContext) -> ZoneInfo:
    member = context.member
    zone = parse_zone(member.time_zone) if member and member.time_zone else None
    return zone or context.settings.zone


def member_id(context: BotContext) -> int:
    # Private-chat handlers only: handlers.common always sets the member for a human user.
    assert context.member is not None
    return context.member.id


async def send(
    update: Update, context: BotContext, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message:
    """A new message in the chat the update came from (command or button alike)."""
    assert update.effective_chat is not None
    return await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)


async def show(
    update: Update, context: BotContext, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Edit the pressed message in place (pagination, toggles); a command gets a new message."""
    query = update.callback_query
    if query is None or query.message is None:
        await send(update, context, text, markup)
        return
    await query.answer()
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as error:
        # Pressing the same toggle twice quickly re-renders identical content: nothing to do.
        if "not modified" not in str(error).lower():
            raise


async def answer_stale(update: Update) -> None:
    """Tell the member politely that the button no longer leads anywhere; change nothing."""
    if update.callback_query is not None:
        await update.callback_query.answer(_(STALE), show_alert=True)


def callback_id(context: BotContext) -> int:
    """The numeric id captured by a handler's `^prefix:(\\d{1,9})$` pattern."""
    assert context.match is not None
    return int(context.match.group(1))
