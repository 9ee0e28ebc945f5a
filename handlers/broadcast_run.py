"""Announcements after the preview: send now, schedule, discard, cancel, and live progress."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ConversationHandler

from bot.clock import now
from bot.context import BotContext
from bot.delivery import batch_stats
from bot.i18n import _, use_locale
from bot.render import admin_broadcast as view
from bot.render.admin_content import problem_text, when_prompt
from bot.render.common import esc
from bot.services import audit, broadcasts
from bot.services.admin_content import InputProblem, parse_when
from bot.services.members import get_member
from bot.timefmt import format_when
from handlers.admin_guard import guarded, language_of, moderator_zone

log = logging.getLogger(__name__)
KEY = "broadcast"  # the moderator's draft in user_data, shared with the composing steps
WHEN = 3
JOB = "broadcast-progress"
EDIT_LOCK = "broadcast-edit-lock"
PROGRESS_SECONDS = 3.0  # how often progress messages are edited; tests shorten it


def draft_of(context: BotContext) -> dict[str, Any]:
    assert context.user_data is not None
    return context.user_data.setdefault(KEY, {})  # type: ignore[no-any-return]


async def stale(update: Update) -> int:
    text = _("This step has expired. Send /broadcast to start again.")
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)
    return ConversationHandler.END


def _id(update: Update) -> int:
    assert update.callback_query is not None and update.callback_query.data is not None
    return int(update.callback_query.data.rsplit(":", 1)[1])


@guarded("broadcast_send")
async def send_now(update: Update, context: BotContext) -> int:
    """Send the previewed draft to its audience (once, however often Send is pressed)."""
    query = update.callback_query
    assert query is not None and query.message is not None and update.effective_user is not None
    broadcast_id = _id(update)
    async with context.session() as session, session.begin():
        where = (query.message.chat.id, query.message.message_id)
        broadcast = await broadcasts.launch(session, broadcast_id, now(), where)
        if broadcast is not None:
            details = {"recipients": broadcast.recipients, "audience": broadcast.audience}
            await audit.record(
                session, update.effective_user.id, "broadcast_send", broadcast_id, details
            )
            stats = await batch_stats(session, broadcasts.batch_name(broadcast_id))
    if broadcast is None:
        await query.answer(_("This announcement was already sent or cancelled."), show_alert=True)
        return ConversationHandler.END
    await query.answer(_("Sending started."))
    await query.edit_message_text(
        view.progress_text(broadcast, stats), reply_markup=view.stop_keyboard(broadcast_id)
    )
    _wake(context)
    ensure_progress_job(context.job_queue)
    return ConversationHandler.END


@guarded("broadcast_schedule")
async def ask_when(update: Update, context: BotContext) -> int:
    """Ask when the previewed draft should go out."""
    query = update.callback_query
    assert query is not None and context.user_data is not None
    context.user_data[KEY] = {"schedule": _id(update)}
    await query.answer()
    prompt = when_prompt(moderator_zone(context), language_of(context))
    await context.bot.send_message(update.effective_chat.id, prompt)  # type: ignore[union-attr]
    return WHEN


@guarded("broadcast_schedule")
async def got_when(update: Update, context: BotContext) -> int:
    """Schedule the draft for the time given in the moderator's zone."""
    message, draft = update.effective_message, draft_of(context)
    assert message is not None and update.effective_user is not None
    if "schedule" not in draft:
        return await stale(update)
    zone = moderator_zone(context)
    try:
        due_at = parse_when(message.text or "", zone)
    except InputProblem as problem:
        await message.reply_text(problem_text(problem.kind, problem.limit))
        return WHEN
    async with context.session() as session, session.begin():
        broadcast = await broadcasts.launch(
            session, draft["schedule"], due_at, (message.chat_id, 0)
        )
        if broadcast is not None:
            details = {"due_at": due_at.isoformat(), "recipients": broadcast.recipients}
            await audit.record(
                session, update.effective_user.id, "broadcast_schedule", broadcast.id, details
            )
    draft_of(context).clear()
    if broadcast is None:
        await message.reply_text(_("This announcement was already sent or cancelled."))
        return ConversationHandler.END
    when = format_when(due_at, zone, language_of(context), context.settings.zone)
    sent = await message.reply_text(
        view.progress_text(broadcast, {}, esc(when)), reply_markup=view.stop_keyboard(broadcast.id)
    )
    async with context.session() as session, session.begin():
        await broadcasts.set_progress_message(session, broadcast.id, sent.chat_id, sent.message_id)
    ensure_progress_job(context.job_queue)
    return ConversationHandler.END


