"""Telegram's HTML parse mode: markup -> (plain text, entities), with Telegram's error texts.

Modelled on tdlib's ``parse_html`` (td/telegram/MessageEntity.cpp), which is what the Bot API runs:

* allowed tags: b/strong, i/em, u/ins, s/strike/del, tg-spoiler, span class="tg-spoiler", a href,
  code (class="language-x" inside pre), pre, blockquote (``expandable``), tg-emoji emoji-id;
* character references: ``&lt; &gt; &amp; &quot;`` and numeric ones (``&#1234;``, ``&#x1F600;``);
* error texts and byte offsets (UTF-8 bytes of the markup) match tdlib's, e.g. ``Unsupported start
  tag "div" at byte offset 0``;
* entity offsets/lengths are UTF-16 code units, as in the Bot API.

``parse_html`` is a pure function with no dependency on the emulator, so the bot reuses it to check
moderators' HTML before saving it. With ``strict=True`` (the default) an unknown named reference
such as ``&nbsp;`` is an error, because Telegram would show it literally, which is never what a
moderator meant; the emulator calls it with ``strict=False``, which is exactly Telegram's behaviour
(left as text).

``HTMLParseError.reason`` is tdlib's text; ``.description`` reads like PTB shows it (``Can't parse
entities: unsupported start tag "div" at byte offset 0``); the Bot API's own reply is ``"Bad
Request: can't parse entities: " + reason``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TAGS = frozenset(
    "a b strong i em s strike del u ins tg-spoiler tg-emoji span pre code blockquote".split()
)
_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_NAMED_REF = re.compile(r"&([A-Za-z][A-Za-z0-9]*);?")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_TEXT_MENTION = re.compile(r"^tg://user\?id=(\d+)$", re.IGNORECASE)


class HTMLParseError(ValueError):
    """Markup Telegram would refuse with 400 "can't parse entities"."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        self.description = "Can't parse entities: " + reason[:1].lower() + reason[1:]
        super().__init__(self.description)


@dataclass
class _Open:
    tag: str
    offset: int  # UTF-16 offset where the entity starts
    start: int  # index into the plain-text pieces: an <a> without href takes its URL from there
    attrs: dict[str, str] = field(default_factory=dict)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Bot API entity offsets."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8", "surrogatepass"))


def _decode_ref(text: str, i: int) -> tuple[str | None, int]:
    """Decode the character reference at text[i] == '&' like tdlib; (None, i) if there is none."""
    j = i + 1
    if text.startswith("#", j):
        j += 1
        hexa = text.startswith(("x", "X"), j)
        j += hexa
        start = j
        digits = "0123456789abcdefABCDEF" if hexa else "0123456789"
        while j < len(text) and text[j] in digits:
            j += 1
        if j == start or j - i >= 10:
            return None, i
        code = int(text[start:j], 16 if hexa else 10)
        if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None, i
        ch = chr(code)
    else:
        start = j
        while j < len(text) and text[j].isascii() and text[j].isalpha():
            j += 1
        ch = _NAMED.get(text[start:j])
        if ch is None:
            return None, i
    return ch, j + 1 if text.startswith(";", j) else j


def _read_attrs(text: str, i: int, tag: str, begin: int) -> tuple[dict[str, str], int]:
    """Parse attributes from text[i] up to the closing '>'; return them and the index after '>'."""
    attrs: dict[str, str] = {}
    n = len(text)
    unclosed = f"Unclosed start tag at byte offset {_byte_offset(text, begin)}"
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise HTMLParseError(unclosed)
        if text[i] == ">":
            return attrs, i + 1
        name_start = i
        while i < n and not text[i].isspace() and text[i] not in "=>":
            i += 1
        name = text[name_start:i].lower()
        if not name:
            raise HTMLParseError(
                f'Empty attribute name in the tag "{tag}" at byte offset '
                f"{_byte_offset(text, begin)}"
            )
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise HTMLParseError(unclosed)
        if text[i] != "=":  # a bare attribute such as <blockquote expandable>
            attrs[name] = ""
            continue
        i += 1
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise HTMLParseError(unclosed)
        value, i = _read_value(text, i)
        attrs[name] = value


def _read_value(text: str, i: int) -> tuple[str, int]:
    n = len(text)
    quote = text[i]
    if quote not in "'\"":
        # An unquoted name token: letters, digits, '.', '-' (case-insensitive, like tdlib).
        start = i
        while i < n and (text[i].isalnum() or text[i] in ".-"):
            i += 1
        if i < n and not text[i].isspace() and text[i] != ">":
            raise HTMLParseError(
                f"Unexpected end of name token at byte offset {_byte_offset(text, start)}"
            )
        return text[start:i].lower(), i
    i += 1
    value: list[str] = []
    while i < n and text[i] != quote:
        if text[i] == "&":
            ch, end = _decode_ref(text, i)
            if ch is not None:
                value.append(ch)
                i = end
                continue
        value.append(text[i])
        i += 1
    return "".join(value), i + 1 if i < n else i


