"""/search: webinars, themes, contacts and news matching all the words, in either language."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.context import BotContext
from bot.i18n import _
from bot.render.search import results
from bot.services.search import search_counted
from handlers.respond import language, member_zone, send


async def run_search(update: Update, context: BotContext, query: str) -> None:
    """Search and reply with the results (also used for free text by handlers.fallback)."""
    async with context.session() as session:
        hits, more = await search_counted(session, query)
    await send(update, context, *results(query, hits, language(), member_zone(context), more))


async def search_command(update: Update, context: BotContext) -> None:
    """/search <words>; without words, ask what to look for."""
    query = " ".join(context.args or [])
    if not query.strip():
        text = _(
            "What are you looking for? Send /search with some words, for example "
            "/search energy, or simply type the words as a message."
        )
        await send(update, context, text)
        return
    await run_search(update, context, query)


HANDLERS = [CommandHandler("search", search_command, filters=filters.ChatType.PRIVATE)]
