"""`meptool incident ack|note|rootcause|plan|action|status`: the guided steps after `open`.

Each command reads the incident (keeping a snapshot), asks what its flags did
not say, then edits the file under its lock: if someone saved the file while
the lead was typing, nothing is written (exit 4).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from meptool.cli.common import NoInputOpt, WorkspaceOpt, interactive, open_workspace, settings
from meptool.model.enums import ActionStatus, ActionType, Agreement, Category, Status

IdArg = Annotated[str, typer.Argument(metavar="ID", help="Incident ID, e.g. MEP-2026-001.")]


def ack(
    ctx: typer.Context,
    incident_id: IdArg,
    *,
    by: Annotated[
        str | None,
        typer.Option(help="Who owns it (default: the project lead).", show_default=False),
    ] = None,
    statement: Annotated[
        str | None,
        typer.Option(help="The words in which we own the error.", show_default=False),
    ] = None,
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Acknowledge: own the error in plain words; the incident becomes 'acknowledged'.

    Example:  meptool incident ack MEP-2026-001 --by "Julie Leroy" --statement "C'est notre erreur…"
    """
    from meptool.cli.output import info
    from meptool.cli.prompts import ask
    from meptool.cli.steps import ack_steps
    from meptool.cli.views import when
    from meptool.files.store import edit, read
    from meptool.incident.lifecycle import acknowledge, draft_statement

    state = settings(ctx, workspace, no_input)
    ws = open_workspace(state)
    incident, snap = read(ws, incident_id)
    draft = draft_statement(incident)
    answers = ask(
        ack_steps(ws, incident, draft),
        {"by": by, "statement": statement},
        interactive=interactive(state),
    )
    with edit(ws, incident_id, expected=snap) as ed:
        done = acknowledge(ed, by=answers["by"], statement=answers["statement"])
    info(
        f"{incident_id} acknowledged by {answers['by']}"
        + (" (status: acknowledged)" if done.moved else "")
    )
    if done.update_due is not None:
        late = " — that is already past: send one now" if done.update_due < ws.now() else ""
        info(f"First client update due: {when(done.update_due, ws.tz)}{late}.")
    info(f"Next: find the cause with 'meptool incident rootcause {incident_id}'.")


