"""`meptool update …`: draft, check, approve, send and list client updates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from meptool.cli.common import (
    JsonOpt,
    NoInputOpt,
    WorkspaceOpt,
    group,
    interactive,
    open_workspace,
    settings,
)
from meptool.model.enums import Audience, Language

if TYPE_CHECKING:
    from meptool.updates.check import Finding

app = group("Client updates: draft, check, approve, send, list.")

SeqOpt = Annotated[
    int | None,
    typer.Option("--seq", min=1, help="Update number (default: the latest).", show_default=False),
]


def note(text: str, style: str | None = None) -> None:
    """A diagnostic line on stderr, never wrapped mid-line, never read as Rich markup."""
    import sys

    from meptool.cli.output import _colour
    from meptool.safetext import printable

    text = printable(text)  # nothing printed may drive the terminal (see safetext)
    if not sys.stderr.isatty() and not _colour(sys.stderr):
        sys.stderr.write(text + "\n")  # what Rich prints there, without importing it
        return
    from rich.markup import escape

    from meptool.cli.output import err_console

    markup = f"[{style}]{escape(text)}[/]" if style else escape(text)
    err_console().print(markup, soft_wrap=True)


def _show_findings(findings: list[Finding]) -> None:
    if not findings:
        note("check: no problem found")
        return
    for f in findings:
        note(str(f), "red" if f.blocking else "yellow")
    blocking = sum(1 for f in findings if f.blocking)
    from meptool.labels import count

    warnings = count(len(findings) - blocking, "warning", "warnings", "en")
    note(f"check: {blocking} blocking, {warnings}")


@app.command("draft")
def draft_cmd(
    ctx: typer.Context,
    incident_id: Annotated[str, typer.Argument(metavar="ID", help="Incident ID.")],
    *,
    audience: Annotated[
        Audience, typer.Option(help="Who reads it: decision-makers, domain-experts or all.")
    ] = Audience.DECISION_MAKERS,
    lang: Annotated[
        Language | None,
        typer.Option("--lang", help="Language (default: the incident's).", show_default=False),
    ] = None,
    format_: Annotated[
        str | None,
        typer.Option("--format", help="Comma-separated: eml, md, html, txt (default: eml,md)."),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="'-' prints without recording; a file (one format) or a folder "
            "(default: incidents/ID/updates/).",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="No longer needed: a named --output is overwritten."),
    ] = False,
    json_: JsonOpt = False,
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Render the next client update, number it, log it and check it.

    Example:  meptool update draft MEP-2026-001 --audience decision-makers --lang fr
    """
    from meptool.cli.output import echo, print_json
    from meptool.updates.drafts import draft_each, parse_formats

    state = settings(ctx, workspace, no_input)
    ws = open_workspace(state)
    formats = parse_formats(format_ or ("md" if output == "-" else None))
    results = draft_each(
        ws,
        incident_id,
        audience=audience,
        language=lang,
        formats=formats,
        output=output,
        force=force,
    )
    failed = any(f.blocking for r in results for f in r.findings)
    if results[0].printed is not None:
        import sys

        sys.stdout.write(results[0].printed)
        _show_findings(results[0].findings)
        if failed:
            raise typer.Exit(1)
        return
    if json_:
        data = [
            {
                "seq": result.seq,
                "subject": result.subject,
                "kind": result.kind,
                "recipients": result.recipients,
                "next_update": result.next_update.isoformat(),
                "files": [ws.display(p) for p in result.files],
                "findings": [f.as_dict() for f in result.findings],
            }
            for result in results
        ]
        print_json(data[0] if len(data) == 1 else data)
        if failed:
            raise typer.Exit(1)
        return
    for result in results:
        note(
            f"drafted update {result.seq} ({result.kind}) of {incident_id} for "
            f"{', '.join(result.recipients) or 'no recipient'}"
        )
        note(f"subject: {result.subject}")
        for path in result.files:
            echo(ws.display(path))
        _show_findings(result.findings)
    if failed:
        note(
            f"the draft is kept but fails the check: fix the incident (or the files), then "
            f"draft again, or check it with 'meptool update check {incident_id}'",
            "red",
        )
        raise typer.Exit(1)
    _next(ws, incident_id, "draft", results[-1].incident)


def _next(ws: Any, incident_id: str, step: str, incident: Any = None) -> None:
    """The "Next:" line, and who has had no update yet (`incident`: as just written)."""
    from meptool.files.store import read
    from meptool.incident.nextsteps import after, unreached

    if incident is None:
        incident, _ = read(ws, incident_id)
    for line in unreached(incident):
        note(f"Note: {line}", "yellow")
    note(f"Next: {after(step, incident, require_approval=ws.config.require_approval)}")