@guarded("broadcast_discard")
async def discard(update: Update, context: BotContext) -> int:
    """Throw the previewed draft away."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    async with context.session() as session, session.begin():
        dropped = await broadcasts.cancel(session, _id(update), statuses=("draft",))
        if dropped is not None:
            await audit.record(session, update.effective_user.id, "broadcast_discard", dropped.id)
    if dropped is None:
        await query.answer(_("This announcement was already sent or cancelled."), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    await query.edit_message_text(_("Cancelled. Nothing was sent."))
    return ConversationHandler.END


@guarded("broadcast_cancel")
async def stop(update: Update, context: BotContext) -> None:
    """Cancel a running or scheduled announcement: what is not yet sent never goes out."""
    async with _edits(context):  # the progress tick must not repaint over the cancellation
        await _stop(update, context)


async def _stop(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    async with context.session() as session, session.begin():
        stopped = await broadcasts.cancel(session, _id(update))
        if stopped is not None:
            await audit.record(session, update.effective_user.id, "broadcast_cancel", stopped.id)
            stats = await batch_stats(session, broadcasts.batch_name(stopped.id))
    if stopped is None:
        await query.answer(_("This announcement has already finished."), show_alert=True)
        return
    await query.answer()
    await query.edit_message_text(view.cancelled_text(stopped.id, stats))


def _edits(context: BotContext) -> asyncio.Lock:
    """One lock per Application for progress edits (a per-process lock would outlive its loop)."""
    lock: asyncio.Lock = context.application.bot_data.setdefault(EDIT_LOCK, asyncio.Lock())
    return lock


def _wake(context: BotContext) -> None:
    engine = context.runtime.extras.get("delivery")
    if engine is not None:
        engine.wake()


def ensure_progress_job(job_queue: Any) -> None:
    """One repeating job per process; it finds its work in the database after a restart."""
    if job_queue is not None and not job_queue.get_jobs_by_name(JOB):
        job_queue.run_repeating(
            progress_tick, interval=PROGRESS_SECONDS, first=PROGRESS_SECONDS, name=JOB
        )


async def progress_tick(context: BotContext) -> None:
    """Edit each running announcement's progress message; finish the ones with nothing left."""
    async with context.session() as session:
        running = await broadcasts.active(session)
    for broadcast in running:
        async with _edits(context):
            await _tick(context, broadcast.id)


def _report(broadcast_id: int) -> broadcasts.Report:
    def build(stats: dict[str, Any], language: str) -> str:
        with use_locale(language):
            return view.final_report(broadcast_id, stats)

    return build


async def _tick(context: BotContext, broadcast_id: int) -> None:
    async with context.session() as session, session.begin():
        progress = await broadcasts.advance(session, broadcast_id, _report(broadcast_id))
        chat_id = progress.broadcast.progress_chat_id if progress else None
        member = await get_member(session, chat_id) if chat_id else None
    if progress is None or not chat_id or not progress.broadcast.progress_message_id:
        return
    broadcast = progress.broadcast
    if progress.finished:
        _wake(context)  # the report was just owed
    elif broadcast.status != "sending":
        return  # scheduled for later, or cancelled a moment ago: leave its message alone
    with use_locale(member.language if member else context.settings.DEFAULT_LANGUAGE):
        if progress.finished:
            text, markup = view.final_report(broadcast.id, progress.stats), None
        else:
            text = view.progress_text(broadcast, progress.stats)
            markup = view.stop_keyboard(broadcast.id)
    try:
        await context.bot.edit_message_text(
            text, chat_id, broadcast.progress_message_id, reply_markup=markup
        )
    except BadRequest as exc:
        if "not modified" not in exc.message:
            log.warning("could not edit the progress of broadcast %s: %s", broadcast.id, exc)
    except TelegramError:
        log.warning("could not edit the progress of broadcast %s", broadcast.id, exc_info=True)
