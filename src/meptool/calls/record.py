"""`call record` and `call list`: what the client said on a call, what they expect, and their
answer on the schedule."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from meptool.calls.core import DEFAULT_DURATION, all_contacts, pick_call, resolve_contacts, say
from meptool.errors import InputError, UsageError
from meptool.files.workspace import Workspace
from meptool.model.enums import Agreement, CallStatus, EntryKind, Via
from meptool.model.incident import Call, Incident


@dataclass
class Recorded:
    """What `call record` wrote."""

    seq: int
    created: bool
    heard: list[str]
    expectations: list[str]
    agreement: str | None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "call": self.seq,
            "created": self.created,
            "heard": self.heard,
            "expectations": self.expectations,
            "agreement": self.agreement,
        }


def target_call(incident: Incident, seq: int | None) -> Call | None:
    """The call `call record` is about: `seq`, else the latest still planned (None: a new one)."""
    if seq is not None:
        return pick_call(incident, seq)[1]
    planned = [c for c in incident.calls if c.status is CallStatus.PLANNED]
    return max(planned, key=lambda c: c.seq) if planned else None


def record(
    ws: Workspace,
    incident_id: str,
    *,
    seq: int | None = None,
    at: dt.datetime | None = None,
    heard: list[str] | None = None,
    expects: list[str] | None = None,
    agreement: Agreement | None = None,
    by: str | None = None,
    words: str | None = None,
    with_: list[str] | None = None,
    expected: Any = None,
) -> Recorded:
    """Record a call that took place (creating it when it was never prepared)."""
    from meptool.files import store

    heard = [h.strip() for h in heard or [] if h.strip()]
    expects = [e.strip() for e in expects or [] if e.strip()]
    if at is not None and at > ws.now():
        raise UsageError(
            f"--at {at.isoformat()} is in the future: record a call once it took place",
            hint=f"to plan it: meptool call prepare {incident_id} --at …",
        )
    if agreement is Agreement.PENDING:
        agreement = None
    with store.edit(ws, incident_id, expected=expected) as ed:
        incident = ed.incident
        _check_before(incident, at)
        call = target_call(incident, seq)
        if call is not None and call.status is CallStatus.CANCELLED:
            raise InputError(
                f"call {call.seq} of {incident_id} was cancelled",
                hint=f"record the call that did take place: meptool call record {incident_id} "
                "--at TIME …",
            )
        names = resolve_contacts(incident, with_) if with_ else None
        speaker = _speaker(incident, by, names or (list(call.with_) if call else None))
        if agreement is not None:
            _check_agreement(incident, speaker)
        created = call is None
        if call is None:
            number = max((c.seq for c in incident.calls), default=0) + 1
            lead = incident.team.lead.name if incident.team and incident.team.lead else None
            when = at or ws.now()
            item: dict[str, Any] = {
                "seq": number,
                "at": when,
                "duration": DEFAULT_DURATION,
                "with": names or all_contacts(incident),
                "attendees_ours": [lead] if lead else [],
                "heard": heard,
                "status": CallStatus.HELD,
            }
            ed.append("calls", item=item)
        else:
            number = call.seq
            # a planned call recorded before its time took place earlier than planned: now
            when = at or min(call.at, ws.now())
            i = pick_call(incident, number)[0]
            ed.set("calls", i, "status", value=CallStatus.HELD)
            if when != call.at:
                ed.set("calls", i, "at", value=when)
            if names:
                ed.set("calls", i, "with", value=names)
            if heard:
                ed.set("calls", i, "heard", value=[*call.heard, *heard])
        ids = _add_expectations(ed, expects, by=speaker, at=when, call=number)
        if agreement is not None:
            answer: dict[str, Any] = {"by": speaker, "at": when, "via": Via.CALL}
            if words:
                answer["words"] = words
            ed.set("schedule_impact", "client_agreement", value=agreement)
            ed.set("schedule_impact", "agreement", value=answer)
        ed.entry(_held(incident, number, ids, agreement, speaker), kind=EntryKind.CALL, at=when)
    return Recorded(number, created, heard, ids, agreement.value if agreement else None)


def _check_before(incident: Incident, at: dt.datetime | None) -> None:
    opened = incident.opened_at
    if at is not None and opened is not None and at < opened:
        raise UsageError(
            f"--at {at.isoformat()} is before the incident began ({opened.isoformat()})",
            hint="give the time the call took place, e.g. --at 14:30",
        )


def _held(
    incident: Incident,
    number: int,
    ids: list[str],
    agreement: Agreement | None,
    speaker: str | None,
) -> str:
    """The timeline's words for a call held (internal)."""
    parts_fr = [f"Appel n° {number} tenu"]
    parts_en = [f"Client call {number} held"]
    if ids:
        parts_fr.append(f"attentes notées : {', '.join(ids)}")
        parts_en.append(f"expectations noted: {', '.join(ids)}")
    if agreement is not None:
        fr = "accepté" if agreement is Agreement.AGREED else "refusé"
        parts_fr.append(f"nouveau calendrier {fr} par {speaker}")
        parts_en.append(f"new schedule {agreement.value} by {speaker}")
    return say(incident, " ; ".join(parts_fr), "; ".join(parts_en))


def _speaker(incident: Incident, by: str | None, names: list[str] | None) -> str | None:
    """Who spoke for the client: --by (spelled as the contact when it is one), else the only
    person on the call."""
    if by:
        contacts = (
            {c.name.casefold(): c.name for c in incident.client.contacts} if incident.client else {}
        )
        clean = " ".join(by.split())
        return contacts.get(clean.casefold(), clean)
    if names and len(names) == 1:
        return names[0]
    return None


def _check_agreement(incident: Incident, speaker: str | None) -> None:
    sched = incident.schedule_impact
    if not (sched and (sched.delay_days or sched.budget_impact or sched.new_delivery_date)):
        raise InputError(
            f"{incident.id} states no new schedule or budget for the client to agree to",
            hint=f"state it first: meptool incident plan {incident.id} --delay-days N "
            "--new-date YYYY-MM-DD",
        )
    if not speaker:
        raise UsageError(
            "missing --by: who at the client agreed or refused",
            hint="e.g. --by 'Claire Martin' (needed when several people were on the call)",
        )


def _add_expectations(
    ed: Any, texts: list[str], *, by: str | None, at: dt.datetime, call: int | None
) -> list[str]:
    from meptool.calls.expectations import next_id

    ids: list[str] = []
    current = list(ed.incident.expectations)
    for text in texts:
        new_id = next_id(current, ids)
        item: dict[str, Any] = {"id": new_id, "text": text, "at": at, "status": "open"}
        if by:
            item["by"] = by
        if call is not None:
            item["call"] = call
        ed.append("expectations", item=item)
        ids.append(new_id)
    return ids


# --- list ----------------------------------------------------------------------------


def list_calls(ws: Workspace, incident_id: str) -> tuple[Incident, list[Call]]:
    """The calls of an incident, in order."""
    from meptool.files import store

    incident, _ = store.read(ws, incident_id)
    return incident, sorted(incident.calls, key=lambda c: c.seq)


def call_dict(incident: Incident, call: Call) -> dict[str, Any]:
    """JSON-ready data of one call, with the expectations it raised."""
    data = call.model_dump(mode="json", exclude_none=True)
    data["expectations"] = [e.id for e in incident.expectations if e.call == call.seq]
    return data
