"""Pure pieces: dates in the member's zone and language, durations, .ics files, search folding."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from bot.i18n import use_locale
from bot.ics import webinar_ics
from bot.models import Theme, Webinar
from bot.render.webinar import webinar_card
from bot.services.search import normalise, words_of
from bot.timefmt import find_zone, format_duration, format_when, zone_city

KYIV, BRUSSELS = ZoneInfo("Europe/Kyiv"), ZoneInfo("Europe/Brussels")
START = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)  # 14:00 in Kyiv, 13:00 in Brussels


def _webinar(**fields: object) -> Webinar:
    values: dict[str, object] = {
        "id": 7,
        "slug": "digital-resilience-2",
        "title_uk": "Цифрова стійкість",
        "title_en": "Digital resilience",
        "description_uk": "Опис <важливо> & більше",
        "description_en": "About <it> & more",
        "starts_at": START,
        "duration_minutes": 90,
        "speakers": ["UNDRR"],
        "join_url": "https://example.org/join",
        "registration_url": "https://example.org/register",
        "status": "scheduled",
        "schedule_version": 3,
        "series": None,
        "recording_url": None,
    }
    values.update(fields)
    webinar = Webinar(**values)
    webinar.themes = [Theme(id=1, slug="t", title_uk="Тема", title_en="Theme")]
    return webinar


def test_when_is_written_in_the_members_language_and_zone() -> None:
    assert format_when(START, KYIV, "uk") == "3 грудня 2026 р., 14:00 (Київ)"
    assert format_when(START, KYIV, "en") == "3 December 2026, 14:00 (Kyiv)"


def test_when_adds_the_organisers_clock_when_zones_differ() -> None:
    assert (
        format_when(START, BRUSSELS, "en", KYIV)
        == "3 December 2026, 13:00 (Brussels) · 14:00 Kyiv"
    )
    assert format_when(START, BRUSSELS, "uk", KYIV).endswith("· 14:00 Київ")
    assert "·" not in format_when(START, KYIV, "en", KYIV)


def test_when_names_the_organisers_day_when_it_differs() -> None:
    late = datetime(2026, 12, 3, 22, 30, tzinfo=UTC)  # 00:30 on 4 Dec in Kyiv
    assert format_when(late, ZoneInfo("Europe/London"), "en", KYIV).endswith("· 4 Dec 00:30 Kyiv")


def test_durations_use_ukrainian_plural_forms() -> None:
    with use_locale("uk"):
        assert format_duration(90) == "1 година 30 хвилин"
        assert format_duration(120) == "2 години"
        assert format_duration(21) == "21 хвилина"
        assert format_duration(300) == "5 годин"
    with use_locale("en"):
        assert format_duration(90) == "1 hour 30 minutes"
        assert format_duration(1) == "1 minute"


def test_zone_city_and_free_entry() -> None:
    assert zone_city("Europe/Kyiv", "uk") == "Київ"
    assert zone_city("Europe/Warsaw", "en") == "Warsaw"
    assert find_zone("europe/warsaw") == ZoneInfo("Europe/Warsaw")
    assert find_zone("New York") == ZoneInfo("America/New_York")
    for bad in ("Mars/Olympus", "../../etc/passwd", "", "x" * 5000):
        assert find_zone(bad) is None


def test_card_escapes_content_and_keeps_callback_data_short() -> None:
    text, markup = webinar_card(_webinar(), "en", BRUSSELS, KYIV, rsvp=False)
    assert "About &lt;it&gt; &amp; more" in text
    assert "13:00 (Brussels) · 14:00 Kyiv" in text
    assert "1 hour 30 minutes" in text
    for row in markup.inline_keyboard:
        for button in row:
            assert button.url or 1 <= len(button.callback_data.encode()) <= 64


def test_card_renders_in_the_requested_language_and_fits_a_message() -> None:
    huge = _webinar(description_uk="я" * 20_000, title_uk="Т" * 300, speakers=["S" * 500] * 50)
    with use_locale("en"):
        text, markup = webinar_card(huge, "uk", KYIV, KYIV, rsvp=True)
    assert len(text) < 4096
    labels = [button.text for row in markup.inline_keyboard for button in row]
    assert "🔕 Не нагадувати" in labels and "▶️ Приєднатися" in labels


def test_cancelled_card_says_so_first_and_offers_no_join() -> None:
    text, markup = webinar_card(_webinar(status="cancelled"), "uk", KYIV, KYIV, rsvp=True)
    assert text.startswith("<b>❌ Скасовано")
    labels = [button.text for row in markup.inline_keyboard for button in row]
    assert not any("Приєднатися" in label or "Нагадати" in label for label in labels)


def test_ics_has_a_stable_uid_utc_start_alarm_and_the_members_language() -> None:
    event = Calendar.from_ical(webinar_ics(_webinar(), "uk")).walk("VEVENT")[0]
    assert str(event["UID"]) == "webinar-digital-resilience-2@hromada-companion"
    assert event.decoded("DTSTART") == START
    assert event.decoded("DTEND") == START + timedelta(minutes=90)
    assert str(event["SUMMARY"]) == "Цифрова стійкість"
    assert int(event["SEQUENCE"]) == 3
    assert event.walk("VALARM")[0].decoded("TRIGGER") == -timedelta(minutes=15)
    cancelled = Calendar.from_ical(webinar_ics(_webinar(status="cancelled"), "en"))
    assert str(cancelled.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
    assert str(cancelled["METHOD"]) == "PUBLISH"


def test_search_folds_case_and_accents_in_both_scripts() -> None:
    assert normalise("КИЇВ") == normalise("Київ")
    assert normalise("Résilience") == "resilience"
    assert words_of("  Energy   energy КИЇВ ") == ["energy", normalise("київ")]
    assert len(words_of("word " * 10_000)) <= 8
