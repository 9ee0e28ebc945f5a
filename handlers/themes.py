"""/themes: the five themes; each opens its sessions and contacts and can be followed."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext
from bot.i18n import _
from bot.models import Theme
from bot.render.common import nav_row
from bot.render.directory import theme_keyboard, theme_text, themes_keyboard, themes_text
from bot.services import themes as service
from handlers.respond import (
    answer_stale,
    callback_id,
    language,
    member_id,
    member_zone,
    send,
    show,
)


async def _themes_screen(context: BotContext, number: int) -> tuple[str, InlineKeyboardMarkup]:
    async with context.session() as session:
        page = await service.themes_page(session, number)
        followed = await service.followed_ids(session, member_id(context))
    nav = nav_row("t:page", page.number, page.has_prev, page.has_next)
    if not page.items:
        text = _("No more themes.") if page.number else _("No themes yet.")
        return text, InlineKeyboardMarkup([nav] if nav else [])
    first = page.number * service.THEMES_PAGE + 1  # numbering runs on across pages
    text = themes_text(page.items, language(), followed, first)
    return text, themes_keyboard(page.items, language(), first, nav)


async def list_themes(update: Update, context: BotContext) -> None:
    """Send the first page of themes with their descriptions (from /themes or the menu)."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    await send(update, context, *await _themes_screen(context, 0))


async def back_to_list(update: Update, context: BotContext) -> None:
    """Return from one theme to the list, in place."""
    await show(update, context, *await _themes_screen(context, 0))


async def turn_page(update: Update, context: BotContext) -> None:
    """Show another page of themes in place."""
    await show(update, context, *await _themes_screen(context, callback_id(context)))


async def _theme_screen(context: BotContext, theme: Theme) -> tuple[str, InlineKeyboardMarkup]:
    async with context.session() as session:
        webinars = await service.theme_webinars(session, theme.id)
        following = await service.is_following(session, member_id(context), theme.id)
    text = theme_text(theme, webinars, language(), member_zone(context), following)
    return text, theme_keyboard(theme, webinars, following)


async def open_theme(update: Update, context: BotContext) -> None:
    """Show one theme with its upcoming sessions, in place."""
    async with context.session() as session:
        theme = await service.get_theme(session, callback_id(context))
    if theme is None:
        await answer_stale(update)
        return
    await show(update, context, *await _theme_screen(context, theme))


async def send_theme(update: Update, context: BotContext, theme: Theme) -> None:
    """Send one theme as a new message (the /start t_<slug> deep link)."""
    await send(update, context, *await _theme_screen(context, theme))


async def toggle_follow(update: Update, context: BotContext) -> None:
    """Follow or unfollow the theme and redraw it in place."""
    query = update.callback_query
    assert query is not None
    async with context.session() as session, session.begin():
        theme = await service.get_theme(session, callback_id(context))
        following = theme is not None and await service.toggle_follow(
            session, member_id(context), theme.id
        )
    if theme is None:
        await answer_stale(update)
        return
    await query.answer(
        _("You follow this theme.") if following else _("You no longer follow this theme.")
    )
    text, markup = await _theme_screen(context, theme)
    await query.edit_message_text(text, reply_markup=markup)


HANDLERS = [
    CommandHandler("themes", list_themes, filters=filters.ChatType.PRIVATE),
    CallbackQueryHandler(list_themes, pattern=r"^menu:themes$"),
    CallbackQueryHandler(back_to_list, pattern=r"^t:list$"),
    CallbackQueryHandler(turn_page, pattern=r"^t:page:(\d{1,4})$"),
    CallbackQueryHandler(open_theme, pattern=r"^t:open:(\d{1,9})$"),
    CallbackQueryHandler(toggle_follow, pattern=r"^t:follow:(\d{1,9})$"),
]
