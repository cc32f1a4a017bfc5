"""`meptool call …`: prepare a client call (brief and invitation), record it, list the calls."""

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
from meptool.model.enums import Language

if TYPE_CHECKING:
    from meptool.cli.prompts import Step
    from meptool.files.workspace import Workspace
    from meptool.model.incident import Call, Incident

app = group("The client call: prepare it (brief and invitation), record what was said.")

IdArg = Annotated[str, typer.Argument(metavar="ID", help="Incident ID, e.g. MEP-2026-001.")]
SeqOpt = Annotated[
    int | None,
    typer.Option("--seq", min=1, help="Call number (default: a new call).", show_default=False),
]


def _note(text: str, style: str | None = None) -> None:
    from meptool.cli.update import note

    note(text, style)


@app.command("prepare")
def prepare_cmd(
    ctx: typer.Context,
    incident_id: IdArg,
    *,
    at: Annotated[
        str | None,
        typer.Option(
            help="When: ISO 8601, HH:MM (the next one) or 'tomorrow 9:30' "
            "(default: the next quarter hour, an hour from now).",
            show_default=False,
        ),
    ] = None,
    duration: Annotated[
        str | None, typer.Option(help="How long: 30m, 45, 1h, 1h30 (default 30m).")
    ] = None,
    with_: Annotated[
        list[str] | None,
        typer.Option(
            "--with",
            help="A client contact to invite (repeat; default: every contact).",
            show_default=False,
        ),
    ] = None,
    ours: Annotated[
        list[str] | None,
        typer.Option(
            help="Someone else on our side (repeat; the lead always is).", show_default=False
        ),
    ] = None,
    format_: Annotated[
        str | None,
        typer.Option(
            "--format", help="Comma-separated: md, html, ics, eml (default: md,html,ics)."
        ),
    ] = None,
    seq: Annotated[
        int | None,
        typer.Option(
            "--seq",
            min=1,
            help="Plan call N again (new time, same UID, next SEQUENCE).",
            show_default=False,
        ),
    ] = None,
    lang: Annotated[
        Language | None,
        typer.Option("--lang", help="Language (default: the incident's).", show_default=False),
    ] = None,
    json_: JsonOpt = False,
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Prepare a client call: the lead's brief (internal) and the invitation (.ics, or a mail).

    Example:  meptool call prepare MEP-2026-001 --at "2026-11-23 10:00" --with "Claire Martin"
    """
    from meptool.calls.core import parse_formats
    from meptool.calls.prepare import prepare
    from meptool.cli.output import echo, print_json
    from meptool.cli.update import _show_findings

    state = settings(ctx, workspace, no_input)
    ws = open_workspace(state)
    done = prepare(
        ws,
        incident_id,
        at=at,
        duration=duration,
        with_=with_,
        ours=ours,
        formats=parse_formats(format_),
        seq=seq,
        language=lang,
    )
    if json_:
        print_json(done.as_dict(ws))
        return
    again = f" (planned again, SEQUENCE {done.sequence})" if done.sequence else ""
    _note(f"call {done.seq} of {incident_id}: {done.at.isoformat()}, {done.duration} min{again}")
    for warning in done.warnings:
        _note(f"warning: {warning}", "yellow")
    for path in done.files:
        echo(ws.display(path))
    if done.comm_seq is not None:
        _note(f"invitation mail logged as update {done.comm_seq}: {done.subject}")
        _note(f"  to {', '.join(done.recipients)}")
        _show_findings(done.findings)
        _note(
            f"Next: 'meptool update approve {incident_id} --seq {done.comm_seq} --by NAME', "
            f"then 'meptool update send {incident_id} --seq {done.comm_seq}'."
        )
    else:
        _note(f"After the call: 'meptool call record {incident_id} --seq {done.seq}'.")


def record_steps(ws: Workspace, incident: Incident, call: Call | None) -> list[Step]:
    """`call record`: what they said, what they expect, their answer on the schedule."""
    from meptool.cli.prompts import Step, time_parser

    steps = []
    if call is None:
        steps.append(
            Step(
                "at",
                "--at",
                "When did the call take place",
                default="now",
                parse=time_parser(ws.tz, ws.now()),
                intro="This call was not prepared: it is recorded as a new one.",
            )
        )
    steps += [
        Step(
            "heard",
            "--heard",
            "What did they say? In their words",
            many=True,
            intro="What the client said, one point at a time, in their own words. "
            "Leave it empty when done.",
        ),
        Step(
            "expects",
            "--expects",
            "What do they expect from us?",
            many=True,
            intro="Each thing they asked of us becomes an expectation (E1, E2…) that the "
            "next update answers. Leave it empty when done.",
        ),
    ]
    sched = incident.schedule_impact
    if sched and (sched.delay_days or sched.budget_impact or sched.new_delivery_date):
        steps.append(
            Step(
                "agreement",
                "--agreed-schedule/--refused-schedule",
                "Their answer on the new schedule and budget",
                default="not-discussed",
                choices={
                    "agreed": "they agree",
                    "refused": "they refuse",
                    "not-discussed": "not settled in this call",
                },
            )
        )
        steps.append(Step("words", "--words", "Their words on it (optional)"))
    names = list(call.with_) if call else []
    steps.append(
        Step(
            "by",
            "--by",
            "Who said it (the client's spokesperson)",
            default=names[0] if len(names) == 1 else None,
        )
    )
    return steps


@app.command("record")
def record_cmd(
    ctx: typer.Context,
    incident_id: IdArg,
    *,
    seq: Annotated[
        int | None,
        typer.Option(
            "--seq",
            min=1,
            help="Call number (default: the latest planned one, else a new call).",
            show_default=False,
        ),
    ] = None,
    heard: Annotated[
        list[str] | None,
        typer.Option(help="What the client said, in their words (repeat).", show_default=False),
    ] = None,
    expects: Annotated[
        list[str] | None,
        typer.Option(
            help="Something they expect from us (repeat): becomes E1, E2…", show_default=False
        ),
    ] = None,
    agreed: Annotated[
        bool | None,
        typer.Option(
            "--agreed-schedule/--refused-schedule",
            help="Their answer on the new schedule and budget.",
            show_default=False,
        ),
    ] = None,
    by: Annotated[
        str | None, typer.Option(help="Who said it, at the client.", show_default=False)
    ] = None,
    words: Annotated[
        str | None, typer.Option(help="Their words on the schedule.", show_default=False)
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            help="When the call took place (for a call never prepared; default now).",
            show_default=False,
        ),
    ] = None,
    with_: Annotated[
        list[str] | None,
        typer.Option("--with", help="Who was on the call (repeat).", show_default=False),
    ] = None,
    json_: JsonOpt = False,
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Record a call: what the client said, what they expect, their answer on the schedule.

    On a terminal without flags, a walk-through asks each question.

    Example:  meptool call record MEP-2026-001 --heard "Nos clients appellent" \\
                  --expects "Un point chaque matin"
    """
    from meptool.calls.record import record, target_call
    from meptool.cli.output import echo, print_json
    from meptool.cli.prompts import ask, time_parser
    from meptool.errors import UsageError
    from meptool.files import store
    from meptool.model.enums import Agreement

    state = settings(ctx, workspace, no_input)
    ws = open_workspace(state)
    incident, snap = store.read(ws, incident_id)
    call = target_call(incident, seq)
    given: dict[str, Any] = {
        "at": at,
        "heard": heard,
        "expects": expects,
        "agreement": None if agreed is None else ("agreed" if agreed else "refused"),
        "words": words,
        "by": by,
    }
    can_ask = interactive(state)
    answers = ask(record_steps(ws, incident, call), given, interactive=can_ask)
    choice = answers.get("agreement")
    agreement = {"agreed": Agreement.AGREED, "refused": Agreement.REFUSED}.get(choice or "")
    if not can_ask and not (answers["heard"] or answers["expects"] or agreement):
        raise UsageError(
            "nothing to record: missing --heard, --expects or --agreed-schedule",
            hint=f'e.g. meptool call record {incident_id} --heard "…" --expects "…"',
        )
    when = answers.get("at")
    if at is not None and call is not None:
        try:
            when = time_parser(ws.tz, ws.now())(at)
        except ValueError as exc:
            raise UsageError(f"--at: {exc}") from None
    done = record(
        ws,
        incident_id,
        seq=call.seq if call else None,
        at=when,
        heard=answers["heard"],
        expects=answers["expects"],
        agreement=agreement,
        by=answers.get("by"),
        words=answers.get("words") if agreement else None,
        with_=with_,
        expected=snap,
    )
    if json_:
        print_json(done.as_dict())
        return
    made = " (a new call: it was not prepared)" if done.created else ""
    echo(f"call {done.seq} of {incident_id} recorded{made}")
    if done.heard:
        from meptool.labels import count as counted

        _note(f"  heard: {counted(len(done.heard), 'point', 'points', 'en')}")
    if done.expectations:
        _note(
            f"  expectations: {', '.join(done.expectations)} (open: the next update answers them)"
        )
    if done.agreement:
        _note(f"  new schedule: {done.agreement}")
    _note(f"Next: 'meptool update draft {incident_id}' answers them in writing.")


@app.command("cancel")
def cancel_cmd(
    ctx: typer.Context,
    incident_id: IdArg,
    *,
    seq: Annotated[
        int | None,
        typer.Option(
            "--seq",
            min=1,
            help="Call number (default: the latest planned one).",
            show_default=False,
        ),
    ] = None,
    reason: Annotated[
        str | None,
        typer.Option(help="Why, in words for the client (optional).", show_default=False),
    ] = None,
    format_: Annotated[
        str | None,
        typer.Option("--format", help="Comma-separated: ics, eml (default: ics)."),
    ] = None,
    json_: JsonOpt = False,
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Cancel a planned call and withdraw its invitation (METHOD:CANCEL; a mail with --format eml).

    Example:  meptool call cancel MEP-2026-001 --seq 1 --format eml
    """
    from meptool.calls.cancel import cancel, parse_formats
    from meptool.cli.output import echo, print_json
    from meptool.cli.update import _show_findings

    state = settings(ctx, workspace, no_input)
    ws = open_workspace(state)
    done = cancel(ws, incident_id, seq=seq, formats=parse_formats(format_), reason=reason)
    if json_:
        print_json(done.as_dict(ws))
        return
    echo(f"call {done.seq} of {incident_id} cancelled")
    for warning in done.warnings:
        _note(f"warning: {warning}", "yellow")
    for path in done.files:
        echo(ws.display(path))
    if done.comm_seq is not None:
        _note(f"cancellation mail logged as update {done.comm_seq}: {done.subject}")
        _show_findings(done.findings)
        _note(
            f"Next: 'meptool update approve {incident_id} --seq {done.comm_seq} --by NAME', "
            f"then 'meptool update send {incident_id} --seq {done.comm_seq}'."
        )


@app.command("list")
def list_cmd(
    ctx: typer.Context,
    incident_id: IdArg,
    *,
    json_: JsonOpt = False,
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Every call of an incident: when, with whom, status, what was heard and expected."""
    from meptool.calls.record import call_dict, list_calls
    from meptool.cli.output import print_json, table
    from meptool.cli.views import when

    state = settings(ctx, workspace, no_input)
    ws = open_workspace(state)
    incident, calls = list_calls(ws, incident_id)
    if json_:
        print_json([call_dict(incident, c) for c in calls])
        return
    rows = []
    for c in calls:
        raised = [e.id for e in incident.expectations if e.call == c.seq]
        rows.append(
            [
                str(c.seq),
                when(c.at, ws.tz),
                f"{c.duration} min",
                c.status.value,
                ", ".join(c.with_) or "—",
                str(len(c.heard)),
                ", ".join(raised) or "—",
            ]
        )
    table(["#", "at", "duration", "status", "with", "heard", "expectations"], rows)
