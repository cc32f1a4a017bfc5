"""Characters that have no place in a person's text, and text made safe for a terminal.

Refused in every text field (`first_unsafe`), escaped in anything printed
(`printable`): C0 and C1 control characters (tab and newline only where text
may hold them), DEL, the bidirectional embeddings, overrides and isolates that
make text read differently from how it is stored (CVE-2021-42574, "Trojan
Source"), the line and paragraph separators, and the invisible zero-width
characters. A zero-width joiner or non-joiner between two non-ASCII characters
(Persian words, emoji sequences) is writing, not a trick: it stays.
"""

from __future__ import annotations

import re
import unicodedata

BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
ZERO_WIDTH = frozenset("\u180e\u200b\u2060\u2061\u2062\u2063\u2064\ufeff")
JOINERS = frozenset("\u200c\u200d")
SEPARATORS = frozenset("\u2028\u2029")
SUSPECT = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064"
    "\u2066-\u2069\ufeff]"
)
SUSPECT_LINE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
PRINT_SUSPECT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064"
    "\u2066-\u2069\ufeff]"
)


def _name(ch: str) -> str:
    names = {"\x1b": "ESC", "\t": "TAB", "\n": "line break", "\r": "carriage return"}
    if ch in names:
        return names[ch]
    return unicodedata.name(ch, "")


def kind(ch: str) -> str:
    """What kind of unwanted character `ch` is, for messages."""
    if ch in BIDI:
        return "a bidirectional control"
    if ch in ZERO_WIDTH or ch in JOINERS:
        return "an invisible zero-width character"
    if ch in SEPARATORS:
        return "a Unicode line separator"
    return "a control character"


def _joiner_ok(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    return bool(before and after) and all(
        ord(c) > 0x7F and not SUSPECT.match(c) for c in (before, after)
    )


def first_unsafe(text: str, *, multiline: bool) -> tuple[int, str] | None:
    """The position and character of the first unwanted character, or None.

    Newline and tab are allowed when `multiline`; nowhere else.
    """
    for match in SUSPECT.finditer(text):
        ch = match.group()
        i = match.start()
        if ch == "\n" and multiline:
            continue
        if ch in JOINERS and _joiner_ok(text, i):
            continue
        return i, ch
    if not multiline and "\t" in text:
        i = text.index("\t")
        return i, "\t"
    return None


def describe(text: str, *, multiline: bool) -> str | None:
    """A message for the first unwanted character of `text`, or None when it is clean."""
    found = first_unsafe(text, multiline=multiline)
    if found is None:
        return None
    i, ch = found
    if ch in "\n\t" and not multiline:
        what = "a line break" if ch == "\n" else "a tab"
        return f"must be on one line without tabs: {what} at character {i + 1}; remove it"
    label = _name(ch)
    return (
        f"character {i + 1} is U+{ord(ch):04X}{f' ({label})' if label else ''}, "
        f"{kind(ch)} that is not allowed in text; remove it"
    )


def printable(text: str) -> str:
    """`text` with every unwanted character shown as an escape (`\\x1b`, `\\u202e`).

    Newlines and tabs stay; so do joiners between non-ASCII characters.
    """
    if not PRINT_SUSPECT.search(text):
        return text

    def escape(match: re.Match[str]) -> str:
        ch = match.group()
        if ch in JOINERS and _joiner_ok(text, match.start()):
            return ch
        code = ord(ch)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return PRINT_SUSPECT.sub(escape, text)
