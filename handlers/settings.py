"""/settings and /language: every choice edits the settings message in place."""

from __future__ import annotations

from collections.abc import Callable

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext
from bot.i18n import _, set_locale
from bot.models import Member
from bot.render import settings as screens
from bot.render.common import esc
from bot.services import settings as service
from handlers.respond import answer_stale, member_id, send, show

AWAITING = "awaiting"  # user_data key: the next free text is a time zone


def _zone(member: Member, context: BotContext) -> str:
    return member.time_zone or context.settings.TIMEZONE


async def _home(context: BotContext) -> tuple[str, InlineKeyboardMarkup]:
    async with context.session() as session:
        member = await service.load(session, member_id(context))
    assert member is not None
    offsets = context.settings.REMINDER_OFFSETS
    chosen = service.chosen_offsets(member, offsets)
    text = screens.summary(member, _zone(member, context), offsets, chosen, member.themes)
    return text, screens.main_keyboard()


async def open_settings(update: Update, context: BotContext) -> None:
    """Show the member's choices with a button for each."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    await send(update, context, *await _home(context))


async def open_language(update: Update, context: BotContext) -> None:
    """/language: the language choice straight away."""
    keyboard = screens.language_keyboard(_current(context))
    await send(update, context, _("Choose your language:"), keyboard)


def _current(context: BotContext) -> str:
    return context.member.language if context.member else context.settings.DEFAULT_LANGUAGE


async def home(update: Update, context: BotContext) -> None:
    """Back to the summary, in place."""
    await show(update, context, *await _home(context))


def _screen(kind: str, member: Member, context: BotContext) -> tuple[str, InlineKeyboardMarkup]:
    offsets = context.settings.REMINDER_OFFSETS
    if kind == "lang":
        return _("Choose your language:"), screens.language_keyboard(member.language)
    if kind == "tz":
        return _zone_prompt(), screens.zone_keyboard(_zone(member, context), member.language)
    if kind == "rem":
        chosen = service.chosen_offsets(member, offsets)
        text = _("Which reminders would you like before the sessions you chose?")
        return text, screens.reminders_keyboard(member.reminders_on, offsets, chosen)
    if kind == "dig":
        text = _("How often should I send the digest of new sessions and news?")
        return text, screens.digest_keyboard(member.digest)
    text = _(
        "Quiet hours: reminders, digests and announcements wait until the morning. Only "
        "“starting now” for a session you chose still comes, without a sound."
    )
    return text, screens.quiet_keyboard(screens.quiet_key(member))


async def submenu(update: Update, context: BotContext) -> None:
    """Open one choice's keyboard in place."""
    assert context.match is not None
    async with context.session() as session:
        member = await service.load(session, member_id(context))
    assert member is not None
    await show(update, context, *_screen(context.match.group(1), member, context))


def _zone_prompt() -> str:
    return _("Choose your time zone, or tap “Type another zone”. Times are shown in this zone.")


async def _change(update: Update, context: BotContext, change: Callable[[Member], bool]) -> None:
    """Apply one change to the member (False = forged value: nothing changes) and redraw."""
    async with context.session() as session, session.begin():
        member = await service.load(session, member_id(context))
        ok = member is not None and change(member)
    if not ok:
        await answer_stale(update)
        return
    assert member is not None
    set_locale(member.language)  # a new language applies to this very reply
    await show(update, context, *await _home(context))


async def choose(update: Update, context: BotContext) -> None:
    """Apply the pressed choice: s:lang:uk, s:tz:2, s:dig:daily, s:quiet:22, s:off:1h."""
    assert context.match is not None
    kind, value = context.match.group(1), context.match.group(2)
    offsets = context.settings.REMINDER_OFFSETS
    changes: dict[str, Callable[[Member], bool]] = {
        "lang": lambda m: service.set_language(m, value),
        "tz": lambda m: service.set_time_zone(m, _common_zone(value)),
        "dig": lambda m: service.set_digest(m, value),
        "quiet": lambda m: service.set_quiet(m, value),
        "off": lambda m: service.toggle_offset(m, value, offsets),
        "rem": lambda m: value == "toggle" and service.toggle_reminders(m),
    }
    await _change(update, context, changes[kind])


def _common_zone(index: str) -> str:
    """The zone behind button number `index`; "" (which no zone matches) for a forged one."""
    number = int(index) if index.isdigit() else len(screens.COMMON_ZONES)
    return screens.COMMON_ZONES[number] if number < len(screens.COMMON_ZONES) else ""


async def ask_zone(update: Update, context: BotContext) -> None:
    """Let the member type a zone name; the next free text is read by `receive_zone`."""
    assert context.user_data is not None
    context.user_data[AWAITING] = "tz"
    text = _(
        "Type your time zone as Region/City, for example Europe/Kyiv or America/Toronto, "
        "or just a city such as Kyiv."
    )
    await show(update, context, text, None)


async def receive_zone(update: Update, context: BotContext, text: str) -> None:
    """Called by handlers.fallback with the typed zone: store it, or explain and change nothing."""
    assert context.user_data is not None
    context.user_data.pop(AWAITING, None)
    async with context.session() as session, session.begin():
        member = await service.load(session, member_id(context))
        ok = member is not None and service.set_time_zone(member, text)
    if not ok:
        error = _(
            "I don't know the time zone “{zone}”. Nothing was changed. Please type a name like "
            "Europe/Kyiv, or choose one below."
        ).format(zone=esc(text[:64]))
        current = context.member.time_zone if context.member else None
        keyboard = screens.zone_keyboard(current or context.settings.TIMEZONE, _current(context))
        await send(update, context, error, keyboard)
        return
    await send(update, context, *await _home(context))


PRIVATE = filters.ChatType.PRIVATE
HANDLERS = [
    CommandHandler("settings", open_settings, filters=PRIVATE),
    CommandHandler("language", open_language, filters=PRIVATE),
    CallbackQueryHandler(open_settings, pattern=r"^menu:settings$"),
    CallbackQueryHandler(home, pattern=r"^s:home$"),
    CallbackQueryHandler(ask_zone, pattern=r"^s:tz:other$"),
    CallbackQueryHandler(submenu, pattern=r"^s:(lang|tz|rem|dig|quiet)$"),
    CallbackQueryHandler(choose, pattern=r"^s:(lang|tz|dig|quiet|off|rem):([a-z0-9]{1,8})$"),
]
