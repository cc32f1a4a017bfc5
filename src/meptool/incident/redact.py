"""Blameless client documents: our people's names replaced by a role."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from meptool.model.incident import Incident

ROLE = {"fr": "l'équipe", "en": "our team"}
# Name parts shorter than this are not replaced on their own ("Li", "Jo" are too often words).
MIN_PART = 3


def team_names(incident: Incident, extra: Iterable[str] = ()) -> list[str]:
    """Every name of our side the incident (or the workspace) knows of."""
    names: list[str] = list(extra)
    if incident.team:
        if incident.team.lead:
            names.append(incident.team.lead.name)
        names.extend(incident.team.members)
    if incident.acknowledgement:
        names.append(incident.acknowledgement.by)
    names.extend(a.owner for a in incident.corrective_plan if a.owner)
    names.extend(e.by for e in incident.timeline if e.by)
    return [n for n in dict.fromkeys(n.strip() for n in names) if n]


@dataclass
class Redactor:
    """Replaces full names, then their parts (first or last name alone), by `role`."""

    names: list[str]
    role: str
    _pattern: re.Pattern[str] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        words: set[str] = set()
        for name in self.names:
            words.add(name)
            words.update(p for p in re.split(r"[\s\-]+", name) if len(p) >= MIN_PART)
        if words:
            # Longest first, so "Karim Benali" is replaced whole before "Karim" alone.
            alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
            self._pattern = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)

    def __call__(self, text: str | None) -> str | None:
        """The text with every name replaced (None stays None)."""
        if text is None or self._pattern is None:
            return text
        return self._pattern.sub(self.role, text)

    def found(self, text: str) -> list[str]:
        """The names still present in `text` (for checks and tests)."""
        if self._pattern is None:
            return []
        return [m.group(0) for m in self._pattern.finditer(text)]
