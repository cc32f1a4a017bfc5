"""`meptool feedback …`: what the client thought of how we handled it."""

from __future__ import annotations

from typing import Annotated

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

app = group("Client satisfaction after an incident.")


@app.command("record")
def record(
    ctx: typer.Context,
    incident_id: Annotated[
        str, typer.Argument(metavar="ID", help="Incident ID, e.g. MEP-2026-001.")
    ],
    *,
    csat: Annotated[
        int | None,
        typer.Option(
            help="Satisfaction from 1 (very dissatisfied) to 5 (very satisfied).",
            show_default=False,
        ),
    ] = None,
    comment: Annotated[
        str | None, typer.Option(help="What the client said, in their words.", show_default=False)
    ] = None,
    by: Annotated[
        str | None, typer.Option(help="Who at the client gave it.", show_default=False)
    ] = None,
    json_: JsonOpt = False,
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Record the client's satisfaction (CSAT 1-5) with how the incident was handled.

    Example:  meptool feedback record MEP-2026-001 --csat 4 --comment "Réactifs"
    """
    from meptool.cli.output import echo, info, print_json
    from meptool.errors import UsageError
    from meptool.files import store
    from meptool.incident import feedback

    state = settings(ctx, workspace, no_input)
    ws = open_workspace(state)
    incident, snapshot = store.read(ws, incident_id)
    if csat is None:
        if not interactive(state):
            raise UsageError(
                "missing --csat", hint="give the client's score from 1 to 5, e.g. --csat 4"
            )
        info(f"[bold]{incident.id}[/]: how satisfied is the client with how we handled it?")
        csat = _ask_score()
        if comment is None:
            comment = typer.prompt("Their words (optional)", default="", show_default=False) or None
        if by is None:
            by = typer.prompt("Who said it (optional)", default="", show_default=False) or None
    feedback.check_csat(csat)
    item = feedback.record(ws, incident_id, csat=csat, comment=comment, by=by, expected=snapshot)
    if json_:
        print_json({"id": incident_id, **{k: str(v) if k == "at" else v for k, v in item.items()}})
        return
    echo(f"{incident_id}: CSAT {csat}/5 recorded")
    info(f"Next: 'meptool retro report {incident_id}' includes it.")


def _ask_score() -> int:
    """Ask until the answer is a score from 1 to 5 (a typo is not fatal)."""
    from meptool.cli.output import error

    while True:
        value = typer.prompt("Score from 1 (very dissatisfied) to 5 (very satisfied)", type=int)
        if 1 <= value <= 5:
            return int(value)
        error(f"{value} is not in the range 1 to 5")
