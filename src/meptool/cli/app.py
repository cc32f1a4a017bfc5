"""The root command: global options, sub-command groups, and the one error handler."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from meptool import __version__
from meptool.cli import fastparams
from meptool.cli.common import State, root_state
from meptool.cli.groups import SuggestingGroup

fastparams.install()  # simple parameters converted without importing Pydantic

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class MeptoolGroup(SuggestingGroup):
    """Turns meptool's errors into one message on stderr and the exit code of SPEC.md."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        """Click's usage errors in meptool's voice (`error:` + `hint:`), exit 2."""
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)  # type: ignore[misc]
        from meptool.cli.groups import click_exceptions

        ce = click_exceptions()
        try:
            rv = super().main(*args, standalone_mode=False, **kwargs)  # type: ignore[misc]
        except ce.NoArgsIsHelpError as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except ce.UsageError as exc:
            from meptool.cli.groups import show_usage_error

            show_usage_error(exc)
            sys.exit(2)
        except ce.ClickException as exc:
            from meptool.cli.output import error

            error(exc.format_message())
            sys.exit(exc.exit_code)
        except typer.Abort:
            from meptool.cli.output import error

            error("stopped: nothing was saved")
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)

    def list_commands(self, ctx: Any) -> list[str]:
        """The root's own commands, then every group (built or not), as help lists them."""
        own = [n for n in super().list_commands(ctx) if n not in GROUPS]
        return [*own, *GROUPS]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """A command of the root; a group is built the first time it is asked for."""
        if cmd_name in GROUPS and cmd_name not in self.commands:
            self.commands[cmd_name] = _build_group(cmd_name)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: Any) -> Any:
        from meptool.errors import MeptoolError

        try:
            _check_encoding(
                [
                    *getattr(ctx, "_protected_args", []),
                    *getattr(ctx, "protected_args", []),
                    *getattr(ctx, "args", []),
                ]
            )
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
        except OSError as exc:  # read-only, full disk, not a folder, permissions…
            from meptool.errors import from_os_error

            converted = from_os_error(exc)
            _report(ctx, converted, cause=exc)
            raise typer.Exit(converted.exit_code) from None
        except Exception as exc:  # a bug: report it, but never with a secret in it
            import traceback

            from meptool.secret import redact

            sys.stderr.write(redact("".join(traceback.format_exception(exc))))
            sys.stderr.write("meptool: internal error (a bug); please report the lines above\n")
            raise typer.Exit(1) from None


def _check_encoding(args: list[str]) -> None:
    """Refuse an argument that is not valid UTF-8 (Python keeps such bytes as surrogates)."""
    for arg in args:
        for i, ch in enumerate(arg):
            if "\udc80" <= ch <= "\udcff":
                from meptool.errors import UsageError
                from meptool.safetext import printable

                shown = printable(arg.encode("utf-8", "replace").decode("utf-8"))
                raise UsageError(
                    f"the argument {shown!r} is not valid UTF-8 (byte 0x{ord(ch) - 0xDC00:02x} "
                    f"at character {i + 1}); nothing was written",
                    hint="set your terminal and shell to UTF-8 (e.g. LANG=fr_FR.UTF-8), "
                    "then type it again",
                )


def _report(ctx: Any, exc: Exception, *, cause: BaseException | None = None) -> None:
    from meptool.cli.output import error
    from meptool.secret import redact

    state = root_state(ctx)
    if state.debug:
        import traceback

        sys.stderr.write(redact("".join(traceback.format_exception(cause or exc))))
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


def help_(
    ctx: typer.Context,
    command: Annotated[
        list[str] | None,
        typer.Argument(metavar="[COMMAND]...", help="A command, e.g. incident open."),
    ] = None,
) -> None:
    """Show the help of meptool or of one of its commands.

    Example:  meptool help incident open
    """
    root = ctx.find_root()
    cmd: Any = root.command
    current = root
    for name in command or []:
        sub = cmd.get_command(current, name) if hasattr(cmd, "get_command") else None
        if sub is None:
            cmd.resolve_command(current, [name])  # the unknown-command error, with a suggestion
            return
        current = typer.Context(sub, info_name=name, parent=current)
        cmd = sub
    typer.echo(cmd.get_help(current))


# The command groups, in the order help lists them: each is imported and built by
# Typer only when a command line names it (building all ~35 commands costs about
# three times the start of Python; `meptool update draft` needs one group).
GROUPS = ("incident", "update", "retro", "feedback", "call", "expect", "portal", "templates")
_MODULES = {"templates": "templates_cmd"}
_extended: list[bool] = []


def _sub_app(name: str) -> typer.Typer:
    """The Typer app of group `name`, with the commands other modules add to it."""
    import importlib

    if name in ("incident", "retro") and not _extended:
        from meptool.cli import incident, retro, walkthrough, writing

        walkthrough.register(incident.app)
        writing.register(incident.app, retro.app)
        _extended.append(True)
    module = importlib.import_module(f"meptool.cli.{_MODULES.get(name, name)}")
    sub: typer.Typer = module.app
    return sub


def _build_group(name: str) -> Any:
    """Group `name` as Typer builds it when it was added with `app.add_typer(…, name=…)`,
    each of its commands built only when asked for (a command line needs one)."""
    import copy
    import functools

    from typer.main import get_command_from_info, get_command_name, get_group_from_info

    sub = _sub_app(name)
    bare = copy.copy(sub)  # the group without its commands: they are built one by one
    bare.registered_commands = []
    holder = typer.Typer()
    holder.add_typer(bare, name=name)
    built = get_group_from_info(
        holder.registered_groups[0],
        pretty_exceptions_short=app.pretty_exceptions_short,
        rich_markup_mode=app.rich_markup_mode,
        suggest_commands=app.suggest_commands,
    )
    builders = {
        info.name or get_command_name(info.callback.__name__): functools.partial(
            get_command_from_info,
            info,
            pretty_exceptions_short=app.pretty_exceptions_short,
            rich_markup_mode=app.rich_markup_mode,
        )
        for info in sub.registered_commands
        if info.callback is not None
    }
    assert isinstance(built, SuggestingGroup), "every group is made by `common.group`"
    built.later(builders)
    return built


def _register() -> None:
    from meptool.cli import workspace_cmds

    workspace_cmds.register(app)
    app.command("help", context_settings={"ignore_unknown_options": True})(help_)


_register()


def run(argv: list[str] | None = None) -> int:
    """Run the app and return its exit code."""
    try:
        app(args=argv, prog_name="meptool")
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0
