"""Client updates: draft, check, approve, send, list (the core behind `meptool update`).

A draft is the set of files `incidents/<ID>/updates/NNN-<audience>-<lang>.<ext>`
logged in `communications`. Its fingerprint (`sha256`, `approved_sha256`) is
the SHA-256 of a sha256sum-style manifest: one line `<sha256 of the file's
bytes>  <path relative to the workspace>\\n` per file, in the order of `files`.
The same value comes out of `sha256sum FILES | sha256sum` run in the workspace
root, and any change to any file, or to the list of files, changes it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from meptool.errors import InputError, NotFoundError, UsageError
from meptool.files.workspace import Workspace
from meptool.model.enums import (
    ActionStatus,
    ActionType,
    Audience,
    CommStatus,
    EntryKind,
    Language,
    Status,
)
from meptool.model.incident import Communication, Incident
from meptool.updates.check import Finding

if TYPE_CHECKING:
    from meptool.files.store import Snapshot

FORMATS = ("eml", "md", "html", "txt")
DEFAULT_FORMATS = ("eml", "md")
UPDATES = "updates"


@dataclass
class DraftResult:
    """What `update draft` made."""

    seq: int | None
    subject: str
    files: list[Path]
    findings: list[Finding]
    recipients: list[str]
    kind: str
    next_update: dt.datetime
    printed: str | None = None
    incident: Incident | None = None  # the incident as written, with this draft logged
    written: Snapshot | None = None  # what its file holds now


def parse_formats(
    value: str | None,
    allowed: tuple[str, ...] = FORMATS,
    default: tuple[str, ...] = DEFAULT_FORMATS,
    example: str = "eml,md",
) -> list[str]:
    """`eml,md` as a checked list of `allowed` formats (`default` when not given)."""
    if not value:
        return list(default)
    wanted = [f.strip().lower().lstrip(".") for f in value.split(",") if f.strip()]
    bad = [f for f in wanted if f not in allowed]
    if bad or not wanted:
        raise UsageError(
            f"--format {value}: unknown format {', '.join(bad) or '(none)'}",
            hint=f"choose among {', '.join(allowed)}, e.g. --format {example}",
        )
    return list(dict.fromkeys(wanted))


def relative(ws: Workspace, path: Path) -> str:
    """A path as recorded in the incident file: workspace-relative when inside it."""
    try:
        return path.resolve().relative_to(ws.root.resolve()).as_posix()
    except ValueError:
        return str(path.resolve())


def resolve(ws: Workspace, recorded: str) -> Path:
    """A recorded path back to a file path."""
    path = Path(recorded)
    return path if path.is_absolute() else ws.root / path


def fingerprint(ws: Workspace, files: list[str]) -> str:
    """SHA-256 of the manifest of `files` (see the module docstring)."""
    manifest = []
    for name in files:
        path = resolve(ws, name)
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except FileNotFoundError:
            raise InputError(
                f"{name} is missing: the draft's files were moved or deleted",
                hint="draft the update again with 'meptool update draft'",
            ) from None
        manifest.append(f"{digest}  {name}\n")
    return hashlib.sha256("".join(manifest).encode("utf-8")).hexdigest()


def file_name(seq: int, audience: Audience, language: str, ext: str) -> str:
    """`001-decision-makers-fr.eml`."""
    return f"{seq:03d}-{audience.value}-{language}.{ext}"


def thread_root(incident: Incident) -> Communication | None:
    """The first update sent: every later update is threaded under it."""
    sent = [c for c in incident.communications if c.sent_at and c.message_id and c.is_update]
    return min(sent, key=lambda c: c.seq) if sent else None


def sender(ws: Workspace, incident: Incident) -> Any:
    """The From of a client mail: smtp.from, else the lead's address, with the lead's name."""
    from meptool.updates import mail

    lead = incident.team.lead if incident.team else None
    smtp = ws.config.smtp
    addr = (smtp.from_ if smtp else None) or (lead.email if lead else None)
    if not addr:
        raise InputError(
            "no sender address: set smtp.from in meptool.yaml or team.lead.email",
            hint="the project lead signs every update and is the single point of contact",
        )
    return mail.address(lead.name if lead else None, addr, "sender")


def draft(
    ws: Workspace,
    incident_id: str,
    *,
    audience: Audience = Audience.DECISION_MAKERS,
    language: Language | None = None,
    formats: list[str] | None = None,
    output: str | None = None,
    force: bool = False,
    known: tuple[Incident, Snapshot] | None = None,
) -> DraftResult:
    """Render the next update, write its files and log it (unless `output` is '-').

    `known`: the incident as the caller read it (see `store.edit`).
    """
    from meptool.files import store

    formats = formats or list(DEFAULT_FORMATS)
    if output == "-":
        if len(formats) != 1:
            raise UsageError(
                "--output - prints one format: choose it with --format, e.g. --format md"
            )
        incident, _ = store.read(ws, incident_id)
        seq = max((c.seq for c in incident.communications), default=0) + 1
        built = _build(ws, incident, audience=audience, language=language, formats=formats, seq=seq)
        return DraftResult(
            None,
            built.subject,
            [],
            built.findings,
            built.recipients,
            built.kind,
            built.next_update,
            printed=built.contents[formats[0]].decode("utf-8"),
        )
    with store.edit(ws, incident_id, known=known) as ed:
        incident = ed.incident
        seq = max((c.seq for c in incident.communications), default=0) + 1
        built = _build(ws, incident, audience=audience, language=language, formats=formats, seq=seq)
        paths = _targets(
            ws,
            incident_id,
            seq=seq,
            audience=audience,
            language=built.language,
            formats=formats,
            output=output,
            force=force,
        )
        for fmt, path in zip(formats, paths, strict=True):
            path.parent.mkdir(parents=True, exist_ok=True)
            store.atomic_write(path, built.contents[fmt])
        names = [relative(ws, p) for p in paths]
        item: dict[str, Any] = {
            "seq": seq,
            "at": built.now,
            "audience": audience,
            "language": built.language,
            "subject": built.subject,
            "files": names,
            "sha256": fingerprint(ws, names),
            "status": CommStatus.DRAFT,
            "next_update_at": built.next_update,
        }
        if built.message_id:
            item["message_id"] = built.message_id
        if built.in_reply_to:
            item["in_reply_to"] = built.in_reply_to
        ed.append("communications", item=item)
    findings = check_files(ws, incident, [(p, audience) for p in paths], built.language)
    return DraftResult(
        seq,
        built.subject,
        paths,
        findings,
        built.recipients,
        built.kind,
        built.next_update,
        incident=ed.result,
        written=ed.written,
    )


def _ready(ws: Workspace, incident: Incident, audience: Audience, eml: bool) -> None:
    """Every missing piece a draft needs, in one error (not one run per problem)."""
    from meptool.updates import compose
    from meptool.updates.readiness import mail_domain

    lead = incident.team.lead if incident.team else None
    smtp_from = ws.config.smtp.from_ if ws.config.smtp else None
    missing: list[tuple[str, str]] = []
    if lead is None:
        missing.append(("no project lead signs it", 'meptool init --lead "Your Name"'))
    if eml:
        if not compose.recipients(incident, audience):
            missing.append(
                (
                    f"no client contact with an e-mail address gets the {audience.value} update",
                    "meptool init --contact 'Name <email>; role; decision-maker' "
                    "(or --audience all)",
                )
            )
        if not smtp_from and not (lead and lead.email):
            missing.append(("no sender address", "meptool init --lead-email you@agency.example"))
        elif mail_domain(ws.config, lead.email if lead else None) is None:
            missing.append(("no mail_domain", "meptool init --mail-domain agency.example"))
    if len(missing) < 2:
        return  # one problem: its own, more detailed message below
    lines = "\n".join(f"  - {what}: {fix}" for what, fix in missing)
    raise InputError(
        f"{incident.id}: the update cannot be drafted yet:\n{lines}",
        hint="'meptool doctor' lists what the workspace still lacks; "
        "or draft without e-mail: --format md",
    )


def draft_each(
    ws: Workspace,
    incident_id: str,
    *,
    audience: Audience = Audience.DECISION_MAKERS,
    language: Language | None = None,
    formats: list[str] | None = None,
    output: str | None = None,
    force: bool = False,
) -> list[DraftResult]:
    """`update draft`: one draft, or one per language when the recipients read two
    (a contact's `language`) and no `--lang` was given."""
    from meptool.files import store
    from meptool.updates import compose

    langs: list[str] = []
    known: tuple[Incident, Snapshot] | None = None
    if language is None and output is None:
        known = store.read(ws, incident_id)
        incident = known[0]
        langs = compose.languages(incident, audience, ws.config.language.value)
    if len(langs) <= 1:
        return [
            draft(
                ws,
                incident_id,
                audience=audience,
                language=language,
                formats=formats,
                output=output,
                force=force,
                known=known,
            )
        ]
    from meptool.model.texts import require

    for lang in langs:  # refuse before writing anything: every language or none
        require(
            incident,
            lang,
            technical=audience != Audience.DECISION_MAKERS,
            what=f"an update for {audience.value}",
        )
    results: list[DraftResult] = []
    for lang in langs:  # each draft edits the file the previous one wrote
        result = draft(
            ws,
            incident_id,
            audience=audience,
            language=Language(lang),
            formats=formats,
            known=known,
        )
        results.append(result)
        known = (result.incident, result.written) if result.incident and result.written else None
    return results


@dataclass
class _Built:
    language: str
    subject: str
    contents: dict[str, bytes]
    recipients: list[str]
    kind: str
    next_update: dt.datetime
    now: dt.datetime
    message_id: str | None
    in_reply_to: str | None
    findings: list[Finding] = field(default_factory=list)


def _build(
    ws: Workspace,
    incident: Incident,
    *,
    audience: Audience,
    language: Language | None,
    formats: list[str],
    seq: int,
) -> _Built:
    from meptool.model.texts import require
    from meptool.updates import compose, mail, render
    from meptool.updates.readiness import mail_domain

    lang = (language or incident.language or ws.config.language).value
    require(
        incident,
        lang,
        technical=audience != Audience.DECISION_MAKERS,
        what=f"an update for {audience.value}",
    )
    now = ws.now()
    _ready(ws, incident, audience, "eml" in formats)
    plan = compose.plan_update(ws, incident, audience, lang)
    context = compose.build_context(ws, incident, plan, seq=seq, now=now)
    root = thread_root(incident)
    context["reply"] = root is not None
    env = render.environment(ws)
    out = render.render_update(env, context)
    contents: dict[str, bytes] = {}
    message_id = in_reply_to = None
    if "eml" in formats:
        if not plan.recipients:
            raise InputError(
                f"{incident.id} has no client contact with an e-mail address for the "
                f"{audience.value} audience",
                hint="add one under client.contacts (kind: decision-maker or domain-expert), "
                "or draft with --audience all",
            )
        lead = incident.team.lead if incident.team else None
        domain = mail_domain(ws.config, lead.email if lead else None)
        message_id = mail.new_message_id(domain, incident.id, seq)
        in_reply_to = root.message_id if root else None
        msg = mail.build(
            subject=out.subject,
            text=out.txt,
            html=out.html,
            sender=sender(ws, incident),
            to=[mail.address(c.name, c.email or "", "recipient") for c in plan.recipients],
            date=now,
            message_id=message_id,
            in_reply_to=in_reply_to,
            references=[in_reply_to] if in_reply_to else [],
            language=lang,
        )
        contents["eml"] = mail.to_bytes(msg)
    contents["md"] = out.md.encode("utf-8")
    contents["txt"] = out.txt.encode("utf-8")
    contents["html"] = out.html.encode("utf-8")
    built = _Built(
        language=lang,
        subject=out.subject,
        contents=contents,
        recipients=[f"{c.name} <{c.email}>" for c in plan.recipients],
        kind=plan.kind,
        next_update=plan.next_update,
        now=now,
        message_id=message_id,
        in_reply_to=in_reply_to,
    )
    if len(formats) == 1:
        from meptool.model.texts import localized
        from meptool.updates.check import Draft, check_drafts, unanswered_expectations

        fmt = formats[0]
        lines = contents[fmt].decode("utf-8").splitlines() if fmt != "eml" else out.txt.split("\n")
        drafts = [Draft("<stdout>", lines, audience)]
        built.findings = check_drafts(
            drafts,
            incident=localized(incident, lang),
            internal_hostnames=ws.config.internal_hostnames,
        ) + unanswered_expectations(drafts, incident)
    return built


def _targets(
    ws: Workspace,
    incident_id: str,
    *,
    seq: int,
    audience: Audience,
    language: str,
    formats: list[str],
    output: str | None,
    force: bool,
) -> list[Path]:
    from meptool.files.outputs import own_path, user_output
    from meptool.incident.reading import logged_files

    names = [file_name(seq, audience, language, f) for f in formats]
    if output is None:
        folder = ws.incident_dir(incident_id) / UPDATES
        return [own_path(ws.root, folder / n, ws.display(folder / n)) for n in names]
    target = Path(output)
    paths = [target] if len(formats) == 1 and not target.is_dir() else [target / n for n in names]
    return [user_output(ws.root, p, logged=lambda: logged_files(ws)) for p in paths]


# --- finding a communication ----------------------------------------------------


def pick(incident: Incident, seq: int | None) -> Communication:
    """The update numbered `seq`, else the latest one."""

    if not incident.communications:
        raise NotFoundError(
            f"{incident.id} has no client update yet",
            hint=f"draft one with: meptool update draft {incident.id}",
        )
    if seq is None:
        return max(incident.communications, key=lambda c: c.seq)
    for comm in incident.communications:
        if comm.seq == seq:
            return comm
    known = ", ".join(str(c.seq) for c in incident.communications)
    raise NotFoundError(f"{incident.id} has no update {seq}", hint=f"its updates: {known}")


def index(incident: Incident, comm: Communication) -> int:
    """Position of a communication in the `communications` list."""
    return next(i for i, c in enumerate(incident.communications) if c.seq == comm.seq)


# --- check ---------------------------------------------------------------------


def check_files(
    ws: Workspace,
    incident: Incident | None,
    files: list[tuple[Path, Audience | None]],
    language: str | None = None,
    *,
    invitation: bool = False,
) -> list[Finding]:
    """Check draft files against the incident, its texts read in the drafts' language.

    A call invitation is not an update: what SPEC.md 4 asks of an update
    (`missing-*`) and the answers to the client's expectations are not looked
    for in it; leaks, secrets and blame are, as everywhere.
    """
    from meptool.model.texts import localized
    from meptool.updates.check import check_drafts, read_draft, unanswered_expectations

    if incident is not None and language is None:
        language = next((lang for _, lang in _langs(files)), None)
    if incident is not None and language is not None:
        incident = localized(incident, language)

    drafts = []
    for path, audience in files:
        if not path.is_file():
            raise NotFoundError(f"{ws.display(path)}: no such draft file")
        drafts.extend(read_draft(path, ws.display(path), audience))
    found = check_drafts(drafts, incident=incident, internal_hostnames=ws.config.internal_hostnames)
    if invitation:
        return [f for f in found if not f.rule.startswith("missing-")]
    return found + unanswered_expectations(drafts, incident)


def _langs(files: list[tuple[Path, Audience | None]]) -> list[tuple[Path, str]]:
    """The language a draft file is in, from its name (`001-decision-makers-en.md`)."""
    out = []
    for path, _ in files:
        stem = path.name.rsplit(".", 1)[0]
        lang = stem.rsplit("-", 1)[-1]
        if lang in ("fr", "en"):
            out.append((path, lang))
    return out


def check_comm(ws: Workspace, incident: Incident, comm: Communication) -> list[Finding]:
    """Check every file of a logged update (or call invitation), and whether the incident
    changed since."""
    files: list[tuple[Path, Audience | None]] = [
        (resolve(ws, f), comm.audience) for f in comm.files
    ]
    findings = check_files(ws, incident, files, comm.language.value, invitation=not comm.is_update)
    source = comm.files[0] if comm.files else incident.id
    return findings + staleness(incident, comm, source) + unfinished_fix(incident, comm, source)


# What a timeline entry of each kind says changed (EntryKind values).
_CHANGES = {
    "plan": "the plan",
    "action": "the progress of an action",
    "root-cause": "the root cause",
    "status": "the status",
    "acknowledgement": "the acknowledgement",
    "note": "the timeline",
    "detection": "the timeline",
}


def changes_since(incident: Incident, at: dt.datetime) -> list[str]:
    """What the incident's timeline says changed after `at`, in order, each once."""
    said: list[str] = []
    for entry in sorted(incident.timeline, key=lambda e: e.at):
        if entry.at <= at or entry.kind in (EntryKind.UPDATE, EntryKind.FEEDBACK):
            continue
        what = _CHANGES.get(entry.kind.value if entry.kind else "note", "the timeline")
        if entry.kind == EntryKind.STATUS and entry.status:
            what = f"the status (now {entry.status.value})"
        if what not in said:
            said.append(what)
    return said


def staleness(incident: Incident, comm: Communication, source: str) -> list[Finding]:
    """A warning when the incident changed after the draft was made (not once it is sent)."""
    if comm.status == CommStatus.SENT:
        return []
    changed = changes_since(incident, comm.at)
    if not changed:
        return []
    what = changed[0] if len(changed) == 1 else ", ".join(changed[:-1]) + " and " + changed[-1]
    return [
        Finding(
            "stale",
            "warning",
            f"{what} changed since this draft ({comm.at.isoformat(timespec='minutes')}): "
            f"draft again with 'meptool update draft {incident.id}'",
            source,
            None,
            "timeline",
        )
    ]


def unfinished_fix(incident: Incident, comm: Communication, source: str) -> list[Finding]:
    """A warning when a resolution, which says the fix is in production, lists a corrective
    action still to do or in progress (not once it is sent)."""
    if comm.status == CommStatus.SENT or not comm.is_update:
        return []
    if incident.status not in (Status.RESOLVED, Status.CLOSED):
        return []
    return [
        Finding(
            "unfinished-fix",
            "warning",
            f"the resolution says the fix is in production, but corrective action {a.id} is "
            f"still {a.status.value}: mark it with 'meptool incident action {incident.id} "
            f"{a.id} --status done', then draft again",
            source,
            None,
            f"corrective_plan[{n}].status",
        )
        for n, a in enumerate(incident.corrective_plan)
        if a.client_visible
        and a.type is ActionType.CORRECTIVE
        and a.status is not ActionStatus.DONE
    ]


def check_target(ws: Workspace, target: str, seq: int | None = None) -> list[Finding]:
    """`update check ID|FILE`: the latest (or `seq`) update of an incident, or one file."""
    from meptool.files import store
    from meptool.files.workspace import ID_RE

    if ID_RE.match(target):
        incident, _ = store.read(ws, target)
        return check_comm(ws, incident, pick(incident, seq))
    path = Path(target)
    if not path.is_file():
        raise NotFoundError(
            f"{target}: neither an incident ID nor a draft file",
            hint="give an ID like MEP-2026-001 or a file under incidents/ID/updates/",
        )
    incident_id = next((p for p in path.resolve().parts[::-1] if ID_RE.match(p)), None)
    found = store.read(ws, incident_id)[0] if incident_id else None
    audience = next((a for a in Audience if f"-{a.value}-" in path.name), None)
    findings = check_files(ws, found, [(path, audience)], invitation="-invite" in path.name)
    if found is not None:
        name = relative(ws, path)
        comm = next((c for c in found.communications if name in c.files), None)
        if comm is not None:
            findings += staleness(found, comm, ws.display(path))
    return findings


# --- approve -------------------------------------------------------------------


def state(ws: Workspace, comm: Communication) -> str:
    """The status as it stands on disk: an approval is void once a file changed."""
    if comm.status == CommStatus.SENT:
        return "sent"
    if comm.approved_sha256:
        try:
            same = fingerprint(ws, comm.files) == comm.approved_sha256
        except InputError:
            return "approved, files missing"
        return "approved" if same else "edited after approval"
    return "draft"


def approve(
    ws: Workspace, incident_id: str, *, by: str, seq: int | None = None, force: bool = False
) -> tuple[Communication, list[Finding]]:
    """Record who approved which bytes of the draft, and when.

    A draft that fails the check is refused unless `force`; then the findings
    the approver overrode are logged in `check_overrides`.
    """
    from meptool.files import store

    by = " ".join(by.split())
    if not by:
        raise UsageError("--by is empty", hint="give the approver's name, e.g. --by 'Paul Roux'")
    with store.edit(ws, incident_id) as ed:
        incident = ed.incident
        comm = pick(incident, seq)
        if comm.status == CommStatus.SENT:
            raise InputError(f"update {comm.seq} of {incident_id} was already sent")
        lead = incident.team.lead if incident.team else None
        if lead and by.casefold() == lead.name.casefold():
            raise InputError(
                f"{by} leads the project and signs the update: a second person approves it",
                hint="ask a colleague to run 'meptool update approve', or set "
                "require_approval: false in meptool.yaml if you work alone",
            )
        digest = fingerprint(ws, comm.files)
        blocking = [f for f in check_comm(ws, incident, comm) if f.blocking]
        ref = f"update {comm.seq} of {incident_id}"
        if blocking and not force:
            listed = "\n".join(f"  {f}" for f in blocking)
            raise InputError(
                f"{ref} fails the check; it was not approved:\n{listed}",
                hint=f"fix the draft (or draft again: meptool update draft {incident_id}), or "
                "approve it anyway with --force (logged in check_overrides)",
            )
        i = index(incident, comm)
        now = ws.now()
        if blocking:
            overrides = [o.model_dump(exclude_none=True) for o in comm.check_overrides]
            override = {"at": now, "by": by, "findings": [f"approve: {f}" for f in blocking]}
            ed.set("communications", i, "check_overrides", value=[*overrides, override])
        ed.set("communications", i, "status", value=CommStatus.APPROVED)
        ed.set("communications", i, "approved_by", value=by)
        ed.set("communications", i, "approved_at", value=now)
        ed.set("communications", i, "approved_sha256", value=digest)
        fr = (incident.language or ws.config.language).value == "fr"
        ed.entry(
            f"Point {comm.seq} ({comm.audience.value}, {comm.language.value}) approuvé par {by}"
            if fr
            else f"Update {comm.seq} ({comm.audience.value}, {comm.language.value}) "
            f"approved by {by}",
            kind=EntryKind.UPDATE,
            by=by,
            at=now,
        )
    result = store.read(ws, incident_id)[0]
    approved = pick(result, comm.seq)
    return approved, check_comm(ws, result, approved)
