"""/editwebinar: pick a webinar, choose what to change; cancel one through the scheduler."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext
from bot.i18n import _, ngettext
from bot.models import Webinar
from bot.render import admin_content as view
from bot.services import admin_content as content
from bot.services import audit
from handlers.admin_guard import guarded, language_of, moderator_zone


@guarded("webinar_edit")
async def list_webinars(update: Update, context: BotContext) -> None:
    """Show the webinars that can still change, one button each."""
    assert update.effective_message is not None
    async with context.session() as session:
        webinars = await content.editable(session)
    if not webinars:
        await update.effective_message.reply_text(
            _("There are no upcoming webinars. /addwebinar adds one.")
        )
        return
    markup = view.pick_keyboard(webinars, moderator_zone(context), language_of(context))
    await update.effective_message.reply_text(_("Which webinar?"), reply_markup=markup)


async def _webinar_of(update: Update, context: BotContext) -> Webinar | None:
    query = update.callback_query
    assert query is not None and query.data is not None
    async with context.session() as session:
        webinar = await session.get(Webinar, int(query.data.rsplit(":", 1)[1]))
    if webinar is None:
        await query.answer(_("That webinar no longer exists."), show_alert=True)
        return None
    await query.answer()
    return webinar


@guarded("webinar_edit")
async def pick(update: Update, context: BotContext) -> None:
    """Show one webinar with a button per field."""
    if (webinar := await _webinar_of(update, context)) is None:
        return
    text = view.webinar_summary(webinar, moderator_zone(context), language_of(context))
    text += "\n\n" + _("What should change?")
    await update.callback_query.edit_message_text(
        text, reply_markup=view.field_keyboard(webinar.id)
    )  # type: ignore[union-attr]


@guarded("webinar_cancel")
async def ask_cancel(update: Update, context: BotContext) -> None:
    """Ask once more before cancelling a webinar."""
    if (webinar := await _webinar_of(update, context)) is None:
        return
    text = _("Cancel this webinar? Members who planned to attend will be told.")
    markup = view.yes_keyboard(f"aw:dropok:{webinar.id}", _("Yes, cancel the webinar"))
    await update.callback_query.edit_message_text(text, reply_markup=markup)  # type: ignore[union-attr]


@guarded("webinar_cancel")
async def confirm_cancel(update: Update, context: BotContext) -> None:
    """Cancel the webinar through the scheduler, which tells the people expecting it."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_user is not None
    async with context.session() as session, session.begin():
        webinar = await session.get(Webinar, int(query.data.rsplit(":", 1)[1]))
        told = 0
        if webinar is not None:
            told = await content.cancel_webinar(session, webinar, context.settings.TIMEZONE)
            await audit.record(session, update.effective_user.id, "webinar_cancel", webinar.id)
    await query.answer()
    if webinar is None:
        await query.edit_message_text(_("That webinar no longer exists."))
        return
    told_text = ngettext(
        "{n} member who expected it will be told.",
        "{n} members who expected it will be told.",
        told,
    ).format(n=told)
    await query.edit_message_text(_("The webinar is cancelled.") + " " + told_text)


HANDLERS = [
    CommandHandler("editwebinar", list_webinars, filters=filters.ChatType.PRIVATE),
    CallbackQueryHandler(pick, pattern=r"^aw:pick:\d+$"),
    CallbackQueryHandler(ask_cancel, pattern=r"^aw:drop:\d+$"),
    CallbackQueryHandler(confirm_cancel, pattern=r"^aw:dropok:\d+$"),
]
