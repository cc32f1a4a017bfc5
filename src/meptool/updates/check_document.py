"""A draft as `update check` reads it: sections (under headings), paragraphs, sentences.

The headings meptool's templates write (Markdown `###`, plain-text underlines,
bold lines) are recognised again in a hand-edited draft, whatever their words;
a list item is a paragraph of its own, and the lines of a paragraph are joined
before it is cut into sentences, so a sentence wrapped over two lines is one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from meptool.updates.check_patterns import norm

_ATX = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_UNDERLINE = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
_BOLD = re.compile(r"^\s*(?:\*\*|__)(.+?)(?:\*\*|__)\s*:?\s*$")
_ITEM = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[«\"(\[A-ZÀ-ÝŒ0-9-])|\n")


@dataclass(frozen=True)
class Sentence:
    """One sentence: as written, normalised, its line and its section."""

    text: str
    norm: str
    line: int
    section: int


@dataclass
class Section:
    """A heading (None before the first one) and the sentences under it."""

    heading: str | None
    line: int
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def norm(self) -> str:
        """The heading and the body, normalised, as one text."""
        head = norm(self.heading) if self.heading else ""
        return " ".join([head, *(s.norm for s in self.sentences)]).strip()


class Document:
    """The sections and sentences of a draft's lines."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.sections: list[Section] = [Section(None, 1)]
        paragraph: list[tuple[int, str]] = []

        def flush() -> None:
            if paragraph:
                self._add(paragraph)
                paragraph.clear()

        for i, raw in enumerate(lines):
            number = i + 1
            line = raw.strip()
            following = lines[i + 1] if i + 1 < len(lines) else ""
            if not line:
                flush()
                continue
            if _UNDERLINE.match(raw) and not paragraph:
                continue  # the underline of a heading already taken
            heading = _heading(line, following)
            if heading is not None:
                flush()
                self.sections.append(Section(heading, number))
                continue
            if _ITEM.match(raw):
                flush()
                paragraph.append((number, _ITEM.sub("", raw, count=1)))
                continue
            paragraph.append((number, line))
        flush()
        self.sentences = [s for section in self.sections for s in section.sentences]
        self.norm = " ".join(s.norm for s in self.sentences)

    def _add(self, paragraph: list[tuple[int, str]]) -> None:
        section = self.sections[-1]
        index = len(self.sections) - 1
        text = ""
        starts: list[tuple[int, int]] = []
        for number, line in paragraph:
            if text:
                # A line that ends a sentence ends it, whatever the next line starts with.
                text += "\n" if re.search(r"[.!?…]$", text) else " "
            starts.append((len(text), number))
            text += line.strip()
        pos = 0
        for piece in _SENTENCE_END.split(text):
            at = text.find(piece, pos)
            pos = at + len(piece)
            clean = " ".join(piece.replace("**", "").split())
            if not clean:
                continue
            number = max((n for start, n in starts if start <= at), default=starts[0][1])
            section.sentences.append(Sentence(clean, norm(clean), number, index))

    def headings(self) -> list[str]:
        """Every heading, normalised."""
        return [norm(s.heading) for s in self.sections if s.heading]


def _heading(line: str, following: str) -> str | None:
    found = _ATX.match(line)
    if found:
        return found.group(1).strip()
    if _UNDERLINE.match(following) and len(following.strip()) >= 3 and not _ITEM.match(line):
        return line.strip()
    bold = _BOLD.match(line)
    if bold and len(bold.group(1)) <= 80:
        return bold.group(1).strip()
    return None
