"""/contacts: where to get help, filterable by theme, a page at a time; links only as given."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext
from bot.i18n import _
from bot.render.common import clip, esc, local
from bot.render.directory import contact_block, contacts_keyboard, contacts_text
from bot.services.contacts import contacts_page, get_contact
from bot.services.themes import get_theme, list_themes
from handlers.respond import answer_stale, callback_id, language, send, show

# Theme filter buttons under the list; with more themes, a button opens the themes list (each
# theme there opens its contacts) instead of a keyboard longer than a phone screen.
FILTER_THEMES = 12


async def _screen(
    context: BotContext, theme_id: int | None, number: int
) -> tuple[str, InlineKeyboardMarkup] | None:
    """One page of contacts in one message, with ◀ ▶ and the filters; None if stale."""
    async with context.session() as session:
        theme = await get_theme(session, theme_id) if theme_id is not None else None
        if theme_id is not None and theme is None:
            return None
        page = await contacts_page(session, theme_id, number)
        themes = await list_themes(session, FILTER_THEMES + 1)
    header = "<b>" + _("Where to get help") + "</b>"
    if theme is not None:
        title = esc(clip(local(theme, "title", language()), 100))
        header += "\n" + _("Theme: {title}").format(title=title)
    if page.items:
        text = contacts_text(page.items, language(), header)
    elif page.number == 0:
        text = header + "\n\n" + _("No contacts for this theme yet.")
    else:
        text = header + "\n\n" + _("No more contacts.")
    paging = (page.number, page.has_prev, page.has_next)
    more = len(themes) > FILTER_THEMES
    return text, contacts_keyboard(themes[:FILTER_THEMES], language(), theme_id, *paging, more)


async def show_contacts(update: Update, context: BotContext) -> None:
    """Send the first page of contacts (from /contacts or the menu)."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    found = await _screen(context, None, 0)
    assert found is not None
    await send(update, context, *found)


def _on_list(message: object) -> bool:
    markup = getattr(message, "reply_markup", None)
    rows = markup.inline_keyboard if isinstance(markup, InlineKeyboardMarkup) else ()
    return any(button.callback_data == "c:all" for row in rows for button in row)


async def filter_contacts(update: Update, context: BotContext) -> None:
    """Apply a theme filter: in place on the contact list, as a new message from a theme."""
    assert context.match is not None and update.callback_query is not None
    theme_id = int(context.match.group(1)) if context.match.group(1) else None
    found = await _screen(context, theme_id, 0)
    if found is None:
        await answer_stale(update)
        return
    message = update.callback_query.message
    if isinstance(message, Message) and _on_list(message):
        await show(update, context, *found)
        return
    await update.callback_query.answer()
    await send(update, context, *found)


async def turn_page(update: Update, context: BotContext) -> None:
    """Show another page of the (filtered) list in place."""
    assert context.match is not None
    theme_id = int(context.match.group(1)) or None
    found = await _screen(context, theme_id, int(context.match.group(2)))
    if found is None:
        await answer_stale(update)
        return
    await show(update, context, *found)


async def one_contact(update: Update, context: BotContext) -> None:
    """Send one contact (from a search result)."""
    assert update.callback_query is not None
    async with context.session() as session:
        contact = await get_contact(session, callback_id(context))
    if contact is None:
        await answer_stale(update)
        return
    await update.callback_query.answer()
    await send(update, context, contact_block(contact, language()))


HANDLERS = [
    CommandHandler("contacts", show_contacts, filters=filters.ChatType.PRIVATE),
    CallbackQueryHandler(show_contacts, pattern=r"^menu:contacts$"),
    CallbackQueryHandler(one_contact, pattern=r"^c:one:(\d{1,9})$"),
    CallbackQueryHandler(filter_contacts, pattern=r"^c:(?:all|theme:(\d{1,9}))$"),
    CallbackQueryHandler(turn_page, pattern=r"^c:page:(\d{1,9}):(\d{1,4})$"),
]