def _entity(
    top: _Open, length: int, plain: list[str], entities: list[dict], start: int
) -> dict | None:
    """The entity for a closed tag, or None when Telegram drops it (e.g. an unusable URL)."""
    base = {"offset": top.offset, "length": length}
    tag = top.tag
    if tag in _SIMPLE:
        return {"type": _SIMPLE[tag], **base}
    if tag == "blockquote":
        kind = "expandable_blockquote" if "expandable" in top.attrs else "blockquote"
        return {"type": kind, **base}
    if tag == "code":
        return {"type": "code", **base}
    if tag == "pre":
        inner = entities[-1] if entities else None
        if (
            inner
            and inner["type"] == "code"
            and (inner["offset"], inner["length"])
            == (
                top.offset,
                length,
            )
        ):
            entities.pop()  # <pre><code class="language-x"> is one pre entity with a language
            if inner.get("language"):
                return {"type": "pre", **base, "language": inner["language"]}
        return {"type": "pre", **base}
    if tag == "tg-emoji":
        emoji_id = top.attrs.get("emoji-id", "")
        if not emoji_id.isdigit():
            raise HTMLParseError("Invalid custom emoji identifier specified")
        return {"type": "custom_emoji", **base, "custom_emoji_id": emoji_id}
    url = top.attrs.get("href") or "".join(plain[start:])
    mention = _TEXT_MENTION.match(url)
    if mention:
        user = {"id": int(mention.group(1)), "is_bot": False, "first_name": ""}
        return {"type": "text_mention", **base, "user": user}
    if not url.strip() or any(ch.isspace() for ch in url):
        return None
    return {"type": "text_link", **base, "url": url if _SCHEME.match(url) else "http://" + url}


def _close_tag(
    text: str, i: int, stack: list[_Open], plain: list[str], u16: int, entities: list[dict]
) -> int:
    """Handle '</name>' starting at text[i]; return the index after it."""
    begin, n = i, len(text)
    if not stack:
        raise HTMLParseError(f"Unexpected end tag at byte offset {_byte_offset(text, begin)}")
    j = i + 2
    while j < n and not text[j].isspace() and text[j] != ">":
        j += 1
    name = text[i + 2 : j].lower()
    while j < n and text[j].isspace():
        j += 1
    if j >= n or text[j] != ">":
        raise HTMLParseError(f"Unclosed end tag at byte offset {_byte_offset(text, begin)}")
    top = stack[-1]
    if name and name != top.tag:
        raise HTMLParseError(
            f"Unmatched end tag at byte offset {_byte_offset(text, begin)}, "
            f'expected "</{top.tag}>", found "</{name}>"'
        )
    stack.pop()
    if u16 > top.offset:
        made = _entity(top, u16 - top.offset, plain, entities, top.start)
        if made is not None:
            if top.tag == "code" and top.attrs.get("class", "").startswith("language-"):
                made["language"] = top.attrs["class"][len("language-") :]
            entities.append(made)
    return j + 1


def parse_html(text: str, *, strict: bool = True) -> tuple[str, list[dict]]:
    """Return Telegram's plain text and entities for ``text`` or raise ``HTMLParseError``."""
    plain: list[str] = []
    entities: list[dict] = []
    stack: list[_Open] = []
    u16 = 0
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "&":
            decoded, end = _decode_ref(text, i)
            if decoded is None and strict and (ref := _NAMED_REF.match(text, i)):
                raise HTMLParseError(
                    f'Unsupported HTML entity "{ref.group(0)}" at byte offset '
                    f"{_byte_offset(text, i)}; use &lt; &gt; &amp; &quot; or a numeric one"
                )
            if decoded is not None:
                plain.append(decoded)
                u16 += utf16_len(decoded)
                i = end
                continue
        if ch != "<":
            plain.append(ch)
            u16 += 2 if ord(ch) > 0xFFFF else 1
            i += 1
            continue
        if text.startswith("</", i):
            i = _close_tag(text, i, stack, plain, u16, entities)
            continue
        begin = i
        j = i + 1
        while j < n and not text[j].isspace() and text[j] != ">":
            j += 1
        if j >= n:
            raise HTMLParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        tag = text[i + 1 : j].lower()
        if tag not in _TAGS:
            raise HTMLParseError(
                f'Unsupported start tag "{tag}" at byte offset {_byte_offset(text, begin)}'
            )
        attrs, i = _read_attrs(text, j, tag, begin)
        if tag == "span" and attrs.get("class") != "tg-spoiler":
            raise HTMLParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset '
                f"{_byte_offset(text, begin)}"
            )
        stack.append(_Open(tag, u16, len(plain), attrs))
    if stack:
        raise HTMLParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(plain), entities


def trim_text(text: str, entities: list[dict]) -> tuple[str, list[dict]]:
    """Strip surrounding whitespace and clip entities to it, as Telegram does to sent texts."""
    stripped = text.lstrip()
    shift = utf16_len(text) - utf16_len(stripped)
    stripped = stripped.rstrip()
    size = utf16_len(stripped)
    kept = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, size)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept
