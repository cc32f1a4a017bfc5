"""`call prepare`, `call record`, `call list`: the core behind `meptool call`.

`prepare` writes `incidents/<ID>/calls/NNN-brief.md`/`.html` (internal) and
`NNN-invite.ics`; with `eml`, the invitation mail is logged in
`communications` (with `call: NNN`) and then goes through `update check`,
`approve` and `send` like an update. Everything is rendered and checked before
the first byte is written; files written before a failure are removed again.
A call planned again keeps its UID and gets the next SEQUENCE; its new
invitation files are `NNN-invite-<version>.ics`/`.eml`, so that an invitation
already approved or sent keeps its bytes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from meptool.checks import Finding
from meptool.enums import Agreement, Audience, CallStatus, CommStatus, EntryKind, Language, Via
from meptool.errors import InputError, NotFoundError, UsageError
from meptool.model import Call, Incident
from meptool.workspace import Workspace

FORMATS = ("md", "html", "ics", "eml")
DEFAULT_FORMATS = ("md", "html", "ics")
CALLS = "calls"
DEFAULT_DURATION = 30
_DURATION = re.compile(r"^(?:(?P<h>\d{1,2})\s*h)?\s*(?:(?P<m>\d{1,3})\s*(?:m|min|mn)?)?$")
_CLOCK = re.compile(r"^(?:(?P<day>tomorrow|demain)\s+)?(?P<h>\d{1,2})[:h](?P<m>\d{2})$")


# --- parsing the flags ---------------------------------------------------------------


def parse_formats(value: str | None) -> list[str]:
    """`md,html,ics,eml` as a checked list (default md,html,ics)."""
    if not value:
        return list(DEFAULT_FORMATS)
    wanted = [f.strip().lower().lstrip(".") for f in value.split(",") if f.strip()]
    bad = [f for f in wanted if f not in FORMATS]
    if bad or not wanted:
        raise UsageError(
            f"--format {value}: unknown format {', '.join(bad) or '(none)'}",
            hint=f"choose among {', '.join(FORMATS)}, e.g. --format md,ics,eml",
        )
    if "eml" in wanted and "ics" not in wanted:
        wanted.append("ics")  # the mail carries the invitation: it is kept beside it
    return list(dict.fromkeys(wanted))


def parse_duration(value: str | None) -> int:
    """`30m`, `45`, `1h`, `1h30` as minutes (5 to 480)."""
    if value is None:
        return DEFAULT_DURATION
    match = _DURATION.match(value.strip().lower())
    if not value.strip() or not match or not (match.group("h") or match.group("m")):
        raise UsageError(
            f"--duration {value}: not a duration", hint="write it as 30m, 45, 1h or 1h30"
        )
    minutes = int(match.group("h") or 0) * 60 + int(match.group("m") or 0)
    if not 5 <= minutes <= 480:
        raise UsageError(
            f"--duration {value}: {minutes} minutes is not between 5 minutes and 8 hours"
        )
    return minutes


def parse_time(value: str, ws: Workspace, flag: str = "--at") -> dt.datetime:
    """ISO 8601, `HH:MM` (the next such time) or `tomorrow HH:MM`, in the workspace zone."""
    text = value.strip()
    now = ws.now()
    clock = _CLOCK.match(text.lower())
    if clock:
        try:
            moment = now.replace(
                hour=int(clock.group("h")), minute=int(clock.group("m")), second=0, microsecond=0
            )
        except ValueError:
            raise UsageError(f"{flag} {value}: not a time of day") from None
        if clock.group("day"):
            return (moment + dt.timedelta(days=1)).replace(tzinfo=ws.tz)
        return moment if moment > now else moment + dt.timedelta(days=1)
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"{flag} {value}: not a date and time",
            hint=f"write e.g. {flag} '2026-11-23 10:00', {flag} 10:00 or {flag} 'tomorrow 9:30'",
        ) from None
    if len(text) <= 10:
        raise UsageError(f"{flag} {value}: no time of day", hint=f"e.g. {flag} '{text} 10:00'")
    return (moment if moment.tzinfo else moment.replace(tzinfo=ws.tz)).replace(microsecond=0)


def default_time(ws: Workspace) -> dt.datetime:
    """The next quarter hour at least an hour from now."""
    moment = (ws.now() + dt.timedelta(hours=1)).replace(second=0, microsecond=0)
    return moment + dt.timedelta(minutes=(-moment.minute) % 15)


def resolve_contacts(incident: Incident, names: list[str], flag: str = "--with") -> list[str]:
    """Contact names as the incident spells them; an unknown one is a usage error (did you mean)."""
    contacts = [c.name for c in (incident.client.contacts if incident.client else [])]
    by_fold = {n.casefold(): n for n in contacts}
    out: list[str] = []
    for name in names:
        wanted = " ".join(name.split())
        found = by_fold.get(wanted.casefold())
        if found is None:
            close = difflib.get_close_matches(wanted.casefold(), list(by_fold), n=1, cutoff=0.6)
            known = ", ".join(contacts) or "none yet"
            hint = (
                f"did you mean '{by_fold[close[0]]}'? The contacts: {known}"
                if close
                else f"the contacts of {incident.id}: {known}; add one under client.contacts"
            )
            raise UsageError(f"{flag} {name}: not a client contact of {incident.id}", hint=hint)
        if found not in out:
            out.append(found)
    return out


def _language(ws: Workspace, incident: Incident, language: Language | None) -> str:
    return (language or incident.language or ws.config.language).value


def _pick_call(incident: Incident, seq: int) -> tuple[int, Call]:
    for i, call in enumerate(incident.calls):
        if call.seq == seq:
            return i, call
    known = ", ".join(str(c.seq) for c in incident.calls) or "none yet"
    raise NotFoundError(
        f"{incident.id} has no call {seq}",
        hint=f"its calls: {known}; prepare one with: meptool call prepare {incident.id}",
    )


def _say(incident: Incident, fr: str, en: str) -> str:
    lang = incident.language.value if incident.language else "fr"
    return fr if lang == "fr" else en


# --- prepare -------------------------------------------------------------------------


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
    from meptool import store
    from meptool.updates import check_comm, pick

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
            paths = _write(ws, made, before)
            _log(ws, ed, plan, made, paths)
    except BaseException:
        for path, old_bytes in before.items():  # nothing half-written: put the files back
            with contextlib.suppress(OSError):
                if old_bytes is None:
                    path.unlink()
                else:
                    store.atomic_write(path, old_bytes)
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

    existing = _pick_call(incident, seq) if seq is not None else None
    old = existing[1] if existing else None
    if old is not None and old.status is not CallStatus.PLANNED:
        raise InputError(
            f"call {old.seq} of {incident.id} is {old.status.value}: it cannot be planned again",
            hint=f"prepare a new call: meptool call prepare {incident.id}",
        )
    names = resolve_contacts(incident, with_) if with_ else None
    if names is None:
        names = list(old.with_) if old else _all_contacts(incident)
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
    return _Plan(index, old, data, call, _language(ws, incident, language), lead)


def _render(ws: Workspace, incident: Incident, plan: _Plan, formats: list[str]) -> _Files:
    from meptool.calls import brief, invite
    from meptool.render import environment, render_html_page, render_markdown

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


def _write(ws: Workspace, made: _Files, before: dict[Path, bytes | None]) -> list[Path]:
    """Write the files, keeping in `before` what each held, to put it back on failure."""
    from meptool import store

    paths = [_own(ws, p) for p, _ in made.contents.values()]
    for (_, data), path in zip(made.contents.values(), paths, strict=True):
        path.parent.mkdir(parents=True, exist_ok=True)
        before[path] = path.read_bytes() if path.is_file() else None
        store.atomic_write(path, data)
    return paths


def _log(ws: Workspace, ed: Any, plan: _Plan, made: _Files, paths: list[Path]) -> None:
    from meptool.updates import fingerprint, relative

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
        text = _say(
            incident,
            f"Appel n° {n} avec le client préparé pour le {local} ({length} min)",
            f"Client call {n} prepared for {local} ({length} min)",
        )
    else:
        text = _say(
            incident,
            f"Appel n° {n} replanifié au {local} ({length} min)",
            f"Client call {n} planned again for {local} ({length} min)",
        )
    ed.entry(text, kind=EntryKind.CALL, by=plan.lead)


def _brief_title(incident: Incident, seq: int, lang: str) -> str:
    if lang == "fr":
        return f"Préparation de l’appel n° {seq} — {incident.id}"
    return f"Call {seq} brief — {incident.id}"


def _all_contacts(incident: Incident) -> list[str]:
    return [c.name for c in (incident.client.contacts if incident.client else [])]


def _own(ws: Workspace, path: Path) -> Path:
    from meptool.outputs import own_path

    return own_path(ws.root, path, ws.display(path))


# --- record --------------------------------------------------------------------------


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
        return _pick_call(incident, seq)[1]
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
    from meptool import store

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
                "with": names or _all_contacts(incident),
                "attendees_ours": [lead] if lead else [],
                "heard": heard,
                "status": CallStatus.HELD,
            }
            ed.append("calls", item=item)
        else:
            number = call.seq
            # a planned call recorded before its time took place earlier than planned: now
            when = at or min(call.at, ws.now())
            i = _pick_call(incident, number)[0]
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
    return _say(incident, " ; ".join(parts_fr), "; ".join(parts_en))


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
    from meptool import store

    incident, _ = store.read(ws, incident_id)
    return incident, sorted(incident.calls, key=lambda c: c.seq)


def call_dict(incident: Incident, call: Call) -> dict[str, Any]:
    """JSON-ready data of one call, with the expectations it raised."""
    data = call.model_dump(mode="json", exclude_none=True)
    data["expectations"] = [e.id for e in incident.expectations if e.call == call.seq]
    return data
