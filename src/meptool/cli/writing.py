"""`meptool incident translate` and `meptool retro lessons`: the texts a client document needs.

Both are walk-throughs on a terminal and plain flags otherwise; the questions
are data (`meptool.cli.steps`), the work is done by `meptool.model.texts` and
`meptool.incident.lessons`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from meptool.cli.common import NoInputOpt, WorkspaceOpt, interactive, open_workspace, settings
from meptool.model.enums import Language

IdArg = Annotated[str, typer.Argument(metavar="ID", help="Incident ID, e.g. MEP-2026-001.")]


def translate(
    ctx: typer.Context,
    incident_id: IdArg,
    *,
    lang: Annotated[Language, typer.Option("--lang", help="The language to add: fr or en.")],
    field: Annotated[
        list[str] | None,
        typer.Option(
            help="A client-facing field, e.g. impact.summary (repeat; each with its --text).",
            show_default=False,
        ),
    ] = None,
    text: Annotated[
        list[str] | None,
        typer.Option(help="The field's words in --lang (one per --field).", show_default=False),
    ] = None,
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Give the client-facing texts in a second language (asks for each missing one).

    Example:  meptool incident translate MEP-2026-001 --lang en --field title --text "…"
    """
    from meptool.cli.output import echo, info
    from meptool.cli.prompts import ask
    from meptool.cli.steps import translate_steps
    from meptool.errors import UsageError
    from meptool.files.store import edit, read
    from meptool.incident.translate import translate, wanted
    from meptool.model.texts import missing

    fields, texts = field or [], text or []
    if len(fields) != len(texts):
        raise UsageError(
            f"{len(fields)} --field for {len(texts)} --text: give each field its text",
            hint='e.g. --field title --text "Card payments refused"',
        )
    state = settings(ctx, workspace, no_input)
    ws = open_workspace(state)
    incident, snap = read(ws, incident_id)
    given = dict(zip(fields, texts, strict=True))
    todo = [w for w in wanted(incident, lang.value) if w.path not in given]
    if interactive(state) and not given and todo:
        answers = ask(translate_steps(todo, lang.value), {}, interactive=True, walk=True)
        given = {w.path: answers[w.path] for w in todo if answers.get(w.path)}
    if not given:
        if not todo:
            info(f"Every client-facing text of {incident_id} is already in {lang.value}.")
            return
        raise UsageError(
            f"missing --field/--text: {incident_id} lacks {lang.value} for "
            + ", ".join(w.path for w in todo),
            hint=f"e.g. meptool incident translate {incident_id} --lang {lang.value} "
            f'--field {todo[0].path} --text "…"',
        )
    with edit(ws, incident_id, expected=snap) as ed:
        done = translate(ed, lang.value, given)
    echo(f"Translated into {lang.value}: {', '.join(done)}")
    left = missing(read(ws, incident_id)[0], lang.value)
    if left:
        info(f"Still missing in {lang.value}: {', '.join(left)}")
    else:
        info(f"Every client-facing text of {incident_id} is now in {lang.value}.")


def lessons(
    ctx: typer.Context,
    incident_id: IdArg,
    *,
    went_well: Annotated[
        list[str] | None,
        typer.Option("--went-well", help="What went well (repeat).", show_default=False),
    ] = None,
    went_badly: Annotated[
        list[str] | None,
        typer.Option("--went-badly", help="What went badly (repeat).", show_default=False),
    ] = None,
    lesson: Annotated[
        list[str] | None,
        typer.Option(
            "--lesson", help="What we learnt and will do differently (repeat).", show_default=False
        ),
    ] = None,
    workspace: WorkspaceOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Write the retrospective's lessons: what went well, what went badly, what we learnt.

    Example:  meptool retro lessons MEP-2026-001 --went-well "Erreur reconnue vite" --lesson "…"
    """
    from meptool.cli.output import info
    from meptool.cli.prompts import ask
    from meptool.cli.steps import lessons_steps
    from meptool.files.store import edit, read
    from meptool.incident.lessons import Lessons, write
    from meptool.labels import count

    state = settings(ctx, workspace, no_input)
    ws = open_workspace(state)
    _, snap = read(ws, incident_id)
    answers = ask(
        lessons_steps(),
        {"went_well": went_well, "went_badly": went_badly, "lessons": lesson},
        interactive=interactive(state),
    )
    found = Lessons(
        went_well=answers["went_well"] or [],
        went_badly=answers["went_badly"] or [],
        lessons=answers["lessons"] or [],
    )
    with edit(ws, incident_id, expected=snap) as ed:
        sizes = write(ed, found)
    info(
        f"Lessons of {incident_id}: "
        f"{count(sizes['went_well'], 'item', 'items', 'en')} went well, "
        f"{count(sizes['went_badly'], 'item', 'items', 'en')} went badly, "
        f"{count(sizes['lessons'], 'lesson', 'lessons', 'en')}."
    )
    info(f"Next: meptool retro report {incident_id} --audience client")


def register(incident_app: typer.Typer, retro_app: typer.Typer) -> None:
    """Add `incident translate` and `retro lessons`."""
    incident_app.command("translate")(translate)
    retro_app.command("lessons")(lessons)
