"""Inline sharing: `@bot words` in any chat offers upcoming webinar cards with a link back."""

from __future__ import annotations

from telegram import (
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    LinkPreviewOptions,
    Update,
)
from telegram.ext import InlineQueryHandler

from bot.context import BotContext
from bot.i18n import _
from bot.render.common import clip
from bot.render.community import share_card, share_keyboard
from bot.render.webinar import title_of
from bot.services.community import shareable
from bot.timefmt import format_short
from handlers.respond import language, member_zone

# Results may differ per person (language, zone); a short cache keeps new sessions visible.
CACHE_SECONDS = 60


async def share(update: Update, context: BotContext) -> None:
    """Offer the webinars matching the query (or the next ones) as shareable cards."""
    query = update.inline_query
    assert query is not None
    async with context.session() as session:
        webinars = await shareable(session, query.query)
    lang, zone = language(), member_zone(context)
    username = context.bot.username
    results = [
        InlineQueryResultArticle(
            id=f"w{webinar.id}",
            title=clip(title_of(webinar, lang), 100),
            description=format_short(webinar.starts_at, zone, lang),
            input_message_content=InputTextMessageContent(
                share_card(webinar, lang, zone),
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            ),
            reply_markup=share_keyboard(webinar, username),
        )
        for webinar in webinars
    ]
    await query.answer(
        results,
        cache_time=CACHE_SECONDS,
        is_personal=True,
        button=None if results else _no_results_button(),
    )


def _no_results_button() -> InlineQueryResultsButton:
    # Shown above an empty result list; opens the bot's chat with /start.
    return InlineQueryResultsButton(
        text=_("Nothing found: open the bot"), start_parameter="inline"
    )


HANDLERS = [InlineQueryHandler(share)]
