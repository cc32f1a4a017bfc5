"""What the lead's brief for a client call says: the template context, decided in Python.

The brief is internal (it names our people, the internal actions, what not to
promise); the invitation's context (`invitation_context`) holds only what the
client may read: the time, the people invited, the agenda, the lead's contact.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from meptool.files.workspace import Workspace
from meptool.model.enums import ActionStatus, Agreement, ContactKind, Status
from meptool.model.incident import Call, Contact, Incident
from meptool.updates.compose import _version as version_words


@dataclass(frozen=True)
class Attendee:
    """A client contact invited to the call."""

    name: str
    email: str | None
    role: str | None
    kind: ContactKind

    def as_dict(self) -> dict[str, Any]:
        """Template-ready data."""
        return {
            "name": self.name,
            "first_name": self.name.split()[0],
            "email": self.email,
            "role": self.role,
            "kind": self.kind.value,
            "decides": self.kind is ContactKind.DECISION_MAKER,
            "expert": self.kind is ContactKind.DOMAIN_EXPERT,
        }


def attendees(incident: Incident, call: Call) -> list[Attendee]:
    """The call's client attendees, decision-makers first, as the contacts describe them."""
    contacts = {c.name.casefold(): c for c in (incident.client.contacts if incident.client else [])}
    out = []
    for name in call.with_:
        c: Contact | None = contacts.get(name.casefold())
        out.append(
            Attendee(name, c.email, c.role, c.kind)
            if c
            else Attendee(name, None, None, ContactKind.OTHER)
        )
    order = {ContactKind.DECISION_MAKER: 0, ContactKind.DOMAIN_EXPERT: 1, ContactKind.OTHER: 2}
    return sorted(out, key=lambda a: order[a.kind])


def _lead(ws: Workspace, incident: Incident, lang: str) -> dict[str, Any]:
    """The lead as they sign (name, title, agency, phone, e-mail: each left out when missing)."""
    lead = incident.team.lead if incident.team else None
    title = lead.title if lead else None
    return {
        "name": lead.name if lead else None,
        "title": (title.in_language(lang, lang) or str(title)) if title else None,
        "agency": ws.config.agency.name if ws.config.agency else None,
        "email": lead.email if lead else None,
        "phone": lead.phone if lead else None,
    }


def _call(call: Call) -> dict[str, Any]:
    return {
        "seq": call.seq,
        "at": call.at,
        "end": call.at + dt.timedelta(minutes=call.duration),
        "duration": call.duration,
        "sequence": call.sequence,
        "replanned": call.sequence > 0,
    }


def _base(ws: Workspace, incident: Incident, call: Call, lang: str) -> dict[str, Any]:
    return {
        "lang": lang,
        "timezone": ws.config.timezone,
        "now": ws.now(),
        "incident": {
            "id": incident.id,
            "title": incident.title,
            "severity": incident.severity.value,
            "status": incident.status.value,
            "project": incident.project or ws.config.project,
        },
        "client": {"name": incident.client.name if incident.client else None},
        "call": _call(call),
        "theirs": [a.as_dict() for a in attendees(incident, call)],
        "lead": _lead(ws, incident, lang),
        "release": {
            "version": version_words(incident.release.version if incident.release else None)
        },
    }


def brief_context(ws: Workspace, incident: Incident, call: Call, lang: str) -> dict[str, Any]:
    """Everything the internal brief may print."""
    impact = incident.impact
    rc = incident.root_cause
    sched = incident.schedule_impact
    mitigated = incident.status in (Status.MITIGATED, Status.RESOLVED, Status.CLOSED)
    actions = [
        {
            "id": a.id,
            "action": a.action,
            "type": a.type.value,
            "owner": a.owner,
            "due": a.due,
            "status": a.status.value,
            "done": a.status is ActionStatus.DONE,
            "client_visible": a.client_visible,
        }
        for a in incident.corrective_plan
    ]
    open_fix = any(not a["done"] for a in actions if a["type"] == "corrective")
    schedule = None
    if sched and (sched.delay_days or sched.budget_impact or sched.new_delivery_date):
        answer = sched.agreement
        schedule = {
            "delay_days": sched.delay_days,
            "budget_impact": sched.budget_impact,
            "new_delivery_date": sched.new_delivery_date,
            "agreement": (sched.client_agreement or Agreement.PENDING).value,
            "answer": (
                {"by": answer.by, "at": answer.at, "words": answer.words, "via": answer.via.value}
                if answer
                else None
            ),
        }
    ours = list(call.attendees_ours)
    earlier = [
        {"seq": c.seq, "at": c.at, "heard": list(c.heard)}
        for c in sorted(incident.calls, key=lambda c: c.seq)
        if c.seq != call.seq and c.heard
    ]
    return {
        **_base(ws, incident, call, lang),
        "ours": ours,
        "statement": incident.acknowledgement.statement if incident.acknowledgement else None,
        "impact": {
            "summary": impact.summary if impact else None,
            "users_affected": impact.users_affected if impact else None,
            "started_at": impact.started_at if impact else None,
            "ended_at": impact.ended_at if impact else None,
        },
        "mitigated": mitigated,
        "resolved": incident.status in (Status.RESOLVED, Status.CLOSED),
        "cause": {"summary": rc.summary if rc else None, "escape": rc.escape if rc else None},
        "unknown": {
            "cause": not (rc and rc.summary),
            "end": not mitigated,
            "users": not (impact and impact.users_affected),
            "fix": open_fix,
            "plan": not actions,
        },
        "actions": actions,
        "schedule": schedule,
        "expectations": [
            {"id": e.id, "text": e.text, "by": e.by, "at": e.at, "call": e.call, "answer": e.answer}
            for e in incident.open_expectations
        ],
        "earlier": earlier,
        "next_update_due": incident.next_update_due,
    }


def invitation_context(ws: Workspace, incident: Incident, call: Call, lang: str) -> dict[str, Any]:
    """What the invitation (calendar entry and mail) may print: nothing internal."""
    from meptool.updates.compose import greetings

    base = _base(ws, incident, call, lang)
    with_email = [a for a in base["theirs"] if a["email"]]
    named = {a["name"] for a in with_email}
    contacts = [c for c in (incident.client.contacts if incident.client else []) if c.name in named]
    home = incident.language.value if incident.language else lang
    return {
        **base,
        "recipients": with_email,
        "greetings": greetings(contacts, lang, home),
        "reply": False,
        "audience": "all",
    }
