"""`meptool init` and `meptool schema`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from meptool.cli.common import JsonOpt, NoInputOpt, WorkspaceOpt, open_workspace, settings
from meptool.model.enums import Language


def init(
    ctx: typer.Context,
    path: Annotated[
        str, typer.Argument(metavar="PATH", help="Folder to turn into a workspace.")
    ] = ".",
    *,
    client: Annotated[
        str | None, typer.Option(metavar="TEXT", help="Client's name.", show_default=False)
    ] = None,
    project: Annotated[
        str | None, typer.Option(metavar="TEXT", help="Project's name.", show_default=False)
    ] = None,
    contact: Annotated[
        list[str] | None,
        typer.Option(
            metavar="CONTACT",
            help="A client contact: 'Name <email>; role; kind; greeting' (repeat).",
            show_default=False,
        ),
    ] = None,
    lead: Annotated[
        str | None,
        typer.Option(metavar="NAME", help="Your name: the project lead.", show_default=False),
    ] = None,
    lead_title: Annotated[
        str | None, typer.Option(metavar="TEXT", help="Your title.", show_default=False)
    ] = None,
    lead_email: Annotated[
        str | None, typer.Option(metavar="EMAIL", help="Your e-mail.", show_default=False)
    ] = None,
    lead_phone: Annotated[
        str | None, typer.Option(metavar="PHONE", help="Your phone.", show_default=False)
    ] = None,
    agency: Annotated[
        str | None,
        typer.Option(metavar="TEXT", help="Your agency (signs with you).", show_default=False),
    ] = None,
    mail_domain: Annotated[
        str | None,
        typer.Option(
            metavar="DOMAIN",
            help="Domain of the e-mails' Message-ID (default: your e-mail's).",
            show_default=False,
        ),
    ] = None,
    lang: Annotated[
        Language | None,
        typer.Option("--lang", help="Language of client documents (fr).", show_default=False),
    ] = None,
    timezone: Annotated[
        str | None,
        typer.Option(metavar="ZONE", help="IANA time zone (Europe/Paris).", show_default=False),
    ] = None,
    prefix: Annotated[
        str | None,
        typer.Option(metavar="TEXT", help="Prefix of incident IDs (MEP).", show_default=False),
    ] = None,
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Create a workspace, or fill in what an existing one lacks.

    On a terminal without flags it asks for the client, its contacts, you (the
    lead), your agency, the mail domain, the language and the time zone; in an
    existing workspace, only for what is still missing.

    Example:  meptool init shop --client "Maison Dupont" --lead "Julie Leroy"
    """
    from meptool.cli.common import interactive
    from meptool.cli.output import echo, info
    from meptool.cli.prompts import ask
    from meptool.cli.steps import init_steps
    from meptool.files.scaffold import Setup, complete_workspace, init_workspace
    from meptool.files.workspace import CONFIG_NAME, Workspace

    state = settings(ctx, None, no_input)
    root = Path(workspace or path)
    given: dict[str, Any] = {
        "client": client,
        "project": project,
        "contacts": contact,
        "lead": lead,
        "lead_title": lead_title,
        "lead_email": lead_email,
        "lead_phone": lead_phone,
        "agency": agency,
        "mail_domain": mail_domain,
        "language": lang,
        "timezone": timezone,
    }
    flags = any(v not in (None, []) for v in given.values()) or prefix is not None
    can_ask = interactive(state)
    existing = (root / CONFIG_NAME).is_file()
    ws = Workspace(root.resolve()) if existing else None
    known = _known(ws) if ws else {}
    steps = init_steps()
    if ws and not flags:
        # Only what is missing; what is there is kept.
        walk_given = {**known}
    else:
        walk_given = {k: v for k, v in given.items() if v not in (None, [])}
    answers = ask(steps, walk_given, interactive=can_ask, walk=can_ask and not flags)
    if can_ask and not flags and not (answers.get("lead") or known.get("lead")):
        dropped = [k for k in ("lead_title", "lead_email", "lead_phone") if answers.get(k)]
        if dropped:
            info("No lead's name given: the lead's title, e-mail and phone are not kept.")
        for k in dropped:
            answers[k] = None
    if ws and not flags:
        answers = {k: v for k, v in answers.items() if k not in known}
    elif ws:
        answers = {k: v for k, v in answers.items() if k in walk_given}
    setup = Setup(
        language=_value(answers.get("language")),
        prefix=prefix,
        client=answers.get("client"),
        project=answers.get("project"),
        contacts=[
            {k: _value(v) for k, v in c.items() if v is not None}
            for c in answers.get("contacts") or []
        ],
        lead=answers.get("lead"),
        lead_title=answers.get("lead_title"),
        lead_email=answers.get("lead_email"),
        lead_phone=answers.get("lead_phone"),
        agency=answers.get("agency"),
        mail_domain=answers.get("mail_domain"),
        timezone=answers.get("timezone"),
    )
    if ws is not None:
        if setup.lead is None and known.get("lead") and _wants_lead(setup):
            setup.lead = known["lead"]
        changed = complete_workspace(ws, setup)
        if changed:
            info(f"  updated {ws.display(ws.config_path)}: {', '.join(changed)}")
        else:
            info(f"  {ws.display(ws.config_path)} already says all that; nothing changed")
        echo(str(ws.root))
    else:
        for file in init_workspace(root, setup):
            info(f"  wrote {file}")
        echo(str(root.resolve()))
    _next_steps(Workspace(root.resolve()))


