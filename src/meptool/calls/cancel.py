"""`call cancel`: a planned call that will not take place, and the calendars told so.

When an invitation was made (the call has a UID), `NNN-cancel.ics` is its
`METHOD:CANCEL` (same UID, next SEQUENCE, `STATUS:CANCELLED`); with `eml` the
cancellation mail is logged in `communications` and goes through `update
check`, `approve` and `send` like the invitation did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from meptool.calls.core import CALLS, language_of, pick_call, put_back, say, write_files
from meptool.errors import InputError, NotFoundError, UsageError
from meptool.files.workspace import Workspace
from meptool.model.enums import Audience, CallStatus, CommStatus, EntryKind, Language
from meptool.model.incident import Call, Incident
from meptool.updates.check import Finding

FORMATS = ("ics", "eml")


@dataclass
class Cancelled:
    """What `call cancel` made."""

    seq: int
    files: list[Path]
    warnings: list[str] = field(default_factory=list)
    comm_seq: int | None = None
    subject: str | None = None
    findings: list[Finding] = field(default_factory=list)

    def as_dict(self, ws: Workspace) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "call": self.seq,
            "files": [ws.display(p) for p in self.files],
            "warnings": self.warnings,
            "update_seq": self.comm_seq,
            "subject": self.subject,
            "findings": [f.as_dict() for f in self.findings],
        }


def parse_formats(value: str | None) -> list[str]:
    """`ics,eml` as a checked list (default ics)."""
    wanted = [f.strip().lower().lstrip(".") for f in (value or "ics").split(",") if f.strip()]
    bad = [f for f in wanted if f not in FORMATS]
    if bad or not wanted:
        raise UsageError(
            f"--format {value}: unknown format {', '.join(bad) or '(none)'}",
            hint="choose among ics, eml, e.g. --format ics,eml",
        )
    if "eml" in wanted and "ics" not in wanted:
        wanted.append("ics")
    return list(dict.fromkeys(wanted))


def _target(incident: Incident, seq: int | None) -> tuple[int, Call]:
    if seq is not None:
        return pick_call(incident, seq)
    planned = [(i, c) for i, c in enumerate(incident.calls) if c.status is CallStatus.PLANNED]
    if not planned:
        raise NotFoundError(
            f"{incident.id} has no planned call to cancel",
            hint=f"see its calls with: meptool call list {incident.id}",
        )
    return max(planned, key=lambda p: p[1].seq)


def cancel(
    ws: Workspace,
    incident_id: str,
    *,
    seq: int | None = None,
    formats: list[str] | None = None,
    reason: str | None = None,
    language: Language | None = None,
) -> Cancelled:
    """Mark a planned call cancelled and write the cancellation of its invitation."""
    from meptool.calls import brief, invite
    from meptool.files import store
    from meptool.updates.drafts import check_comm, fingerprint, pick, relative
    from meptool.updates.render import environment

    formats = formats or ["ics"]
    before: dict[Path, bytes | None] = {}
    try:
        with store.edit(ws, incident_id) as ed:
            incident = ed.incident
            index, call = _target(incident, seq)
            if call.status is not CallStatus.PLANNED:
                raise InputError(
                    f"call {call.seq} of {incident_id} is {call.status.value}: only a planned "
                    "call can be cancelled"
                )
            lang = language_of(ws, incident, language)
            gone = call.model_copy(
                update={"sequence": call.sequence + 1, "status": CallStatus.CANCELLED}
            )
            result = Cancelled(call.seq, [])
            contents: dict[str, tuple[Path, bytes]] = {}
            message_id = None
            if call.uid is None:
                result.warnings.append("no invitation was made for this call: no calendar to tell")
            else:
                env = environment(ws)
                context = {**brief.invitation_context(ws, incident, gone, lang), "reason": reason}
                ics = invite.calendar(ws, env, incident, gone, context, method="CANCEL")
                folder = ws.incident_dir(incident_id) / CALLS
                stem = f"{call.seq:03d}-cancel"
                contents["ics"] = (folder / f"{stem}.ics", ics.encode("utf-8"))
                if "eml" in formats:
                    result.comm_seq = max((c.seq for c in incident.communications), default=0) + 1
                    raw, result.subject, message_id = invite.mail(
                        ws, env, incident, context, ics, comm_seq=result.comm_seq, method="CANCEL"
                    )
                    contents["eml"] = (folder / f"{stem}.eml", raw)
            result.files = write_files(ws, contents, before)
            names = [relative(ws, p) for p in result.files]
            ed.set("calls", index, "status", value=CallStatus.CANCELLED)
            ed.set("calls", index, "sequence", value=gone.sequence)
            if names:
                ed.set("calls", index, "files", value=[*call.files, *names])
            if result.comm_seq is not None:
                mail_files = [relative(ws, contents[k][0]) for k in ("eml", "ics")]
                ed.append(
                    "communications",
                    item={
                        "seq": result.comm_seq,
                        "at": ws.now(),
                        "audience": Audience.ALL,
                        "language": lang,
                        "subject": result.subject,
                        "files": mail_files,
                        "sha256": fingerprint(ws, mail_files),
                        "status": CommStatus.DRAFT,
                        "message_id": message_id,
                        "call": call.seq,
                    },
                )
            why_fr = f" : {reason}" if reason else ""
            why_en = f": {reason}" if reason else ""
            ed.entry(
                say(
                    incident,
                    f"Appel n° {call.seq} annulé{why_fr}",
                    f"Client call {call.seq} cancelled{why_en}",
                ),
                kind=EntryKind.CALL,
                # The client reads the cancellation (and its reason) when it is mailed.
                visibility="client" if result.comm_seq is not None else "internal",
            )
    except BaseException:
        put_back(before)
        raise
    if result.comm_seq is not None and ed.result is not None:
        result.findings = check_comm(ws, ed.result, pick(ed.result, result.comm_seq))
    return result
