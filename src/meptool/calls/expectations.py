"""What the client asked of us (`expectations`, E1, E2…): `expect add|met|declined|list`.

An expectation is a client-facing text: the next update answers each open one
("Vos demandes" / "What you asked of us"), the client retrospective says what
became of it, the portfolio counts them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from meptool.errors import InputError, NotFoundError, UsageError
from meptool.files.workspace import Workspace
from meptool.model.enums import EntryKind, ExpectationStatus
from meptool.model.incident import Expectation, Incident


def next_id(existing: list[Expectation], taken: list[str] | None = None) -> str:
    """The next free ID: E1, E2…"""
    numbers = [int(e.id[1:]) for e in existing] + [int(t[1:]) for t in taken or []]
    return f"E{max(numbers, default=0) + 1}"


def find(incident: Incident, expectation_id: str) -> tuple[int, Expectation]:
    """An expectation by ID (exit 3 with the known IDs when there is none)."""
    wanted = expectation_id.strip().upper()
    for i, e in enumerate(incident.expectations):
        if e.id == wanted:
            return i, e
    known = ", ".join(e.id for e in incident.expectations) or "none yet"
    raise NotFoundError(
        f"{incident.id} has no expectation {expectation_id}",
        hint=f"its expectations: {known}; see them with 'meptool expect list {incident.id}'",
    )


def _clean(text: str | None, flag: str) -> str | None:
    if text is None:
        return None
    clean = text.strip()
    if not clean:
        raise UsageError(f"{flag} is empty")
    return clean


def add(
    ws: Workspace,
    incident_id: str,
    *,
    text: str,
    by: str | None = None,
    at: dt.datetime | None = None,
    answer: str | None = None,
) -> Expectation:
    """Record an expectation raised outside a call (an e-mail, a message)."""
    from meptool.files import store

    clean = _clean(text, "--text")
    with store.edit(ws, incident_id) as ed:
        new_id = next_id(ed.incident.expectations)
        item: dict[str, Any] = {"id": new_id, "text": clean, "at": at or ws.now()}
        if by:
            item["by"] = " ".join(by.split())
        item["status"] = ExpectationStatus.OPEN
        if answer:
            item["answer"] = _clean(answer, "--answer")
        ed.append("expectations", item=item)
        ed.entry(_noted(ed.incident, new_id, clean or ""), kind=EntryKind.EXPECTATION)
    assert ed.result is not None
    return find(ed.result, new_id)[1]


def close(
    ws: Workspace,
    incident_id: str,
    expectation_id: str,
    *,
    status: ExpectationStatus,
    answer: str | None = None,
    by: str | None = None,
) -> Expectation:
    """Mark an expectation met or declined (a decline needs the reason, for the client)."""
    from meptool.files import store

    answer = _clean(answer, "--answer")
    if status is ExpectationStatus.DECLINED and not answer:
        raise UsageError(
            "missing --answer: say why we decline, in words for the client",
            hint="e.g. --answer \"Un appel quotidien n'est pas tenable ; nous proposons un point "
            'écrit chaque matin"',
        )
    with store.edit(ws, incident_id) as ed:
        i, found = find(ed.incident, expectation_id)
        if found.status is status and (answer is None or answer == found.answer):
            raise InputError(f"{found.id} of {incident_id} is already {status.value}")
        ed.set("expectations", i, "status", value=status)
        ed.set("expectations", i, "answered_at", value=ws.now())
        if answer:
            ed.set("expectations", i, "answer", value=answer)
        ed.entry(_closed(ed.incident, found.id, status), kind=EntryKind.EXPECTATION, by=by)
    assert ed.result is not None
    return find(ed.result, found.id)[1]


def answer(ws: Workspace, incident_id: str, expectation_id: str, text: str) -> Expectation:
    """Say where an open expectation stands (the next update repeats it)."""
    from meptool.files import store

    clean = _clean(text, "--answer")
    with store.edit(ws, incident_id) as ed:
        i, found = find(ed.incident, expectation_id)
        ed.set("expectations", i, "answer", value=clean)
    assert ed.result is not None
    return find(ed.result, found.id)[1]


def _fr(incident: Incident) -> bool:
    return (incident.language.value if incident.language else "fr") == "fr"


def _noted(incident: Incident, eid: str, text: str) -> str:
    return (
        f"Attente {eid} du client notée : {text}"
        if _fr(incident)
        else (f"Client expectation {eid} noted: {text}")
    )


def _closed(incident: Incident, eid: str, status: ExpectationStatus) -> str:
    if _fr(incident):
        word = "satisfaite" if status is ExpectationStatus.MET else "déclinée"
        return f"Attente {eid} du client {word}"
    return f"Client expectation {eid} {'met' if status is ExpectationStatus.MET else 'declined'}"


def as_dict(e: Expectation) -> dict[str, Any]:
    """JSON-ready data."""
    return e.model_dump(mode="json", exclude_none=True)


def counts(incident: Incident) -> dict[str, int]:
    """How many expectations are open, met, declined."""
    out = {s.value: 0 for s in ExpectationStatus}
    for e in incident.expectations:
        out[e.status.value] += 1
    return out