def note(
    ctx: typer.Context,
    incident_id: IdArg,
    *,
    text: Annotated[str | None, typer.Option(help="What happened.", show_default=False)] = None,
    at: Annotated[
        str | None,
        typer.Option(help="When (ISO 8601, HH:MM or now; default now).", show_default=False),
    ] = None,
    client: Annotated[
        bool | None,
        typer.Option(
            "--client/--internal",
            help="May the client read it? (default: internal).",
            show_default=False,
        ),
    ] = None,
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Add a timeline entry (internal unless you say --client).

    Example:  meptool incident note MEP-2026-001 --text "Correctif en recette" --client
    """
    from meptool.cli.output import info
    from meptool.cli.prompts import ask
    from meptool.cli.steps import note_steps
    from meptool.files.store import edit, read
    from meptool.incident.lifecycle import add_note

    state = settings(ctx, workspace, no_input)
    ws = open_workspace(state)
    _, snap = read(ws, incident_id)
    visibility = None if client is None else ("client" if client else "internal")
    answers = ask(
        note_steps(ws),
        {"text": text, "at": at, "visibility": visibility},
        interactive=interactive(state),
    )
    with edit(ws, incident_id, expected=snap) as ed:
        add_note(ed, answers["text"], at=answers["at"], visibility=answers["visibility"])
    info(f"Noted in {incident_id} ({answers['visibility'].value}).")


def rootcause(
    ctx: typer.Context,
    incident_id: IdArg,
    *,
    summary: Annotated[
        str | None, typer.Option(help="The root cause in one or two sentences.", show_default=False)
    ] = None,
    category: Annotated[
        Category | None, typer.Option(help="Kind of cause.", show_default=False)
    ] = None,
    why: Annotated[
        list[str] | None,
        typer.Option(
            help="One of the five whys, in order (repeat; replaces the list).", show_default=False
        ),
    ] = None,
    factor: Annotated[
        list[str] | None,
        typer.Option(help="A contributing factor (repeat; replaces the list).", show_default=False),
    ] = None,
    escape: Annotated[
        str | None,
        typer.Option(help="Why our release process let it reach production.", show_default=False),
    ] = None,
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Root cause: the five whys, category, contributing factors, and why it escaped.

    Example:  meptool incident rootcause MEP-2026-001 --why "…" --why "…" --summary "…"
    """
    from meptool.cli.output import info
    from meptool.cli.prompts import ask
    from meptool.cli.steps import rootcause_steps
    from meptool.files.store import edit, read
    from meptool.incident.rootcause import Findings, record

    state = settings(ctx, workspace, no_input)
    ws = open_workspace(state)
    incident, snap = read(ws, incident_id)
    given: dict[str, Any] = {
        "summary": summary,
        "category": category,
        "whys": why,
        "factors": factor,
        "escape": escape,
    }
    answers = ask(rootcause_steps(incident), given, interactive=interactive(state))
    found = Findings(
        summary=answers["summary"],
        category=answers["category"],
        whys=answers["whys"],
        contributing_factors=answers["factors"],
        escape=answers["escape"],
    )
    with edit(ws, incident_id, expected=snap) as ed:
        record(ed, found)
    info(f"Root cause recorded in {incident_id}.")
    if not (answers["escape"] or (incident.root_cause and incident.root_cause.escape)):
        info("Still open: why did the release process let it through? (--escape)")
    info(f"Next: plan the fix with 'meptool incident plan {incident_id}'.")


def plan(
    ctx: typer.Context,
    incident_id: IdArg,
    *,
    action: Annotated[
        str | None, typer.Option(help="An action to add to the plan.", show_default=False)
    ] = None,
    type_: Annotated[
        ActionType | None,
        typer.Option("--type", help="corrective (default) or preventive.", show_default=False),
    ] = None,
    owner: Annotated[str | None, typer.Option(help="Who does it.", show_default=False)] = None,
    due: Annotated[
        str | None, typer.Option(help="Due date: YYYY-MM-DD or +N days.", show_default=False)
    ] = None,
    effort: Annotated[
        str | None, typer.Option(help="Effort in days, e.g. 1.5.", show_default=False)
    ] = None,
    client_visible: Annotated[
        bool | None,
        typer.Option(
            "--client-visible/--internal",
            help="May the client see this action? (default: internal).",
            show_default=False,
        ),
    ] = None,
    delay_days: Annotated[
        str | None, typer.Option(help="Delay to the delivery, in days.", show_default=False)
    ] = None,
    budget: Annotated[
        str | None, typer.Option(help="Budget impact, in words.", show_default=False)
    ] = None,
    new_date: Annotated[
        str | None, typer.Option(help="New delivery date (YYYY-MM-DD).", show_default=False)
    ] = None,
    agreement: Annotated[
        Agreement | None, typer.Option(help="Client agreement to the change.", show_default=False)
    ] = None,
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Corrective plan: actions (IDs A1, A2…) and the schedule/budget impact.

    Example:  meptool incident plan MEP-2026-001 --action "Corriger" --owner Karim --due +2
    """
    from meptool.cli.output import info
    from meptool.cli.prompts import ask
    from meptool.cli.steps import plan_steps
    from meptool.errors import UsageError
    from meptool.files.store import edit, read
    from meptool.incident.plan import NewAction, Schedule, add_actions, set_schedule

    state = settings(ctx, workspace, no_input)
    ws = open_workspace(state)
    incident, snap = read(ws, incident_id)
    detail = {
        "type": type_,
        "owner": owner,
        "due": due,
        "effort": effort,
        "client_visible": client_visible,
    }
    if action is None and any(v is not None for v in detail.values()):
        raise UsageError(
            "--type, --owner, --due, --effort and --client-visible describe an --action"
        )
    given: dict[str, Any] = {
        "actions": [{"action": action, **detail}] if action is not None else None,
        "delay_days": delay_days,
        "budget": budget,
        "new_date": new_date,
        "agreement": agreement,
    }
    can_ask = interactive(state)
    if not can_ask and not any(v is not None for v in given.values()):
        raise UsageError(
            "nothing to plan: missing --action (or --delay-days, --budget, --new-date, "
            "--agreement)",
            hint=f'e.g. meptool incident plan {incident_id} --action "Corriger" --due +2',
        )
    answers = ask(plan_steps(ws, incident), given, interactive=can_ask)
    actions = [
        NewAction(
            action=a["action"],
            type=a["type"],
            owner=a["owner"],
            due=a["due"],
            effort_days=a["effort"],
            client_visible=a["client_visible"],
        )
        for a in answers["actions"]
    ]
    schedule = Schedule(
        delay_days=answers["delay_days"],
        budget_impact=answers["budget"],
        new_delivery_date=answers["new_date"],
        client_agreement=answers["agreement"],
    )
    with edit(ws, incident_id, expected=snap) as ed:
        ids = add_actions(ed, actions)
        set_schedule(ed, schedule)
    if ids:
        info(f"Added {', '.join(ids)} to the plan of {incident_id}.")
    if ed.result is not None:
        _show_plan(ed.result)


def _show_plan(incident: Any) -> None:
    """The plan as it stands: each action, the total effort and the new date, stated."""
    from meptool.cli.output import echo
    from meptool.cli.views import when
    from meptool.incident.plan import total_effort

    for a in incident.corrective_plan:
        seen = "client-visible" if a.client_visible else "internal"
        echo(
            f"{a.id}  {a.status.value:<5}  {a.type.value:<10}  {a.action}"
            f" — {a.owner or 'no owner'}, due {when(a.due)}, {a.effort_days or 0:g} d, {seen}"
        )
    echo(f"Total effort: {total_effort(incident.corrective_plan):g} days")
    s = incident.schedule_impact
    if s and s.new_delivery_date:
        delay = f"delay {s.delay_days:g} days, " if s.delay_days is not None else ""
        agreed = s.client_agreement.value if s.client_agreement else "not asked yet"
        date = s.new_delivery_date.isoformat()
        echo(f"New delivery date: {date} ({delay}client agreement: {agreed})")
    elif s and s.delay_days:
        echo(f"Delay: {s.delay_days:g} days — no new delivery date stated yet (--new-date)")
    else:
        echo("New delivery date: none stated (unchanged schedule, or say it with --new-date)")


def action(
    ctx: typer.Context,
    incident_id: IdArg,
    action_id: Annotated[str, typer.Argument(metavar="ACTION_ID", help="Action ID, e.g. A1.")],
    *,
    status: Annotated[
        ActionStatus | None, typer.Option(help="todo, doing or done.", show_default=False)
    ] = None,
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Progress an action of the corrective plan.

    Example:  meptool incident action MEP-2026-001 A1 --status done
    """
    from meptool.cli.output import info
    from meptool.cli.prompts import ask
    from meptool.cli.steps import action_steps
    from meptool.files.store import edit, read
    from meptool.incident.plan import set_action_status

    state = settings(ctx, workspace, no_input)
    ws = open_workspace(state)
    _, snap = read(ws, incident_id)
    answers = ask(action_steps(action_id), {"status": status}, interactive=interactive(state))
    new = answers["status"]
    with edit(ws, incident_id, expected=snap) as ed:
        old = set_action_status(ed, action_id.upper(), new)
    if old == new:
        info(f"{action_id.upper()} is already {new.value}; nothing changed.")
    else:
        info(f"{incident_id} {action_id.upper()}: {old.value} → {new.value}")


def status(
    ctx: typer.Context,
    incident_id: IdArg,
    new_status: Annotated[
        Status,
        typer.Argument(metavar="NEW_STATUS", help="acknowledged, mitigated, resolved or closed."),
    ],
    *,
    force: Annotated[bool, typer.Option(help="Allow a move backwards (e.g. reopen).")] = False,
    text: Annotated[
        str | None,
        typer.Option(help="A word on why, added to the timeline entry.", show_default=False),
    ] = None,
    client: Annotated[
        bool,
        typer.Option("--client/--internal", help="May the client read the timeline entry?"),
    ] = False,
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Move the incident through open → acknowledged → mitigated → resolved → closed.

    Forward moves may skip steps; a move backwards needs --force.

    Example:  meptool incident status MEP-2026-001 mitigated --text "Règle rétablie" --client
    """
    from meptool.cli.output import info
    from meptool.files.store import edit
    from meptool.incident.lifecycle import move
    from meptool.model.enums import Visibility

    state = settings(ctx, workspace, no_input)
    ws = open_workspace(state)
    with edit(ws, incident_id) as ed:
        old = move(
            ed,
            new_status,
            force=force,
            note=text,
            visibility=Visibility.CLIENT if client else Visibility.INTERNAL,
        )
    info(f"{incident_id}: {old.value} → {new_status.value}")
    if new_status == Status.ACKNOWLEDGED and ed.incident.acknowledgement is None:
        info(f"The error is not owned in words yet: 'meptool incident ack {incident_id}'.")


def register(app: typer.Typer) -> None:
    """Add these commands to the `incident` group."""
    app.command("ack")(ack)
    app.command("note")(note)
    app.command("rootcause")(rootcause)
    app.command("plan")(plan)
    app.command("action")(action)
    app.command("status")(status)
