"""parse_html accepts what Telegram accepts, refuses what it refuses, counts as it counts."""

from __future__ import annotations

import pytest

from bot.emulator.telegram_html import HTMLParseError, parse_html, trim_text, utf16_len


def test_plain_text_and_references_are_decoded() -> None:
    assert parse_html("a &lt;b&gt; &amp; &quot;q&quot; &#1111; &#x1F600;") == (
        'a <b> & "q" ї 😀',
        [],
    )


@pytest.mark.parametrize(
    ("markup", "entity"),
    [
        ("<b>x</b>", {"type": "bold"}),
        ("<strong>x</strong>", {"type": "bold"}),
        ("<i>x</i>", {"type": "italic"}),
        ("<em>x</em>", {"type": "italic"}),
        ("<u>x</u>", {"type": "underline"}),
        ("<ins>x</ins>", {"type": "underline"}),
        ("<s>x</s>", {"type": "strikethrough"}),
        ("<strike>x</strike>", {"type": "strikethrough"}),
        ("<del>x</del>", {"type": "strikethrough"}),
        ("<tg-spoiler>x</tg-spoiler>", {"type": "spoiler"}),
        ('<span class="tg-spoiler">x</span>', {"type": "spoiler"}),
        ("<code>x</code>", {"type": "code"}),
        ("<pre>x</pre>", {"type": "pre"}),
        ('<pre><code class="language-python">x</code></pre>',
         {"type": "pre", "language": "python"}),
        ("<blockquote>x</blockquote>", {"type": "blockquote"}),
        ("<blockquote expandable>x</blockquote>", {"type": "expandable_blockquote"}),
        ('<a href="https://example.org/?a=1&amp;b=2">x</a>',
         {"type": "text_link", "url": "https://example.org/?a=1&b=2"}),
        ('<tg-emoji emoji-id="5368324170671202286">x</tg-emoji>',
         {"type": "custom_emoji", "custom_emoji_id": "5368324170671202286"}),
    ],
)  # fmt: skip
def test_every_allowed_tag_makes_its_entity(markup: str, entity: dict) -> None:
    assert parse_html(markup) == ("x", [{"offset": 0, "length": 1, **entity}])


def test_offsets_are_utf16_code_units() -> None:
    text, entities = parse_html("😀 Привіт <b>світ</b> 👍<i>ok</i>")
    assert text == "😀 Привіт світ 👍ok"
    # The emoji before each entity takes two UTF-16 units, Cyrillic letters one.
    assert entities == [
        {"type": "bold", "offset": 10, "length": 4},
        {"type": "italic", "offset": 17, "length": 2},
    ]
    assert utf16_len("😀") == 2


def test_nested_entities_are_sorted_outer_first() -> None:
    _, entities = parse_html("<b>a <i>b</i></b>")
    assert entities == [
        {"type": "bold", "offset": 0, "length": 3},
        {"type": "italic", "offset": 2, "length": 1},
    ]


def test_empty_tags_make_no_entity() -> None:
    assert parse_html("a<b></b>b") == ("ab", [])


@pytest.mark.parametrize(
    ("markup", "reason"),
    [
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("Привіт <br>", 'Unsupported start tag "br" at byte offset 13'),  # bytes, not chars
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<i>a</b>", 'Unmatched end tag at byte offset 4, expected "</i>", found "</b>"'),
        ("<b><i>a</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("a <b", "Unclosed start tag at byte offset 2"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ('<span class="x">a</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ],
)
def test_bad_markup_is_refused_with_telegrams_words(markup: str, reason: str) -> None:
    with pytest.raises(HTMLParseError) as caught:
        parse_html(markup)
    assert caught.value.reason == reason
    assert caught.value.description == "Can't parse entities: " + reason[0].lower() + reason[1:]


def test_unknown_named_reference_is_an_error_only_when_strict() -> None:
    with pytest.raises(HTMLParseError, match="&nbsp;"):
        parse_html("a&nbsp;b")
    # Telegram itself shows it literally, which is what the emulator reproduces.
    assert parse_html("a&nbsp;b &unknown", strict=False) == ("a&nbsp;b &unknown", [])


def test_trim_strips_whitespace_and_clips_entities() -> None:
    text, entities = parse_html("\n <b> hi </b>\n")
    assert trim_text(text, entities) == ("hi", [{"type": "bold", "offset": 0, "length": 2}])
