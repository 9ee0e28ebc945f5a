"""Moderator screens shared by every moderation feature: refusals, roles, the pause switch."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import LANGUAGES, _, use_locale
from bot.models import Member
from bot.render.common import esc


def moderator_welcome() -> dict[str, str]:
    """The new moderator's notice in both languages; the outbox picks theirs."""
    texts = {}
    for language in LANGUAGES:
        with use_locale(language):
            texts[language] = _(
                "You are now a moderator of Hromada Companion. Your command menu shows the "
                "moderator commands: /broadcast, /addwebinar, /editwebinar, /stats and more."
            )
    return texts


def refusal(owner_only: bool) -> str:
    if owner_only:
        return _("Sorry, only the bot's owners can do this.")
    return _("Sorry, this is only for moderators.")


def person(member: Member | None, user_id: int) -> str:
    name = member.first_name if member and member.first_name else ""
    return f"{esc(name)} ({user_id})" if name else str(user_id)


def moderators_text(owners: list[str], moderators: list[str]) -> str:
    lines = [_("<b>Owners</b> (set in ADMIN_IDS):")]
    lines += [f"• {name}" for name in owners] or ["—"]
    lines += ["", _("<b>Moderators</b>:")]
    lines += [f"• {name}" for name in moderators] or [_("none yet")]
    lines += [
        "",
        _(
            "Owners appoint moderators with /promote followed by the user id, or by forwarding "
            "a message from that person to me and replying /promote to it. /demote removes one."
        ),
    ]
    return "\n".join(lines)


def remove_keyboard(moderators: list[Member]) -> InlineKeyboardMarkup | None:
    if not moderators:
        return None
    rows = [
        [
            InlineKeyboardButton(
                _("Remove {name}").format(name=m.first_name or m.user_id),
                callback_data=f"mod:rm:{m.user_id}",
            )
        ]
        for m in moderators
    ]
    return InlineKeyboardMarkup(rows)


def pause_text(paused: bool, backlog: int) -> str:
    state = (
        _(
            "⏸ All outgoing deliveries are <b>paused</b>: reminders, digests and "
            "announcements wait."
        )
        if paused
        else _("▶️ Deliveries are <b>running</b>.")
    )
    return state + "\n" + _("Messages due now and waiting: {n}").format(n=backlog)


def pause_keyboard(paused: bool) -> InlineKeyboardMarkup:
    if paused:
        button = InlineKeyboardButton(_("▶️ Resume deliveries"), callback_data="pz:off")
    else:
        button = InlineKeyboardButton(_("⏸ Pause all deliveries"), callback_data="pz:on")
    return InlineKeyboardMarkup([[button]])
