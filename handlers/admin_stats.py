"""/stats, RSVP export as CSV, /audit (owners) and /pause for all outgoing deliveries."""

from __future__ import annotations

from telegram import InputFile, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext
from bot.delivery import backlog, is_paused, set_paused
from bot.i18n import _
from bot.models import Webinar
from bot.render import admin_stats as view
from bot.render.admin import pause_keyboard, pause_text
from bot.services import audit, stats
from bot.services.admin_content import find_webinar
from handlers.admin_guard import guarded, language_of, moderator_zone

PRIVATE = filters.ChatType.PRIVATE


@guarded("stats")
async def show_stats(update: Update, context: BotContext) -> None:
    """Members, RSVPs per upcoming webinar and the last announcements."""
    assert update.effective_message is not None
    async with context.session() as session:
        data = await stats.overview(session)
    language = language_of(context)
    text = view.stats_text(data, moderator_zone(context), language)
    markup = view.export_keyboard(data.rsvps, language)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def _send_csv(update: Update, context: BotContext, webinar: Webinar) -> None:
    assert update.effective_user is not None and update.effective_chat is not None
    async with context.session() as session, session.begin():
        rows = await stats.rsvp_rows(session, webinar.id)
        await audit.record(session, update.effective_user.id, "rsvp_export", webinar.id)
    data = view.rsvp_csv(rows, moderator_zone(context))
    await context.bot.send_document(
        update.effective_chat.id,
        InputFile(data, filename=f"rsvps-{webinar.slug}.csv"),
        caption=view.export_caption(webinar, len(rows), language_of(context)),
    )


@guarded("rsvp_export")
async def export(update: Update, context: BotContext) -> None:
    """Send the RSVPs of the webinar named by id or slug as a CSV file."""
    assert update.effective_message is not None
    ref = " ".join(context.args or []).strip()
    async with context.session() as session:
        webinar = await find_webinar(session, ref) if ref else None
    if webinar is None:
        text = _("Which webinar? Send /export followed by its number or slug, e.g. /export 3.")
        if ref:
            text = _("I found no webinar “{ref}”.").format(ref=ref[:64]) + " " + text
        await update.effective_message.reply_text(text)
        return
    await _send_csv(update, context, webinar)


@guarded("rsvp_export")
async def export_button(update: Update, context: BotContext) -> None:
    """The CSV button under /stats."""
    query = update.callback_query
    assert query is not None and query.data is not None
    async with context.session() as session:
        webinar = await session.get(Webinar, int(query.data.rsplit(":", 1)[1]))
    if webinar is None:
        await query.answer(_("That webinar no longer exists."), show_alert=True)
        return
    await query.answer()
    await _send_csv(update, context, webinar)


async def _audit_page(context: BotContext, number: int) -> tuple[str, object]:
    async with context.session() as session:
        page = await audit.page(session, number)
        names = await audit.actor_names(session, {entry.actor_id for entry in page.items})
    zone, language = moderator_zone(context), language_of(context)
    text = view.audit_text(page.items, names, zone, language, page.number)
    return text, view.audit_keyboard(page.number, page.has_prev, page.has_next)


@guarded("audit", owner_only=True)
async def show_audit(update: Update, context: BotContext) -> None:
    """The last moderator actions, newest first (owners only)."""
    assert update.effective_message is not None
    text, markup = await _audit_page(context, 0)
    await update.effective_message.reply_text(text, reply_markup=markup)  # type: ignore[arg-type]


@guarded("audit", owner_only=True)
async def audit_page(update: Update, context: BotContext) -> None:
    """Another page of the audit log."""
    query = update.callback_query
    assert query is not None and query.data is not None
    text, markup = await _audit_page(context, int(query.data.rsplit(":", 1)[1]))
    await query.answer()
    await query.edit_message_text(text, reply_markup=markup)  # type: ignore[arg-type]


@guarded("pause")
async def show_pause(update: Update, context: BotContext) -> None:
    """Show whether deliveries run, with the switch."""
    assert update.effective_message is not None
    async with context.session() as session:
        paused, waiting = await is_paused(session), await backlog(session)
    await update.effective_message.reply_text(
        pause_text(paused, waiting), reply_markup=pause_keyboard(paused)
    )


@guarded("pause")
async def switch_pause(update: Update, context: BotContext) -> None:
    """Pause or resume every outgoing delivery, on every instance."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_user is not None
    paused = query.data == "pz:on"
    async with context.session() as session, session.begin():
        await set_paused(session, paused)
        await audit.record(session, update.effective_user.id, "pause" if paused else "resume")
        waiting = await backlog(session)
    engine = context.runtime.extras.get("delivery")
    if engine is not None and not paused:
        engine.wake()
    await query.answer(_("Deliveries paused.") if paused else _("Deliveries resumed."))
    await query.edit_message_text(pause_text(paused, waiting), reply_markup=pause_keyboard(paused))


HANDLERS = [
    CommandHandler("stats", show_stats, filters=PRIVATE),
    CommandHandler("export", export, filters=PRIVATE),
    CallbackQueryHandler(export_button, pattern=r"^st:csv:\d+$"),
    CommandHandler("audit", show_audit, filters=PRIVATE),
    CallbackQueryHandler(audit_page, pattern=r"^au:page:\d+$"),
    CommandHandler("pause", show_pause, filters=PRIVATE),
    CallbackQueryHandler(switch_pause, pattern="^pz:(on|off)$"),
]
