"""THE ordered list of handlers. Order matters: the first matching handler in a group wins."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from handlers import (
    admin_content,
    admin_roles,
    admin_stats,
    broadcast,
    calendar,
    common,
    community,
    contacts,
    fallback,
    help,
    inline,
    news,
    privacy,
    search,
    settings,
    start,
    themes,
    webinars,
)

# Conversations first: while a moderator is inside one, its steps must see their text first.
FEATURES = (
    broadcast,
    admin_content,
    admin_roles,
    admin_stats,
    community,
    start,
    help,
    webinars,
    calendar,
    themes,
    contacts,
    news,
    search,
    settings,
    privacy,
    inline,
    fallback,  # last: unknown commands and free text
)


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    # Group -1 runs before everything: dedupe the update, upsert the member, set the locale.
    app.add_handlers(common.PRE_HANDLERS, group=-1)
    for feature in FEATURES:
        app.add_handlers(feature.HANDLERS)
    app.add_error_handler(common.on_error)
