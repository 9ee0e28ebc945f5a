"""/start: greet, ask for consent to reminders and digests, open the main menu; deep links."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext
from bot.i18n import _
from bot.render.common import esc, menu_keyboard
from bot.render.settings import offset_label
from bot.services import catchup
from bot.services.members import get_member, subscribe
from bot.services.themes import theme_by_slug
from bot.services.webinars import webinar_by_slug
from handlers.respond import send
from handlers.themes import send_theme
from handlers.webinars import send_card

SUBSCRIBE = "sub:yes"


def _consent_keyboard() -> InlineKeyboardMarkup:
    """One tap to subscribe, then the main menu."""
    yes = [
        InlineKeyboardButton(_("✅ Yes, send me reminders and digests"), callback_data=SUBSCRIBE)
    ]
    return InlineKeyboardMarkup([yes, *menu_keyboard().inline_keyboard])


def _offer(context: BotContext) -> str:
    """Exactly what subscribing means, so consent is informed."""
    offsets = ", ".join(offset_label(offset) for offset in context.settings.REMINDER_OFFSETS)
    return _(
        "Subscribe with one tap and I will send you:\n"
        "• reminders for the sessions you choose ({offsets});\n"
        "• a weekly digest of new sessions and news.\n\n"
        "You can change this any time in /settings, pause with /stop, or delete your data "
        "with /forget."
    ).format(offsets=esc(offsets))


def _subscribed_text() -> str:
    return _(
        "You are subscribed to reminders and the digest. Change them in /settings. "
        "What would you like to see?"
    )


async def start(update: Update, context: BotContext) -> None:
    """Greet the member in their language and offer one-tap subscription and the menu."""
    assert update.effective_user is not None
    if context.args and await _deep_link(update, context, context.args[0]):
        return
    name = esc(update.effective_user.first_name or "")
    text = _(
        "Hello, {name}! I am Hromada Companion, the webinar companion of the ICLEI Europe "
        "Ukraine Task Group community."
    ).format(name=name)
    member = context.member
    if member is not None and member.subscribed and member.state == "active":
        await send(update, context, f"{text}\n\n{_subscribed_text()}", menu_keyboard())
        return
    await send(update, context, f"{text}\n\n{_offer(context)}", _consent_keyboard())


async def _deep_link(update: Update, context: BotContext, payload: str) -> bool:
    """Open `w_<slug>` (a webinar) or `t_<slug>` (a theme); False means "just greet"."""
    kind, _sep, slug = payload[:80].partition("_")
    if kind not in ("w", "t") or not slug:
        return False
    async with context.session() as session:
        webinar = await webinar_by_slug(session, slug) if kind == "w" else None
        theme = await theme_by_slug(session, slug) if kind == "t" else None
    if webinar is not None:
        await send_card(update, context, webinar)
    elif theme is not None:
        await send_theme(update, context, theme)
    else:
        text = _("Sorry, I could not find that webinar or theme; it may have been removed.")
        await send(update, context, text + "\n\n" + _("Here is the main menu:"), menu_keyboard())
        return True
    member = context.member
    if member is None or not member.subscribed:
        await send(update, context, _offer(context), _consent_keyboard())
    return True


async def confirm_subscription(update: Update, context: BotContext) -> None:
    """Record consent to reminders and digests."""
    query = update.callback_query
    assert query is not None
    async with context.session() as session, session.begin():
        member = await get_member(session, query.from_user.id)
        if member is not None:
            await catchup.welcome_back(session, member)  # back after /stop: what they missed
            await subscribe(session, member)
    await query.answer(_("Subscribed."))
    await query.edit_message_text(_subscribed_text(), reply_markup=menu_keyboard())


HANDLERS = [
    CommandHandler("start", start, filters=filters.ChatType.PRIVATE),
    CallbackQueryHandler(confirm_subscription, pattern=f"^{SUBSCRIBE}$"),
]
