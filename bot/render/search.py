"""Search results: grouped by kind, one numbered button per hit."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot.i18n import N_, _, ngettext
from bot.render.common import clip, esc, number_buttons
from bot.services.search import Hit
from bot.timefmt import format_short

SECTIONS = (
    ("webinar", N_("Webinars"), "w:card"),
    ("theme", N_("Themes"), "t:open"),
    ("contact", N_("Contacts"), "c:one"),
    ("news", N_("News"), "n:one"),
)


def _line(index: int, hit: Hit, language: str, zone: ZoneInfo) -> str:
    title = hit.title_uk if language == "uk" else hit.title_en
    title = esc(clip(title or hit.title_uk or hit.title_en, 150))
    if hit.kind == "webinar" and hit.when is not None:
        title = f"{esc(format_short(hit.when, zone, language))} — {title}"
    return f"<b>{index}.</b> {title}"


def results(
    query: str, hits: list[Hit], language: str, zone: ZoneInfo, more: int = 0
) -> tuple[str, InlineKeyboardMarkup | None]:
    """At most 32 short lines, so the answer always fits one message; `more` hits not shown."""
    shown = esc(clip(query, 100))
    if not hits:
        text = _("Nothing found for “{query}”. Try fewer or other words, or see /webinars.")
        return text.format(query=shown), None
    lines = [_("Results for “{query}”:").format(query=shown)]
    numbered: list[tuple[int, str]] = []
    for kind, heading, prefix in SECTIONS:
        found = [hit for hit in hits if hit.kind == kind]
        if found:
            lines += ["", f"<b>{_(heading)}</b>"]
        for hit in found:
            index = len(numbered) + 1
            lines.append(_line(index, hit, language, zone))
            numbered.append((index, f"{prefix}:{hit.id}"))
    if more:  # said, never silently dropped
        lines += [
            "",
            ngettext(
                "…and {n} more result — please refine your search.",
                "…and {n} more results — please refine your search.",
                more,
            ).format(n=more),
        ]
    lines += ["", _("Tap a number to open it.")]
    return "\n".join(lines), InlineKeyboardMarkup(number_buttons(numbered))
