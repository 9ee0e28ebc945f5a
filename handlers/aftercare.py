"""Feedback after a session: the 1–5 buttons under the recording notice and an optional comment."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler

from bot.context import BotContext
from bot.i18n import _
from bot.services import feedback
from handlers.respond import answer_stale, member_id, send

# user_data keys; handlers.fallback hands the next free text to `receive_comment`.
AWAITING, WEBINAR = "awaiting", "feedback_webinar"
COMMENT = "feedback"
SKIP = "fb:skip"


async def rate(update: Update, context: BotContext) -> None:
    """Store the rating the member tapped and invite an optional comment."""
    query = update.callback_query
    assert query is not None and context.match is not None and context.user_data is not None
    webinar_id, rating = int(context.match.group(1)), int(context.match.group(2))
    async with context.session() as session, session.begin():
        outcome = await feedback.rate(session, member_id(context), webinar_id, rating)
    if outcome is not feedback.Rated.SAVED:
        await answer_stale(update)
        return
    await query.answer(_("Thank you! You rated it {n} of 5.").format(n=rating))
    context.user_data[AWAITING], context.user_data[WEBINAR] = COMMENT, webinar_id
    text = _(
        "Thank you for the rating! If you like, send one message with a comment: what helped, "
        "what was missing. Or tap “No comment”."
    )
    skip = InlineKeyboardMarkup([[InlineKeyboardButton(_("No comment"), callback_data=SKIP)]])
    await send(update, context, text, skip)


async def skip(update: Update, context: BotContext) -> None:
    """No comment: stop waiting for one."""
    query = update.callback_query
    assert query is not None
    if context.user_data is not None:
        context.user_data.pop(AWAITING, None)
        context.user_data.pop(WEBINAR, None)
    await query.answer()
    await query.edit_message_text(_("Thank you for the rating!"))


async def receive_comment(update: Update, context: BotContext, text: str) -> None:
    """Called by handlers.fallback with the free text that follows a rating."""
    assert context.user_data is not None
    context.user_data.pop(AWAITING, None)
    webinar_id = int(context.user_data.pop(WEBINAR, 0) or 0)
    async with context.session() as session, session.begin():
        saved = await feedback.comment(session, member_id(context), webinar_id, text)
    if saved:
        await send(update, context, _("Thank you, your comment was passed to the organisers."))
    else:
        await send(
            update, context, _("Sorry, I could not save that comment. Nothing was changed.")
        )


HANDLERS = [
    CallbackQueryHandler(rate, pattern=r"^fb:(\d{1,9}):(\d{1,2})$"),
    CallbackQueryHandler(skip, pattern=f"^{SKIP}$"),
]
