"""`update check`: the last pair of eyes before a message reaches an angry client.

It reads the document the way a careful colleague would, in French and English,
whether meptool wrote it or a person edited it (meptool.updates.check_document cuts it
into sections and sentences; the words are data, in meptool.updates.check_rules_fr and
check_rules_en):

- blocking: a missing SPEC.md 4 element (found from the document's structure and
  the incident's data), a denial of our responsibility, a person of the team named
  as the one who failed, an internal timeline entry or hidden action repeated
  (exactly, nearly or in other words), something that looks like a secret or an
  internal address;
- warning: a deflection to a third party, the client blamed, personal data (IBAN,
  card numbers), a listed action without its owner or date, jargon in a
  decision-makers update.

Each finding names the draft line and the incident field the text really came from.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from meptool.model.enums import Audience
from meptool.model.incident import Incident
from meptool.updates import secret_scan
from meptool.updates.check_document import Document, Sentence
from meptool.updates.check_elements import elements
from meptool.updates.check_facts import Facts
from meptool.updates.check_finding import BLOCK, WARN, Finding, deflects, lexicon, short, stance
from meptool.updates.check_patterns import (
    IDENTIFIER_ALLOWED,
    IDENTIFIERS,
    norm,
)
from meptool.updates.check_regex import compile_cached
from meptool.updates.check_secrets import secrets

__all__ = ["BLOCK", "CLIENT_REPORT", "TEAM_REPORT", "UPDATE", "WARN", "Draft", "Finding"]

# Which rules a kind of document runs: a client update all of them; the client
# retrospective all but the update's elements; the team's only the secrets.
UPDATE = frozenset({"elements", "ownership", "blame", "leaks", "secrets", "jargon"})
CLIENT_REPORT = frozenset({"ownership", "blame", "leaks", "secrets"})
TEAM_REPORT = frozenset({"secrets"})


@dataclass
class Draft:
    """The text of one draft file, as lines, and what it is for."""

    source: str
    lines: list[str]
    audience: Audience | None = None


# --- reading drafts ------------------------------------------------------------

_TAG = re.compile(r"<[^>]+>")
_BLOCK_TAG = re.compile(r"</?(?:p|div|h[1-6]|li|ul|ol|tr|table|br|blockquote)\b[^>]*>", re.I)


def read_draft(path: Path, source: str, audience: Audience | None) -> list[Draft]:
    """The checkable texts of a draft file (an `.eml` gives its subject, text and HTML)."""
    if path.suffix == ".eml":
        from meptool.updates import mail

        msg = mail.read(path)
        subject = str(msg.get("Subject", ""))
        return [
            Draft(f"{source} (subject)", [subject], audience),
            Draft(f"{source} (text)", mail.text_part(msg).splitlines(), audience),
            Draft(f"{source} (html)", html_lines(mail.html_part(msg)), audience),
        ]
    if path.suffix == ".ics":
        return [Draft(source, calendar_lines(path.read_bytes()), audience)]
    text = path.read_text(encoding="utf-8")
    lines = html_lines(text) if path.suffix in (".html", ".htm") else text.splitlines()
    return [Draft(source, lines, audience)]


# What a person reads of an invitation; the rest (times, UIDs, stamps) is for calendars.
_CALENDAR_TEXTS = ("SUMMARY", "DESCRIPTION", "LOCATION", "COMMENT")


def calendar_lines(data: bytes) -> list[str]:
    """The human texts of an iCalendar file (RFC 5545 unfolded and unescaped by icalendar)."""
    from icalendar import Calendar

    lines: list[str] = []
    for component in Calendar.from_ical(data).walk():
        for name in _CALENDAR_TEXTS:
            if name in component:
                lines.extend(str(component[name]).splitlines())
    return lines


def html_lines(text: str) -> list[str]:
    """The text of an HTML document, line for line (a block element ends a sentence)."""
    out = []
    for line in text.splitlines():
        blocks = _BLOCK_TAG.sub(" \u2029 ", line)
        out.append(htmllib.unescape(_TAG.sub(" ", blocks)).replace("\u2029", "."))
    return out


# --- running the rules -----------------------------------------------------------


def check_drafts(
    drafts: list[Draft],
    *,
    incident: Incident | None,
    internal_hostnames: list[str],
    rules: frozenset[str] = UPDATE,
) -> list[Finding]:
    """Every finding of the drafts, blocking first, without repeats within one file."""
    facts = Facts.of(incident)
    found: list[Finding] = []
    # detect-secrets costs a file scan: one for all the drafts, then each finding goes home.
    hits: list[tuple[int, str]] = []
    if "secrets" in rules:
        hits = secret_scan.scan([line for draft in drafts for line in draft.lines])
    offset = 0
    for draft in drafts:
        size = len(draft.lines)
        mine = [(n - offset, kind) for n, kind in hits if offset < n <= offset + size]
        offset += size
        found.extend(_check_one(draft, facts, internal_hostnames, mine, rules))
    # One update's formats (.eml, .md, .html) say the same: each finding once per update.
    seen: set[tuple[str, str, str | None, str]] = set()
    unique: list[Finding] = []
    for f in found:
        key = (_update_of(f.file), f.rule, f.field, f.message)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return sorted(unique, key=lambda f: (not f.blocking, f.file, f.line or 0))


def _update_of(source: str) -> str:
    name = source.split(" (", maxsplit=1)[0]
    stem, dot, ext = name.rpartition(".")
    return stem if dot and ext in ("eml", "md", "html", "htm", "txt") else name


def check_text(
    text: str,
    *,
    source: str,
    incident: Incident | None,
    internal_hostnames: list[str],
    rules: frozenset[str],
    html: bool = False,
    audience: Audience | None = None,
) -> list[Finding]:
    """The findings of one document that is not a draft file (a report, a sentence)."""
    lines = html_lines(text) if html else text.splitlines()
    return check_drafts(
        [Draft(source, lines, audience)],
        incident=incident,
        internal_hostnames=internal_hostnames,
        rules=rules,
    )


def _check_one(
    draft: Draft,
    facts: Facts,
    hostnames: list[str],
    hits: list[tuple[int, str]],
    rules: frozenset[str],
) -> Iterator[Finding]:
    doc = Document(draft.lines)
    src = draft.source
    body = "(subject)" not in src and "(html)" not in src
    if "elements" in rules and body:
        yield from elements(doc, src, facts)
    if "ownership" in rules:
        yield from _ownership(doc, src, facts)
    if "blame" in rules:
        yield from _blame(doc, src, facts)
    if "leaks" in rules and facts.incident is not None:
        yield from _leaks(doc, src, facts)
    if "secrets" in rules:
        yield from secrets(draft.lines, draft.source, facts, hostnames, hits)
    if "jargon" in rules and draft.audience == Audience.DECISION_MAKERS and "(html)" not in src:
        yield from _jargon(doc, src, facts)


# --- ownership -------------------------------------------------------------------


def _ownership(doc: Document, src: str, facts: Facts) -> Iterator[Finding]:
    for s in doc.sentences:
        said = stance(s.norm)
        if said == "deny":
            yield Finding(
                "denial",
                BLOCK,
                f"denies our responsibility: {short(s.text)!r} (own the error: "
                "'c'est notre erreur' / 'this is on us')",
                src,
                s.line,
                facts.origin(s.text, s.text) or _ack_field(facts, s.text),
            )
        if said == "deflect" or (said == "deny" and deflects(s.norm)):
            yield Finding(
                "deflection",
                WARN,
                f"moves the responsibility to a third party: {short(s.text)!r} (the client "
                "chose us, not our provider: say what we own)",
                src,
                s.line,
                facts.origin(s.text, s.text) or _ack_field(facts, s.text),
            )


def _ack_field(facts: Facts, sentence: str) -> str | None:
    ack = facts.incident.acknowledgement if facts.incident else None
    if ack and norm(sentence).rstrip(" .") in norm(ack.statement):
        return "acknowledgement.statement"
    return None


# --- blame -----------------------------------------------------------------------

_CLAUSE_END = re.compile(r"[.;:!?]|\s[—–]\s|\(")


def blamed(sentence: str, pattern: re.Pattern[str]) -> re.Match[str] | None:
    """The name of a person the sentence makes the subject of a failure, if any."""
    for match in pattern.finditer(sentence):
        after = _CLAUSE_END.split(sentence[match.end() :], maxsplit=1)[0]
        window = " ".join(after.split()[:7])
        if after.startswith("'s "):
            window = after[:40]
        verb = lexicon("blame_verb").search(window)
        if verb and (verb.start() == 0 or window[verb.start() - 1] in " ,"):
            return match
        before = sentence[: match.start()]
        if lexicon("blame_noun").search(before) or lexicon("blame_passive").search(before):
            return match
    return None


def _blame(doc: Document, src: str, facts: Facts) -> Iterator[Finding]:
    for s in doc.sentences:
        said = s.norm
        for who in facts.team:
            if blamed(said, who.pattern):
                yield Finding(
                    "blame",
                    BLOCK,
                    f"{who.name} is named as the one who failed: {short(s.text)!r} "
                    "(updates are blameless: say 'we')",
                    src,
                    s.line,
                    facts.origin(s.text, s.text),
                )
                break
        else:
            client = next((c for c in facts.clients if blamed(said, c.pattern)), None)
            if client or lexicon("client_blame").search(said):
                yield Finding(
                    "client-blame",
                    WARN,
                    f"blames the client: {short(s.text)!r} (even when they share it, an "
                    "update owns our part; say the rest on the call)",
                    src,
                    s.line,
                    facts.origin(s.text, s.text),
                )


# --- internal leaks --------------------------------------------------------------


def _leaks(doc: Document, src: str, facts: Facts) -> Iterator[Finding]:
    for s in doc.sentences:
        leaked = facts.leak(s.text)
        if leaked is None:
            continue
        path, label, text = leaked
        rule = "internal-timeline" if path.startswith("timeline") else "internal-action"
        what = f"{label}: {short(text, 60)!r}"
        if rule == "internal-timeline":
            what = f"an internal timeline entry is in the draft: {short(text, 60)!r}"
        yield Finding(rule, BLOCK, what, src, s.line, path)


# --- jargon ----------------------------------------------------------------------

_HTTP = compile_cached(
    r"\b(?:http|https|erreurs?|errors?|codes?|statut|status)\s*(?:http\s*)?"
    r"(?:[45]\d\d)\b|\b[45]\d\d\s+(?:bad gateway|gateway time-?out|not found|internal server error"
    r"|service unavailable|forbidden|unauthori[sz]ed)\b|\b(?:bad gateway|gateway time-?out"
    r"|internal server error|service unavailable)\b",
    re.IGNORECASE,
)
_BARE_STATUS = re.compile(
    r"(?<![\d,.])(?<!\d\s)\b(?:40[0-9]|41[0-8]|42[0-9]|451|50[0-8])\b(?=\s*[,;)]|\s*$)"
)
_LINKS = re.compile(r"\S+@\S+|\b\w+://\S+|\bwww\.\S+")


def jargon_words(text: str) -> list[str]:
    """The jargon of one sentence, as written, in order."""
    text = _LINKS.sub(" ", text)
    said = norm(text)
    found: list[str] = []
    for match in lexicon("jargon").regex.finditer(said):
        written = re.search(re.escape(match.group(0)), text.replace("\u2019", "'"), re.IGNORECASE)
        found.append(written.group(0) if written else match.group(0))
    for _, pattern in IDENTIFIERS:
        for match in pattern.finditer(text):
            word = match.group(0)
            if word not in IDENTIFIER_ALLOWED and norm(word) not in found:
                found.append(word)
    for match in _HTTP.finditer(text):
        found.append(match.group(0))
    if found:  # a bare 502 among other technical words is a status code too
        found.extend(m.group(0) for m in _BARE_STATUS.finditer(text))
    return list(dict.fromkeys(found))


def _jargon(doc: Document, src: str, facts: Facts) -> Iterator[Finding]:
    for s in doc.sentences:
        for word in jargon_words(s.text):
            yield Finding(
                "jargon",
                WARN,
                f"'{word}' is jargon for decision-makers: say it in business terms",
                src,
                s.line,
                facts.origin(word, s.text),
            )


def sentences_of(lines: list[str]) -> list[Sentence]:
    """The sentences of some lines (for callers that judge sentences one by one)."""
    return Document(lines).sentences


# --- what the client asked of us (SPEC.md 8) ----------------------------------------


def _plain(text: str) -> str:
    """Text as compared for an answer: typographic spaces and quotes, case and spacing aside."""
    text = text.replace("\u202f", " ").replace("\u00a0", " ").replace("’", "'")
    return " ".join(text.casefold().split())


def unanswered_expectations(drafts: list[Draft], incident: Incident | None) -> list[Finding]:
    """Warn on each open expectation of the client (SPEC.md 8) that a draft does not answer.

    The text of the expectation must appear in the draft's body (the shipped
    templates quote it under "Vos demandes" / "What you asked of us").
    """
    if incident is None:
        return []
    out: list[Finding] = []
    for draft in drafts:
        if "(subject)" in draft.source or "(html)" in draft.source:
            continue
        body = _plain("\n".join(draft.lines))
        for i, e in enumerate(incident.expectations):
            wanted = _plain(str(e.text).strip().rstrip(". "))
            if e.status.value == "open" and wanted not in body:
                out.append(
                    Finding(
                        "unanswered-expectation",
                        WARN,
                        f"the client's expectation {e.id} is not answered: {short(e.text)!r}",
                        draft.source,
                        None,
                        f"expectations[{i}].text",
                    )
                )
    return out
