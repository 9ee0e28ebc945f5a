"""The questions the content conversations ask: prompt and check for each answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from bot.context import BotContext
from bot.i18n import N_, _
from bot.render.admin_content import when_prompt
from bot.services import admin_content as content
from bot.services.admin_content import TEXT_LIMIT, TITLE_LIMIT
from handlers.admin_guard import language_of, moderator_zone

Parser = Callable[[str, dict[str, Any], ZoneInfo], Any]
# Each answer the conversations ask for: its prompt and how the reply is checked.
STEPS: dict[str, tuple[str, Parser]] = {
    "title_uk": (N_("Title in Ukrainian?"), lambda t, v, z: content.parse_text(t, TITLE_LIMIT)),
    "title_en": (
        N_("Title in English? Send - to use the Ukrainian one."),
        lambda t, v, z: content.parse_text(t, TITLE_LIMIT, reuse=v["title_uk"]),
    ),
    "starts_at": ("", lambda t, v, z: content.parse_when(t, z)),
    "duration_minutes": (
        N_("Duration in minutes? Send - for 60."),
        lambda t, v, z: content.parse_minutes(t),
    ),
    "description_uk": (
        N_("Description in Ukrainian? Send - to leave it empty."),
        lambda t, v, z: content.parse_text(t, TEXT_LIMIT, optional=True),
    ),
    "description_en": (
        N_("Description in English? Send - to use the Ukrainian one."),
        lambda t, v, z: content.parse_text(t, TEXT_LIMIT, reuse=v["description_uk"]),
    ),
    "join_url": (
        N_("Link to join (https://…)? Send - if there is none yet."),
        lambda t, v, z: content.parse_url(t),
    ),
    "recording_url": (
        N_("Link to the recording (https://…)? Send - to remove it."),
        lambda t, v, z: content.parse_url(t),
    ),
    "news_title_uk": (N_("News title in Ukrainian?"), lambda t, v, z: content.parse_text(t, 512)),
    "news_title_en": (
        N_("News title in English? Send - to use the Ukrainian one."),
        lambda t, v, z: content.parse_text(t, 512, reuse=v["news_title_uk"]),
    ),
    "summary_uk": (
        N_("Short summary in Ukrainian? Send - to leave it empty."),
        lambda t, v, z: content.parse_text(t, TEXT_LIMIT, optional=True),
    ),
    "summary_en": (
        N_("Short summary in English? Send - to use the Ukrainian one."),
        lambda t, v, z: content.parse_text(t, TEXT_LIMIT, reuse=v["summary_uk"]),
    ),
    "url": (
        N_("Link to the full story? Send - if there is none."),
        lambda t, v, z: content.parse_url(t),
    ),
}
NEW_WEBINAR = ["title_uk", "title_en", "starts_at", "duration_minutes"]
NEW_WEBINAR += ["description_uk", "description_en", "join_url"]
NEWS = ["news_title_uk", "news_title_en", "summary_uk", "summary_en", "url"]
FIELD_STEPS = {
    "title": ["title_uk", "title_en"],
    "description": ["description_uk", "description_en"],
    "starts_at": ["starts_at"],
    "duration": ["duration_minutes"],
    "join_url": ["join_url"],
    "recording": ["recording_url"],
}


def prompt(context: BotContext, step: str) -> str:
    if step == "starts_at":
        return when_prompt(moderator_zone(context), language_of(context))
    return _(STEPS[step][0])
