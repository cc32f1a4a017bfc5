"""The command that naturally follows each step, and who has heard nothing yet.

Every step of the walk-through ends with one "Next:" line; after a draft or a
send, a note names the contacts no update has reached yet (a decision-makers
update that says "j'en adresse le détail technique à Paul Durand" must not
leave Paul Durand without one).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from meptool.model.enums import ActionStatus, ActionType, Audience, ContactKind, Status

if TYPE_CHECKING:
    from meptool.model.incident import Incident

_AUDIENCE_OF = {
    ContactKind.DECISION_MAKER: Audience.DECISION_MAKERS,
    ContactKind.DOMAIN_EXPERT: Audience.DOMAIN_EXPERTS,
}


def _draft(incident_id: str) -> str:
    return f"'meptool update draft {incident_id}'"


def after(step: str, incident: Incident, *, require_approval: bool = True) -> str:
    """The "Next:" line after `step` (ack, note, rootcause, plan, action, status, draft…)."""
    i = incident.id
    told = bool(incident.communications)
    if step == "ack":
        if not told:
            return (
                f"tell the client now with {_draft(i)}, then find the cause with "
                f"'meptool incident rootcause {i}'."
            )
        return f"find the cause with 'meptool incident rootcause {i}'."
    if step == "rootcause":
        return f"plan the fix with 'meptool incident plan {i}'."
    if step == "plan":
        return f"tell the client the plan with {_draft(i)}."
    if step == "note":
        return f"'meptool incident show {i}', or tell the client with {_draft(i)}."
    if step == "action":
        if incident.corrective_plan and all(
            a.status == ActionStatus.DONE
            for a in incident.corrective_plan
            if a.type.value == "corrective"
        ):
            return f"the fix is done: 'meptool incident status {i} resolved'."
        return f"follow the plan with 'meptool incident show {i}'."
    if step == "status":
        if incident.status is Status.RESOLVED:
            open_fix = [
                a.id
                for a in incident.corrective_plan
                if a.type is ActionType.CORRECTIVE and a.status is not ActionStatus.DONE
            ]
            if open_fix:  # the resolution will say the fix is in production
                return (
                    f"mark the fix done with 'meptool incident action {i} {open_fix[0]} "
                    f"--status done', then tell the client with {_draft(i)}."
                )
        if incident.status in (Status.MITIGATED, Status.RESOLVED):
            return f"tell the client with {_draft(i)}."
        if incident.status == Status.CLOSED:
            return f"learn from it with 'meptool retro report {i}'."
        return f"tell the client with {_draft(i)}."
    if step == "draft":
        if require_approval:
            return f"a colleague checks and approves it: 'meptool update approve {i} --by NAME'."
        return f"send it with 'meptool update send {i}'."
    if step == "approve":
        return f"send it with 'meptool update send {i}'."
    if step == "send":
        if incident.status in (Status.RESOLVED, Status.CLOSED):
            return f"ask the client how we did: 'meptool feedback record {i} --csat N'."
        return f"the next update with {_draft(i)} before the time promised."
    return f"'meptool incident show {i}'."


def unreached(incident: Incident) -> list[str]:
    """One note per audience whose contacts no update (drafted or sent) reaches yet."""
    notes = []
    contacts = incident.client.contacts if incident.client else []
    for kind, audience in _AUDIENCE_OF.items():
        people = [c.name for c in contacts if c.kind == kind and c.email]
        if not people:
            continue
        reached = any(c.audience in (audience, Audience.ALL) for c in incident.communications)
        if not reached:
            names = ", ".join(people)
            verb = "have" if len(people) > 1 else "has"
            notes.append(
                f"{names} ({kind.value.replace('-', ' ')}) {verb} no update yet: "
                f"'meptool update draft {incident.id} --audience {audience.value}'."
            )
    return notes


def missing_for_update(incident: Incident) -> list[str]:
    """What the incident (with the workspace's defaults) still lacks for a first e-mail."""
    out = []
    lead = incident.team.lead if incident.team else None
    if lead is None:
        out.append('no project lead signs the updates yet: meptool init --lead "Your Name"')
    elif not lead.email:
        out.append("the lead has no e-mail address yet: meptool init --lead-email ADDRESS")
    contacts = incident.client.contacts if incident.client else []
    if not any(c.email for c in contacts):
        out.append(
            "no client contact with an e-mail address yet: "
            "meptool init --contact 'Name <email>; role; decision-maker'"
        )
    return out
