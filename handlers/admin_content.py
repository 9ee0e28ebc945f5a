"""Content in chat: /addwebinar, /editwebinar (edit, reschedule, cancel), /addnews, YAML upload."""

from __future__ import annotations

from typing import Any

from telegram import Message, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import BotContext
from bot.i18n import _
from bot.models import Webinar
from bot.render import admin_content as view
from bot.services import admin_content as content
from bot.services import audit
from bot.services.admin_content import InputProblem
from handlers import admin_webinars
from handlers.admin_guard import conversation, guarded, language_of, moderator_zone
from handlers.admin_import import import_document
from handlers.admin_steps import FIELD_STEPS, NEW_WEBINAR, NEWS, STEPS, prompt

STEP, CONFIRM = range(10, 12)
KEY = "content"


async def _begin(update: Update, context: BotContext, flow: dict[str, Any], intro: str) -> int:
    assert context.user_data is not None and update.effective_message is not None
    context.user_data[KEY] = {"index": 0, "values": {}, **flow}
    first = prompt(context, flow["steps"][0])
    await update.effective_message.reply_text(f"{intro}\n\n{first}")
    return STEP


@guarded("webinar_add")
async def add_webinar(update: Update, context: BotContext) -> int:
    """Start adding a webinar, one question at a time."""
    intro = _("New webinar. /cancel leaves at any step; nothing is saved until you confirm.")
    return await _begin(update, context, {"flow": "webinar", "steps": NEW_WEBINAR}, intro)


@guarded("news_add")
async def add_news(update: Update, context: BotContext) -> int:
    """Start adding a news item."""
    intro = _("New news item. /cancel leaves at any step.")
    return await _begin(update, context, {"flow": "news", "steps": NEWS}, intro)


@guarded("webinar_edit")
async def edit_field(update: Update, context: BotContext) -> int:
    """Ask for the new value of one field of one webinar."""
    query = update.callback_query
    assert query is not None and query.data is not None
    _p, _f, webinar_id, field = query.data.split(":")
    await query.answer()
    if field not in FIELD_STEPS:
        return ConversationHandler.END
    flow = {"flow": "edit", "steps": FIELD_STEPS[field], "webinar_id": int(webinar_id)}
    return await _begin(
        update, context, flow, _("Editing: {field}.").format(field=_(view.FIELDS[field]))
    )


@guarded("content_step")
async def got_step(update: Update, context: BotContext) -> int:
    """Check one answer; ask it again with the reason, or move on to the next question."""
    message, state = update.effective_message, (context.user_data or {}).get(KEY)
    assert message is not None
    if not state:
        return ConversationHandler.END
    step = state["steps"][state["index"]]
    try:
        state["values"][step] = STEPS[step][1](
            message.text or "", state["values"], moderator_zone(context)
        )
    except InputProblem as problem:
        await message.reply_text(view.problem_text(problem.kind, problem.limit))
        return STEP
    state["index"] += 1
    if state["index"] < len(state["steps"]):
        await message.reply_text(prompt(context, state["steps"][state["index"]]))
        return STEP
    return await FINISH[state["flow"]](update, context, state)


async def _confirm_webinar(update: Update, context: BotContext, state: dict[str, Any]) -> int:
    draft = Webinar(slug="—", status="scheduled", **state["values"])
    text = view.webinar_summary(draft, moderator_zone(context), language_of(context))
    markup = view.yes_keyboard("aw:save", _("✅ Save"))
    await update.effective_message.reply_text(text, reply_markup=markup)  # type: ignore[union-attr]
    return CONFIRM


def _finished(update: Update, context: BotContext) -> tuple[Message, int]:
    """The flow's last answer is in: forget the draft; who answered, and where."""
    assert update.effective_message is not None and update.effective_user is not None
    if context.user_data is not None:
        context.user_data.pop(KEY, None)
    return update.effective_message, update.effective_user.id


