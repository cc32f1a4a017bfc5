"""`meptool expect …`: what the client asked of us, outside a call or after it."""

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

if TYPE_CHECKING:
    from meptool.files.workspace import Workspace

app = group("What the client asked of us: add, met, declined, answer, list.")

IdArg = Annotated[str, typer.Argument(metavar="ID", help="Incident ID, e.g. MEP-2026-001.")]


def _show_expectation(ws: Workspace, incident_id: str, e: Any, verb: str, json_: bool) -> None:
    from meptool.calls.expectations import as_dict
    from meptool.cli.output import echo, print_json

    if json_:
        print_json({"id": incident_id, **as_dict(e)})
        return
    echo(f"{incident_id} {e.id} {verb}: {e.text}")


@app.command("add")
def expect_add(
    ctx: typer.Context,
    incident_id: IdArg,
    *,
    text: Annotated[
        str | None, typer.Option(help="What they asked of us, in their words.", show_default=False)
    ] = None,
    by: Annotated[str | None, typer.Option(help="Who asked.", show_default=False)] = None,
    answer: Annotated[
        str | None, typer.Option(help="Where it stands, for the client.", show_default=False)
    ] = None,
    json_: JsonOpt = False,
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Record an expectation raised outside a call (an e-mail, a message).

    Example:  meptool expect add MEP-2026-001 --text "Un point chaque matin" --by "Claire Martin"
    """
    from meptool.calls.expectations import add
    from meptool.errors import UsageError

    state = settings(ctx, workspace, no_input)
    ws = open_workspace(state)
    if text is None:
        if not interactive(state):
            raise UsageError("missing --text", hint='e.g. --text "Un point chaque matin à 9 h"')
        text = typer.prompt("What do they expect from us")
    e = add(ws, incident_id, text=text, by=by, answer=answer)
    _show_expectation(ws, incident_id, e, "added (open)", json_)


def _close(
    ctx: typer.Context,
    incident_id: str,
    *,
    expectation_id: str,
    status: str,
    answer: str | None,
    by: str | None,
    json_: bool,
    workspace: str | None,
    no_input: bool,
) -> None:
    from meptool.calls.expectations import close
    from meptool.model.enums import ExpectationStatus

    state = settings(ctx, workspace, no_input)
    ws = open_workspace(state)
    if status == "declined" and answer is None and interactive(state):
        answer = typer.prompt("Why we decline, in words for the client")
    e = close(
        ws, incident_id, expectation_id, status=ExpectationStatus(status), answer=answer, by=by
    )
    _show_expectation(ws, incident_id, e, status, json_)


EidArg = Annotated[str, typer.Argument(metavar="E_ID", help="Expectation ID, e.g. E1.")]
AnswerOpt = Annotated[
    str | None, typer.Option(help="What we did, or why not, for the client.", show_default=False)
]
ByOpt = Annotated[str | None, typer.Option(help="Who on our side.", show_default=False)]


@app.command("met")
def expect_met(
    ctx: typer.Context,
    incident_id: IdArg,
    expectation_id: EidArg,
    *,
    answer: AnswerOpt = None,
    by: ByOpt = None,
    json_: JsonOpt = False,
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Mark an expectation met (with what we did, for the client).

    Example:  meptool expect met MEP-2026-001 E1 --answer "Un point écrit part chaque matin à 9 h"
    """
    _close(
        ctx,
        incident_id,
        expectation_id=expectation_id,
        status="met",
        answer=answer,
        by=by,
        json_=json_,
        workspace=workspace,
        no_input=no_input,
    )


@app.command("declined")
def expect_declined(
    ctx: typer.Context,
    incident_id: IdArg,
    expectation_id: EidArg,
    *,
    answer: AnswerOpt = None,
    by: ByOpt = None,
    json_: JsonOpt = False,
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Decline an expectation; --answer says why, in words for the client.

    Example:  meptool expect declined MEP-2026-001 E2 --answer "Nous ne pouvons pas…"
    """
    _close(
        ctx,
        incident_id,
        expectation_id=expectation_id,
        status="declined",
        answer=answer,
        by=by,
        json_=json_,
        workspace=workspace,
        no_input=no_input,
    )


@app.command("answer")
def expect_answer(
    ctx: typer.Context,
    incident_id: IdArg,
    expectation_id: EidArg,
    *,
    answer: Annotated[
        str | None, typer.Option(help="Where it stands, for the client.", show_default=False)
    ] = None,
    json_: JsonOpt = False,
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Say where an open expectation stands (the next update repeats it)."""
    from meptool.calls.expectations import answer as set_answer
    from meptool.errors import UsageError

    state = settings(ctx, workspace, no_input)
    ws = open_workspace(state)
    if answer is None:
        if not interactive(state):
            raise UsageError("missing --answer")
        answer = typer.prompt("Where it stands")
    e = set_answer(ws, incident_id, expectation_id, answer)
    _show_expectation(ws, incident_id, e, "answered", json_)


@app.command("list")
def expect_list(
    ctx: typer.Context,
    incident_id: IdArg,
    *,
    json_: JsonOpt = False,
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """What the client asked of us: each expectation, its status and our answer."""
    from meptool.calls.expectations import as_dict
    from meptool.cli.output import print_json, table
    from meptool.cli.views import when
    from meptool.files import store

    state = settings(ctx, workspace, no_input)
    ws = open_workspace(state)
    incident, _ = store.read(ws, incident_id)
    if json_:
        print_json([as_dict(e) for e in incident.expectations])
        return
    table(
        ["id", "status", "asked", "by", "text", "answer"],
        [
            [
                e.id,
                e.status.value,
                when(e.at, ws.tz) + (f" (call {e.call})" if e.call else ""),
                e.by or "—",
                e.text,
                e.answer or "—",
            ]
            for e in incident.expectations
        ],
    )
