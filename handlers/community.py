"""Community chats (/linkchat, /unlinkchat, joins, leaves, migrations) and who blocks or returns.

Also gathers the other issue-#11 features (feedback, postponed/interrupted, /calendar), so the
one registry in handlers/__init__.py needs no new entries.
"""

from __future__ import annotations

from telegram import ChatMember, ChatMemberUpdated, Update
from telegram.ext import ChatMemberHandler, CommandHandler, MessageHandler, filters

# Imported for their side effect: the "recording", "catchup" and "community" renderers and the
# quiet-hours gate register with the delivery engine in every bot process.
import bot.render.aftercare
import bot.render.community
import bot.services.quiet  # noqa: F401
from bot.context import BotContext
from bot.i18n import N_, _
from bot.scheduler.planner import wake_delivery
from bot.services import audit, catchup
from bot.services import community as service
from bot.services.members import get_member
from handlers import aftercare, calendar_link, disruption
from handlers.admin_roles import guarded, language_of

GONE = (ChatMember.LEFT, ChatMember.BANNED)
GROUPS = filters.ChatType.GROUPS
LANGUAGE_NAMES = {"uk": N_("in Ukrainian"), "en": N_("in English")}


def _thread(update: Update) -> int | None:
    message = update.effective_message
    return message.message_thread_id if message and message.is_topic_message else None


async def _reply(update: Update, context: BotContext, text: str) -> None:
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_message(chat.id, text, message_thread_id=_thread(update))


@guarded("chat_link")
async def link_chat(update: Update, context: BotContext) -> None:
    """Link this group (or forum topic) for announcements and "starting now" notices."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    arg = (context.args or [""])[0].lower()
    language = arg if arg in ("uk", "en") else language_of(context)
    thread = _thread(update)
    async with context.session() as session, session.begin():
        outcome = await service.link(
            session, chat.id, thread, title=chat.title or "", language=language, by=user.id
        )
        await audit.record(session, user.id, "chat_link", chat.id, {"thread": thread})
    text = _(
        "✅ Linked. This chat will get announcements and “starting now” notices, {language}."
    ).format(language=_(LANGUAGE_NAMES[language]))
    if outcome is service.Linked.ALREADY:
        text = _("This chat was already linked; messages here are now {language}.").format(
            language=_(LANGUAGE_NAMES[language])
        )
    await _reply(update, context, text + "\n" + _("/unlinkchat stops them."))


@guarded("chat_unlink")
async def unlink_chat(update: Update, context: BotContext) -> None:
    """Stop announcements here."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    async with context.session() as session, session.begin():
        done = await service.unlink(session, chat.id, _thread(update))
        if done:
            await audit.record(session, user.id, "chat_unlink", chat.id)
    text = _("Unlinked: no more announcements here.") if done else _("This chat is not linked.")
    await _reply(update, context, text)


async def link_here_instead(update: Update, context: BotContext) -> None:
    """/linkchat in a private chat: say where it belongs."""
    text = _(
        "Send /linkchat in the group or forum topic that should receive announcements "
        "(add me to it first)."
    )
    await _reply(update, context, text)


async def membership(update: Update, context: BotContext) -> None:
    """The bot was added to or removed from a group, or a member blocked or unblocked it."""
    change: ChatMemberUpdated | None = update.my_chat_member
    assert change is not None
    status = change.new_chat_member.status
    if change.chat.type == "private":
        await _private(update, context, status)
    elif status in GONE:
        async with context.session() as session, session.begin():
            await service.forget_chat(session, change.chat.id)
    elif change.old_chat_member.status in GONE:
        text = _("Hello! A moderator can send /linkchat here to receive announcements.")
        await context.bot.send_message(change.chat.id, text)


async def _private(update: Update, context: BotContext, status: str) -> None:
    user = update.effective_user
    assert user is not None
    owed = False
    async with context.session() as session, session.begin():
        member = await get_member(session, user.id)
        if member is None:
            return
        if status == ChatMember.BANNED:
            catchup.went_away(member)
        elif status == ChatMember.MEMBER:
            owed = await catchup.returned(session, member)
    if owed:
        wake_delivery(context.runtime)


async def migrated(update: Update, context: BotContext) -> None:
    """A linked group became a supergroup: keep it linked under its new id."""
    message = update.effective_message
    assert message is not None
    if message.migrate_to_chat_id:
        async with context.session() as session, session.begin():
            await service.move_chat(session, message.chat_id, message.migrate_to_chat_id)


HANDLERS = [
    CommandHandler("linkchat", link_chat, filters=GROUPS),
    CommandHandler("unlinkchat", unlink_chat, filters=GROUPS),
    CommandHandler(
        ["linkchat", "unlinkchat"], link_here_instead, filters=filters.ChatType.PRIVATE
    ),
    ChatMemberHandler(membership, ChatMemberHandler.MY_CHAT_MEMBER),
    MessageHandler(filters.StatusUpdate.MIGRATE, migrated),
    *aftercare.HANDLERS,
    *disruption.HANDLERS,
    *calendar_link.HANDLERS,
]
