"""`meptool incident …`: open, list, show, validate."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from meptool.cli.common import JsonOpt, NoInputOpt, WorkspaceOpt, group, open_workspace, settings
from meptool.model.enums import Language, Severity, Status

if TYPE_CHECKING:
    from meptool.files.workspace import Workspace

app = group("Open, follow and check incidents.")


@app.command("open")
def open_(
    ctx: typer.Context,
    *,
    title: Annotated[
        str | None, typer.Option(help="What went wrong, in a few words.", show_default=False)
    ] = None,
    severity: Annotated[
        Severity | None, typer.Option(help="critical, major or minor.", show_default=False)
    ] = None,
    project: Annotated[str | None, typer.Option(help="Project (default: the workspace's).")] = None,
    lang: Annotated[
        Language | None, typer.Option("--lang", help="Language of client documents.")
    ] = None,
    release: Annotated[
        str | None, typer.Option(help="Release version that went wrong, e.g. v2.3.0.")
    ] = None,
    deployed_at: Annotated[
        str | None, typer.Option(help="When it was deployed (ISO 8601).")
    ] = None,
    environment: Annotated[str | None, typer.Option(help="Where: production…")] = None,
    commit: Annotated[str | None, typer.Option(help="Commit deployed.")] = None,
    impact: Annotated[
        str | None, typer.Option(help="What the client sees, in the client's words.")
    ] = None,
    users_affected: Annotated[
        str | None, typer.Option(help="Who is affected, e.g. 'environ 1 200 commandes'.")
    ] = None,
    detected_at: Annotated[
        str | None, typer.Option(help="When it was noticed (ISO 8601; default now).")
    ] = None,
    detected_by: Annotated[str | None, typer.Option(help="Who noticed.")] = None,
    contact: Annotated[
        list[str] | None,
        typer.Option(
            help="Another client contact: 'Name <email>; role; kind' (repeat).",
            show_default=False,
        ),
    ] = None,
    save_contacts: Annotated[
        bool | None,
        typer.Option(
            "--save-contacts/--no-save-contacts",
            help="Keep the new contacts in meptool.yaml for the next incidents "
            "(asked on a terminal).",
            show_default=False,
        ),
    ] = None,
    json_: JsonOpt = False,
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
    from_ci: Annotated[
        bool,
        typer.Option(
            "--from-ci",
            help="In a pipeline after a failed deploy: fill the release from the CI environment "
            "(GitHub Actions, GitLab CI, MEPTOOL_*), never prompt, open one incident per run.",
        ),
    ] = False,
    dotenv: Annotated[
        str | None,
        typer.Option(
            help="With --from-ci: write MEPTOOL_INCIDENT_ID and MEPTOOL_INCIDENT_PATH to this "
            "dotenv file (GitLab artifacts:reports:dotenv).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Open an incident and print its ID; on a terminal without flags, a guided walk-through.

    Example:  meptool incident open --title "Paiement refusé" --severity critical --release v2.3.0
    """
    if from_ci or dotenv is not None:
        from meptool.cli.ci_cmds import open_from_ci

        open_from_ci(
            ctx,
            from_ci=from_ci,
            dotenv=dotenv,
            title=title,
            severity=severity,
            project=project,
            lang=lang,
            release=release,
            deployed_at=deployed_at,
            environment=environment,
            commit=commit,
            impact=impact,
            users_affected=users_affected,
            detected_at=detected_at,
            detected_by=detected_by,
            json_=json_,
            workspace=workspace,
            no_input=no_input,
        )
        return
    from meptool.cli.common import interactive
    from meptool.cli.output import echo, info, print_json
    from meptool.cli.prompts import ask
    from meptool.cli.steps import open_steps
    from meptool.incident.registry import OpenRequest, open_incident

    state = settings(ctx, workspace, no_input)
    ws = open_workspace(state)
    given = {
        "title": title,
        "project": project,
        "language": lang,
        "severity": severity,
        "release": release,
        "deployed_at": deployed_at,
        "impact": impact,
        "users_affected": users_affected,
        "detected_by": detected_by,
        "detected_at": detected_at,
        "contacts": contact,
    }
    walk = interactive(state) and not any(v not in (None, []) for v in given.values())
    answers = ask(open_steps(ws), given, interactive=interactive(state), walk=walk)
    rel = {
        "version": answers["release"],
        "deployed_at": answers["deployed_at"],
        "environment": environment,
        "commit": commit,
    }
    req = OpenRequest(
        title=answers["title"],
        severity=answers["severity"],
        project=answers["project"],
        language=answers["language"],
        release=rel if any(rel.values()) else None,
        impact=answers["impact"],
        users_affected=answers["users_affected"],
        detected_at=answers["detected_at"],
        detected_by=answers["detected_by"],
        contacts=_contacts(ws, answers["contacts"]) if answers["contacts"] else None,
    )
    incident_id, path = open_incident(ws, req)
    _save_contacts(ws, answers["contacts"] or [], save_contacts, ask_it=walk)
    if json_:
        print_json({"id": incident_id, "path": ws.display(path)})
        return
    echo(incident_id)
    if walk:
        from meptool.cli.output import err_console
        from meptool.cli.views import incident_lines
        from meptool.files.store import load
        from meptool.incident.registry import update_due

        incident = load(ws, path)
        due = update_due(ws, incident)
        for line in incident_lines(incident, tz=ws.tz, due=due, now=ws.now()):
            err_console().print(line)
    info(f"Opened {incident_id} in {ws.display(path)}")
    from meptool.files.store import read
    from meptool.incident.nextsteps import missing_for_update

    for line in missing_for_update(read(ws, incident_id)[0]):
        info(f"Note: {line}")
    info(f"Next: own the error with 'meptool incident ack {incident_id}'.")


