"""The incident lifecycle: status moves, the acknowledgement, timeline notes.

open → acknowledged → mitigated → resolved → closed. Moving forward may skip
steps (a fix can land before anyone wrote "mitigated"); moving backward, or
leaving `closed`, needs `force`. Every change leaves a timeline entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from meptool.errors import InputError
from meptool.model.enums import EntryKind, Language, Status, Visibility

if TYPE_CHECKING:
    from meptool.files.store import Editor
    from meptool.model.incident import Incident

ORDER = (Status.OPEN, Status.ACKNOWLEDGED, Status.MITIGATED, Status.RESOLVED, Status.CLOSED)

# Words meptool writes into the timeline itself, in the incident's language. They are
# the team's log: client documents tell these entries from their data (kind, status).
TEXTS = {
    Language.FR: {
        "status": "Statut : {old} → {new}",
        "ack": "Incident reconnu par {by}",
        "ack_again": "Déclaration de reconnaissance révisée par {by}",
    },
    Language.EN: {
        "status": "Status: {old} → {new}",
        "ack": "Incident acknowledged by {by}",
        "ack_again": "Acknowledgement statement revised by {by}",
    },
}


def language(incident: Incident, default: Language = Language.FR) -> Language:
    """The language of the incident's client documents."""
    return incident.language or default


def text(incident: Incident, key: str, **values: object) -> str:
    """One of meptool's timeline phrases, in the incident's language."""
    lang = language(incident)
    words = {k: _word(lang, v) for k, v in values.items()}
    return TEXTS[lang][key].format(**words)


def _word(lang: Language, value: object) -> object:
    """A status value in the log's language ('mitigated' → 'contourné')."""
    from meptool.labels import LABELS

    if isinstance(value, Status):
        return LABELS[lang.value]["status"][value.value]
    return value


def check_at(
    incident: Incident, at: dt.datetime | None, now: dt.datetime, what: str
) -> dt.datetime:
    """When a step happened (default now): never in the future, never before the deploy
    or the detection (SPEC.md 3 *(v2)* `--at`)."""
    if at is None:
        return now
    if at > now + dt.timedelta(minutes=1):
        raise InputError(
            f"--at {at.isoformat()}: {what} cannot be in the future "
            f"(it is now {now:%Y-%m-%d %H:%M})",
            hint="give the time it happened, e.g. --at 18:40, or leave --at out for now",
        )
    release = incident.release.deployed_at if incident.release else None
    if release is not None and at < release:
        raise InputError(
            f"--at {at.isoformat()}: {what} cannot come before the deploy ({release.isoformat()})",
            hint="check the time, or correct release.deployed_at",
        )
    if incident.detected_at is not None and at < incident.detected_at:
        raise InputError(
            f"--at {at.isoformat()}: {what} cannot come before the detection "
            f"({incident.detected_at.isoformat()})",
            hint="check the time, or correct detected_at",
        )
    return at


def allowed_moves(current: Status) -> list[Status]:
    """The statuses reachable from `current` without --force: any later one."""
    return list(ORDER[ORDER.index(current) + 1 :])


def check_move(current: Status, new: Status, *, force: bool = False) -> None:
    """Refuse (InputError, exit 1) a move the lifecycle does not allow, naming the allowed ones."""
    if new == current:
        raise InputError(f"the incident is already {current.value}", hint=_allowed_hint(current))
    if force or new in allowed_moves(current):
        return
    raise InputError(
        f"cannot move from {current.value} back to {new.value}",
        hint=_allowed_hint(current) + "; to go back anyway, add --force",
    )


def _allowed_hint(current: Status) -> str:
    allowed = allowed_moves(current)
    if not allowed:
        return f"{current.value} is the last status: no move forward is left"
    return f"allowed moves from {current.value}: {', '.join(s.value for s in allowed)}"


def move(
    ed: Editor,
    new: Status,
    *,
    force: bool = False,
    note: str | None = None,
    visibility: Visibility = Visibility.INTERNAL,
    by: str | None = None,
    at: dt.datetime | None = None,
) -> Status:
    """Move the incident to `new` and log it as data (kind, status, note); return the old one."""
    old = ed.incident.status
    check_move(old, new, force=force)
    when = check_at(ed.incident, at, ed.ws.now(), "a status change")
    ed.set("status", value=new)
    ed.entry(
        text(ed.incident, "status", old=old, new=new),
        kind=EntryKind.STATUS,
        visibility=visibility.value,
        status=new,
        by=by,
        at=when,
        note=note,
        old_status=old,
    )
    return old


