"""`meptool incident open --from-ci`: the pipeline's side of `incident open`."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

import typer

from meptool.cli.common import open_workspace, settings
from meptool.model.enums import Language, Severity

if TYPE_CHECKING:
    from meptool.ci.pipeline import Opened
    from meptool.errors import Problem


def open_from_ci(
    ctx: typer.Context,
    *,
    from_ci: bool,
    dotenv: str | None,
    title: str | None,
    severity: Severity | None,
    project: str | None,
    lang: Language | None,
    release: str | None,
    deployed_at: str | None,
    environment: str | None,
    commit: str | None,
    impact: str | None,
    users_affected: str | None,
    detected_at: str | None,
    detected_by: str | None,
    json_: bool,
    workspace: str | None,
    no_input: bool,
) -> None:
    """Open (once per pipeline run) the incident of a failed deploy; never prompts."""
    from meptool.ci import output as ci_output
    from meptool.ci import pipeline as ci
    from meptool.cli.output import echo
    from meptool.errors import MeptoolError, UsageError
    from meptool.values import parse_time

    github = ci.on_github()
    safe = ci_output.neutralise_lines if github else (lambda text: text)
    try:
        if not from_ci:
            raise UsageError("--dotenv goes with --from-ci", hint="add --from-ci")
        state = settings(ctx, workspace, no_input=True)
        ws = open_workspace(state)
        run = ci.override(ci.detect(), version=release, commit=commit, environment=environment)
        opened = ci.open_for_run(
            ws,
            run,
            title=title,
            severity=severity,
            project=project,
            language=lang.value if lang else None,
            deployed_at=parse_time(deployed_at, ws.tz, "--deployed-at") if deployed_at else None,
            impact=impact,
            users_affected=users_affected,
            detected_at=parse_time(detected_at, ws.tz, "--detected-at") if detected_at else None,
            detected_by=detected_by,
        )
        path = ci.pipeline_path(ws, opened.path, run)
        if json_:
            print_json_safe(opened.as_dict(path))
        else:
            echo(opened.id)
        _report(opened, path, safe)
        # After the ID is out: a file the runner gave us that cannot be written fails the
        # step (exit 1), and the re-run finds the incident.
        for warning in ci_output.publish(
            opened, path, env=os.environ if github else {}, dotenv=dotenv
        ):
            _info(warning)
    except MeptoolError as exc:
        # Errors may quote user text (a flag's value, a file's content): neutralise it too.
        exc.message, exc.hint = safe(exc.message), safe(exc.hint) if exc.hint else None
        raise


def _info(text: str) -> None:
    from meptool.cli.output import err_console

    # One log line per message, never wrapped: CI logs are read by people and the runner.
    err_console().print(text, soft_wrap=True)


def _report(opened: Opened, path: str, safe: Callable[[str], str]) -> None:
    """Diagnostics on stderr (user text escaped so it cannot act as a workflow command)."""
    from rich.markup import escape

    run = opened.run
    if opened.created:
        message = f"Opened {opened.id} in {path}: {opened.title}"
    else:
        message = (
            f"{opened.id} was already opened by {run.describe()}; not opening another ({path})"
        )
    _info(escape(safe(message)))
    if not run.run_id:
        _info(
            "warning: no run ID in the environment, so a re-run would open another "
            "incident; set MEPTOOL_RUN_ID to make it find this one"
        )
    _info(f"Next: own the error with 'meptool incident ack {opened.id}'.")


def print_json_safe(data: object) -> None:
    """`--json` output; on GitHub Actions written so no string in it acts as a command."""
    import json
    import sys

    from meptool.ci import output as ci_output
    from meptool.ci import pipeline as ci

    text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    if ci.on_github():
        text = ci_output.neutralise_json(text)
    sys.stdout.write(text + "\n")


def github_annotations(problems: list[Problem]) -> Callable[[str], str]:
    """On GitHub Actions, print an `::error` annotation per problem (on stderr, so that
    stdout stays data) and return how to make the other lines safe; elsewhere do nothing."""
    import sys

    from meptool.ci import output as ci_output
    from meptool.ci import pipeline as ci

    if not ci.on_github():
        return lambda text: text
    root = os.environ.get("GITHUB_WORKSPACE")
    for line in ci_output.problem_annotations(problems, root=root):
        sys.stderr.write(line + "\n")
    return ci_output.neutralise
