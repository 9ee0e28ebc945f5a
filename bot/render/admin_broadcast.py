"""Announcements: the member's message (outbox renderer) and the moderator's screens."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.delivery import DropDelivery, OutgoingMessage, register_renderer
from bot.i18n import N_, _, ngettext
from bot.models import Broadcast, Delivery, Member
from bot.render.common import esc

AUDIENCES = {
    "all": N_("Everyone subscribed"),
    "language:uk": N_("Ukrainian readers"),
    "language:en": N_("English readers"),
    "theme": N_("Followers of a theme"),
    "webinar": N_("RSVPs of a webinar"),
}

ALLOWED_TAGS = "<b>, <i>, <u>, <s>, <a href>, <code>, <pre>, <blockquote>, <tg-spoiler>"


def broadcast_text(broadcast: Broadcast, language: str) -> str:
    """Exactly what a member reading `language` receives; the preview shows the same."""
    return broadcast.text_en if language == "en" else broadcast.text_uk


async def render_broadcast(session: AsyncSession, delivery: Delivery) -> OutgoingMessage:
    broadcast = await session.get(Broadcast, int(delivery.payload.get("broadcast_id", 0)))
    if broadcast is None or broadcast.status == "cancelled":
        raise DropDelivery("broadcast cancelled")
    member = await session.get(Member, delivery.member_id) if delivery.member_id else None
    if member is None or member.state != "active":
        raise DropDelivery("member stopped messages")
    return OutgoingMessage(text=broadcast_text(broadcast, member.language))


register_renderer("broadcast", render_broadcast)


def text_problem(kind: str, detail: str, length: int, limit: int) -> str:
    if kind == "markup":
        return _(
            "Telegram would refuse this formatting: {reason}. Please fix it and send the text "
            "again. Allowed tags: {tags}."
        ).format(reason=esc(detail), tags=esc(ALLOWED_TAGS))
    if kind == "length":
        return _(
            "The text is {length} characters long; Telegram allows {limit}. Please shorten it "
            "and send it again."
        ).format(length=length, limit=limit)
    return _("The text is empty. Please send the announcement text.")


def audience_label(audience: dict[str, Any], name: str = "") -> str:
    kind = audience.get("kind", "all")
    key = f"language:{audience.get('value')}" if kind == "language" else kind
    label = _label(key if key in AUDIENCES else "all")
    return f"{label}: {esc(name)}" if name else label


def _label(key: str) -> str:
    return _(AUDIENCES[key])


def audience_keyboard() -> InlineKeyboardMarkup:
    rows = [
        [("all", "bc:aud:all")],
        [("language:uk", "bc:aud:lang:uk"), ("language:en", "bc:aud:lang:en")],
        [("theme", "bc:aud:themes")],
        [("webinar", "bc:aud:webinars")],
    ]
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(_label(key), callback_data=data) for key, data in row]
            for row in rows
        ]
    )


def choice_keyboard(prefix: str, items: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(label, callback_data=f"{prefix}:{id_}")] for id_, label in items]
    return InlineKeyboardMarkup(rows)


def preview_summary(broadcast: Broadcast, audience_name: str) -> str:
    count = broadcast.recipients
    reach = ngettext("It will reach {n} member.", "It will reach {n} members.", count).format(
        n=count
    )
    return "\n".join(
        [
            _(
                "👆 Above: the announcement in Ukrainian and in English, exactly as members will "
                "see it."
            ),
            _("Audience: {audience}").format(
                audience=audience_label(broadcast.audience, audience_name)
            ),
            reach,
        ]
    )


def confirm_keyboard(broadcast_id: int) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(_("📣 Send now"), callback_data=f"bc:send:{broadcast_id}")],
        [InlineKeyboardButton(_("🕒 Schedule"), callback_data=f"bc:sched:{broadcast_id}")],
        [InlineKeyboardButton(_("Cancel"), callback_data=f"bc:drop:{broadcast_id}")],
    ]
    return InlineKeyboardMarkup(rows)


def stop_keyboard(broadcast_id: int) -> InlineKeyboardMarkup:
    label = _("⛔ Cancel sending")
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=f"bc:stop:{broadcast_id}")]]
    )


def progress_text(broadcast: Broadcast, stats: dict[str, Any], when: str = "") -> str:
    if broadcast.status == "scheduled":
        return _("🕒 Announcement #{id} is scheduled for {when}.").format(
            id=broadcast.id, when=when
        )
    done = stats["sent"] + stats["unreachable"] + stats["failed"] + stats["dropped"]
    return "\n".join(
        [
            _("📣 Sending announcement #{id}…").format(id=broadcast.id),
            _("Done: {done} of {total}").format(done=done, total=stats["total"]),
            _("Delivered: {sent} · unreachable: {unreachable} · failed: {failed}").format(**stats),
        ]
    )


def final_report(broadcast_id: int, stats: dict[str, Any]) -> str:
    lines = [_("✅ Announcement #{id} is finished.").format(id=broadcast_id)]
    sent, unreachable, failed = stats["sent"], stats["unreachable"], stats["failed"]
    lines.append(
        ngettext("Delivered to {n} member.", "Delivered to {n} members.", sent).format(n=sent)
    )
    lines.append(
        ngettext(
            "{n} member could not be reached (blocked the bot or left Telegram).",
            "{n} members could not be reached (blocked the bot or left Telegram).",
            unreachable,
        ).format(n=unreachable)
    )
    lines.append(ngettext("{n} message failed.", "{n} messages failed.", failed).format(n=failed))
    if stats["dropped"]:
        skipped = stats["dropped"]
        lines.append(
            ngettext(
                "{n} member stopped messages before their turn and was skipped.",
                "{n} members stopped messages before their turn and were skipped.",
                skipped,
            ).format(n=skipped)
        )
    return "\n".join(lines)


def cancelled_text(broadcast_id: int, stats: dict[str, Any]) -> str:
    # The cancel stops rows the sender already holds too (bot.delivery.cancel_batch); only a
    # message Telegram was receiving at that very moment can still arrive.
    sent, stopped = stats["sent"], stats["cancelled"]
    return "\n".join(
        [
            _("⛔ Announcement #{id} was cancelled.").format(id=broadcast_id),
            _("Delivered so far: {n}.").format(n=sent),
            ngettext(
                "{n} message will not be sent.", "{n} messages will not be sent.", stopped
            ).format(n=stopped),
            _("Only a message leaving at this very moment may still arrive."),
        ]
    )