@dataclass(frozen=True)
class Acknowledged:
    """What `acknowledge` did."""

    moved: bool
    update_due: dt.datetime | None
    due_recorded: bool


def acknowledge(
    ed: Editor, *, by: str, statement: str, at: dt.datetime | None = None
) -> Acknowledged:
    """Record who owned the error, when and in which words; move an open incident on.

    The first client update falls due under the workspace cadence; that time is
    recorded as `next_update_due` unless a promise is already there.
    """
    from meptool.incident.registry import update_due

    inc = ed.incident
    when = check_at(inc, at, ed.ws.now(), "the acknowledgement")
    again = inc.acknowledgement is not None
    ed.set("acknowledgement", value={"at": when, "by": by, "statement": statement})
    moved = inc.status == Status.OPEN
    if moved:
        ed.set("status", value=Status.ACKNOWLEDGED)
    ed.entry(
        text(inc, "ack_again" if again else "ack", by=by),
        kind=EntryKind.ACKNOWLEDGEMENT,
        status=Status.ACKNOWLEDGED if moved else None,
        by=by,
        at=when,
    )
    due = update_due(ed.ws, inc)
    if due is not None:  # said as people say it, and still inside the cadence
        from meptool.timeutil import floor_quarter

        due = floor_quarter(due)
    recorded = False
    if inc.next_update_due is None and due is not None:
        ed.set("next_update_due", value=due)
        recorded = True
    return Acknowledged(moved=moved, update_due=due, due_recorded=recorded)


def add_note(
    ed: Editor,
    note: str,
    *,
    at: dt.datetime | None = None,
    visibility: Visibility = Visibility.INTERNAL,
    by: str | None = None,
) -> None:
    """Add a timeline entry: internal unless someone decided the client should read it.

    A note may tell what happened before the detection, never before the deploy.
    """
    release = ed.incident.release.deployed_at if ed.incident.release else None
    if at is not None and release is not None and at < release:
        raise InputError(
            f"--at {at.isoformat()}: a note cannot come before the deploy ({release.isoformat()})",
            hint="check the time, or correct release.deployed_at",
        )
    ed.entry(note, kind=EntryKind.NOTE, visibility=visibility.value, by=by, at=at)


def draft_statement(incident: Incident) -> str:
    """A first acknowledgement, in the incident's language, for the lead to edit.

    It names the release, says what the client sees in plain words, and owns
    the error without excuses or names.
    """
    rel = incident.release.version if incident.release and incident.release.version else None
    if rel and rel[:1] in "vV" and rel[1:2].isdigit():
        rel = rel[1:]  # « la version 2.3.0 », not « la version v2.3.0 »
    impact = incident.impact.summary if incident.impact and incident.impact.summary else None
    users = incident.impact.users_affected if incident.impact else None
    what = _clause(impact or incident.title)
    if users:
        what += f" ({users.strip().rstrip('.')})"
    if language(incident) == Language.EN:
        release = f"The release of version {rel}" if rel else "Our latest release"
        return (
            f"{release} to production caused an incident: {what}. "
            "This is our mistake and we take full responsibility for it. "
            "Our whole team is working to restore the service, "
            "and we will keep you informed at every step."
        )
    release = (
        f"La mise en production de la version {rel}" if rel else "Notre dernière mise en production"
    )
    return (
        f"{release} a provoqué un incident : {what}. "
        "C'est notre erreur et nous en prenons la responsabilité. "
        "Toute notre équipe est mobilisée pour rétablir le service, "
        "et nous vous tiendrons informés à chaque étape."
    )


def _clause(sentence: str) -> str:
    """A sentence made to follow a colon: no final stop, lower-case start unless an acronym."""
    out = " ".join(sentence.split()).rstrip(" .!")
    if len(out) > 1 and out[0].isupper() and not out[1].isupper():
        out = out[0].lower() + out[1:]
    return out
