"""split_html: parts fit Telegram's limit as Telegram measures it and stay valid HTML."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.delivery.split import split_html, utf16_len, visible_length
from bot.emulator.telegram_html import parse_html


def plain(html_text: str) -> str:
    return parse_html(html_text)[0]


def test_short_text_is_one_part() -> None:
    assert split_html("<b>hi</b>") == ["<b>hi</b>"]


def test_paragraphs_break_at_blank_lines() -> None:
    paragraph = "word " * 150 + "end."
    parts = split_html("\n\n".join([paragraph] * 10), limit=2000)
    assert all(part.endswith("end.") for part in parts)
    assert all(utf16_len(plain(part)) <= 2000 for part in parts)


def test_tags_stay_balanced_across_parts() -> None:
    text = '<b>bold <a href="https://example.org">' + "link text " * 900 + "</a></b> tail"
    parts = split_html(text)
    assert len(parts) == 3
    for part in parts:
        parse_html(part)  # raises on unbalanced or unknown tags
        assert len(plain(part)) <= 4096
    assert parts[1].startswith('<b><a href="https://example.org">')


def test_measured_in_utf16_after_entities() -> None:
    emoji = "😀" * 3000  # 6000 UTF-16 units
    parts = split_html(emoji)
    assert [utf16_len(plain(p)) for p in parts] == [4096, 1904]
    escaped = "&amp;" * 5000  # 5000 characters once parsed, 25000 raw
    assert [visible_length(p) for p in split_html(escaped)] == [4096, 904]


def test_no_part_is_empty_or_whitespace() -> None:
    text = ("line\n" * 2000) + "\n\n\n" + ("x" * 100)
    assert all(plain(part).strip() for part in split_html(text, limit=500))


_words = st.sampled_from(["alpha", "бета", "😀", "&amp;", "&lt;", "x" * 30, "\n", "\n\n", " "])


@st.composite
def html_documents(draw: st.DrawFn) -> str:
    pieces = []
    for _ in range(draw(st.integers(1, 40))):
        tag = draw(st.sampled_from(["", "b", "i", "code", "u", "s"]))
        body = " ".join(draw(st.lists(_words, min_size=1, max_size=30)))
        pieces.append(f"<{tag}>{body}</{tag}>" if tag else body)
    return " ".join(pieces)


@settings(max_examples=150, deadline=None)
@given(html_documents(), st.integers(20, 300))
def test_any_document_splits_into_valid_parts(text: str, limit: int) -> None:
    parts = split_html(text, limit=limit)
    assert all(utf16_len(plain(part)) <= limit for part in parts)
    joined = "".join("".join(plain(part).split()) for part in parts)
    assert joined == "".join(plain(text).split())  # nothing lost, nothing repeated
