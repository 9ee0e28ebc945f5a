"""Moderator screens for content: answers to bad input, prompts, a webinar summary, pickers."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.content import ImportReport
from bot.i18n import N_, _, ngettext
from bot.models import Webinar
from bot.render.common import clip, esc, local
from bot.timefmt import format_duration, format_short, format_when, zone_city

EXAMPLE_WHEN = "2026-12-03 14:00"
FIELDS = {
    "title": N_("Title"),
    "description": N_("Description"),
    "starts_at": N_("Date and time"),
    "duration": N_("Duration"),
    "join_url": N_("Join link"),
    "recording": N_("Recording link"),
}
KINDS = {
    "themes": N_("themes"),
    "webinars": N_("webinars"),
    "contacts": N_("contacts"),
    "news": N_("news items"),
}


def problem_text(kind: str, limit: int = 0) -> str:
    """A translated answer to a bad step; the same question is asked again."""
    texts = {
        "format": _("I could not read that date. Please write it like {example}.").format(
            example=EXAMPLE_WHEN
        ),
        "past": _("That moment has already passed. Please send a future date and time."),
        "far": _("That is more than two years ahead. Please check the year."),
        "gap": _("That time does not exist on that day (the clocks change). Please pick another."),
        "url": _("That is not a web link. Please send a link starting with https:// or http://."),
        "long": _("That is too long: at most {limit} characters, please.").format(limit=limit),
        "number": _("Please send a number of minutes between 5 and 1440, e.g. 90."),
        "empty": _("Please send some text."),
    }
    return texts.get(kind, texts["format"])


def when_prompt(zone: ZoneInfo, language: str) -> str:
    return _("Send the date and time in your time zone ({city}), like {example}.").format(
        city=esc(zone_city(zone, language)), example=EXAMPLE_WHEN
    )


def webinar_summary(webinar: Webinar, zone: ZoneInfo, language: str) -> str:
    lines = [
        f"<b>{esc(clip(webinar.title_uk, 200))}</b>",
        f"<b>{esc(clip(webinar.title_en, 200))}</b>",
        "🗓 " + esc(format_when(webinar.starts_at, zone, language)),
        "⏱ " + format_duration(webinar.duration_minutes),
        "🔗 " + esc(webinar.join_url or "—"),
    ]
    for text in (webinar.description_uk, webinar.description_en):
        if text:
            lines.append(esc(clip(text, 300)))
    lines.append(
        _("Slug: {slug} · status: {status}").format(slug=esc(webinar.slug), status=webinar.status)
    )
    return "\n".join(lines)


def pick_keyboard(webinars: list[Webinar], zone: ZoneInfo, language: str) -> InlineKeyboardMarkup:
    rows = []
    for w in webinars:
        title = clip(local(w, "title", language), 40)
        label = f"{format_short(w.starts_at, zone, language)} · {title}"
        rows.append([InlineKeyboardButton(label, callback_data=f"aw:pick:{w.id}")])
    return InlineKeyboardMarkup(rows)


def field_keyboard(webinar_id: int) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(_(label), callback_data=f"aw:field:{webinar_id}:{name}")]
        for name, label in FIELDS.items()
    ]
    # One tap each: the session cannot go as planned (handlers/disruption.py).
    rows.append(
        [
            InlineKeyboardButton(_("⏸ Postponed"), callback_data=f"aw:pp:{webinar_id}"),
            InlineKeyboardButton(_("⚠️ Interrupted"), callback_data=f"aw:int:{webinar_id}"),
        ]
    )
    rows.append(
        [InlineKeyboardButton(_("❌ Cancel this webinar"), callback_data=f"aw:drop:{webinar_id}")]
    )
    return InlineKeyboardMarkup(rows)


def yes_keyboard(data: str, label: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=data)],
            [InlineKeyboardButton(_("Cancel"), callback_data="aw:quit")],
        ]
    )


def import_report(report: ImportReport) -> str:
    lines = [_("✅ Content imported.")]
    for kind, counts in report.counts.items():
        total = counts.created + counts.updated + counts.unchanged
        if not total:
            continue
        new = ngettext("{n} new", "{n} new", counts.created).format(n=counts.created)
        lines.append(
            _("{kind}: {new}, {updated} updated, {same} unchanged").format(
                kind=_(KINDS[kind]), new=new, updated=counts.updated, same=counts.unchanged
            )
        )
    if len(lines) == 1:
        lines.append(_("The file had no entries."))
    return "\n".join(lines)


def import_errors(errors: list[str], budget: int = 3500) -> str:
    head = ngettext(
        "The file was not imported: {n} problem.",
        "The file was not imported: {n} problems.",
        len(errors),
    ).format(n=len(errors))
    body, used = [], len(head)
    for error in errors:
        line = "• " + esc(clip(error, 300))
        if used + len(line) > budget:
            body.append(_("…and {n} more.").format(n=len(errors) - len(body)))
            break
        body.append(line)
        used += len(line) + 1
    return "\n".join([head, *body])
