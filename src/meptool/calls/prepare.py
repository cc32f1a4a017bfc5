"""`call prepare`: the lead's brief and the invitation of a client call.

It writes `incidents/<ID>/calls/NNN-brief.md`/`.html` (internal) and
`NNN-invite.ics`; with `eml`, the invitation mail is logged in
`communications` (with `call: NNN`) and then goes through `update check`,
`approve` and `send` like an update. Everything is rendered and checked before
the first byte is written; files written before a failure are put back as they
were. A call planned again keeps its UID and gets the next SEQUENCE; its new
invitation files are `NNN-invite-<version>.ics`/`.eml`, so that an invitation
already approved or sent keeps its bytes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from meptool.calls.core import (
    CALLS,
    DEFAULT_DURATION,
    DEFAULT_FORMATS,
    all_contacts,
    default_time,
    language_of,
    parse_duration,
    parse_time,
    pick_call,
    put_back,
    resolve_contacts,
    say,
    write_files,
)
from meptool.errors import InputError, UsageError
from meptool.files.workspace import Workspace
from meptool.model.enums import Audience, CallStatus, CommStatus, EntryKind, Language
from meptool.model.incident import Call, Incident
from meptool.updates.check import Finding


@dataclass
class Prepared:
    """What `call prepare` made."""

    seq: int
    at: dt.datetime
    duration: int
    sequence: int
    uid: str | None
    files: list[Path]
    warnings: list[str] = field(default_factory=list)
    comm_seq: int | None = None
    subject: str | None = None
    recipients: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def as_dict(self, ws: Workspace) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "call": self.seq,
            "at": self.at.isoformat(),
            "duration": self.duration,
            "sequence": self.sequence,
            "uid": self.uid,
            "files": [ws.display(p) for p in self.files],
            "warnings": self.warnings,
            "update_seq": self.comm_seq,
            "subject": self.subject,
            "recipients": self.recipients,
            "findings": [f.as_dict() for f in self.findings],
        }


@dataclass
class _Plan:
    """The call as `prepare` will write it."""

    index: int | None
    old: Call | None
    data: dict[str, Any]
    call: Call
    lang: str
    lead: str | None


@dataclass
class _Files:
    """What `prepare` renders before writing anything."""

    contents: dict[str, tuple[Path, bytes]]
    warnings: list[str]
    recipients: list[str]
    comm_seq: int | None = None
    subject: str | None = None
    message_id: str | None = None


def prepare(
    ws: Workspace,
    incident_id: str,
    *,
    at: str | None = None,
    duration: str | None = None,
    with_: list[str] | None = None,
    ours: list[str] | None = None,
    formats: list[str] | None = None,
    seq: int | None = None,
    language: Language | None = None,
) -> Prepared:
    """Write the brief and the invitation of a new call (or of call `seq`, planned again)."""
    from meptool.files import store
    from meptool.updates.drafts import check_comm, pick

    formats = formats or list(DEFAULT_FORMATS)
    minutes = parse_duration(duration) if duration is not None else None
    when = parse_time(at, ws) if at is not None else None
    if when is not None and when <= ws.now():
        raise UsageError(
            f"--at {at}: {when.isoformat()} is in the past; a call is prepared ahead of time",
            hint=f"to record a call that already took place: meptool call record {incident_id} "
            f"--at '{at}' --heard …",
        )
    before: dict[Path, bytes | None] = {}
    try:
        with store.edit(ws, incident_id) as ed:
            plan = _decide(
                ws,
                ed.incident,
                seq=seq,
                when=when,
                minutes=minutes,
                with_=with_,
                ours=ours,
                language=language,
                ics="ics" in formats,
            )
            made = _render(ws, ed.incident, plan, formats)
            paths = write_files(ws, made.contents, before)
            _log(ws, ed, plan, made, paths)
    except BaseException:
        put_back(before)
        raise
    call = plan.call
    result = Prepared(
        seq=call.seq,
        at=call.at,
        duration=call.duration,
        sequence=call.sequence,
        uid=call.uid,
        files=paths,
        warnings=made.warnings,
        comm_seq=made.comm_seq,
        subject=made.subject,
        recipients=made.recipients,
    )
    if made.comm_seq is not None and ed.result is not None:
        result.findings = check_comm(ws, ed.result, pick(ed.result, made.comm_seq))
    return result


def _decide(
    ws: Workspace,
    incident: Incident,
    *,
    seq: int | None,
    when: dt.datetime | None,
    minutes: int | None,
    with_: list[str] | None,
    ours: list[str] | None,
    language: Language | None,
    ics: bool,
) -> _Plan:
    from meptool.calls import invite

    existing = pick_call(incident, seq) if seq is not None else None
    old = existing[1] if existing else None
    if old is not None and old.status is not CallStatus.PLANNED:
        raise InputError(
            f"call {old.seq} of {incident.id} is {old.status.value}: it cannot be planned again",
            hint=f"prepare a new call: meptool call prepare {incident.id}",
        )
    names = resolve_contacts(incident, with_) if with_ else None
    if names is None:
        names = list(old.with_) if old else all_contacts(incident)
    if not names:
        raise InputError(
            f"{incident.id} has no client contact to invite",
            hint="add the client's contacts under client.contacts, then --with NAME",
        )
    lead = incident.team.lead.name if incident.team and incident.team.lead else None
    our_names = list(dict.fromkeys([*([lead] if lead else []), *(ours or [])]))
    if old and not ours:
        our_names = list(old.attendees_ours) or our_names
    number = old.seq if old else max((c.seq for c in incident.calls), default=0) + 1
    start = when or (old.at if old else default_time(ws))
    length = minutes or (old.duration if old else DEFAULT_DURATION)
    sequence = 0
    if old is not None:
        changed = start != old.at or length != old.duration or names != list(old.with_)
        sequence = old.sequence + 1 if changed else old.sequence
    call_uid = (old.uid if old else None) or (
        invite.uid(incident.id, number, ws.config.mail_domain) if ics else None
    )
    data: dict[str, Any] = {
        "seq": number,
        "at": start,
        "duration": length,
        "with": names,
        "attendees_ours": our_names,
        "status": CallStatus.PLANNED,
        "sequence": sequence,
    }
    if call_uid:
        data["uid"] = call_uid
    call = Call.model_validate(data, context={"tz": ws.tz})
    index = existing[0] if existing else None
    return _Plan(index, old, data, call, language_of(ws, incident, language), lead)


def _render(ws: Workspace, incident: Incident, plan: _Plan, formats: list[str]) -> _Files:
    from meptool.calls import brief, invite
    from meptool.updates.render import environment, render_html_page, render_markdown

    call, lang = plan.call, plan.lang
    env = environment(ws)
    folder = ws.incident_dir(incident.id) / CALLS
    stem = f"{call.seq:03d}"
    version = f"-{call.sequence + 1}" if call.sequence else ""
    invitation = brief.invitation_context(ws, incident, call, lang)
    made = _Files({}, [], [f"{p['name']} <{p['email']}>" for p in invitation["recipients"]])
    if "ics" in formats:
        made.warnings = [
            f"{p['name']} has no e-mail address: left out of the invitation's attendees "
            "(add one under client.contacts)"
            for p in invitation["theirs"]
            if not p["email"]
        ]
    if "md" in formats or "html" in formats:
        context = brief.brief_context(ws, incident, call, lang)
        md = render_markdown(env, f"calls/{lang}/brief.md.j2", context)
        if "md" in formats:
            made.contents["md"] = (folder / f"{stem}-brief.md", md.encode("utf-8"))
        if "html" in formats:
            title = _brief_title(incident, call.seq, lang)
            page = render_html_page(env, "calls/brief.html.j2", md, {**context, "title": title})
            made.contents["html"] = (folder / f"{stem}-brief.html", page.encode("utf-8"))
    if "ics" in formats:
        ics = invite.calendar(ws, env, incident, call, invitation)
        made.contents["ics"] = (folder / f"{stem}-invite{version}.ics", ics.encode("utf-8"))
        if "eml" in formats:
            made.comm_seq = max((c.seq for c in incident.communications), default=0) + 1
            raw, made.subject, made.message_id = invite.mail(
                ws, env, incident, invitation, ics, comm_seq=made.comm_seq
            )
            made.contents["eml"] = (folder / f"{stem}-invite{version}.eml", raw)
    return made


def _log(ws: Workspace, ed: Any, plan: _Plan, made: _Files, paths: list[Path]) -> None:
    from meptool.updates.drafts import fingerprint, relative

    call, incident = plan.call, ed.incident
    files = [relative(ws, p) for p in paths]
    if plan.old is not None and plan.old.sequence == call.sequence:
        # same time, length and people: the files not written again are still current
        kinds = {Path(f).suffix for f in files}
        files += [f for f in plan.old.files if Path(f).suffix not in kinds and f not in files]
    item = {**plan.data, "files": files}
    if plan.index is None:
        ed.append("calls", item=item)
    else:
        for key in ("at", "duration", "with", "attendees_ours", "files", "sequence"):
            ed.set("calls", plan.index, key, value=item[key])
        if call.uid and plan.old is not None and not plan.old.uid:
            ed.set("calls", plan.index, "uid", value=call.uid)
    if made.comm_seq is not None:
        mail_files = [relative(ws, made.contents[k][0]) for k in ("eml", "ics")]
        ed.append(
            "communications",
            item={
                "seq": made.comm_seq,
                "at": ws.now(),
                "audience": Audience.ALL,
                "language": plan.lang,
                "subject": made.subject,
                "files": mail_files,
                "sha256": fingerprint(ws, mail_files),
                "status": CommStatus.DRAFT,
                "message_id": made.message_id,
                "call": call.seq,
            },
        )
    local = call.at.astimezone(ws.tz).strftime("%Y-%m-%d %H:%M")
    n, length = call.seq, call.duration
    if plan.old is None:
        text = say(
            incident,
            f"Appel n° {n} avec le client préparé pour le {local} ({length} min)",
            f"Client call {n} prepared for {local} ({length} min)",
        )
    else:
        text = say(
            incident,
            f"Appel n° {n} replanifié au {local} ({length} min)",
            f"Client call {n} planned again for {local} ({length} min)",
        )
    ed.entry(text, kind=EntryKind.CALL, by=plan.lead)


def _brief_title(incident: Incident, seq: int, lang: str) -> str:
    if lang == "fr":
        return f"Préparation de l’appel n° {seq} — {incident.id}"
    return f"Call {seq} brief — {incident.id}"