def _save_contacts(
    ws: Workspace, added: list[dict[str, Any]], save: bool | None, *, ask_it: bool
) -> None:
    """Contacts typed for this incident, kept for the next ones (one question for all)."""
    from meptool.cli.output import info
    from meptool.cli.prompts import ask
    from meptool.cli.steps import save_contacts_step
    from meptool.files.scaffold import Setup, complete_workspace

    known = {
        (c.email or c.name).casefold()
        for c in (ws.config.client.contacts if ws.config.client else [])
    }
    new = [
        {k: getattr(v, "value", v) for k, v in c.items() if v is not None}
        for c in added
        if (c.get("email") or c["name"]).casefold() not in known
    ]
    if not new:
        return
    if save is None and ask_it:
        step = save_contacts_step([c["name"] for c in new])
        save = ask([step], {}, interactive=True, walk=True)["save"]
    if save:
        complete_workspace(ws, Setup(contacts=new))
        info(f"Saved {', '.join(c['name'] for c in new)} in {ws.display(ws.config_path)}.")


def _contacts(ws: Workspace, added: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The workspace's contacts plus the ones given for this incident (same e-mail: replaced)."""
    base = (
        [c.model_dump(mode="json", exclude_none=True) for c in ws.config.client.contacts]
        if ws.config.client
        else []
    )
    new = [{k: getattr(v, "value", v) for k, v in c.items() if v is not None} for c in added]
    emails = {c.get("email") for c in new if c.get("email")}
    return [c for c in base if c.get("email") not in emails] + new


@app.command("list")
def list_(
    ctx: typer.Context,
    *,
    status: Annotated[
        list[str] | None,
        typer.Option(help="Only these statuses (repeat or comma-separate).", show_default=False),
    ] = None,
    severity: Annotated[
        list[str] | None,
        typer.Option(help="Only these severities (repeat or comma-separate).", show_default=False),
    ] = None,
    json_: JsonOpt = False,
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """List incidents; overdue client updates stand out.

    Example:  meptool incident list --status open,acknowledged --severity critical
    """
    from meptool.cli.common import split_csv
    from meptool.cli.output import error, print_json
    from meptool.incident.registry import list_rows
    from meptool.values import choices

    state = settings(ctx, workspace, no_input)
    ws = open_workspace(state)
    statuses = choices(split_csv(status), Status, "--status")
    severities = choices(split_csv(severity), Severity, "--severity")
    rows, broken = list_rows(ws, statuses=statuses, severities=severities)
    for exc in broken:
        error(f"{exc}\n(skipped; see 'meptool incident validate')")
    if json_:
        print_json([r.as_dict() for r in rows])
    else:
        _print_rows(ws, rows)
    if broken:
        raise typer.Exit(1)


def _print_rows(ws: Workspace, rows: list[Any]) -> None:
    """The incident table: IDs, severities and statuses whole; the title gives way."""
    from meptool.cli.output import fitted, is_tty

    tty = is_tty()
    if not tty:  # every cell whole: the same text as `fitted` piped, made directly
        _print_plain(ws, rows)
        return
    fitted(_columns(), _cells(ws, rows, tty=tty))


def _columns() -> list[Any]:
    from meptool.cli.fit import Column

    return [
        Column("ID"),
        Column("SEVERITY"),
        Column("STATUS"),
        Column("TITLE", flex=True, min_width=16),
        Column("DETECTED", drop=1),
        Column("NEXT UPDATE"),
        Column("ASKED", drop=2),  # open expectations of the client (SPEC.md 8)
    ]


def _cells(ws: Workspace, rows: list[Any], *, tty: bool) -> list[list[Any]]:
    """The table's cells, each with its shorter variants for a narrow terminal."""
    from meptool.cli.fit import Cell
    from meptool.cli.views import SEVERITY_STYLE, STATUS_STYLE, when

    def times(value: Any) -> tuple[str, str]:
        if value is None:
            return ("—", "—")
        full = when(value, ws.tz)
        return (full[:16], full[5:16]) if tty else (full, full)  # no offset, then no year

    cells = []
    for r in rows:
        due_full, due_short = times(r.next_update_due)
        late = [(" overdue", "red")] if r.overdue else []
        narrow = [("overdue", "red")] if r.overdue else [(due_short, None)]
        cells.append(
            [
                Cell.of(r.id),
                Cell.of(r.severity, style=SEVERITY_STYLE.get(r.severity)),
                Cell.of(r.status, style=STATUS_STYLE.get(r.status)),
                Cell.of(r.title),
                Cell.of(*times(r.detected_at)),
                Cell.of([(due_full, None), *late], [(due_short, None), *late], narrow),
                Cell.of(f"{r.open_expectations} open" if r.open_expectations else "—"),
            ]
        )
    return cells


_HEADERS = ("ID", "SEVERITY", "STATUS", "TITLE", "DETECTED", "NEXT UPDATE", "ASKED")


def _print_plain(ws: Workspace, rows: list[Any]) -> None:
    """The incident table piped, every cell whole: the text `output.fitted` prints for
    `_cells(…, tty=False)` when piped (a test compares them), without making the cells."""
    from meptool.cli.output import aligned
    from meptool.cli.views import when

    tz = ws.tz
    cells: list[tuple[str, ...]] = []
    add = cells.append
    for r in rows:
        due = r.next_update_due
        due_text = "—" if due is None else when(due, tz)
        asked = r.open_expectations
        add(
            (
                r.id,
                r.severity,
                r.status,
                r.title,
                "—" if r.detected_at is None else when(r.detected_at, tz),
                f"{due_text} overdue" if r.overdue else due_text,
                f"{asked} open" if asked else "—",
            )
        )
    aligned(_HEADERS, cells)


@app.command("show")
def show(
    ctx: typer.Context,
    incident_id: Annotated[
        str, typer.Argument(metavar="ID", help="Incident ID, e.g. MEP-2026-001.")
    ],
    *,
    json_: JsonOpt = False,
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Show one incident, readable.

    Example:  meptool incident show MEP-2026-001
    """
    from meptool.cli.output import console, print_json
    from meptool.cli.views import incident_lines
    from meptool.files.store import read
    from meptool.incident.registry import update_due

    state = settings(ctx, workspace, no_input)
    ws = open_workspace(state)
    incident, _ = read(ws, incident_id)
    due = update_due(ws, incident)
    if json_:
        data = incident.model_dump(mode="json", exclude_none=True)
        data["next_update_due_computed"] = due.isoformat() if due else None
        data["open_expectations"] = len(incident.open_expectations)
        print_json(data)
        return
    for line in incident_lines(incident, tz=ws.tz, due=due, now=ws.now()):
        console().print(line)


@app.command("validate")
def validate(
    ctx: typer.Context,
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="Files to check (default: the whole workspace).", show_default=False),
    ] = None,
    *,
    json_: JsonOpt = False,
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Check incident files: every problem as file:line:col: field: message.

    Example:  meptool incident validate incidents/MEP-2026-001/incident.yaml
    """
    from meptool.cli.ci_cmds import github_annotations, print_json_safe
    from meptool.cli.output import echo, error, info
    from meptool.errors import WorkspaceNotFound
    from meptool.incident.registry import validate_files

    state = settings(ctx, workspace, no_input)
    files = [Path(p) for p in paths or []]
    try:
        ws: Workspace | None = open_workspace(state)
    except WorkspaceNotFound:
        if not files:
            raise
        ws = None
    results = validate_files(ws, files)
    bad = [r for r in results if not r.ok]
    safe = github_annotations([p for r in bad for p in r.problems])
    if json_:
        print_json_safe(
            {
                "ok": not bad,
                "files": [
                    {"path": r.path, "ok": r.ok, "problems": [p.as_dict() for p in r.problems]}
                    for r in results
                ],
            }
        )
    else:
        for r in bad:
            for p in r.problems:
                echo(safe(str(p)))
        if bad:
            from meptool.files.validation import count as problem_count
            from meptool.labels import count as counted

            count = sum(problem_count(r.problems) for r in bad)
            error(
                f"{counted(count, 'problem', 'problems', 'en')} in {len(bad)} of "
                f"{counted(len(results), 'file', 'files', 'en')}"
            )
        else:
            from meptool.labels import count as counted

            info(f"{counted(len(results), 'file', 'files', 'en')} valid")
    if bad:
        raise typer.Exit(1)
