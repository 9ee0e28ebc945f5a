"""Split Telegram HTML into parts that fit, measured as Telegram does (UTF-16, after parsing)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
_TOKEN = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);|[^<&]|[<&]")
# Break ranks: a paragraph beats a line beats a space; a hard cut is the last resort.
_PARAGRAPH, _LINE, _SPACE = 3, 2, 1


@dataclass(frozen=True, slots=True)
class _Atom:
    raw: str
    units: int  # UTF-16 code units this atom shows after parsing; tags show none
    tag: str = ""  # tag name for tags
    closing: bool = False

    @property
    def is_tag(self) -> bool:
        return bool(self.tag)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _atoms(text: str) -> list[_Atom]:
    atoms = []
    for match in _TOKEN.finditer(text):
        raw = match.group(0)
        if match.group(2):
            atoms.append(_Atom(raw, 0, match.group(2).lower(), bool(match.group(1))))
        else:
            atoms.append(_Atom(raw, utf16_len(html.unescape(raw))))
    return atoms


def visible_length(text: str) -> int:
    return sum(atom.units for atom in _atoms(text))


def split_html(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Return parts of at most `limit` visible units each, every part with balanced tags."""
    if utf16_len(text) <= limit:  # tags and entities only shrink on parsing: surely fits
        return [text]
    atoms = _atoms(text)
    if sum(atom.units for atom in atoms) <= limit:
        return [text]
    parts: list[str] = []
    start, stack = 0, []
    while start < len(atoms):
        end = _cut(atoms, start, limit)
        body = atoms[start : _trim_end(atoms, start, end)]
        closing = _replay(stack, body)
        if any(atom.units for atom in body):
            opening = "".join(atom.raw for atom in stack)
            tail = "".join(f"</{atom.tag}>" for atom in reversed(closing))
            parts.append(opening + "".join(atom.raw for atom in body) + tail)
        stack = closing
        start = _skip_space(atoms, end)
    return parts


def _cut(atoms: list[_Atom], start: int, limit: int) -> int:
    """The end (exclusive) of the part that starts at `start`."""
    units, best = 0, {_PARAGRAPH: 0, _LINE: 0, _SPACE: 0}
    for index in range(start, len(atoms)):
        atom = atoms[index]
        if units + atom.units > limit:
            return _best_break(best, start, index)
        units += atom.units
        if atom.raw == "\n":
            rank = _PARAGRAPH if index > start and atoms[index - 1].raw == "\n" else _LINE
            best[rank] = index + 1
        elif atom.raw == " ":
            best[_SPACE] = index + 1
    return len(atoms)


def _best_break(best: dict[int, int], start: int, overflow: int) -> int:
    # Prefer the coarsest break that keeps the part at least half full; a tiny part is worse
    # than a finer break, and a break in the last three quarters beats cutting a word.
    span = overflow - start
    for rank in (_PARAGRAPH, _LINE, _SPACE):
        if best[rank] and best[rank] - start >= span // 2:
            return best[rank]
    latest = max(best.values())
    if latest and latest - start >= span // 4:
        return latest
    return max(overflow, start + 1)


def _trim_end(atoms: list[_Atom], start: int, end: int) -> int:
    while end > start and not atoms[end - 1].is_tag and atoms[end - 1].raw.isspace():
        end -= 1
    return end


def _skip_space(atoms: list[_Atom], index: int) -> int:
    while index < len(atoms) and not atoms[index].is_tag and atoms[index].raw.isspace():
        index += 1
    return index


def _replay(stack: list[_Atom], body: list[_Atom]) -> list[_Atom]:
    """The tags still open after `body`, given those open before it."""
    open_tags = list(stack)
    for atom in body:
        if atom.is_tag and not atom.closing:
            open_tags.append(atom)
        elif atom.is_tag:
            for position in range(len(open_tags) - 1, -1, -1):
                if open_tags[position].tag == atom.tag:
                    del open_tags[position]
                    break
    return open_tags
