"""Moderator screens for numbers: /stats, the RSVP CSV, the audit log."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import _, ngettext
from bot.models import AuditEntry, Webinar
from bot.render.common import clip, esc, local, nav_row
from bot.services.stats import Overview
from bot.timefmt import format_short

STATES = {"active": "✅", "stopped": "⏸", "blocked": "🚫"}
# A spreadsheet runs cells starting with these as formulas; a leading quote keeps them text.
FORMULA = ("=", "+", "-", "@", "\t", "\r")
COMMENT_SHOWN = 200  # five of these keep /stats well under one message


def _counts(counter: dict[str, int]) -> str:
    return " · ".join(f"{key} {value}" for key, value in sorted(counter.items())) or "—"


def stats_text(data: Overview, zone: ZoneInfo, language: str) -> str:
    lines = [
        _("<b>Members</b>: {total}, subscribed {subscribed}").format(
            total=data.total, subscribed=data.subscribed
        ),
        _("By language: {counts}").format(counts=_counts(data.by_language)),
        _("By state: {counts}").format(counts=_counts(data.by_state)),
        _("New: {week} in the last 7 days, {month} in the last 30 days").format(
            week=data.new_7, month=data.new_30
        ),
        "",
        _("<b>RSVPs for upcoming webinars</b>"),
    ]
    for webinar, count in data.rsvps:
        when = format_short(webinar.starts_at, zone, language)
        title = esc(clip(local(webinar, "title", language), 50))
        lines.append(f"{count} · {esc(when)} · {title} (#{webinar.id})")
    if not data.rsvps:
        lines.append("—")
    lines += ["", _("<b>Last announcements</b>")]
    for broadcast, stats in data.broadcasts:
        lines.append(
            _("#{id} {status}: delivered {sent}, unreachable {unreachable}, failed {failed}, "
              "waiting {queued}").format(id=broadcast.id, status=broadcast.status, **stats)
        )  # fmt: skip
    if not data.broadcasts:
        lines.append("—")
    return "\n".join(lines + feedback_lines(data, language))


def feedback_lines(data: Overview, language: str) -> list[str]:
    """Average rating and number of ratings per recent session (bot.services.feedback)."""
    lines = ["", _("<b>Feedback</b> (average of 5, ratings)")]
    for item in data.feedback:
        title = esc(clip(local(item.webinar, "title", language), 50))
        lines.append(f"{item.average:.1f} ★ · {item.count} · {title} (#{item.webinar.id})")
    if not data.feedback:
        lines.append("—")
    if data.comments:
        lines += ["", _("<b>Latest comments</b>")]
    for entry, webinar in data.comments:
        title = esc(clip(local(webinar, "title", language), 40))
        comment = esc(clip(entry.comment or "", COMMENT_SHOWN))
        lines.append(f"💬 {entry.rating} ★ · {title} (#{webinar.id}): «{comment}»")
    return lines


def export_keyboard(
    rsvps: list[tuple[Webinar, int]], language: str
) -> InlineKeyboardMarkup | None:
    rows = [
        [InlineKeyboardButton(
            _("⬇️ CSV: {title}").format(title=clip(local(webinar, "title", language), 40)),
            callback_data=f"st:csv:{webinar.id}",
        )]
        for webinar, count in rsvps
        if count
    ]  # fmt: skip
    return InlineKeyboardMarkup(rows) if rows else None


def _cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA) else value


def rsvp_csv(rows: list[tuple[str, str, datetime]], zone: ZoneInfo) -> bytes:
    """UTF-8 with a BOM, so spreadsheet programs show Cyrillic names correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["name", "language", "rsvp_time"])
    for name, language, at in rows:
        writer.writerow([_cell(name), language, at.astimezone(zone).isoformat(timespec="minutes")])
    return buffer.getvalue().encode("utf-8-sig")


def export_caption(webinar: Webinar, count: int, language: str) -> str:
    title = esc(clip(local(webinar, "title", language), 100))
    people = ngettext("{n} RSVP", "{n} RSVPs", count).format(n=count)
    return f"{title}: {people}"


def audit_text(
    entries: list[AuditEntry], names: dict[int, str], zone: ZoneInfo, language: str, number: int
) -> str:
    lines = [_("<b>Moderator actions</b>, newest first (page {n})").format(n=number + 1)]
    for entry in entries:
        who = esc(names.get(entry.actor_id, "")) or str(entry.actor_id)
        mark = "✅" if entry.allowed else _("⛔ refused")
        target = f" {esc(clip(entry.target, 60))}" if entry.target else ""
        when = format_short(entry.created_at, zone, language)
        lines.append(f"{esc(when)} · {who} · {esc(entry.action)}{target} {mark}")
    if not entries:
        lines.append(_("Nothing recorded yet."))
    return "\n".join(lines)


def audit_keyboard(number: int, has_prev: bool, has_next: bool) -> InlineKeyboardMarkup | None:
    row = nav_row("au:page", number, has_prev, has_next)
    return InlineKeyboardMarkup([row]) if row else None
