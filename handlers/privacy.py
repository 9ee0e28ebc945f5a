"""/stop pauses everything; /forget deletes the member's data after a confirmation."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext
from bot.i18n import _
from bot.services.members import forget_user, get_member, stop
from handlers.respond import send

FORGET_YES, FORGET_NO = "p:forget:yes", "p:forget:no"


async def stop_all(update: Update, context: BotContext) -> None:
    """Pause reminders, digests and announcements; say how to come back."""
    assert update.effective_user is not None
    async with context.session() as session, session.begin():
        member = await get_member(session, update.effective_user.id)
        if member is not None:
            await stop(session, member)
    text = _(
        "Paused. I will not send you reminders, digests or announcements. "
        "Send /start whenever you want them again."
    )
    await send(update, context, text)


async def ask_forget(update: Update, context: BotContext) -> None:
    """Ask before deleting anything: the deletion cannot be undone."""
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(_("🗑 Yes, delete my data"), callback_data=FORGET_YES)],
            [InlineKeyboardButton(_("Cancel"), callback_data=FORGET_NO)],
        ]
    )
    text = _(
        "Delete your data? I will remove your settings, reminders, followed themes, digest "
        "history and feedback. This cannot be undone."
    )
    await send(update, context, text, keyboard)


async def confirm_forget(update: Update, context: BotContext) -> None:
    """Delete the member's rows. handlers.common upserted the member before this handler ran,
    so deleting here is the last word; nothing below touches the member again."""
    query = update.callback_query
    assert query is not None
    async with context.session() as session, session.begin():
        await forget_user(session, query.from_user.id)
    context.member = None
    await query.answer()
    text = _(
        "Done: your data has been deleted. If you write to me again, I will start afresh "
        "with /start."
    )
    await query.edit_message_text(text)


async def cancel_forget(update: Update, context: BotContext) -> None:
    """Keep everything as it was."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_text(_("Nothing was deleted."))


PRIVATE = filters.ChatType.PRIVATE
HANDLERS = [
    CommandHandler("stop", stop_all, filters=PRIVATE),
    CommandHandler("forget", ask_forget, filters=PRIVATE),
    CallbackQueryHandler(confirm_forget, pattern=f"^{FORGET_YES}$"),
    CallbackQueryHandler(cancel_forget, pattern=f"^{FORGET_NO}$"),
]
