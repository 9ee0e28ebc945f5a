"""Moderators: one tap to mark a session postponed or interrupted; /recording adds a recording."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.clock import now
from bot.context import BotContext
from bot.i18n import N_, _, ngettext
from bot.models import Webinar
from bot.render import admin_content as view
from bot.render.common import esc
from bot.scheduler.reminders import ends_at
from bot.services import admin_content as content
from bot.services import audit, disruption, recording
from bot.services.admin_content import InputProblem
from bot.timefmt import format_short
from handlers.admin_roles import guarded, language_of, moderator_zone

STATUS_OF = {"pp": "postponed", "int": "interrupted"}
DONE = {
    "postponed": N_("⏸ Marked as postponed."),
    "interrupted": N_("⚠️ Marked as interrupted."),
}


def _result(outcome: disruption.Marked, status: str, told: int) -> str:
    if outcome is disruption.Marked.OVER:
        return _("This session has already ended or was cancelled; nothing was changed.")
    if outcome is disruption.Marked.ALREADY:
        return _("It is already marked so; nobody is told twice.")
    people = ngettext(
        "{n} member who expected it will be told.",
        "{n} members who expected it will be told.",
        told,
    ).format(n=told)
    text = f"{_(DONE[status])} {people}"
    if status == "postponed":
        text += "\n" + _(
            "When the new time is known, tap “Date and time”: everyone is told again."
        )
    return text


@guarded("webinar_status")
async def mark(update: Update, context: BotContext) -> None:
    """Mark the webinar on the pressed card postponed or interrupted and tell its RSVPs."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and context.match is not None and user is not None
    status = STATUS_OF[context.match.group(1)]
    async with context.session() as session, session.begin():
        webinar = await session.get(Webinar, int(context.match.group(2)))
        if webinar is not None:
            zone = context.settings.TIMEZONE
            outcome, told = await disruption.mark(session, webinar, status, zone)
            details = {"status": status, "outcome": outcome.value, "told": told}
            await audit.record(session, user.id, "webinar_status", webinar.id, details)
    if webinar is None:
        await query.answer(_("That webinar no longer exists."), show_alert=True)
        return
    await query.answer()
    summary = view.webinar_summary(webinar, moderator_zone(context), language_of(context))
    text = f"{_result(outcome, status, told)}\n\n{summary}"
    await query.edit_message_text(text, reply_markup=view.field_keyboard(webinar.id))


@guarded("recording_add")
async def add_recording(update: Update, context: BotContext) -> None:
    """/recording <number or slug> <link>: attach the recording; people who cared are told."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    args = context.args or []
    usage = _("Send /recording followed by the webinar's number or slug and the link, e.g. ")
    usage += "/recording 3 https://youtu.be/…"
    if len(args) != 2:
        await message.reply_text(usage)
        return
    try:
        url = content.parse_url(args[1])
    except InputProblem as problem:
        await message.reply_text(view.problem_text(problem.kind, problem.limit))
        return
    async with context.session() as session, session.begin():
        webinar = await content.find_webinar(session, args[0])
        told = 0
        if webinar is not None:
            told = await recording.set_recording(session, webinar, url)
            await audit.record(session, user.id, "recording_add", webinar.id, {"url": url})
    if webinar is None:
        await message.reply_text(_("I found no webinar “{ref}”.").format(ref=esc(args[0][:64])))
        return
    await message.reply_text(_recording_saved(webinar, told, context))


def _recording_saved(webinar: Webinar, told: int, context: BotContext) -> str:
    ends = ends_at(webinar)
    if ends > now() and webinar.status != "cancelled":
        when = format_short(ends, moderator_zone(context), language_of(context))
        return _(
            "Saved. The session is not over yet: RSVPs and followers get the link when it "
            "ends ({when})."
        ).format(when=esc(when))
    return ngettext(
        "Saved. {n} member will get the link.", "Saved. {n} members will get the link.", told
    ).format(n=told)


HANDLERS = [
    CallbackQueryHandler(mark, pattern=r"^aw:(pp|int):(\d{1,9})$"),
    CommandHandler("recording", add_recording, filters=filters.ChatType.PRIVATE),
]
