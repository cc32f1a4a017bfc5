"""`meptool retro …`: the retrospective of an incident, or the portfolio across incidents."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from meptool.cli.common import NoInputOpt, WorkspaceOpt, group, open_workspace, settings

if TYPE_CHECKING:
    from collections.abc import Callable

    from meptool.files.workspace import Workspace

app = group("Retrospectives: learn from an incident, show the client we did, see the trends.")


class ReportAudience(StrEnum):
    """Who reads the retrospective."""

    TEAM = "team"
    CLIENT = "client"


class ReportFormat(StrEnum):
    """How it is written."""

    MD = "md"
    HTML = "html"


@app.command("report")
def report(
    ctx: typer.Context,
    incident_id: Annotated[
        str | None,
        typer.Argument(metavar="ID", help="Incident ID (or --all).", show_default=False),
    ] = None,
    *,
    all_: Annotated[bool, typer.Option("--all", help="Portfolio across incidents.")] = False,
    client: Annotated[
        str | None, typer.Option(help="With --all: only this client.", show_default=False)
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            help="With --all: incidents detected on or after YYYY-MM-DD.", show_default=False
        ),
    ] = None,
    audience: Annotated[
        ReportAudience,
        typer.Option(help="team (everything) or client (client-facing, blameless)."),
    ] = ReportAudience.TEAM,
    format_: Annotated[
        ReportFormat, typer.Option("--format", help="md or html (self-contained).")
    ] = ReportFormat.MD,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="File to write ('-' for stdout; a folder for --all). Default: "
            "incidents/ID/retro[-client].FMT, or reports/portfolio.FMT.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="No longer needed: a named --output is overwritten."),
    ] = False,
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Write the retrospective of one incident, or the portfolio with --all.

    \b
    Examples:
      meptool retro report MEP-2026-001 --format html
      meptool retro report MEP-2026-001 --audience client --format html
      meptool retro report --all --since 2026-01-01 --format html
    """
    from meptool.errors import UsageError

    state = settings(ctx, workspace, no_input)
    if all_ and incident_id:
        raise UsageError("give an incident ID or --all, not both")
    if not all_ and not incident_id:
        raise UsageError(
            "missing incident ID",
            hint="e.g. 'meptool retro report MEP-2026-001', or --all for the portfolio",
        )
    if not all_ and (client or since):
        raise UsageError("--client and --since go with --all", hint="add --all")
    if all_ and audience is ReportAudience.CLIENT:
        raise UsageError(
            "--audience client is for one incident; the portfolio is internal",
            hint="drop --audience, or give an incident ID",
        )
    ws = open_workspace(state)
    if all_:
        _portfolio(ws, client=client, since=since, fmt=format_.value, output=output, force=force)
    else:
        assert incident_id is not None
        _single(
            ws, incident_id, audience=audience.value, fmt=format_.value, output=output, force=force
        )


def _write(
    ws: Workspace,
    text: str,
    target: Path | None,
    default: Path,
    *,
    force: bool = False,
    logged: Callable[[], list[Path]] | None = None,
) -> None:
    """Write a report to `target` (an --output) or `default`; `logged`: the files the
    incidents logged, when the caller has them already (asked only if `target` exists)."""
    from meptool.cli.output import echo, info
    from meptool.errors import InputError
    from meptool.files.outputs import own_path, user_output
    from meptool.files.store import atomic_write
    from meptool.incident.reading import logged_files

    path = target or default
    if path.is_dir():
        path = path / default.name
    if target is None:
        own_path(ws.root, path, ws.display(path))
    else:
        user_output(ws.root, path, logged=logged or (lambda: logged_files(ws)))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, text.encode("utf-8"))
    except OSError as exc:
        raise InputError(
            f"cannot write {ws.display(path)}: {exc.strerror or exc}",
            hint="choose another --output, or check the folder's permissions",
        ) from None
    echo(ws.display(path))
    info(f"Wrote {ws.display(path)}")


def _single(
    ws: Workspace, incident_id: str, *, audience: str, fmt: str, output: str | None, force: bool
) -> None:
    import sys

    from meptool.files import store
    from meptool.reports import retrodoc

    incident, _ = store.read(ws, incident_id)
    text = retrodoc.render(ws, incident, audience, fmt)
    _review(retrodoc.review(ws, incident, audience, text, fmt), incident.id)
    if output == "-":
        sys.stdout.write(text)
        return
    default = retrodoc.default_path(ws, incident.id, audience, fmt)
    _write(ws, text, Path(output) if output else None, default, force=force)


def _review(findings: list[Any], incident_id: str) -> None:
    """Print the check's findings on a report; refuse a client report that fails it."""
    from rich.markup import escape

    from meptool.cli.output import info
    from meptool.errors import InputError

    blocking = [f for f in findings if f.blocking]
    for f in findings:
        if not f.blocking:
            info(f"[yellow]{escape(str(f))}[/]")
    if blocking:
        listed = "\n".join(f"  {f}" for f in blocking)
        raise InputError(
            f"the client retrospective of {incident_id} fails the check; nothing was written:\n"
            f"{listed}",
            hint="fix the incident's client-visible texts (the field is named after each "
            "finding), then run the report again",
        )


def _portfolio(
    ws: Workspace,
    *,
    client: str | None,
    since: str | None,
    fmt: str,
    output: str | None,
    force: bool,
) -> None:
    import sys

    from meptool.cli.output import info, warning
    from meptool.incident import reading
    from meptool.reports import portfolio, portfoliodoc
    from meptool.values import parse_date

    since_day = parse_date(since, "--since") if since else None
    # Each file's facts, not its model: unchanged files come from the cache as plain JSON.
    # The files the incidents logged are noted on the way (what --output may not overwrite).
    noted: list[tuple[str, Any]] = []
    items: Any = reading.noting_logged(reading.facts_named(ws), noted)
    progress = None
    if sys.stderr.isatty():
        from rich.progress import Progress

        from meptool.cli.output import err_console

        progress = Progress(console=err_console(), transient=True)
        items = progress.track(
            items, total=len(ws.incident_dirs()), description="Reading incidents"
        )
        progress.start()
    try:
        result = portfolio.aggregate(
            items,
            tz=ws.tz,
            now=ws.now(),
            cadence=ws.cadence,
            default_client=ws.facts["client"],
            client=client,
            since=since_day,
            display=lambda name: ws.display(ws.incidents_dir / name / "incident.yaml"),
        )
    finally:
        if progress is not None:
            progress.stop()
    for path in result.invalid[:10]:
        warning(f"{path} is invalid and was skipped")
    if len(result.invalid) > 10:
        from meptool.labels import count

        more = count(len(result.invalid) - 10, "more invalid file", "more invalid files", "en")
        warning(f"… and {more}")
    if result.invalid:
        info("see 'meptool incident validate' for the problems")
    text = portfoliodoc.render(ws, result, fmt)
    if output == "-":
        sys.stdout.write(text)
        return
    default = portfoliodoc.default_path(ws, client, fmt)
    _write(
        ws,
        text,
        Path(output) if output else None,
        default,
        force=force,
        logged=lambda: reading.logged_of(ws, noted),
    )
