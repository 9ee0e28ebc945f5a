"""Content import by sending the YAML file to the bot (moderators only); same checks as the CLI."""

from __future__ import annotations

from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.content import ContentError
from bot.context import BotContext
from bot.i18n import _
from bot.render import admin_content as view
from bot.services import admin_content as content
from bot.services import audit
from handlers.admin_guard import guarded

MAX_BYTES = 1024 * 1024  # a content file is a few hundred kB at most; refuse anything bigger


async def _read(update: Update) -> str | None:
    message = update.effective_message
    assert message is not None and message.document is not None
    if (message.document.file_size or 0) > MAX_BYTES:
        await message.reply_text(_("The file is too big: at most 1 MB, please."))
        return None
    data = await (await message.document.get_file()).download_as_bytearray()
    try:
        return bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError:
        await message.reply_text(_("The file is not UTF-8 text. Please save it as UTF-8."))
        return None


@guarded("content_import")
async def import_yaml(update: Update, context: BotContext) -> None:
    """Import the YAML file; report what changed, or every problem found (nothing saved)."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and message.document is not None and user is not None
    if (text := await _read(update)) is None:
        return
    name = message.document.file_name or "content.yaml"
    try:
        async with context.session() as session, session.begin():
            report = await content.import_yaml(session, text, name, context.settings.zone)
            details = {"file": name, "changed": report.changed}
            await audit.record(session, user.id, "content_import", name, details)
    except ContentError as exc:
        async with context.session() as session, session.begin():
            details = {"file": name, "errors": len(exc.errors)}
            await audit.record(session, user.id, "content_import_failed", name, details)
        await message.reply_text(view.import_errors(exc.errors))
        return
    await message.reply_text(view.import_report(report))


YAML = filters.Document.FileExtension("yaml") | filters.Document.FileExtension("yml")
import_document = MessageHandler(filters.ChatType.PRIVATE & YAML, import_yaml)
