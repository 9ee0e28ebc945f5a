""" "Add to calendar": send the webinar as an .ics file in the member's language."""

from __future__ import annotations

from telegram import InputFile, Update
from telegram.ext import CallbackQueryHandler

from bot.context import BotContext
from bot.i18n import _
from bot.ics import ics_filename, webinar_ics
from bot.render.common import clip, esc, local
from bot.services.webinars import get_webinar
from handlers.respond import answer_stale, callback_id, language


async def send_ics(update: Update, context: BotContext) -> None:
    """Send the .ics file for the webinar on the pressed card."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    async with context.session() as session:
        webinar = await get_webinar(session, callback_id(context))
    if webinar is None:
        await answer_stale(update)
        return
    await query.answer()
    data = webinar_ics(webinar, language())
    caption = _("Open the file to add “{title}” to your calendar.").format(
        title=esc(clip(local(webinar, "title", language()), 300))
    )
    await context.bot.send_document(
        update.effective_chat.id,
        InputFile(data, filename=ics_filename(webinar)),  # .ics → text/calendar
        caption=caption,
    )


HANDLERS = [CallbackQueryHandler(send_ics, pattern=r"^w:ics:(\d{1,9})$")]
