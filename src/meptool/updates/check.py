"""`update check`: what must be in a client update, and what must never be.

Blocking: a missing SPEC.md 4 element, an internal timeline text or a
non-client-visible action, something that looks like a secret (detect-secrets
plus rules for stack traces, connection strings, private keys and the
workspace's internal host names), a team member named next to blame.
Warning: technical jargon in a decision-makers update. Each finding names the
draft line and the incident field the text came from.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from meptool.model.enums import Agreement, Audience
from meptool.model.incident import Incident
from meptool.updates import secret_scan
from meptool.updates.check_patterns import (
    AGREEMENT,
    BLAME,
    ELEMENTS,
    JARGON,
    SCHEDULE,
    SECRET_RULES,
)

BLOCK, WARN = "error", "warning"


@dataclass(frozen=True)
class Finding:
    """One problem in a draft."""

    rule: str
    level: str
    message: str
    file: str
    line: int | None = None
    field: str | None = None

    @property
    def blocking(self) -> bool:
        return self.level == BLOCK

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        origin = f" (from {self.field})" if self.field else ""
        return f"{where}: {self.level}: {self.rule}: {self.message}{origin}"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "rule": self.rule,
            "level": self.level,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "field": self.field,
        }


@dataclass
class Draft:
    """The text of one draft file, as lines, and what it is for."""

    source: str
    lines: list[str]
    audience: Audience | None = None


# --- reading drafts ------------------------------------------------------------

_TAG = re.compile(r"<[^>]+>")


def read_draft(path: Path, source: str, audience: Audience | None) -> list[Draft]:
    """The checkable texts of a draft file (an `.eml` gives its subject, text and HTML)."""
    if path.suffix == ".eml":
        from meptool.updates import mail

        msg = mail.read(path)
        subject = str(msg.get("Subject", ""))
        return [
            Draft(f"{source} (subject)", [subject], audience),
            Draft(f"{source} (text)", mail.text_part(msg).splitlines(), audience),
            Draft(f"{source} (html)", _html_lines(mail.html_part(msg)), audience),
        ]
    text = path.read_text(encoding="utf-8")
    lines = _html_lines(text) if path.suffix in (".html", ".htm") else text.splitlines()
    return [Draft(source, lines, audience)]


def _html_lines(text: str) -> list[str]:
    return [htmllib.unescape(_TAG.sub(" ", line)) for line in text.splitlines()]


# --- text helpers --------------------------------------------------------------


def norm(text: str) -> str:
    """Casefolded, straight apostrophes, whitespace (including no-break spaces) collapsed."""
    text = text.replace("’", "'").replace("‘", "'").casefold()
    return " ".join(text.split())


def fields(incident: Incident) -> list[tuple[str, str]]:
    """Every text of the incident with its path, e.g. ('timeline[1].text', '…')."""
    out: list[tuple[str, str]] = []

    def walk(value: Any, path: str) -> None:
        if isinstance(value, str):
            out.append((path, value))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{path}[{i}]")

    walk(incident.model_dump(mode="json", exclude={"communications"}), "")
    return out


def origin(incident: Incident | None, snippet: str) -> str | None:
    """The incident field a snippet of the draft came from, when one holds it."""
    if incident is None or len(snippet.strip()) < 3:
        return None
    needle = norm(snippet)
    for path, text in fields(incident):
        if needle in norm(text):
            return path
    return None


class Locator:
    """Find normalised text in a draft, even across line breaks, and report its line."""

    def __init__(self, lines: list[str]) -> None:
        self.starts: list[int] = []
        parts: list[str] = []
        pos = 0
        for line in lines:
            self.starts.append(pos)
            n = norm(line)
            parts.append(n)
            pos += len(n) + 1
        self.text = " ".join(parts)

    def find(self, needle: str) -> int | None:
        """1-based line of the first occurrence, or None."""
        at = self.text.find(norm(needle))
        if at < 0 or not needle.strip():
            return None
        line = 0
        for i, start in enumerate(self.starts):
            if start <= at:
                line = i
        return line + 1

    def has(self, pattern: re.Pattern[str]) -> bool:
        return bool(pattern.search(self.text))


# --- the rules -----------------------------------------------------------------


def check_drafts(
    drafts: list[Draft],
    *,
    incident: Incident | None,
    internal_hostnames: list[str],
) -> list[Finding]:
    """Every finding of the drafts, blocking first, without repeats within one file."""
    found: list[Finding] = []
    # detect-secrets costs a file scan: one for all the drafts, then each finding goes home.
    everything = [line for draft in drafts for line in draft.lines]
    hits = secret_scan.scan(everything)
    offset = 0
    for draft in drafts:
        size = len(draft.lines)
        mine = [(n - offset, kind) for n, kind in hits if offset < n <= offset + size]
        offset += size
        found.extend(_check_one(draft, incident, internal_hostnames, mine))
    seen: set[tuple[str, str, str | None, str]] = set()
    unique: list[Finding] = []
    for f in found:
        key = (f.file.split(" (")[0], f.rule, f.field, f.message)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return sorted(unique, key=lambda f: (not f.blocking, f.file, f.line or 0))


def _check_one(
    draft: Draft, incident: Incident | None, hostnames: list[str], hits: list[tuple[int, str]]
) -> Iterator[Finding]:
    loc = Locator(draft.lines)
    src = draft.source
    if "(subject)" not in src and "(html)" not in src:
        yield from _elements(loc, src, incident)
    if incident is not None:
        yield from _leaks(loc, src, incident)
        yield from _blame(draft, incident)
    yield from _secrets(draft, incident, hostnames, hits)
    if draft.audience == Audience.DECISION_MAKERS and "(html)" not in src:
        yield from _jargon(draft, incident)


def _elements(loc: Locator, src: str, incident: Incident | None) -> Iterator[Finding]:
    for rule, field, message, pattern in ELEMENTS:
        if not loc.has(pattern):
            yield Finding(f"missing-{rule}", BLOCK, f"the update {message}", src, None, field)
    if incident is None:
        return
    lead = incident.team.lead if incident.team else None
    if lead and loc.find(lead.name) is None:
        yield Finding(
            "missing-contact",
            BLOCK,
            f"the project lead {lead.name} is not named as the contact",
            src,
            None,
            "team.lead.name",
        )
    visible = [a for a in incident.corrective_plan if a.client_visible]
    if visible and not any(loc.find(a.action.rstrip(". ")) for a in visible):
        yield Finding(
            "missing-actions",
            BLOCK,
            "none of the client-visible actions is listed",
            src,
            None,
            "corrective_plan",
        )
    sched = incident.schedule_impact
    if sched and (sched.delay_days or sched.budget_impact or sched.new_delivery_date):
        if not loc.has(SCHEDULE):
            yield Finding(
                "missing-schedule",
                BLOCK,
                "the delay or budget change is not stated",
                src,
                None,
                "schedule_impact",
            )
        elif sched.client_agreement in (None, Agreement.PENDING) and not loc.has(AGREEMENT):
            yield Finding(
                "missing-agreement",
                BLOCK,
                "the client's agreement to the new schedule or budget is not asked for",
                src,
                None,
                "schedule_impact.client_agreement",
            )


def _leaks(loc: Locator, src: str, incident: Incident) -> Iterator[Finding]:
    for i, entry in enumerate(incident.timeline):
        needle = entry.text.strip().rstrip(".")
        if entry.visibility.value == "internal" and len(needle) >= 12:
            line = loc.find(needle)
            if line:
                yield Finding(
                    "internal-timeline",
                    BLOCK,
                    f"an internal timeline entry is in the draft: {_short(entry.text)!r}",
                    src,
                    line,
                    f"timeline[{i}].text",
                )
    for i, action in enumerate(incident.corrective_plan):
        needle = action.action.strip().rstrip(".")
        if not action.client_visible and len(needle) >= 8:
            line = loc.find(needle)
            if line:
                yield Finding(
                    "internal-action",
                    BLOCK,
                    f"action {action.id} is not client-visible: {_short(action.action)!r}",
                    src,
                    line,
                    f"corrective_plan[{i}].action",
                )


def _short(text: str, size: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"


def _secrets(
    draft: Draft, incident: Incident | None, hostnames: list[str], hits: list[tuple[int, str]]
) -> Iterator[Finding]:
    for number, line in enumerate(draft.lines, start=1):
        listed = {h.casefold() for h in hostnames}
        for what, pattern in SECRET_RULES:
            match = pattern.search(line)
            if match and match.group(0).casefold() not in listed:
                yield Finding(
                    "secret",
                    BLOCK,
                    f"looks like {what}: {_short(match.group(0), 40)!r}",
                    draft.source,
                    number,
                    origin(incident, match.group(0)),
                )
        low = line.casefold()
        for host in hostnames:
            if host and host.casefold() in low:
                yield Finding(
                    "secret",
                    BLOCK,
                    f"names the internal host {host}",
                    draft.source,
                    number,
                    origin(incident, host),
                )
    for number, kind in hits:
        line = draft.lines[number - 1]
        yield Finding(
            "secret",
            BLOCK,
            f"looks like a secret ({kind})",
            draft.source,
            number,
            origin(incident, line.strip(" -")),
        )


_SENTENCE = re.compile(r"(?<=[.!?;])\s+")


def _blame(draft: Draft, incident: Incident) -> Iterator[Finding]:
    people: list[str] = list(incident.team.members) if incident.team else []
    if incident.team and incident.team.lead:
        people.append(incident.team.lead.name)
    patterns = []
    for person in people:
        words = [w for w in person.split() if len(w) >= 3]
        names = [re.escape(person), *(re.escape(w) for w in words)]
        patterns.append((person, re.compile(r"\b(" + "|".join(names) + r")\b")))
    for number, line in enumerate(draft.lines, start=1):
        for sentence in _SENTENCE.split(line.replace("’", "'")):
            if not BLAME.search(sentence):
                continue
            for person, pattern in patterns:
                if pattern.search(sentence):
                    yield Finding(
                        "blame",
                        BLOCK,
                        f"{person} is named next to blame: "
                        f"{_short(sentence.strip(' -'))!r} (updates are blameless: say 'we')",
                        draft.source,
                        number,
                        origin(incident, sentence.strip(" -")),
                    )


def _jargon(draft: Draft, incident: Incident | None) -> Iterator[Finding]:
    for number, line in enumerate(draft.lines, start=1):
        for match in JARGON.finditer(line):
            if "@" in line or "://" in line:
                continue
            word = match.group(0)
            yield Finding(
                "jargon",
                WARN,
                f"'{word}' is jargon for decision-makers: say it in business terms",
                draft.source,
                number,
                _origin_of_line(incident, line, word),
            )


def _origin_of_line(incident: Incident | None, line: str, word: str) -> str | None:
    if incident is None:
        return None
    for piece in re.split(r"\s[—:]\s|\s-\s", line.strip(" -")):
        if word.casefold() in piece.casefold():
            return origin(incident, piece.strip(" .")) or origin(incident, word)
    return origin(incident, word)
