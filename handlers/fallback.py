"""Last resort: unknown commands, free text (a search, or an awaited answer) and stale buttons."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.context import BotContext
from bot.i18n import _
from bot.render.common import clip, esc
from handlers import aftercare
from handlers.respond import answer_stale, send
from handlers.search import run_search
from handlers.settings import AWAITING, receive_zone

PRIVATE = filters.ChatType.PRIVATE


async def unknown_command(update: Update, context: BotContext) -> None:
    """Suggest /help for a command no handler knows."""
    assert update.effective_message is not None
    command = (
        (update.effective_message.text or "").split()[0] if update.effective_message.text else ""
    )
    text = _("I don't know the command {command}. Send /help to see what I can do.")
    await send(update, context, text.format(command=esc(clip(command, 40))))


async def free_text(update: Update, context: BotContext) -> None:
    """Treat plain text as a search, unless a step (typing a time zone) is waiting for it."""
    assert update.effective_message is not None
    text = update.effective_message.text or ""
    awaiting = context.user_data.get(AWAITING) if context.user_data is not None else None
    if awaiting == "tz":
        await receive_zone(update, context, text)
        return
    if awaiting == aftercare.COMMENT:
        await aftercare.receive_comment(update, context, text)
        return
    await run_search(update, context, text)


async def other_message(update: Update, context: BotContext) -> None:
    """Stickers, photos, voice: say what the bot understands."""
    await send(
        update, context, _("I understand text and commands. Send /help to see what I can do.")
    )


async def stale_button(update: Update, context: BotContext) -> None:
    """Any button no handler claimed: out of date or forged. Answer politely; change nothing."""
    await answer_stale(update)


HANDLERS = [
    MessageHandler(PRIVATE & filters.COMMAND, unknown_command),
    MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, free_text),
    MessageHandler(PRIVATE & ~filters.TEXT & ~filters.StatusUpdate.ALL, other_message),
    CallbackQueryHandler(stale_button),
]
