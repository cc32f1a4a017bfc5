"""The six things every client update must say (SPEC.md 4), found in the document.

Each element is looked for where a reader finds it — in the document's sections
(their headings) and sentences — and against the incident's data: the
acknowledgement statement, the client-visible actions with their owners and
dates, the schedule and budget change, the project lead and their phone and
e-mail. The words that signal an element are lexicons (meptool.check_rules_*),
broad on purpose: a hand-edited draft says the same things in its own words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rapidfuzz import fuzz

from meptool.model.enums import ActionStatus, Agreement
from meptool.updates.check_document import Document, Sentence
from meptool.updates.check_facts import Facts, Vocabulary, found, person
from meptool.updates.check_finding import BLOCK, WARN, Finding, lexicon, short, stance
from meptool.updates.check_patterns import norm

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"(?:\+|\b0)\d(?:[\s.-]?\d){7,12}\b")


def elements(doc: Document, src: str, facts: Facts) -> Iterator[Finding]:
    """The missing elements of one update (blocking), and the half-said ones (warnings)."""
    yield from _ownership(doc, src, facts)
    yield from _known(doc, src)
    yield from _actions(doc, src, facts)
    yield from _schedule(doc, src, facts)
    yield from _next_update(doc, src)
    yield from _contact(doc, src, facts)


def _in_doc(doc: Document, name: str) -> bool:
    return bool(lexicon(name).search(doc.norm)) or any(
        lexicon(name).search(h) for h in doc.headings()
    )


def carries(doc: Document, text: str) -> bool:
    """Whether the document holds a text (each of its sentences, nearly word for word)."""
    pieces = [s.norm for s in Document(text.splitlines()).sentences if len(s.norm) >= 20]
    if not pieces:
        return False
    return all(
        any(fuzz.ratio(piece, s.norm) >= 85 or fuzz.partial_ratio(piece, s.norm) >= 92
            for s in doc.sentences)
        for piece in pieces
    )  # fmt: skip


def _ownership(doc: Document, src: str, facts: Facts) -> Iterator[Finding]:
    ack = facts.incident.acknowledgement if facts.incident else None
    if ack and carries(doc, ack.statement):
        return
    if any(stance(s.norm) == "own" for s in doc.sentences):
        return
    yield Finding(
        "missing-ownership",
        BLOCK,
        "the update does not own the problem: carry the acknowledgement statement "
        "(meptool incident ack) or say plainly that the error is ours",
        src,
        None,
        "acknowledgement.statement",
    )


def _known(doc: Document, src: str) -> Iterator[Finding]:
    if not _in_doc(doc, "known"):
        yield Finding(
            "missing-known",
            BLOCK,
            "the update does not say what is known now (e.g. a 'Ce que nous savons' / "
            "'What we know' part)",
            src,
            None,
            "impact.summary",
        )
    if not _in_doc(doc, "unknown"):
        yield Finding(
            "missing-unknown",
            BLOCK,
            "the update does not say what is not known yet (or that nothing is left to confirm)",
            src,
            None,
            "root_cause",
        )


def listed(doc: Document, action_text: str, vocabulary: Vocabulary) -> Sentence | None:
    """The sentence of the document that lists an action, if one does."""
    wanted = norm(action_text).rstrip(" .")
    for s in doc.sentences:
        if wanted and wanted in s.norm:
            return s
    words = vocabulary.words(action_text)
    best: tuple[float, Sentence | None] = (0.0, None)
    for s in doc.sentences:
        if not words:
            break
        share = len(found(words, vocabulary.words(s.text))) / len(words)
        if share > best[0]:
            best = (share, s)
    return best[1] if best[0] >= 0.75 else None


def _actions(doc: Document, src: str, facts: Facts) -> Iterator[Finding]:
    incident = facts.incident
    visible = [a for a in incident.corrective_plan if a.client_visible] if incident else []
    if not visible:
        if not _in_doc(doc, "actions"):
            yield Finding(
                "missing-actions",
                BLOCK,
                "the update does not say what is being done",
                src,
                None,
                "corrective_plan",
            )
        return
    assert incident is not None
    shown = {a.id: listed(doc, a.action, facts.vocabulary) for a in visible}
    if not any(shown.values()):
        yield Finding(
            "missing-actions",
            BLOCK,
            "none of the client-visible actions is listed",
            src,
            None,
            "corrective_plan",
        )
        return
    for action in visible:
        i = incident.corrective_plan.index(action)
        s = shown[action.id]
        if s is None:
            if action.status != ActionStatus.DONE:
                yield Finding(
                    "missing-actions",
                    WARN,
                    f"client-visible action {action.id} is not listed: "
                    f"{short(action.action, 50)!r}",
                    src,
                    None,
                    f"corrective_plan[{i}].action",
                )
            continue
        if action.status == ActionStatus.DONE:
            continue
        if action.owner and not person(action.owner).pattern.search(s.norm):
            yield Finding(
                "action-details",
                WARN,
                f"action {action.id} is listed without its owner ({action.owner})",
                src,
                s.line,
                f"corrective_plan[{i}].owner",
            )
        if action.due and not lexicon("when").search(s.norm):
            yield Finding(
                "action-details",
                WARN,
                f"action {action.id} is listed without its date ({action.due.isoformat()})",
                src,
                s.line,
                f"corrective_plan[{i}].due",
            )


def _schedule(doc: Document, src: str, facts: Facts) -> Iterator[Finding]:
    sched = facts.incident.schedule_impact if facts.incident else None
    if not sched or not (sched.delay_days or sched.budget_impact or sched.new_delivery_date):
        return
    said = [
        s for s in doc.sentences if lexicon("schedule").search(s.norm) and re.search(r"\d", s.norm)
    ]
    if sched.budget_impact and carries(doc, sched.budget_impact):
        said = said or [s for s in doc.sentences if lexicon("schedule").search(s.norm)]
    if not said:
        yield Finding(
            "missing-schedule",
            BLOCK,
            "the delay or budget change is not stated",
            src,
            None,
            "schedule_impact",
        )
        return
    if sched.client_agreement not in (None, Agreement.PENDING):
        return
    sections = {s.section for s in said}
    for s in doc.sentences:
        near = s.section in sections or lexicon("schedule").search(s.norm)
        if near and lexicon("agreement").search(s.norm) and lexicon("ask").search(s.norm):
            return
    yield Finding(
        "missing-agreement",
        BLOCK,
        "the client's agreement to the new schedule or budget is not asked for",
        src,
        None,
        "schedule_impact.client_agreement",
    )


def _next_update(doc: Document, src: str) -> Iterator[Finding]:
    promise = lexicon("next_update")
    when = lexicon("when")
    promised = False
    for section in doc.sections:
        heading = norm(section.heading) if section.heading else ""
        for s in section.sentences:
            if promise.search(s.norm) or (heading and promise.search(heading)):
                promised = True
                if when.search(s.norm):
                    return
    yield Finding(
        "missing-next-update",
        BLOCK,
        "the update promises a next update but not when"
        if promised
        else "the update does not say when the next update will come",
        src,
        None,
        "next_update_due",
    )


def _contact(doc: Document, src: str, facts: Facts) -> Iterator[Finding]:
    lead = facts.incident.team.lead if facts.incident and facts.incident.team else None
    if lead is not None:
        if not person(lead.name).pattern.search(_EMAIL.sub(" ", doc.norm)):
            yield Finding(
                "missing-contact",
                BLOCK,
                f"the project lead {lead.name} is not named as the contact",
                src,
                None,
                "team.lead.name",
            )
        text = " ".join(doc.lines)
        digits = re.sub(r"\D", "", text)
        reach = (lead.email and lead.email.casefold() in text.casefold()) or (
            lead.phone and re.sub(r"\D", "", lead.phone) in digits
        )
        if (lead.email or lead.phone) and not reach:
            yield Finding(
                "missing-contact",
                BLOCK,
                f"the update gives no way to reach {lead.name} (phone or e-mail)",
                src,
                None,
                "team.lead.phone" if lead.phone else "team.lead.email",
            )
    elif not (_EMAIL.search(" ".join(doc.lines)) or _PHONE.search(" ".join(doc.lines))):
        yield Finding(
            "missing-contact",
            BLOCK,
            "the update gives no way to reach the project lead (phone or e-mail)",
            src,
            None,
            "team.lead",
        )
    if not any(lexicon("call").search(s.norm) for s in doc.sentences):
        yield Finding(
            "missing-contact",
            BLOCK,
            "the update does not offer a call (e.g. 'je vous appelle' / 'I can call you')",
            src,
            None,
            "team.lead",
        )
