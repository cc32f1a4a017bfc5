"""The root command: global options, sub-command groups, and the one error handler."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from meptool import __version__
from meptool.cli import fastparams
from meptool.cli.common import State, root_state

fastparams.install()  # simple parameters converted without importing Pydantic

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class MeptoolGroup(TyperGroup):
    """Turns meptool's errors into one message on stderr and the exit code of SPEC.md."""

    def invoke(self, ctx: Any) -> Any:
        from meptool.errors import MeptoolError

        try:
            return super().invoke(ctx)
        except MeptoolError as exc:
            _report(ctx, exc)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            from meptool.cli.output import error

            error("interrupted: nothing was saved")
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort, typer.exceptions.TyperException):
            raise
        except Exception as exc:  # a bug: report it, but never with a secret in it
            import traceback

            from meptool.secret import redact

            sys.stderr.write(redact("".join(traceback.format_exception(exc))))
            sys.stderr.write("meptool: internal error (a bug); please report the lines above\n")
            raise typer.Exit(1) from None


def _report(ctx: Any, exc: Exception) -> None:
    from meptool.cli.output import error
    from meptool.secret import redact

    state = root_state(ctx)
    if state.debug:
        import traceback

        sys.stderr.write(redact("".join(traceback.format_exception(exc))))
    error(redact(str(exc)))


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"meptool {__version__}\n")
        raise typer.Exit()


app = typer.Typer(
    name="meptool",
    cls=MeptoolGroup,
    context_settings=CONTEXT,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=True,
    help="""Rebuild a client's trust after a failed production release ("MEP").

Own the error, find the cause, plan the fix, tell the client early and
regularly, learn. Everything lives in plain YAML files in your project's
git repository.

Start with:  meptool init  then  meptool incident open
""",
)


@app.callback()
def root(
    ctx: typer.Context,
    workspace: Annotated[
        str | None,
        typer.Option(
            "--workspace", "-w", metavar="PATH", help="Workspace folder.", show_default=False
        ),
    ] = None,
    no_input: Annotated[bool, typer.Option("--no-input", help="Never prompt.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """meptool: the project lead's toolkit for a failed production release."""
    ctx.obj = State(workspace=workspace, no_input=no_input, debug=debug)


def _register() -> None:
    from meptool.cli import (
        feedback,
        incident,
        portal,
        retro,
        templates_cmd,
        update,
        walkthrough,
        workspace_cmds,
    )

    workspace_cmds.register(app)
    walkthrough.register(incident.app)
    app.add_typer(incident.app, name="incident")
    app.add_typer(update.app, name="update")
    app.add_typer(retro.app, name="retro")
    app.add_typer(feedback.app, name="feedback")
    app.add_typer(portal.app, name="portal")
    app.add_typer(templates_cmd.app, name="templates")


_register()


def run(argv: list[str] | None = None) -> int:
    """Run the app and return its exit code."""
    try:
        app(args=argv, prog_name="meptool")
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0
