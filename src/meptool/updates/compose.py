"""What a client update says: the template context, its variant and the next promised update.

Python decides *what* may reach the client (client-visible timeline entries and
actions only, the right recipients, the next update time); the templates decide
*how* it reads in each language.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from meptool.errors import InputError
from meptool.files.workspace import Workspace
from meptool.model.enums import ActionStatus, ActionType, Agreement, Audience, ContactKind, Status
from meptool.model.incident import Communication, Contact, Incident

FIRST, FOLLOW_UP, RESOLUTION = "first", "follow-up", "resolution"
KINDS = (FIRST, FOLLOW_UP, RESOLUTION)
AUDIENCE_KINDS = {
    Audience.DECISION_MAKERS: {ContactKind.DECISION_MAKER},
    Audience.DOMAIN_EXPERTS: {ContactKind.DOMAIN_EXPERT},
    Audience.ALL: set(ContactKind),
}
# After the resolution update, the next thing the client gets is the retrospective.
RETRO_DELAY = dt.timedelta(days=3)


@dataclass
class Plan:
    """What is decided before rendering: variant, recipients, next promised update."""

    kind: str
    audience: Audience
    language: str
    recipients: list[Contact]
    next_update: dt.datetime
    number: int
    context: dict[str, Any] = field(default_factory=dict)


def recipients(incident: Incident, audience: Audience) -> list[Contact]:
    """The client contacts an update for `audience` goes to (those with an e-mail address)."""
    kinds = AUDIENCE_KINDS[audience]
    contacts = incident.client.contacts if incident.client else []
    return [c for c in contacts if c.kind in kinds and c.email]


def _reaches(comm: Communication, audience: Audience) -> bool:
    return audience == Audience.ALL or comm.audience in (audience, Audience.ALL)


def kind_of(incident: Incident, audience: Audience) -> str:
    """First update for this audience, a follow-up, or the resolution update."""
    if incident.status in (Status.RESOLVED, Status.CLOSED):
        return RESOLUTION
    sent = [c for c in incident.communications if c.sent_at and _reaches(c, audience)]
    return FOLLOW_UP if sent else FIRST


def _ceil_quarter(value: dt.datetime) -> dt.datetime:
    """Round up to the next quarter of an hour: promise 11:30, not 11:27."""
    value = value.replace(second=0, microsecond=0)
    extra = (-value.minute) % 15
    return value + dt.timedelta(minutes=extra)


def next_update(ws: Workspace, incident: Incident, kind: str) -> dt.datetime:
    """When this update promises the next one.

    A `next_update_due` still ahead that no earlier update promised was set by a
    person for this purpose: keep it. Otherwise the severity's cadence runs from now.
    """
    now = ws.now()
    if kind == RESOLUTION:
        return _ceil_quarter(now + RETRO_DELAY)
    cadence = ws.config.cadence(incident.severity)
    due = incident.next_update_due
    promised = {c.next_update_at for c in incident.communications if c.sent_at}
    if due is not None and now < due <= now + cadence and due not in promised:
        return due
    return _ceil_quarter(now + cadence)


def first_name(contact: Contact) -> str:
    """The first word of a name, for the greeting."""
    return contact.name.split()[0]


def _action(a: Any) -> dict[str, Any]:
    return {
        "id": a.id,
        "action": a.action,
        "type": a.type.value,
        "owner": a.owner,
        "due": a.due,
        "status": a.status.value,
        "done": a.status == ActionStatus.DONE,
    }


def build_context(
    ws: Workspace, incident: Incident, plan: Plan, *, seq: int, now: dt.datetime
) -> dict[str, Any]:
    """Everything a template may use; only client-visible material is in it."""
    lead = incident.team.lead if incident.team else None
    if lead is None:
        raise InputError(
            f"{incident.id} has no project lead (team.lead): every update is signed by one",
            hint="add team.lead with name, email and phone to the incident or to meptool.yaml",
        )
    visible = [a for a in incident.corrective_plan if a.client_visible]
    impact = incident.impact
    rc = incident.root_cause
    sched = incident.schedule_impact
    schedule = None
    if sched and (sched.delay_days or sched.budget_impact or sched.new_delivery_date):
        schedule = {
            "delay_days": sched.delay_days,
            "budget_impact": sched.budget_impact,
            "new_delivery_date": sched.new_delivery_date,
            "agreement": (sched.client_agreement or Agreement.PENDING).value,
        }
    corrective = [_action(a) for a in visible if a.type == ActionType.CORRECTIVE]
    open_fix = any(not a["done"] for a in corrective)
    mitigated = incident.status in (Status.MITIGATED, Status.RESOLVED, Status.CLOSED)
    experts = recipients(incident, Audience.DOMAIN_EXPERTS)
    return {
        "lang": plan.language,
        "timezone": ws.config.timezone,
        "now": now,
        "kind": plan.kind,
        "audience": plan.audience.value,
        "seq": seq,
        "number": plan.number,
        "incident": {
            "id": incident.id,
            "title": incident.title,
            "severity": incident.severity.value,
            "status": incident.status.value,
            "project": incident.project or ws.config.project,
            "detected_at": incident.detected_at,
        },
        "client": {"name": incident.client.name if incident.client else None},
        "recipients": [
            {"name": c.name, "first_name": first_name(c), "role": c.role} for c in plan.recipients
        ],
        "experts": [{"name": c.name, "first_name": first_name(c)} for c in experts],
        "lead": {"name": lead.name, "email": lead.email, "phone": lead.phone},
        "release": {
            "version": _version(incident.release.version if incident.release else None),
            "deployed_at": incident.release.deployed_at if incident.release else None,
        },
        "statement": incident.acknowledgement.statement if incident.acknowledgement else None,
        "impact": {
            "summary": impact.summary if impact else None,
            "users_affected": impact.users_affected if impact else None,
            "started_at": impact.started_at if impact else None,
            "ended_at": impact.ended_at if impact else None,
        },
        "mitigated": mitigated,
        "resolved": incident.status in (Status.RESOLVED, Status.CLOSED),
        "cause": {
            "summary": rc.summary if rc else None,
            "escape": rc.escape if rc else None,
        },
        "unknown": {
            "cause": not (rc and rc.summary),
            "end": not mitigated,
            "users": not (impact and impact.users_affected),
            "fix": open_fix,
            "plan": not visible,
        },
        "timeline": [
            {"at": e.at, "text": e.text}
            for e in sorted(incident.timeline, key=lambda e: e.at)
            if e.visibility.value == "client"
        ],
        "corrective": corrective,
        "preventive": [_action(a) for a in visible if a.type == ActionType.PREVENTIVE],
        "schedule": schedule,
        "next_update": plan.next_update,
    }


def plan_update(ws: Workspace, incident: Incident, audience: Audience, language: str) -> Plan:
    """Decide the variant, the recipients and the next promised update."""
    kind = kind_of(incident, audience)
    sent = [c for c in incident.communications if c.sent_at and _reaches(c, audience)]
    return Plan(
        kind=kind,
        audience=audience,
        language=language,
        recipients=recipients(incident, audience),
        next_update=next_update(ws, incident, kind),
        number=len(sent) + 1,
    )


def _version(value: str | None) -> str | None:
    """'v2.3.0' reads '2.3.0' after the word 'version'."""
    if value and len(value) > 1 and value[0] in "vV" and value[1].isdigit():
        return value[1:]
    return value


_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_BEFORE = re.compile(r" ([;:!?»])")
_AFTER = re.compile(r"« ")
_UNIT = re.compile(r"(?<=\d) (?=(h|jours?|heures?|minutes?)\b)|(?<=\d h) (?=\d)")


def typo_fr(text: str) -> str:
    """French typography: narrow no-break space before ; : ! ? », after «; curly apostrophes."""
    text = _APOSTROPHE.sub("’", text)
    text = _BEFORE.sub("\u202f\\1", text)
    text = _UNIT.sub("\u00a0", text)  # never break "18 h 40" or "3 jours" across lines
    return _AFTER.sub("«\u202f", text)
