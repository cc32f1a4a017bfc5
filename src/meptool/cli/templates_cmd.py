"""`meptool templates …`: see and copy the templates to customise them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from meptool.cli.common import JsonOpt, NoInputOpt, WorkspaceOpt, group, open_workspace, settings

app = group("See and copy the templates to customise them.")


@app.command("list")
def list_cmd(
    ctx: typer.Context,
    *,
    json_: JsonOpt = False,
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Every template name, and whether the package or the workspace provides it."""
    from meptool.cli.output import print_json, table
    from meptool.errors import WorkspaceNotFound
    from meptool.writing.templating import template_names

    state = settings(ctx, workspace, no_input)
    try:
        user = open_workspace(state).templates_dir
    except WorkspaceNotFound:
        user = None
    names = [(n, o) for n, o in template_names(user) if n.endswith(".j2")]
    if json_:
        print_json([{"name": n, "origin": o} for n, o in names])
        return
    table(["template", "from"], [[n, o] for n, o in names])


@app.command("export")
def export_cmd(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="Where to copy them.")],
    *,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Copy the shipped templates into DIR; point templates_dir at it to use your edits."""
    from meptool.cli.output import echo, info
    from meptool.writing.export import export

    settings(ctx, workspace, no_input)
    written = export(folder, force=force)
    for path in written:
        echo(str(path))
    info(f"{len(written)} templates copied; set 'templates_dir: {folder}' in meptool.yaml")