@app.command("check")
def check_cmd(
    ctx: typer.Context,
    target: Annotated[
        str, typer.Argument(metavar="ID|FILE", help="Incident ID (its latest update) or a file.")
    ],
    *,
    seq: SeqOpt = None,
    json_: JsonOpt = False,
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Check a draft before it goes out; exit 1 on blocking findings."""
    from meptool.cli.output import echo, print_json
    from meptool.updates.drafts import check_target

    state = settings(ctx, workspace, no_input)
    ws = open_workspace(state)
    findings = check_target(ws, target, seq)
    blocking = any(f.blocking for f in findings)
    if json_:
        print_json({"ok": not blocking, "findings": [f.as_dict() for f in findings]})
    else:
        for f in findings:
            echo(str(f))
        if not findings:
            echo("no problem found")
    if blocking:
        raise typer.Exit(1)


@app.command("approve")
def approve_cmd(
    ctx: typer.Context,
    incident_id: Annotated[str, typer.Argument(metavar="ID", help="Incident ID.")],
    *,
    by: Annotated[
        str | None, typer.Option("--by", help="Who approves (not the project lead).")
    ] = None,
    seq: SeqOpt = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Approve despite blocking check findings (logged)."),
    ] = False,
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Sign a draft off: its hash is recorded, so an edit afterwards voids the approval.

    A draft that fails the check is refused unless --force (logged in check_overrides).
    """
    from meptool.errors import UsageError
    from meptool.updates.drafts import approve

    state = settings(ctx, workspace, no_input)
    ws = open_workspace(state)
    if not by:
        if not interactive(state):
            raise UsageError("missing --by", hint="say who approves, e.g. --by 'Paul Roux'")
        by = typer.prompt("Approved by")
    comm, findings = approve(ws, incident_id, by=by, seq=seq, force=force)
    note(f"update {comm.seq} of {incident_id} approved by {comm.approved_by}")
    if findings:
        _show_findings(findings)
    _next(ws, incident_id, "approve")


@app.command("send")
def send_cmd(
    ctx: typer.Context,
    incident_id: Annotated[str, typer.Argument(metavar="ID", help="Incident ID.")],
    *,
    seq: SeqOpt = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and show; send nothing.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="Send despite blocking check findings (logged)."),
    ] = False,
    by: Annotated[
        str | None, typer.Option("--by", help="Who sends (default: the project lead).")
    ] = None,
    resend: Annotated[
        bool,
        typer.Option(
            "--resend",
            help="Send again an update whose earlier send stopped before its result was "
            "recorded (it may have arrived: check first).",
        ),
    ] = False,
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Send an approved draft by SMTP, threaded with the earlier updates, and log it."""
    from meptool.cli.output import echo
    from meptool.errors import UsageError
    from meptool.updates.sending import deliver, prepare

    state = settings(ctx, workspace, no_input)
    ws = open_workspace(state)
    preview = prepare(ws, incident_id, seq=seq, force=force, resend=resend)
    msg = preview.message
    note(f"update {preview.comm.seq} of {incident_id}: {msg.get('Subject')}")
    note(f"  from {msg.get('From')}")
    note(f"  to   {msg.get('To')}")
    if preview.blocking:
        _show_findings(preview.findings)
        note("--force: sending despite the check; this is logged", "yellow")
    if dry_run:
        echo(f"dry run: update {preview.comm.seq} would go to {', '.join(preview.recipients)}")
        return
    if not yes:
        if not interactive(state):
            raise UsageError("sending needs confirmation", hint="pass --yes to send without asking")
        if not typer.confirm("Send it now?", default=False):
            note("nothing sent")
            raise typer.Exit(1)
    sent = deliver(ws, preview, by=by)
    echo(f"sent update {sent.seq} of {incident_id} to {', '.join(sent.accepted)}")
    note(f"  Message-ID {sent.message_id}")
    for addr, reply in sent.refused.items():
        note(f"  refused by the server: {addr} ({reply})", "red")
    if sent.next_update:
        note(f"  next update promised for {sent.next_update.isoformat()}")
    _next(ws, incident_id, "send")


@app.command("list")
def list_cmd(
    ctx: typer.Context,
    incident_id: Annotated[str, typer.Argument(metavar="ID", help="Incident ID.")],
    *,
    json_: JsonOpt = False,
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Every update of an incident: audience, status, approver, when sent and to whom."""
    from meptool.cli.output import print_json, table
    from meptool.cli.views import when
    from meptool.updates.sending import list_updates

    state = settings(ctx, workspace, no_input)
    ws = open_workspace(state)
    rows = list_updates(ws, incident_id)
    if json_:
        print_json([r.as_dict() for r in rows])
        return
    table(
        ["#", "audience", "lang", "status", "approved by", "sent", "to"],
        [
            [
                str(r.seq),
                f"call {r.call} invitation" if r.call else r.audience,
                r.language,
                r.status,
                r.approved_by or "—",
                when(r.sent_at, ws.tz) if r.sent_at else "—",
                ", ".join(r.recipients) or "—",
            ]
            for r in rows
        ],
    )
