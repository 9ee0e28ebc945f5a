"""The server-side guard every moderator command and button passes, and shared helpers.

The role is read from settings and the database at the moment of use, never from anything the
client sent; a refusal is answered politely and written to the audit log.
"""

from __future__ import annotations

import functools
import logging
import warnings
from collections.abc import Awaitable, Callable
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import ConversationHandler
from telegram.warnings import PTBUserWarning

from bot.context import BotContext
from bot.render.admin import refusal
from bot.services import audit, roles
from bot.services.admin_content import zone_of

log = logging.getLogger(__name__)
Callback = Callable[[Update, BotContext], Awaitable[Any]]


class ModeratorConversation(ConversationHandler[BotContext]):
    """Conversation state kept per Application rather than per process.

    HANDLERS are module-level, so every Application built in one process (the tests build one
    per test) shares these objects; keying by the bot keeps one app's half-finished flow, and
    its timeout job, out of another's.
    """

    def _get_key(self, update: Update) -> tuple[int | str, ...]:
        return (id(update.get_bot()), *super()._get_key(update))


def conversation(**kwargs: Any) -> ConversationHandler[BotContext]:
    # Per chat and user on purpose: one flow at a time per moderator; buttons carry ids that
    # are checked against the database, so PTB's per_message tracking (and its warning) is moot.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBUserWarning)
        # No conversation_timeout: the steps live in the database (bot.steps), where a flow
        # idle for bot.services.dialogs.STALE_AFTER counts as abandoned on every instance.
        return ModeratorConversation(allow_reentry=True, **kwargs)


def _attempt(update: Update) -> dict[str, str]:
    if update.callback_query is not None:
        return {"via": "button", "data": (update.callback_query.data or "")[:64]}
    text = update.effective_message.text if update.effective_message else None
    return {"via": "message", "text": (text or "")[:64]}


async def allowed(update: Update, context: BotContext, action: str, owner_only: bool) -> bool:
    """Check the role now, from settings and the database; refuse and audit otherwise."""
    user = update.effective_user
    if user is None:
        return False
    async with context.session() as session, session.begin():
        if await roles.may(session, context.settings, user.id, owner_only):
            return True
        await audit.record(session, user.id, action, None, _attempt(update), allowed=False)
    log.warning("refused %s to user %s", action, user.id)
    text = refusal(owner_only)
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)
    return False


def guarded(action: str, owner_only: bool = False) -> Callable[[Callback], Callback]:
    """Wrap a handler so it runs only for a moderator (or owner); a conversation then ends."""

    def wrap(handler: Callback) -> Callback:
        @functools.wraps(handler)
        async def inner(update: Update, context: BotContext) -> Any:
            if not await allowed(update, context, action, owner_only):
                return ConversationHandler.END
            return await handler(update, context)

        return inner

    return wrap


def moderator_zone(context: BotContext) -> ZoneInfo:
    """Times moderators type and read are in their own zone, else the organiser's."""
    member_zone = context.member.time_zone if context.member else None
    return zone_of(member_zone, context.settings.zone)


def language_of(context: BotContext) -> str:
    return context.member.language if context.member else context.settings.DEFAULT_LANGUAGE
