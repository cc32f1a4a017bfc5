"""The corrective plan: actions with IDs, owners and dates, and the schedule/budget impact.

A delay is stated, never hidden: every change to the plan is logged in the
timeline, and the plan always reports its total effort and the new date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from meptool.errors import NotFoundError
from meptool.incident.lifecycle import language
from meptool.model.enums import ActionStatus, ActionType, Agreement, EntryKind, Language

if TYPE_CHECKING:
    from meptool.files.store import Editor
    from meptool.model.incident import Action, Incident

TEXTS = {
    Language.FR: {
        "added": "Action {id} ajoutée au plan ({type}) : {action}",
        "schedule": "Impact planning/budget mis à jour : {what}",
        "delay": "retard de {days:g} jour(s)",
        "date": "nouvelle date de livraison {date}",
        "budget": "budget : {budget}",
        "agreement": "accord du client : {agreement}",
        "action": "Action {id} : {old} → {new}",
    },
    Language.EN: {
        "added": "Action {id} added to the plan ({type}): {action}",
        "schedule": "Schedule/budget impact updated: {what}",
        "delay": "delay of {days:g} day(s)",
        "date": "new delivery date {date}",
        "budget": "budget: {budget}",
        "agreement": "client agreement: {agreement}",
        "action": "Action {id}: {old} → {new}",
    },
}


@dataclass(frozen=True)
class NewAction:
    """An action as the lead describes it; the ID is allocated when it is added."""

    action: str
    type: ActionType = ActionType.CORRECTIVE
    owner: str | None = None
    due: dt.date | None = None
    effort_days: float | None = None
    client_visible: bool = False


@dataclass(frozen=True)
class Schedule:
    """Changes to the schedule/budget impact; None keeps what is there."""

    delay_days: float | None = None
    budget_impact: str | None = None
    new_delivery_date: dt.date | None = None
    client_agreement: Agreement | None = None

    def empty(self) -> bool:
        """Whether nothing would change."""
        return all(v is None for v in vars(self).values())


AGREEMENT_FR = {
    Agreement.PENDING: "en attente",
    Agreement.AGREED: "donné",
    Agreement.REFUSED: "refusé",
}


def whole(value: float | None) -> float | int | None:
    """3.0 written as 3 in the file: people read days, not floats."""
    return int(value) if value is not None and float(value).is_integer() else value


def _say(incident: Incident, key: str, **values: Any) -> str:
    return TEXTS[language(incident)][key].format(**values)


def next_action_ids(incident: Incident, count: int) -> list[str]:
    """`count` fresh IDs after the highest existing one: A1, A2…"""
    highest = max((int(a.id[1:]) for a in incident.corrective_plan), default=0)
    return [f"A{highest + i}" for i in range(1, count + 1)]


def add_actions(ed: Editor, actions: list[NewAction], *, by: str | None = None) -> list[str]:
    """Append actions to the corrective plan (status todo), one timeline entry each."""
    ids = next_action_ids(ed.incident, len(actions))
    for action_id, new in zip(ids, actions, strict=True):
        item: dict[str, Any] = {
            "id": action_id,
            "action": new.action,
            "type": new.type,
            "owner": new.owner,
            "due": new.due,
            "status": ActionStatus.TODO,
            "effort_days": whole(new.effort_days),
            "client_visible": new.client_visible,
        }
        ed.append("corrective_plan", item=item)
        ed.entry(
            _say(ed.incident, "added", id=action_id, type=new.type.value, action=new.action),
            kind=EntryKind.PLAN,
            by=by,
        )
    return ids


def set_schedule(ed: Editor, change: Schedule, *, by: str | None = None) -> bool:
    """Merge the schedule/budget change and log it; False when nothing changed."""
    current = ed.incident.schedule_impact
    fields: dict[str, Any] = {
        "delay_days": whole(change.delay_days),
        "budget_impact": change.budget_impact,
        "new_delivery_date": change.new_delivery_date,
        "client_agreement": change.client_agreement,
    }
    what: list[str] = []
    for key, value in fields.items():
        if value is None or (current is not None and getattr(current, key) == value):
            continue
        ed.set("schedule_impact", key, value=value)
        what.append(_describe(ed.incident, key, value))
    if not what:
        return False
    ed.entry(_say(ed.incident, "schedule", what=", ".join(what)), kind=EntryKind.PLAN, by=by)
    return True


def _describe(incident: Incident, key: str, value: Any) -> str:
    if key == "delay_days":
        return _say(incident, "delay", days=value)
    if key == "new_delivery_date":
        return _say(incident, "date", date=value.isoformat())
    if key == "budget_impact":
        return _say(incident, "budget", budget=value)
    fr = language(incident) == Language.FR
    return _say(incident, "agreement", agreement=AGREEMENT_FR[value] if fr else value.value)


def set_action_status(
    ed: Editor, action_id: str, status: ActionStatus, *, by: str | None = None
) -> ActionStatus:
    """Progress one action and log it; return its previous status."""
    plan = ed.incident.corrective_plan
    index = next((i for i, a in enumerate(plan) if a.id == action_id), None)
    if index is None:
        known = ", ".join(a.id for a in plan) or "none yet"
        raise NotFoundError(
            f"no action {action_id} in the plan of {ed.incident.id}",
            hint=f"actions: {known}; add one with 'meptool incident plan {ed.incident.id}'",
        )
    old = plan[index].status
    if old == status:
        return old
    ed.set("corrective_plan", index, "status", value=status)
    ed.entry(
        _say(ed.incident, "action", id=action_id, old=old.value, new=status.value),
        kind=EntryKind.ACTION,
        by=by,
    )
    return old


def total_effort(actions: list[Action]) -> float:
    """Days of work the plan costs."""
    return sum(a.effort_days or 0 for a in actions)
