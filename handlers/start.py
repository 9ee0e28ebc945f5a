"""/start: greet, ask for consent to reminders and digests, open the main menu; deep links."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext
from bot.i18n import _
from bot.services.members import get_member, subscribe

SUBSCRIBE = "sub:yes"


def _consent_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(_("Yes, remind me"), callback_data=SUBSCRIBE)]]
    )


async def start(update: Update, context: BotContext) -> None:
    """Greet the member in their language and offer one-tap subscription."""
    assert update.effective_message and update.effective_user
    name = update.effective_user.first_name or ""
    text = _(
        "Hello, {name}! I am Hromada Companion, the webinar companion of the ICLEI Europe "
        "Ukraine Task Group community."
    ).format(name=name)
    text += "\n\n" + _(
        "Subscribe and I will send you reminders before each webinar and a weekly news digest."
    )
    await update.effective_message.reply_text(text, reply_markup=_consent_keyboard())


async def confirm_subscription(update: Update, context: BotContext) -> None:
    """Record consent to reminders and digests."""
    query = update.callback_query
    assert query is not None
    async with context.session() as session, session.begin():
        member = await get_member(session, query.from_user.id)
        if member is not None:
            await subscribe(session, member)
    await query.answer()
    await query.edit_message_text(_("You are subscribed. Send /webinars to see what is on."))


HANDLERS = [
    CommandHandler("start", start, filters=filters.ChatType.PRIVATE),
    CallbackQueryHandler(confirm_subscription, pattern=f"^{SUBSCRIBE}$"),
]
