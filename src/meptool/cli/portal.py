"""`meptool portal build`: the client portal, a static site to publish behind access control."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from meptool.cli.common import JsonOpt, NoInputOpt, WorkspaceOpt, group, open_workspace, settings

app = group("The client portal: a static site per client, to publish.")


class PortalLang(StrEnum):
    """The language of the pages."""

    FR = "fr"
    EN = "en"


@app.command("build")
def build(
    ctx: typer.Context,
    *,
    client: Annotated[
        str | None,
        typer.Option(help="Only this client's folder (name or folder name).", show_default=False),
    ] = None,
    lang: Annotated[
        PortalLang | None,
        typer.Option(
            help="Only pages in this language (default: every language the client reads).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="Folder to write (default: portal.output of meptool.yaml, else portal/).",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Replace an output folder holding files meptool did not write."
        ),
    ] = False,
    json_: JsonOpt = False,
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Write the client portal: per client, their incidents, every update as sent, the feeds.

    \b
    Examples:
      meptool portal build
      meptool portal build --client "Maison Dupont" --output public
    """
    from meptool.cli.output import echo, error, info, print_json, warning
    from meptool.portal.build import build as run_build

    state = settings(ctx, workspace, no_input)
    ws = open_workspace(state)
    result = run_build(
        ws, client=client, lang=lang.value if lang else None, output=output, force=force
    )
    for line in result.warnings:
        warning(line)
    for line in result.problems:
        error(line)
    if result.invalid:
        from meptool.labels import count as counted

        files = counted(
            len(result.invalid), "invalid incident file", "invalid incident files", "en"
        )
        error(f"{files} left out of the portal; the rest is built")
    shown = ws.display(result.output)
    if json_:
        print_json(
            {
                "output": shown,
                "clients": result.clients,
                "files": result.files,
                "written": result.written,
                "removed": result.removed,
                "up_to_date": result.up_to_date,
                "invalid": result.invalid,
            }
        )
    else:
        for name in result.clients:
            from meptool.portal.visible import slug

            echo(f"{shown}/{slug(name)}/index.html")
        if result.up_to_date:
            info(f"{shown}/ is up to date ({result.files} files).")
        else:
            info(
                f"Wrote {len(result.written)} of {result.files} files in {shown}/"
                + (f", removed {len(result.removed)}" if result.removed else "")
                + "."
            )
    if result.invalid:
        raise typer.Exit(1)
