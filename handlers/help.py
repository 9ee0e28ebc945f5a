"""/help: what the bot can do, in the member's language."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.commands import MEMBER_COMMANDS
from bot.context import BotContext
from bot.i18n import _
from bot.render.common import esc, menu_keyboard
from handlers.respond import send


def help_text() -> str:
    lines = ["<b>" + _("What I can do") + "</b>", ""]
    lines += [f"/{name} — {esc(_(description))}" for name, description in MEMBER_COMMANDS]
    lines += [
        "",
        _("You can also simply type a few words, for example “energy Kyiv”, to search."),
    ]
    return "\n".join(lines)


async def show_help(update: Update, context: BotContext) -> None:
    """List the commands with the main menu underneath."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    await send(update, context, help_text(), menu_keyboard())


HANDLERS = [
    CommandHandler("help", show_help, filters=filters.ChatType.PRIVATE),
    CallbackQueryHandler(show_help, pattern=r"^menu:help$"),
]
