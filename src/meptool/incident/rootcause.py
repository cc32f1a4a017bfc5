"""Root-cause notes: the five whys, category, contributing factors, and the escape question."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from meptool.incident.lifecycle import language
from meptool.model.enums import Category, EntryKind, Language

if TYPE_CHECKING:
    from meptool.files.store import Editor

TEXTS = {
    Language.FR: "Cause racine consignée : {summary}",
    Language.EN: "Root cause recorded: {summary}",
}


@dataclass(frozen=True)
class Findings:
    """What the lead found; None (or an empty list) keeps what the file holds.

    `whys` and `contributing_factors` replace the lists when given: the five
    whys are one chain, written again as a whole.
    """

    summary: str | None = None
    category: Category | None = None
    whys: list[str] = field(default_factory=list)
    contributing_factors: list[str] = field(default_factory=list)
    escape: str | None = None

    def empty(self) -> bool:
        """Whether nothing would be recorded."""
        return not (
            self.summary or self.category or self.whys or self.contributing_factors or self.escape
        )


def record(ed: Editor, found: Findings, *, by: str | None = None) -> None:
    """Write the findings into `root_cause` and log it internally."""
    for key, value in (
        ("summary", found.summary),
        ("category", found.category),
        ("whys", found.whys or None),
        ("contributing_factors", found.contributing_factors or None),
        ("escape", found.escape),
    ):
        if value is not None:
            ed.set("root_cause", key, value=value)
    current = ed.incident.root_cause
    summary = found.summary or (current.summary if current else None) or "—"
    ed.entry(TEXTS[language(ed.incident)].format(summary=summary), kind=EntryKind.ROOT_CAUSE, by=by)
