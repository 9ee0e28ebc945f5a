"""Cross-cutting steps run before every handler, and the one application error handler."""

from __future__ import annotations

import contextlib
import logging

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from telegram import Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.context import BotContext
from bot.i18n import _, pick_locale, set_locale
from bot.models import ProcessedUpdate
from bot.render.common import STALE
from bot.services.members import Contact, touch_member
from handlers.settings import AWAITING

log = logging.getLogger(__name__)


async def remember_update(update: Update, context: BotContext) -> None:
    """Run each update's side effects once: Telegram delivers updates at least once."""
    try:
        async with context.session() as session, session.begin():
            session.add(ProcessedUpdate(update_id=update.update_id))
    except IntegrityError:
        log.info("update %s already handled; skipping the replay", update.update_id)
        raise ApplicationHandlerStop from None


async def prepare(update: Update, context: BotContext) -> None:
    """Dedupe the update, upsert the member and resolve their locale for this update."""
    user = update.effective_user
    default = context.settings.DEFAULT_LANGUAGE
    set_locale(pick_locale(user.language_code if user else None, default=default))
    await remember_update(update, context)
    await _refuse_messageless_press(update)
    _end_wait_for_text(update, context)
    context.member = None
    if user is None or user.is_bot:
        return
    chat = update.effective_chat
    contact = Contact(
        user_id=user.id,
        chat_id=chat.id if chat and chat.type == "private" else user.id,
        first_name=user.first_name or "",
        language_code=user.language_code,
    )
    async with context.session() as session, session.begin():
        member = await touch_member(
            session, contact, pick_locale(user.language_code, default=default)
        )
    context.member = member
    set_locale(member.language)


async def _refuse_messageless_press(update: Update) -> None:
    """Callback buttons exist only on the bot's own messages (shared cards carry URL buttons),
    so a press without a message is stale or forged: refuse it politely and change nothing."""
    query = update.callback_query
    if query is not None and query.message is None:
        with contextlib.suppress(TelegramError):
            await query.answer(_(STALE), show_alert=True)
        raise ApplicationHandlerStop


def _end_wait_for_text(update: Update, context: BotContext) -> None:
    """A command or a button press means the member moved on: the next free text is a search
    again, not the time zone or the feedback comment a step was waiting for."""
    message = update.message
    command = bool(message and message.text and message.text.startswith("/"))
    if (command or update.callback_query is not None) and context.user_data:
        context.user_data.pop(AWAITING, None)  # handlers.aftercare shares this key


PRE_HANDLERS = [TypeHandler(Update, prepare)]


def _apology(error: BaseException | None) -> str:
    if isinstance(error, OperationalError | DBAPIError | TimeoutError | ConnectionError):
        return _("The bot is having trouble reaching its database. Please try again in a minute.")
    return _("Sorry, something went wrong on our side. Please try again, or send /help.")


def _not_modified(error: BaseException | None) -> bool:
    # A second press of the same button re-renders identical content; Telegram refuses the
    # edit, but the member already sees exactly what they asked for: that is success.
    return isinstance(error, BadRequest) and "message is not modified" in str(error).lower()


async def on_error(update: object, context: BotContext) -> None:
    """Log with the traceback and answer the person politely; never show them a traceback."""
    if _not_modified(context.error):
        log.info("edit left the message as it was (message is not modified)")
        if isinstance(update, Update) and update.callback_query is not None:
            with contextlib.suppress(TelegramError):  # already answered by the handler
                await update.callback_query.answer()
        return
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update):
        return
    text = _apology(context.error)
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif update.effective_chat is not None and update.effective_chat.type == "private":
            await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError:
        log.warning("could not tell the user about the error", exc_info=True)
    # PTB would go on to the next handler group: after a failed prepare (say, the database is
    # away) the feature handler would run without a member and answer a second time.
    raise ApplicationHandlerStop
