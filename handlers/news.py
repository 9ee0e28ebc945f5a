"""/news: the latest news items, a page at a time."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext
from bot.i18n import _
from bot.render.common import menu_keyboard, nav_row
from bot.render.directory import news_block
from bot.services.news import get_news, news_page
from handlers.respond import answer_stale, callback_id, language, member_zone, send, show


async def _screen(context: BotContext, number: int) -> tuple[str, InlineKeyboardMarkup]:
    async with context.session() as session:
        page = await news_page(session, number)
    if not page.items and number == 0:
        return _("No news yet."), menu_keyboard()
    # Five clipped items (≤ ~650 visible characters each) always fit one message.
    blocks = [news_block(item, language(), member_zone(context)) for item in page.items]
    text = "\n\n".join(["<b>" + _("Latest news") + "</b>", *blocks])
    if not page.items:
        text += "\n\n" + _("No more news.")
    nav = nav_row("n:page", page.number, page.has_prev, page.has_next)
    return text, InlineKeyboardMarkup([nav] if nav else [])


async def latest_news(update: Update, context: BotContext) -> None:
    """Send the first page of news (from /news or the menu)."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    await send(update, context, *await _screen(context, 0))


async def turn_page(update: Update, context: BotContext) -> None:
    """Show another page of news in place."""
    assert context.match is not None
    await show(update, context, *await _screen(context, int(context.match.group(1))))


async def one_item(update: Update, context: BotContext) -> None:
    """Send one news item (from a search result)."""
    assert update.callback_query is not None
    async with context.session() as session:
        item = await get_news(session, callback_id(context))
    if item is None:
        await answer_stale(update)
        return
    await update.callback_query.answer()
    await send(update, context, news_block(item, language(), member_zone(context)))


HANDLERS = [
    CommandHandler("news", latest_news, filters=filters.ChatType.PRIVATE),
    CallbackQueryHandler(latest_news, pattern=r"^menu:news$"),
    CallbackQueryHandler(one_item, pattern=r"^n:one:(\d{1,9})$"),
    CallbackQueryHandler(turn_page, pattern=r"^n:page:(\d{1,4})$"),
]
