"""Themes, contacts and news as members see them."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton as Button
from telegram import InlineKeyboardMarkup

from bot.delivery.split import visible_length
from bot.i18n import _
from bot.models import Contact, NewsItem, Theme, Webinar
from bot.render.common import MESSAGE_BUDGET, attr, clip, esc, is_link, local, nav_row
from bot.render.webinar import webinar_line
from bot.timefmt import format_day

# Contact detail from full to compact: (description, name, each way to reach them) limits.
# The last keeps a page of ten (≤ ~330 visible characters each) under MESSAGE_BUDGET whatever
# the data holds; it clips only pathological addresses (over 50 characters).
DETAIL = ((800, 200, None), (150, 200, None), (0, 60, 50))


def themes_text(themes: list[Theme], language: str, followed: set[int], first: int = 1) -> str:
    """Each theme with its description; titles only if many themes would overflow a message."""
    for with_descriptions in (True, False):
        lines = ["<b>" + _("Themes") + "</b>"]
        for index, theme in enumerate(themes, start=first):
            mark = " ⭐" if theme.id in followed else ""
            title = esc(clip(local(theme, "title", language), 200))
            lines += ["", f"<b>{index}. {title}</b>{mark}"]
            if with_descriptions:
                lines.append(esc(clip(local(theme, "description", language), 500)))
        lines += ["", _("Tap a theme to see its sessions and contacts, and to follow it.")]
        if len(text := "\n".join(lines)) <= MESSAGE_BUDGET:
            break
    return text


def themes_keyboard(
    themes: list[Theme], language: str, first: int = 1, nav: Sequence[Button] = ()
) -> InlineKeyboardMarkup:
    rows = [
        [
            Button(
                f"{index}. {clip(local(theme, 'title', language), 40)}",
                callback_data=f"t:open:{theme.id}",
            )
        ]
        for index, theme in enumerate(themes, start=first)
    ]
    if nav:
        rows.append(list(nav))
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


def contact_block(contact: Contact, language: str, detail: int = 0) -> str:
    """Name, what they do, and only the ways to reach them the data gives (see DETAIL)."""
    about, name, field = DETAIL[detail]

    def short(text: str, limit: int) -> str:
        return esc(clip(text, min(limit, field or limit)))

    lines = [f"<b>{esc(clip(local(contact, 'name', language), name))}</b>"]
    description = clip(local(contact, "description", language), about) if about else ""
    if description:
        lines.append(esc(description))
    if contact.region:
        lines.append(_("📍 {region}").format(region=short(contact.region, 100)))
    if is_link(contact.url):
        lines.append(f'🌐 <a href="{attr(contact.url)}">{short(str(contact.url), 80)}</a>')
    if contact.email:
        lines.append(f"✉️ {short(contact.email, 256)}")
    if contact.phone:
        lines.append(f"📞 {short(contact.phone, 64)}")
    if contact.telegram:
        lines.append(f"✈️ {short(_telegram(contact.telegram), 130)}")
    return "\n".join(lines)


def contacts_text(contacts: list[Contact], language: str, header: str) -> str:
    """One page in one message: the most detail that fits, whole blocks (tags never cut)."""
    for detail in range(len(DETAIL)):
        blocks = [contact_block(contact, language, detail) for contact in contacts]
        text = "\n\n".join([header, *blocks])
        if visible_length(text) <= MESSAGE_BUDGET:
            break
    return text


def _telegram(handle: str) -> str:
    handle = handle.strip()
    return handle if handle.startswith(("@", "http")) else "@" + handle


def _tick(on: bool) -> str:
    return "✅ " if on else ""


def contacts_keyboard(
    themes: list[Theme],
    language: str,
    selected: int | None,
    number: int,
    has_prev: bool,
    has_next: bool,
    more_themes: bool = False,
) -> InlineKeyboardMarkup:
    """◀ ▶ for the pages, then the theme filters (the chosen one ticked)."""
    nav = nav_row(f"c:page:{selected or 0}", number, has_prev, has_next)
    rows = [nav] if nav else []
    rows.append([Button(_tick(selected is None) + _("All"), callback_data="c:all")])
    rows += [
        [
            Button(
                _tick(theme.id == selected) + clip(local(theme, "title", language), 40),
                callback_data=f"c:theme:{theme.id}",
            )
        ]
        for theme in themes
    ]
    if more_themes:  # the filter row is kept short; every theme opens its contacts too
        rows.append([Button(_("🧭 More themes"), callback_data="menu:themes")])
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