def _value(v: Any) -> Any:
    return getattr(v, "value", v)


def _wants_lead(setup: Any) -> bool:
    return any((setup.lead_title, setup.lead_email, setup.lead_phone))


def _known(ws: Any) -> dict[str, Any]:
    """What an existing meptool.yaml already says, by step name."""
    cfg = ws.config
    lead = cfg.team.lead if cfg.team else None
    out: dict[str, Any] = {
        "client": cfg.client.name if cfg.client else None,
        "project": cfg.project,
        "contacts": [c.model_dump(mode="json", exclude_none=True) for c in cfg.client.contacts]
        if cfg.client
        else [],
        "lead": lead.name if lead else None,
        "lead_title": lead.title if lead else None,
        "lead_email": lead.email if lead else None,
        "lead_phone": lead.phone if lead else None,
        "agency": cfg.agency.name if cfg.agency else None,
        "mail_domain": cfg.mail_domain,
        "language": cfg.language.value,
        "timezone": cfg.timezone,
    }
    return {k: v for k, v in out.items() if v not in (None, [])}


def _next_steps(ws: Any) -> None:
    from meptool.cli.output import info
    from meptool.updates.readiness import DRAFT, gaps

    blocking = [g for g in gaps(ws.config) if g.stops == DRAFT]
    if blocking:
        info("Before a first update, the workspace still needs:")
        for g in blocking:
            info(f"  - {g.what}:  {g.fix}")
        info("Next: 'meptool doctor' for the whole list, then 'meptool incident open'.")
    else:
        info("Next: when a release goes wrong, 'meptool incident open'.")


def doctor(
    ctx: typer.Context,
    *,
    json_: JsonOpt = False,
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Say what the workspace still lacks to draft and send a client update, and how to add it.

    Exit status 1 when an update cannot be drafted yet.

    Example:  meptool doctor
    """
    from meptool.cli.output import echo, print_json
    from meptool.updates.readiness import DRAFT, NOTE, SEND, gaps

    state = settings(ctx, workspace, no_input)
    ws = open_workspace(state)
    found = gaps(ws.config)
    draft_ok = not any(g.stops == DRAFT for g in found)
    send_ok = draft_ok and not any(g.stops == SEND for g in found)
    if json_:
        print_json(
            {"can_draft": draft_ok, "can_send": send_ok, "gaps": [g.as_dict() for g in found]}
        )
    else:
        echo(f"workspace: {ws.root}")
        for label, stops in (("to draft an update", DRAFT), ("to send it", SEND)):
            missing = [g for g in found if g.stops == stops]
            if not missing:
                echo(f"ok  {label}")
                continue
            echo(f"missing {label}:")
            for g in missing:
                echo(f"  - {g.what}")
                echo(f"      {g.fix}")
        notes = [g for g in found if g.stops == NOTE]
        if notes:
            echo("would make the updates better:")
            for g in notes:
                echo(f"  - {g.what}")
                echo(f"      {g.fix}")
    if not draft_ok:
        raise typer.Exit(1)


def schema(
    *,
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
    config: Annotated[
        bool, typer.Option("--config", help="Schema of meptool.yaml instead of incident files.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="No longer needed: a named --output is overwritten.")
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
    from meptool.incident.reading import workspace_logged

    try:
        root: Path | None = find_root(None)
    except WorkspaceNotFound:
        root = None  # the schema is useful outside a workspace too
    target = user_output(root, Path(output), logged=lambda: workspace_logged(root))
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, text.encode("utf-8"))
    info(f"wrote {target}")


def register(app: typer.Typer) -> None:
    """Add these commands to the root app."""
    app.command()(init)
    app.command()(doctor)
    app.command()(schema)
