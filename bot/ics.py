"""An .ics file for one webinar, so members can put it in their own calendar."""

from __future__ import annotations

from datetime import UTC, timedelta

from icalendar import Alarm, Calendar, Event

from bot.clock import now
from bot.i18n import _, use_locale
from bot.models import Webinar
from bot.render.common import clip, local

PRODID = "-//ICLEI Europe Ukraine Task Group//Hromada Companion//EN"
DOMAIN = "hromada-companion"
ALARM_BEFORE = timedelta(minutes=15)


def webinar_uid(webinar: Webinar) -> str:
    """Stable per webinar, so a re-sent file updates the calendar entry instead of adding one."""
    return f"webinar-{webinar.slug}@{DOMAIN}"


def ics_filename(webinar: Webinar) -> str:
    return f"{webinar.slug[:60]}.ics"


def _description(webinar: Webinar, language: str) -> str:
    parts = [clip(local(webinar, "description", language), 2000)]
    for label, url in ((_("Join"), webinar.join_url), (_("Register"), webinar.registration_url)):
        if url:
            parts.append(f"{label}: {url}")
    return "\n\n".join(part for part in parts if part)


def _event(webinar: Webinar, language: str) -> Event:
    event = Event()
    event.add("uid", webinar_uid(webinar))
    event.add("dtstamp", now().astimezone(UTC))
    event.add("dtstart", webinar.starts_at.astimezone(UTC))
    event.add(
        "dtend", webinar.starts_at.astimezone(UTC) + timedelta(minutes=webinar.duration_minutes)
    )
    event.add("summary", local(webinar, "title", language))
    event.add("description", _description(webinar, language))
    url = webinar.join_url or webinar.registration_url
    if url:
        event.add("url", url)
    # SEQUENCE follows reschedules so calendars replace the older version of the event.
    event.add("sequence", webinar.schedule_version)
    event.add("status", "CANCELLED" if webinar.status == "cancelled" else "CONFIRMED")
    if webinar.status != "cancelled":
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", local(webinar, "title", language))
        alarm.add("trigger", -ALARM_BEFORE)
        event.add_component(alarm)
    return event


def webinar_ics(webinar: Webinar, language: str) -> bytes:
    """The calendar file in the member's language (summary, description, link labels)."""
    with use_locale(language):
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("method", "PUBLISH")
        calendar.add("calscale", "GREGORIAN")
        calendar.add_component(_event(webinar, language))
        return calendar.to_ical()


def webinars_ics(webinars: list[Webinar], language: str, name: str) -> bytes:
    """Several sessions as one calendar (a subscribed feed); same UIDs as the single files."""
    with use_locale(language):
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("x-wr-calname", name)
        # Calendar apps poll subscribed feeds; this asks for every few hours rather than daily.
        calendar.add("refresh-interval", timedelta(hours=4), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT4H")
        for webinar in webinars:
            calendar.add_component(_event(webinar, language))
        return calendar.to_ical()
