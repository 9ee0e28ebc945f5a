"""The command menus Telegram shows: members (per language), moderators, group administrators."""

from __future__ import annotations

from bot.i18n import N_

MEMBER_COMMANDS: list[tuple[str, str]] = [
    ("start", N_("Subscribe and open the main menu")),
    ("webinars", N_("Upcoming webinars")),
    ("next", N_("The next session")),
    ("past", N_("Past sessions with recordings")),
    ("themes", N_("The five themes")),
    ("contacts", N_("Where to get help")),
    ("news", N_("Latest news")),
    ("search", N_("Search webinars, themes, contacts and news")),
    ("settings", N_("Language, time zone, reminders, digest")),
    ("calendar", N_("Your private calendar link")),
    ("language", N_("Change language")),
    ("help", N_("What this bot can do")),
    ("stop", N_("Pause all messages")),
    ("forget", N_("Delete my data")),
]

MODERATOR_COMMANDS: list[tuple[str, str]] = [
    ("broadcast", N_("Send an announcement")),
    ("addwebinar", N_("Add a webinar")),
    ("editwebinar", N_("Edit, reschedule or cancel a webinar")),
    ("recording", N_("Add a recording to a past webinar")),
    ("addnews", N_("Add a news item")),
    ("stats", N_("Members, RSVPs and deliveries")),
    ("pause", N_("Pause or resume all deliveries")),
    ("moderators", N_("List moderators")),
    ("audit", N_("Moderator actions (owners)")),
    ("cancel", N_("Leave the current step")),
]

# Shown to the administrators of any group the bot is in; the handlers still check that the
# sender is one of the bot's moderators.
GROUP_ADMIN_COMMANDS: list[tuple[str, str]] = [
    ("linkchat", N_("Post announcements and session starts in this chat")),
    ("unlinkchat", N_("Stop posting in this chat")),
]
