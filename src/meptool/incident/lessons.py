"""The retrospective's lessons: what went well, what went badly, what we learnt.

Belongs with the incident domain (`incident.lessons` after the issue 12 refactor).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from meptool.errors import UsageError

if TYPE_CHECKING:
    from meptool.files.store import Editor

KEYS = ("went_well", "went_badly", "lessons")


@dataclass(frozen=True)
class Lessons:
    """What the team learnt; each list is added to what the file holds (repeats dropped)."""

    went_well: list[str] = field(default_factory=list)
    went_badly: list[str] = field(default_factory=list)
    lessons: list[str] = field(default_factory=list)

    def empty(self) -> bool:
        """Whether nothing would be written."""
        return not (self.went_well or self.went_badly or self.lessons)


def write(ed: Editor, found: Lessons) -> dict[str, int]:
    """Add the lessons to `retro`; return how many items each list now holds."""
    if found.empty():
        raise UsageError(
            "nothing to write: give --went-well, --went-badly or --lesson",
            hint=f'e.g. meptool retro lessons {ed.incident.id} --lesson "Tester avec des cartes '
            'étrangères"',
        )
    current = ed.incident.retro
    sizes = {}
    for key in KEYS:
        have = list(getattr(current, key)) if current else []
        new = [" ".join(t.split()) for t in getattr(found, key) if t.strip()]
        merged = have + [t for t in new if t not in have]
        if merged != have:
            ed.set("retro", key, value=merged)
        sizes[key] = len(merged)
    return sizes
