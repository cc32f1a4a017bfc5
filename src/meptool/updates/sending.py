"""`update send` and `update list`: hand an approved draft to SMTP, then log it.

Nothing is marked sent that was not: the SMTP conversation happens while the
incident file is locked, and the file is written only once the server has
accepted the message for at least one recipient.

Nor is an update sent twice by accident: before talking to the server, `deliver`
leaves a note in `.meptool/sending/`, removed once the result is recorded (or
the server refused the message). A note still there means a send stopped —
killed, or the file could not be written — after the message may have reached
the client; `prepare` then refuses until someone checks and passes `resend`.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import os
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from meptool.errors import InputError
from meptool.files.store import Snapshot
from meptool.files.workspace import Workspace
from meptool.model.enums import CommStatus, EntryKind
from meptool.model.incident import Communication, Incident
from meptool.updates.check import Finding
from meptool.updates.drafts import check_comm, fingerprint, index, pick, resolve, state


@dataclass
class Preview:
    """What `send` is about to do, checked; shown before asking for confirmation."""

    incident: Incident
    snapshot: Snapshot
    comm: Communication
    message: EmailMessage
    sender: str
    recipients: list[str]
    findings: list[Finding]
    blocking: list[Finding] = field(default_factory=list)


@dataclass
class Sent:
    """What the server accepted."""

    seq: int
    message_id: str
    accepted: list[str]
    refused: dict[str, str]
    next_update: dt.datetime | None


def interrupted_note(ws: Workspace, incident_id: str, seq: int) -> Path:
    """Where `deliver` notes a send under way (see the module's text)."""
    return ws.state_dir / "sending" / f"{incident_id}-{seq:03d}.json"


def prepare(
    ws: Workspace, incident_id: str, *, seq: int | None, force: bool, resend: bool = False
) -> Preview:
    """Every refusal of SPEC.md 4 before anything leaves: unsent, approved, unchanged, clean."""
    from meptool.files import store
    from meptool.updates import mail

    incident, snapshot = store.read(ws, incident_id)
    comm = pick(incident, seq)
    ref = f"update {comm.seq} of {incident_id}"
    if comm.status == CommStatus.SENT:
        raise InputError(
            f"{ref} was already sent on {comm.sent_at}",
            hint=f"draft a new one with: meptool update draft {incident_id}",
        )
    interrupted = _read_note(interrupted_note(ws, incident_id, comm.seq))
    if interrupted is not None and not resend:
        raise InputError(
            f"{ref} may already have reached {interrupted.get('to') or 'the client'}: a send "
            f"started at {interrupted.get('at', '?')} stopped before recording the result",
            hint="ask a recipient or check the mail server's log; if it did not arrive, "
            f"send it again with: meptool update send {incident_id} --seq {comm.seq} --resend",
        )
    eml = [f for f in comm.files if f.endswith(".eml")]
    if not eml:
        raise InputError(
            f"{ref} has no .eml file to send",
            hint=f"draft it with --format eml: meptool update draft {incident_id} --format eml,md",
        )
    current = fingerprint(ws, comm.files)
    if ws.config.require_approval:
        if not comm.approved_sha256:
            raise InputError(
                f"{ref} is not approved; nobody has signed it off",
                hint=f"a colleague approves it with: meptool update approve {incident_id} "
                f"--seq {comm.seq} --by NAME",
            )
        if current != comm.approved_sha256:
            raise InputError(
                f"{ref} changed after {comm.approved_by} approved it; the approval is void",
                hint=f"have it approved again: meptool update approve {incident_id} "
                f"--seq {comm.seq} --by NAME",
            )
    findings = check_comm(ws, incident, comm)
    blocking = [f for f in findings if f.blocking]
    if blocking and not force:
        listed = "\n".join(f"  {f}" for f in blocking)
        raise InputError(
            f"{ref} fails the check; nothing was sent:\n{listed}",
            hint="fix the draft (then approve it again), or send anyway with --force "
            "(logged in check_overrides)",
        )
    message = mail.read(resolve(ws, eml[0]))
    recipients = mail.recipients_of(message)
    if not recipients:
        raise InputError(f"{eml[0]} has no recipient (To)")
    sender = email.utils.parseaddr(str(message.get("From", "")))[1]
    return Preview(incident, snapshot, comm, message, sender, recipients, findings, blocking)


def smtp_settings(ws: Workspace) -> Any:
    """SMTP settings from meptool.yaml; the password only from the named variable."""
    from meptool.updates.mail import SmtpSettings

    smtp = ws.config.smtp
    if smtp is None:
        raise InputError(
            "meptool.yaml has no smtp section: meptool does not know which server to use",
            hint="add smtp: {host: smtp.example.com, port: 587, username: ..., "
            "password_env: MEPTOOL_SMTP_PASSWORD}, or try --dry-run",
        )
    password = None
    if smtp.password_env:
        password = os.environ.get(smtp.password_env)
        if password is None:
            raise InputError(
                f"the SMTP password variable {smtp.password_env} is not set",
                hint=f"export {smtp.password_env}=... (passwords are never stored in files)",
            )
    elif smtp.username:
        raise InputError(
            "smtp.username is set but smtp.password_env is not",
            hint="name the environment variable holding the password: password_env: "
            "MEPTOOL_SMTP_PASSWORD",
        )
    from meptool.secret import register

    register(password, username=smtp.username)
    return SmtpSettings(
        host=smtp.host,
        port=smtp.port,
        starttls=smtp.starttls,
        ssl=smtp.ssl,
        username=smtp.username,
        password=password,
        timeout=smtp.timeout,
    )


def deliver(ws: Workspace, preview: Preview, *, by: str | None = None) -> Sent:
    """Send the previewed message and log it; nothing is written when sending fails."""
    from meptool.files import store
    from meptool.updates import mail

    settings = smtp_settings(ws)
    incident = preview.incident
    comm = preview.comm
    note = interrupted_note(ws, incident.id, comm.seq)
    with store.edit(ws, incident.id, expected=preview.snapshot) as ed:
        now = ws.now()
        message = preview.message
        # The Date is the moment it leaves, not the moment it was drafted; the
        # approved words and the Message-ID are untouched.
        del message["Date"]
        message["Date"] = email.utils.format_datetime(now)
        _write_note(note, {"at": now.isoformat(), "to": ", ".join(preview.recipients)})
        try:
            delivery = mail.send(settings, message, preview.sender, preview.recipients)
        except InputError:  # the server did not take it: nothing to fear next time
            note.unlink(missing_ok=True)
            raise
        i = index(ed.incident, comm)
        message_id = str(message.get("Message-ID", comm.message_id or ""))
        ed.set("communications", i, "status", value=CommStatus.SENT)
        ed.set("communications", i, "sent_at", value=now)
        ed.set("communications", i, "recipients", value=delivery.accepted)
        if delivery.refused:
            ed.set(
                "communications",
                i,
                "refused_recipients",
                value=[f"{a}: {r}" for a, r in delivery.refused.items()],
            )
        if message_id:
            ed.set("communications", i, "message_id", value=message_id)
        if preview.blocking:
            overrides = [o.model_dump(exclude_none=True) for o in comm.check_overrides]
            override: dict[str, Any] = {"at": now, "by": by or _lead(incident)}
            override["findings"] = [str(f) for f in preview.blocking]
            ed.set("communications", i, "check_overrides", value=[*overrides, override])
        if comm.next_update_at:
            ed.set("next_update_due", value=comm.next_update_at)
        ed.entry(
            _sent_text(comm.language.value, _names(message, delivery.accepted)),
            kind=EntryKind.UPDATE,
            visibility="client",
            by=by or _lead(incident),
            at=now,
        )
    note.unlink(missing_ok=True)  # recorded: the file says it was sent
    return Sent(comm.seq, message_id, delivery.accepted, delivery.refused, comm.next_update_at)


def _write_note(path: Path, content: dict[str, str]) -> None:
    from meptool.files.store import atomic_write

    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, json.dumps(content, ensure_ascii=False).encode("utf-8"))


