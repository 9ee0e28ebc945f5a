"""Themes, contacts and news as members see them."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton as Button
from telegram import InlineKeyboardMarkup

from bot.i18n import _
from bot.models import Contact, NewsItem, Theme, Webinar
from bot.render.common import MESSAGE_BUDGET, attr, clip, esc, is_link, local
from bot.render.webinar import webinar_line
from bot.timefmt import format_day


def themes_text(themes: list[Theme], language: str, followed: set[int]) -> str:
    """Each theme with its description; titles only if many themes would overflow a message."""
    for with_descriptions in (True, False):
        lines = ["<b>" + _("Themes") + "</b>"]
        for index, theme in enumerate(themes, start=1):
            mark = " ⭐" if theme.id in followed else ""
            title = esc(clip(local(theme, "title", language), 200))
            lines += ["", f"<b>{index}. {title}</b>{mark}"]
            if with_descriptions:
                lines.append(esc(clip(local(theme, "description", language), 500)))
        lines += ["", _("Tap a theme to see its sessions and contacts, and to follow it.")]
        if len(text := "\n".join(lines)) <= MESSAGE_BUDGET:
            break
    return text


def themes_keyboard(themes: list[Theme], language: str) -> InlineKeyboardMarkup:
    rows = [
        [
            Button(
                f"{index}. {clip(local(theme, 'title', language), 40)}",
                callback_data=f"t:open:{theme.id}",
            )
        ]
        for index, theme in enumerate(themes, start=1)
    ]
    return InlineKeyboardMarkup(rows)


def theme_text(
    theme: Theme, webinars: list[Webinar], language: str, zone: ZoneInfo, following: bool
) -> str:
    lines = [
        f"<b>{esc(clip(local(theme, 'title', language), 200))}</b>",
        esc(clip(local(theme, "description", language), 1000)),
        "",
        "<b>" + _("Upcoming sessions") + "</b>",
    ]
    lines += [webinar_line(i, w, language, zone) for i, w in enumerate(webinars, start=1)]
    if not webinars:
        lines.append(_("No sessions on this theme are scheduled yet."))
    if following:
        lines += ["", _("⭐ You follow this theme: new sessions on it come to you first.")]
    return "\n".join(lines)


def theme_keyboard(theme: Theme, webinars: list[Webinar], following: bool) -> InlineKeyboardMarkup:
    numbers = [
        Button(str(i), callback_data=f"w:card:{w.id}") for i, w in enumerate(webinars, start=1)
    ]
    rows = [numbers[i : i + 4] for i in range(0, len(numbers), 4)]
    follow = _("⭐ Unfollow") if following else _("☆ Follow")
    rows.append([Button(follow, callback_data=f"t:follow:{theme.id}")])
    rows.append(
        [
            Button(_("🤝 Contacts"), callback_data=f"c:theme:{theme.id}"),
            Button(_("◀ Themes"), callback_data="t:list"),
        ]
    )
    return InlineKeyboardMarkup(rows)


def contact_block(contact: Contact, language: str) -> str:
    """Name, what they do, and only the ways to reach them the data gives."""
    lines = [f"<b>{esc(clip(local(contact, 'name', language), 200))}</b>"]
    description = clip(local(contact, "description", language), 800)
    if description:
        lines.append(esc(description))
    if contact.region:
        lines.append(_("📍 {region}").format(region=esc(clip(contact.region, 100))))
    if is_link(contact.url):
        lines.append(f'🌐 <a href="{attr(contact.url)}">{esc(clip(str(contact.url), 80))}</a>')
    if contact.email:
        lines.append(f"✉️ {esc(contact.email)}")
    if contact.phone:
        lines.append(f"📞 {esc(contact.phone)}")
    if contact.telegram:
        lines.append(f"✈️ {esc(_telegram(contact.telegram))}")
    return "\n".join(lines)


def _telegram(handle: str) -> str:
    handle = handle.strip()
    return handle if handle.startswith(("@", "http")) else "@" + handle


def _tick(on: bool) -> str:
    return "✅ " if on else ""


def contacts_keyboard(
    themes: list[Theme], language: str, selected: int | None
) -> InlineKeyboardMarkup:
    """Filter by theme; the chosen filter is ticked."""
    rows = [[Button(_tick(selected is None) + _("All"), callback_data="c:all")]]
    rows += [
        [
            Button(
                _tick(theme.id == selected) + clip(local(theme, "title", language), 40),
                callback_data=f"c:theme:{theme.id}",
            )
        ]
        for theme in themes
    ]
    return InlineKeyboardMarkup(rows)


def news_block(item: NewsItem, language: str, zone: ZoneInfo) -> str:
    title = esc(clip(local(item, "title", language), 200))
    if is_link(item.url):
        title = f'<a href="{attr(item.url)}">{title}</a>'
    lines = [f"<b>{title}</b>", f"<i>{esc(format_day(item.published_at, zone, language))}</i>"]
    summary = clip(local(item, "summary", language), 400)
    if summary:
        lines.append(esc(summary))
    return "\n".join(lines)