async def _save_news(update: Update, context: BotContext, state: dict[str, Any]) -> int:
    message, actor = _finished(update, context)
    values = state["values"]
    fields = {"title_uk": values["news_title_uk"], "title_en": values["news_title_en"]}
    fields |= {"summary_uk": values["summary_uk"], "summary_en": values["summary_en"]}
    async with context.session() as session, session.begin():
        item = await content.add_news(session, {**fields, "url": values["url"]})
        await audit.record(session, actor, "news_add", item.id)
    await message.reply_text(_("Saved. Members see it in /news."))
    return ConversationHandler.END


async def _save_edit(update: Update, context: BotContext, state: dict[str, Any]) -> int:
    message, actor = _finished(update, context)
    values = state["values"]
    async with context.session() as session, session.begin():
        webinar = await session.get(Webinar, state["webinar_id"])
        if webinar is not None:
            await content.edit_webinar(session, webinar, dict(values), context.settings.TIMEZONE)
            details = {"fields": sorted(values)}
            await audit.record(session, actor, "webinar_edit", webinar.id, details)
    if webinar is None:
        await message.reply_text(_("That webinar no longer exists."))
        return ConversationHandler.END
    text = (
        _("Saved.")
        + "\n\n"
        + view.webinar_summary(webinar, moderator_zone(context), language_of(context))
    )
    await message.reply_text(text, reply_markup=view.field_keyboard(webinar.id))
    return ConversationHandler.END


FINISH = {"webinar": _confirm_webinar, "news": _save_news, "edit": _save_edit}


@guarded("webinar_add")
async def save_webinar(update: Update, context: BotContext) -> int:
    """Save the confirmed new webinar."""
    query, state = update.callback_query, (context.user_data or {}).pop(KEY, None)
    assert query is not None and update.effective_user is not None
    if not state or state.get("flow") != "webinar":
        await query.answer(_("This step has expired. Please start again."), show_alert=True)
        return ConversationHandler.END
    async with context.session() as session, session.begin():
        webinar = await content.create_webinar(session, state["values"])
        await audit.record(session, update.effective_user.id, "webinar_add", webinar.slug)
    await query.answer()
    text = _("Saved. Members see it in /webinars.") + "\n\n"
    text += view.webinar_summary(webinar, moderator_zone(context), language_of(context))
    await query.edit_message_text(text, reply_markup=view.field_keyboard(webinar.id))
    return ConversationHandler.END


async def quit_flow(update: Update, context: BotContext) -> int:
    """Leave the current step with nothing saved."""
    if context.user_data is not None:
        context.user_data.pop(KEY, None)
    text = _("Cancelled. Nothing was saved.")
    if update.callback_query is not None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_text(text)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)
    return ConversationHandler.END


async def nothing_to_cancel(update: Update, context: BotContext) -> None:
    """/cancel outside any step."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(_("There is nothing to cancel."))


def _conversation() -> ConversationHandler[BotContext]:
    text, private = filters.TEXT & ~filters.COMMAND, filters.ChatType.PRIVATE
    return conversation(
        entry_points=[
            CommandHandler("addwebinar", add_webinar, filters=private),
            CommandHandler("addnews", add_news, filters=private),
            CallbackQueryHandler(edit_field, pattern=r"^aw:field:\d+:\w+$"),
        ],
        states={
            STEP: [MessageHandler(text, got_step)],
            CONFIRM: [CallbackQueryHandler(save_webinar, pattern="^aw:save$")],
        },
        fallbacks=[
            CommandHandler("cancel", quit_flow),
            CallbackQueryHandler(quit_flow, pattern="^aw:quit$"),
        ],
        name="content",
    )


HANDLERS = [
    _conversation(),
    *admin_webinars.HANDLERS,
    CallbackQueryHandler(quit_flow, pattern="^aw:quit$"),
    import_document,
    CommandHandler("cancel", nothing_to_cancel, filters=filters.ChatType.PRIVATE),
]
