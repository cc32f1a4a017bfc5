"""`meptool init` and `meptool schema`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from meptool.cli.common import NoInputOpt, WorkspaceOpt
from meptool.model.enums import Language


def init(
    path: Annotated[str, typer.Argument(help="Folder to turn into a workspace.")] = ".",
    *,
    lang: Annotated[
        Language, typer.Option("--lang", help="Default language of client documents.")
    ] = Language.FR,
    prefix: Annotated[str, typer.Option(help="Prefix of incident IDs.")] = "MEP",
    client: Annotated[str | None, typer.Option(help="Client name.")] = None,
    project: Annotated[str | None, typer.Option(help="Project name.")] = None,
    lead: Annotated[str | None, typer.Option(help="Project lead's name.")] = None,
    timezone: Annotated[str, typer.Option(help="IANA time zone.")] = "Europe/Paris",
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Create a workspace: meptool.yaml (commented), incidents/, schemas/, .gitignore.

    Example:  meptool init . --lang fr --client "Maison Dupont" --prefix MEP
    """
    from meptool.cli.output import echo, info
    from meptool.files.scaffold import init_workspace

    root = Path(workspace or path)
    written = init_workspace(
        root,
        language=lang.value,
        prefix=prefix,
        client=client,
        project=project,
        lead=lead,
        timezone=timezone,
    )
    for file in written:
        info(f"  wrote {file}")
    echo(str(root.resolve()))
    info("Next: fill in the client's contacts in meptool.yaml, then 'meptool incident open'.")


def schema(
    *,
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
    config: Annotated[
        bool, typer.Option("--config", help="Schema of meptool.yaml instead of incident files.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing file outside the workspace.")
    ] = False,
) -> None:
    """Print the JSON Schema (2020-12) of the incident file, for editors and CI.

    Example:  meptool schema --output schemas/incident.schema.json
    """
    from meptool.cli.output import info
    from meptool.files.scaffold import schema_text
    from meptool.model.config import Config
    from meptool.model.incident import Incident

    text = schema_text(Config, "meptool") if config else schema_text(Incident, "incident")
    if output is None or output == "-":
        typer.echo(text, nl=False)
        return
    from meptool.errors import WorkspaceNotFound
    from meptool.files.outputs import user_output
    from meptool.files.store import atomic_write
    from meptool.files.workspace import find_root

    try:
        root: Path | None = find_root(None)
    except WorkspaceNotFound:
        root = None  # the schema is useful outside a workspace too
    target = user_output(root, Path(output), force=force)
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, text.encode("utf-8"))
    info(f"wrote {target}")


def register(app: typer.Typer) -> None:
    """Add these commands to the root app."""
    app.command()(init)
    app.command()(schema)
