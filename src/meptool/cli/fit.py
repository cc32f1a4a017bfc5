"""Tables that fit the terminal: key columns never wrap, the text column gives way.

A column is `fixed` (IDs, severities, statuses, times: printed whole, never
wrapped) or `flex` (a title: it takes the room left and is cut with "…").
When even the shortest title would not fit, optional columns go first, then
cells fall back to their shorter variants (a time without its year). Piped
output is not a terminal: there every cell is printed whole (see `table`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

Segment = tuple[str, str | None]  # text, Rich style


@dataclass(frozen=True)
class Cell:
    """One cell: its variants, longest first, each a list of styled segments."""

    variants: tuple[tuple[Segment, ...], ...]

    @classmethod
    def of(cls, *variants: str | Sequence[Segment], style: str | None = None) -> Cell:
        """A cell from plain strings (one style) or lists of segments."""
        out = []
        for v in variants:
            out.append(((v, style),) if isinstance(v, str) else tuple(v))
        return cls(tuple(out))

    def text(self, level: int) -> tuple[Segment, ...]:
        return self.variants[min(level, len(self.variants) - 1)]

    def width(self, level: int) -> int:
        return sum(len(t) for t, _ in self.text(level))


@dataclass(frozen=True)
class Column:
    """A column: its header, whether it gives way, and when it may be dropped (0: never)."""

    header: str
    flex: bool = False
    min_width: int = 12
    drop: int = 0


@dataclass
class Layout:
    """The columns kept, the variant level, and each column's width."""

    keep: list[int]
    level: int
    widths: dict[int, int] = field(default_factory=dict)


GAP = 2


def layout(columns: Sequence[Column], rows: Sequence[Sequence[Cell]], width: int) -> Layout:
    """The widest layout that fits `width`: drop optional columns, then shorten cells."""
    levels = max((len(c.variants) for r in rows for c in r), default=1)
    ranks = sorted({c.drop for c in columns if c.drop}, reverse=True)
    candidates: list[tuple[list[int], int]] = []
    for level in range(levels):
        dropped: set[int] = set()
        candidates.append((list(range(len(columns))), level))
        for rank in ranks:
            dropped |= {i for i, c in enumerate(columns) if c.drop == rank}
            candidates.append(([i for i in range(len(columns)) if i not in dropped], level))
    for n, (keep, level) in enumerate(candidates):
        widths = _widths(columns, rows, keep, level)
        flex = [i for i in keep if columns[i].flex]
        fixed = sum(w for i, w in widths.items() if not columns[i].flex)
        room = width - fixed - GAP * (len(keep) - 1)
        needed = sum(
            max(len(columns[i].header), min(widths[i], columns[i].min_width)) for i in flex
        )
        if room >= needed or n == len(candidates) - 1:
            return Layout(keep, level, _share(columns, widths, flex, max(room, 4)))
    raise AssertionError("unreachable")  # pragma: no cover


def _widths(
    columns: Sequence[Column], rows: Sequence[Sequence[Cell]], keep: list[int], level: int
) -> dict[int, int]:
    return {i: max([len(columns[i].header), *(r[i].width(level) for r in rows)]) for i in keep}


def _share(
    columns: Sequence[Column], widths: dict[int, int], flex: list[int], room: int
) -> dict[int, int]:
    out = dict(widths)
    if not flex:
        return out
    each = max(room // len(flex), 1)
    for i in flex:
        out[i] = max(min(widths[i], each), len(columns[i].header))
    return out


def cut(segments: Sequence[Segment], width: int) -> list[Segment]:
    """Segments cut to `width`, ending in "…" when something was left out."""
    total = sum(len(t) for t, _ in segments)
    if total <= width:
        return list(segments)
    out: list[Segment] = []
    left = width - 1
    for text, style in segments:
        if left <= 0:
            break
        out.append((text[:left].rstrip(), style))
        left -= len(text[:left])
    out.append(("…", None))
    return out


def render(
    columns: Sequence[Column], rows: Sequence[Sequence[Cell]], width: int
) -> list[list[Segment]]:
    """Header and rows as lines of styled segments, each at most `width` long."""
    lay = layout(columns, rows, width)
    lines: list[list[Segment]] = []
    header = [Cell.of(c.header, style="bold") for c in columns]
    for r, row in enumerate([header, *rows]):
        line: list[Segment] = []
        for n, i in enumerate(lay.keep):
            w = lay.widths[i]
            segs = cut(row[i].text(0 if r == 0 else lay.level), w)
            used = sum(len(t) for t, _ in segs)
            line.extend(segs)
            if n < len(lay.keep) - 1:
                line.append((" " * (w - used + GAP), None))
        lines.append(line)
    return lines
