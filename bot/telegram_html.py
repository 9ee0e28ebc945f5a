"""Telegram's HTML parse mode as a pure function, and the check moderators' texts pass.

The parser lives with the emulator (it was written to mirror tdlib there); production code
imports it from here so that the day it moves, only this import changes.
"""

from __future__ import annotations

import re

from bot.emulator.telegram_html import HTMLParseError, parse_html, utf16_len

__all__ = ["MAX_LENGTH", "HTMLParseError", "MessageProblem", "check_message", "parse_html"]
MAX_LENGTH = 4096  # Telegram's limit, counted after the markup is parsed
# "Q&A" is fine (Telegram shows it as typed), but "&nbsp;" would show literally: refuse that.
_UNKNOWN_REF = re.compile(r"&(?!(?:lt|gt|amp|quot);)[A-Za-z][A-Za-z0-9]*;")


class MessageProblem(ValueError):
    """A text Telegram would refuse or garble: `kind` is empty, markup or length."""

    def __init__(self, kind: str, detail: str = "", length: int = 0) -> None:
        super().__init__(detail or kind)
        self.kind, self.detail, self.length = kind, detail, length


def check_message(text: str, limit: int = MAX_LENGTH) -> str:
    """The text as it will be sent, or MessageProblem: broken HTML never reaches members."""
    text = text.strip()
    try:
        plain, _entities = parse_html(text, strict=False)
    except HTMLParseError as exc:
        raise MessageProblem("markup", exc.reason) from None
    if ref := _UNKNOWN_REF.search(text):
        detail = f'unsupported HTML entity "{ref.group(0)}"; use &lt; &gt; &amp; &quot;'
        raise MessageProblem("markup", detail)
    plain = plain.strip()
    if not plain:
        raise MessageProblem("empty")
    if utf16_len(plain) > limit:
        raise MessageProblem("length", length=utf16_len(plain))
    return text
