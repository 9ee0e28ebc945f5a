"""Roles: /moderators, /promote and /demote (owners), moderator menus at start-up."""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommandScopeChat, MessageOriginHiddenUser, MessageOriginUser, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext
from bot.i18n import LANGUAGES, _
from bot.render.admin import moderator_welcome as welcome
from bot.render.admin import moderators_text, person, remove_keyboard
from bot.runtime import Runtime
from bot.services import audit, roles
from bot.services.members import get_member

# Other features (community, disruption) import the guard from here; keep these names working.
from handlers.admin_guard import allowed as allowed
from handlers.admin_guard import conversation as conversation
from handlers.admin_guard import guarded
from handlers.admin_guard import language_of as language_of
from handlers.admin_guard import moderator_zone as moderator_zone

log = logging.getLogger(__name__)


async def set_menu(bot: Any, chat_id: int, moderator: bool) -> None:
    """Moderators get their own menu in their chat; a demoted one falls back to the members'."""
    from bot.app import set_moderator_menu  # bot.app imports handlers: import at call time

    try:
        if moderator:
            await set_moderator_menu(bot, chat_id)
            return
        for language in LANGUAGES:
            await bot.delete_my_commands(BotCommandScopeChat(chat_id), language_code=language)
    except TelegramError:
        log.warning("could not update the command menu of chat %s", chat_id, exc_info=True)


def _target(update: Update, context: BotContext) -> int | None:
    """A user id from the command's argument, or from the forwarded message it replies to."""
    if context.args:
        arg = context.args[0].strip()
        return int(arg) if arg.isdigit() else None
    message = update.effective_message
    reply = message.reply_to_message if message else None
    origin = reply.forward_origin if reply else None
    if isinstance(origin, MessageOriginUser):
        return origin.sender_user.id
    if isinstance(origin, MessageOriginHiddenUser):
        return -1
    return None


def _outcome_text(change: roles.Change, who: str, promoted: bool) -> str:
    if change is roles.Change.UNKNOWN:
        return _("I don't know {who} yet: they need to send /start to me first.").format(who=who)
    if change is roles.Change.OWNER:
        return _("{who} is an owner (set in ADMIN_IDS); owners are not changed here.").format(
            who=who
        )
    if change is roles.Change.ALREADY:
        if promoted:
            return _("{who} is already a moderator.").format(who=who)
        return _("{who} is not a moderator.").format(who=who)
    if promoted:
        return _(
            "✅ {who} is now a moderator; their command menu shows the moderator commands."
        ).format(who=who)
    return _("{who} is no longer a moderator.").format(who=who)


async def _change(update: Update, context: BotContext, user_id: int, promote: bool) -> str:
    actor = update.effective_user
    assert actor is not None
    async with context.session() as session, session.begin():
        if promote:
            change, member = await roles.promote(session, context.settings, user_id, welcome())
        else:
            change, member = await roles.demote(session, context.settings, user_id)
        if change is roles.Change.DONE:
            action = "promote" if promote else "demote"
            await audit.record(session, actor.id, action, user_id)
    if change is roles.Change.DONE and member is not None:
        await set_menu(context.bot, member.chat_id, promote)
    return _outcome_text(change, person(member, user_id), promote)


async def _role_command(update: Update, context: BotContext, promote: bool) -> None:
    assert update.effective_message is not None
    user_id = _target(update, context)
    if user_id is None or user_id == -1:
        text = _(
            "Send the person's numeric user id, e.g. /promote 123456789, or forward me a "
            "message from them and reply to it with the command."
        )
        if user_id == -1:
            text = _("Their privacy settings hide who they are in forwards.") + " " + text
        await update.effective_message.reply_text(text)
        return
    await update.effective_message.reply_text(await _change(update, context, user_id, promote))


@guarded("promote", owner_only=True)
async def promote(update: Update, context: BotContext) -> None:
    """Appoint a moderator."""
    await _role_command(update, context, True)


@guarded("demote", owner_only=True)
async def demote(update: Update, context: BotContext) -> None:
    """Remove a moderator."""
    await _role_command(update, context, False)


@guarded("remove_moderator", owner_only=True)
async def remove_button(update: Update, context: BotContext) -> None:
    """Remove the moderator named on the button."""
    query = update.callback_query
    assert query is not None and query.data is not None
    text = await _change(update, context, int(query.data.rsplit(":", 1)[1]), False)
    await query.answer()
    await query.edit_message_text(text)


@guarded("list_moderators")
async def list_moderators(update: Update, context: BotContext) -> None:
    """Show owners and moderators; owners get a remove button per moderator."""
    assert update.effective_message is not None and update.effective_user is not None
    async with context.session() as session:
        mods = await roles.moderators(session)
        owners = [
            person(await get_member(session, uid), uid) for uid in context.settings.ADMIN_IDS
        ]
    is_owner = roles.is_owner(context.settings, update.effective_user.id)
    text = moderators_text(owners, [person(m, m.user_id) for m in mods])
    markup = remove_keyboard(mods) if is_owner else None
    await update.effective_message.reply_text(text, reply_markup=markup)


async def on_startup(app: Any, runtime: Runtime) -> None:
    """Appointed moderators get their menu back; running broadcasts get their progress job."""
    from handlers.broadcast_run import ensure_progress_job  # it imports this module

    async with runtime.sessionmaker() as session:
        chat_ids = await roles.moderator_chat_ids(session, runtime.settings)
    for chat_id in chat_ids:
        await set_menu(app.bot, chat_id, True)
    ensure_progress_job(app.job_queue)


PRIVATE = filters.ChatType.PRIVATE
HANDLERS = [
    CommandHandler("moderators", list_moderators, filters=PRIVATE),
    CommandHandler("promote", promote, filters=PRIVATE),
    CommandHandler("demote", demote, filters=PRIVATE),
    CallbackQueryHandler(remove_button, pattern=r"^mod:rm:\d+$"),
]
