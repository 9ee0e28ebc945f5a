"""/contacts: where to get help, filterable by theme; links only as the data gives them."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext
from bot.i18n import _
from bot.render.common import esc, local, pack
from bot.render.directory import contact_block, contacts_keyboard
from bot.services.contacts import get_contact, list_contacts
from bot.services.themes import get_theme, list_themes
from handlers.respond import answer_stale, callback_id, language, send, show


async def _screens(
    context: BotContext, theme_id: int | None
) -> tuple[list[str], InlineKeyboardMarkup] | None:
    """The contact list split into messages that fit, and the filter keyboard; None if stale."""
    async with context.session() as session:
        theme = await get_theme(session, theme_id) if theme_id is not None else None
        if theme_id is not None and theme is None:
            return None
        contacts = await list_contacts(session, theme_id)
        themes = await list_themes(session)
    header = "<b>" + _("Where to get help") + "</b>"
    if theme is not None:
        header += "\n" + _("Theme: {title}").format(title=esc(local(theme, "title", language())))
    blocks = [contact_block(contact, language()) for contact in contacts]
    if not blocks:
        blocks = [_("No contacts for this theme yet.")]
    return pack(blocks, header), contacts_keyboard(themes, language(), theme_id)


async def show_contacts(update: Update, context: BotContext) -> None:
    """Send every contact (from /contacts or the menu)."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    found = await _screens(context, None)
    assert found is not None
    await _deliver(update, context, *found, edit=False)


async def filter_contacts(update: Update, context: BotContext) -> None:
    """Apply a theme filter: in place on the contact list, as a new message from a theme."""
    assert context.match is not None and update.callback_query is not None
    theme_id = int(context.match.group(1)) if context.match.group(1) else None
    found = await _screens(context, theme_id)
    if found is None:
        await answer_stale(update)
        return
    message = update.callback_query.message
    markup = getattr(message, "reply_markup", None)
    on_list = bool(
        markup and markup.inline_keyboard and markup.inline_keyboard[0][0].callback_data == "c:all"
    )
    if not on_list:
        await update.callback_query.answer()  # show() answers when it edits
    await _deliver(update, context, *found, edit=on_list)


async def _deliver(
    update: Update, context: BotContext, parts: list[str], markup: InlineKeyboardMarkup, edit: bool
) -> None:
    """All parts in order; the filter keyboard goes under the last one."""
    for index, part in enumerate(parts):
        keyboard = markup if index == len(parts) - 1 else None
        if index == 0 and edit:
            await show(update, context, part, keyboard)
        else:
            await send(update, context, part, keyboard)


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
]