def _read_note(path: Path) -> dict[str, Any] | None:
    """The note of an interrupted send; a damaged note still counts as one."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError:
        return {}
    try:
        found = json.loads(text)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _lead(incident: Incident) -> str | None:
    return incident.team.lead.name if incident.team and incident.team.lead else None


def _names(message: EmailMessage, accepted: list[str]) -> list[str]:
    pairs = email.utils.getaddresses([str(v) for v in message.get_all("To", [])])
    return [name or addr for name, addr in pairs if addr in accepted]


def _sent_text(language: str, names: list[str]) -> str:
    who = ", ".join(names)
    if language == "fr":
        return f"Point de situation envoyé à {who}."
    return f"Update sent to {who}."


@dataclass
class ListRow:
    """One line of `update list`."""

    seq: int
    audience: str
    language: str
    status: str
    subject: str
    at: dt.datetime
    approved_by: str | None
    sent_at: dt.datetime | None
    recipients: list[str]
    refused: list[str]
    files: list[str]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "seq": self.seq,
            "audience": self.audience,
            "language": self.language,
            "status": self.status,
            "subject": self.subject,
            "drafted_at": self.at.isoformat(),
            "approved_by": self.approved_by,
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
            "recipients": self.recipients,
            "refused_recipients": self.refused,
            "files": self.files,
        }


def list_updates(ws: Workspace, incident_id: str) -> list[ListRow]:
    """Every update of an incident, with its status as it stands on disk."""
    from meptool.files import store

    incident, _ = store.read(ws, incident_id)
    return [
        ListRow(
            seq=c.seq,
            audience=c.audience.value,
            language=c.language.value,
            status=state(ws, c),
            subject=c.subject,
            at=c.at,
            approved_by=c.approved_by,
            sent_at=c.sent_at,
            recipients=list(c.recipients),
            refused=list(c.refused_recipients),
            files=list(c.files),
        )
        for c in sorted(incident.communications, key=lambda c: c.seq)
    ]
