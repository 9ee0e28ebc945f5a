"""/broadcast: compose in both languages, pick an audience, preview it as members will see it."""

from __future__ import annotations

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
from bot.models import Broadcast
from bot.render import admin_broadcast as view
from bot.render.common import clip, esc, local
from bot.services import broadcasts
from bot.services.admin_content import editable
from bot.services.themes import list_themes
from bot.telegram_html import MAX_LENGTH
from handlers import broadcast_run as run
from handlers.admin_guard import conversation, guarded, language_of

UK, EN, AUDIENCE, WHEN = 0, 1, 2, run.WHEN
# Entities Telegram's own formatting buttons produce; links and mentions it detects are not.
FORMATTING = {"bold", "italic", "underline", "strikethrough", "spoiler", "text_link", "code",
              "pre", "blockquote", "expandable_blockquote"}  # fmt: skip
EXAMPLE = '<b>bold</b>, <i>italic</i>, <a href="https://…">link</a>'


def _html_of(message: Message) -> str:
    """Typed HTML as is; text formatted with Telegram's own buttons, converted to HTML."""
    if any(entity.type in FORMATTING for entity in message.entities):
        return message.text_html
    return message.text or ""


async def _checked(message: Message) -> str | None:
    try:
        return broadcasts.check_text(_html_of(message))
    except broadcasts.TextProblem as problem:
        text = view.text_problem(problem.kind, problem.detail, problem.length, MAX_LENGTH)
        await message.reply_text(text)
        return None


@guarded("broadcast")
async def start(update: Update, context: BotContext) -> int:
    """Begin a new announcement."""
    assert update.effective_message is not None and context.user_data is not None
    context.user_data[run.KEY] = {}
    await update.effective_message.reply_text(
        _(
            "New announcement. Send the text in <b>Ukrainian</b>. HTML formatting works: "
            "{example}. /cancel stops at any step."
        ).format(example=esc(EXAMPLE))
    )
    return UK


@guarded("broadcast")
async def got_uk(update: Update, context: BotContext) -> int:
    """Keep the Ukrainian text; ask for the English one."""
    assert update.effective_message is not None
    if (text := await _checked(update.effective_message)) is None:
        return UK
    run.draft_of(context)["uk"] = text
    await update.effective_message.reply_text(
        _("Now the text in <b>English</b>, or use the same text for both languages."),
        reply_markup=view.choice_keyboard("bc", [("same", _("Same for both"))]),
    )
    return EN


@guarded("broadcast")
async def got_en(update: Update, context: BotContext) -> int:
    """Keep the English text (or reuse the Ukrainian one); ask for the audience."""
    draft, query, message = run.draft_of(context), update.callback_query, update.effective_message
    if "uk" not in draft or message is None:
        return await run.stale(update)
    if query is not None:
        await query.answer()
        text: str | None = draft["uk"]
    elif (text := await _checked(message)) is None:
        return EN
    draft["en"] = text
    await message.reply_text(_("Who should receive it?"), reply_markup=view.audience_keyboard())
    return AUDIENCE


async def _choices(update: Update, context: BotContext, what: str) -> int:
    query, language = update.callback_query, language_of(context)
    assert query is not None
    async with context.session() as session:
        rows = await (list_themes(session) if what == "themes" else editable(session))
    items = [(row.id, clip(local(row, "title", language), 60)) for row in rows]
    prefix = "bc:aud:theme" if what == "themes" else "bc:aud:web"
    await query.answer()
    if not items:
        text = _("Nothing to choose from yet. Who should receive it?")
        await query.edit_message_text(text, reply_markup=view.audience_keyboard())
        return AUDIENCE
    await query.edit_message_text(
        _("Choose one:"), reply_markup=view.choice_keyboard(prefix, items)
    )
    return AUDIENCE


@guarded("broadcast")
async def got_audience(update: Update, context: BotContext) -> int:
    """Save the draft with its audience, then show the preview in both languages."""
    query, draft = update.callback_query, run.draft_of(context)
    assert query is not None and query.data is not None and update.effective_user is not None
    kind, _sep, value = query.data.removeprefix("bc:aud:").partition(":")
    if kind in ("themes", "webinars"):
        return await _choices(update, context, kind)
    if "en" not in draft:
        return await run.stale(update)
    async with context.session() as session, session.begin():
        target = await broadcasts.audience_target(session, kind, value)
        if target is None:
            return await run.stale(update)
        texts = {"uk": draft["uk"], "en": draft["en"]}
        broadcast = await broadcasts.create_draft(
            session, update.effective_user.id, texts, target[0]
        )
    language = language_of(context)
    name = clip(local(target[1], "title", language), 80) if target[1] is not None else ""
    await query.answer()
    await query.edit_message_text(
        _("Audience: {audience}").format(audience=view.audience_label(target[0], name))
    )
    await _preview(query.message, broadcast, name)  # type: ignore[arg-type]
    assert context.user_data is not None
    context.user_data.pop(run.KEY, None)
    return ConversationHandler.END


async def _preview(anchor: Message, broadcast: Broadcast, name: str) -> None:
    for language in ("uk", "en"):
        await anchor.get_bot().send_message(
            anchor.chat_id, view.broadcast_text(broadcast, language)
        )
    await anchor.get_bot().send_message(
        anchor.chat_id,
        view.preview_summary(broadcast, name),
        reply_markup=view.confirm_keyboard(broadcast.id),
    )


async def cancel(update: Update, context: BotContext) -> int:
    """Leave the announcement; nothing is saved or sent."""
    assert update.effective_message is not None and context.user_data is not None
    context.user_data.pop(run.KEY, None)
    await update.effective_message.reply_text(_("Cancelled. Nothing was sent."))
    return ConversationHandler.END


def _conversation() -> ConversationHandler[BotContext]:
    text = filters.TEXT & ~filters.COMMAND
    return conversation(
        entry_points=[
            CommandHandler("broadcast", start, filters=filters.ChatType.PRIVATE),
            CallbackQueryHandler(run.ask_when, pattern=r"^bc:sched:\d+$"),
        ],
        states={
            UK: [MessageHandler(text, got_uk)],
            EN: [
                MessageHandler(text, got_en),
                CallbackQueryHandler(got_en, pattern="^bc:same$"),
            ],
            AUDIENCE: [CallbackQueryHandler(got_audience, pattern=r"^bc:aud:")],
            WHEN: [MessageHandler(text, run.got_when)],
        },
        fallbacks=[CommandHandler("cancel", cancel)],
        name="broadcast",
    )


HANDLERS = [
    _conversation(),
    CallbackQueryHandler(run.send_now, pattern=r"^bc:send:\d+$"),
    CallbackQueryHandler(run.discard, pattern=r"^bc:drop:\d+$"),
    CallbackQueryHandler(run.stop, pattern=r"^bc:stop:\d+$"),
]
