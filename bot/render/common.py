"""Pieces every member screen shares: localised fields, clipping, menus, pagination, packing."""

from __future__ import annotations

import html
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import N_, _

# Room below Telegram's 4096 so a header or page footer can always be added.
MESSAGE_BUDGET = 3800

MENU = (
    (("menu:webinars", N_("📅 Webinars")), ("menu:themes", N_("🧭 Themes"))),
    (("menu:contacts", N_("🤝 Contacts")), ("menu:news", N_("📰 News"))),
    (("menu:settings", N_("⚙️ Settings")), ("menu:help", N_("❓ Help"))),
)
STALE = N_("This button is out of date. Please send /start for a fresh menu.")


def esc(text: object) -> str:
    return html.escape(str(text or ""), quote=False)


def attr(text: object) -> str:
    """Escape for an HTML attribute value such as href (quotes too)."""
    return html.escape(str(text or ""), quote=True)


def local(item: Any, field: str, language: str) -> str:
    """`item.<field>_<language>`, else the other language rather than nothing."""
    other = "en" if language == "uk" else "uk"
    return str(getattr(item, f"{field}_{language}", "") or getattr(item, f"{field}_{other}", ""))


def clip(text: str, limit: int) -> str:
    """Shorten plain text (before escaping, so no entity or tag is ever cut) with an ellipsis."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def is_link(url: str | None) -> bool:
    # Telegram rejects the whole message when one button has a malformed URL.
    return bool(url) and str(url).startswith(("https://", "http://")) and len(str(url)) <= 1024


def menu_keyboard() -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(_(label), callback_data=data) for data, label in row] for row in MENU
    ]
    return InlineKeyboardMarkup(rows)


def nav_row(
    prefix: str, number: int, has_prev: bool, has_next: bool
) -> list[InlineKeyboardButton]:
    """◀ ▶ buttons for page `number`; `prefix` like "w:page" gives data "w:page:3"."""
    row = []
    if has_prev:
        row.append(InlineKeyboardButton("◀", callback_data=f"{prefix}:{number - 1}"))
    if has_next:
        row.append(InlineKeyboardButton("▶", callback_data=f"{prefix}:{number + 1}"))
    return row


def number_buttons(
    data: list[tuple[int, str]], per_row: int = 4
) -> list[list[InlineKeyboardButton]]:
    """Compact numbered buttons (1, 2, 3 …) that open the item behind each list line."""
    buttons = [
        InlineKeyboardButton(str(index), callback_data=callback) for index, callback in data
    ]
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


def pack(blocks: list[str], header: str = "", budget: int = MESSAGE_BUDGET) -> list[str]:
    """Join whole blocks into few messages; a block is never split, so tags stay whole.

    Callers clip each block (see `clip`) well below the budget.
    """
    messages: list[str] = []
    current = header
    for block in blocks:
        candidate = f"{current}\n\n{block}" if current else block
        if len(candidate) > budget and current:
            messages.append(current)
            candidate = block
        current = candidate
    if current:
        messages.append(current)
    return messages
