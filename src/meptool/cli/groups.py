"""Command groups that speak meptool's one voice: usage errors, help, unknown commands.

Click's own wording ("Usage: … Error: Invalid value for '--severity': Value
error, …") never reaches the user: every usage error is one `error:` line and a
`hint:` line, like meptool's own errors. Help lists every command's summary in
full (wrapped, never cut with "…"), and metavars say what a value is (ID, TEXT,
DATE, N), not Python types.
"""

from __future__ import annotations

import difflib
import re
import sys
from types import ModuleType
from typing import Any

from typer.core import TyperGroup

# A value's kind, by the option's name: what a person types there.
_METAVARS = {
    "at": "TIME",
    "deployed_at": "TIME",
    "detected_at": "TIME",
    "due": "DATE",
    "new_date": "DATE",
    "since": "DATE",
    "output": "PATH",
    "workspace": "PATH",
    "dotenv": "PATH",
    "by": "NAME",
    "owner": "NAME",
    "lead": "NAME",
    "client": "NAME",
    "seq": "N",
    "csat": "N",
    "effort": "DAYS",
    "delay_days": "DAYS",
    "format": "FORMATS",
}


def metavar_for(param: Any) -> str | None:
    """The metavar a person reads for `param` (None: keep Typer's)."""
    if getattr(param, "metavar", None) or getattr(param, "is_flag", False):
        return None
    choices = getattr(getattr(param, "type_descriptor", None), "choices", None)
    if choices:
        return "|".join(str(getattr(c, "value", c)) for c in choices)
    name = param.name or ""
    if name in _METAVARS:
        return _METAVARS[name]
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    if annotation is int or "int" in str(annotation):
        return "N"
    return "TEXT"


def tidy(command: Any) -> None:
    """Real metavars, arguments shown as ID (not {ID}) on the usage line, completers."""
    from meptool.cli.completion import attach

    for param in getattr(command, "params", []):
        attach(param)
        if param.param_type_name == "argument":
            name = param.metavar or (param.name or "").upper()
            shown = name if param.required else f"[{name}]"
            if param.nargs != 1:
                shown += "..."
            param._usage_display_name = lambda shown=shown: shown
            param.display_type_rich = lambda ctx: None  # "ID", not "ID <str>"
            continue
        guess = metavar_for(param)
        if guess:
            param.metavar = guess


class SuggestingGroup(TyperGroup):
    """A group whose unknown commands get a suggestion, and whose help is never cut.

    Its commands may be given unbuilt (`later`): each is built by Typer the first time
    it is asked for — a command line names one; help and completion ask for all.
    """

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        tidy(self)
        for command in self.commands.values():
            if not isinstance(command, TyperGroup):
                tidy(command)
        self._later: dict[str, Any] = {}  # name -> how to build that command

    def later(self, builders: dict[str, Any]) -> None:
        """Commands to build when first asked for (name -> a function that builds it), in
        the order help lists them, before the groups already in the group."""
        self._later = dict(builders)

    def list_commands(self, ctx: Any) -> list[str]:
        if not self._later:
            return super().list_commands(ctx)
        return [*self._later, *(n for n in self.commands if n not in self._later)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        build = self._later.get(cmd_name)
        if build is not None and cmd_name not in self.commands:
            command = build()
            tidy(command)
            self.commands[cmd_name] = command
        return super().get_command(ctx, cmd_name)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and self.get_command(ctx, name) is None and not name.startswith("-"):
            UsageError = click_exceptions().UsageError

            names = [
                n
                for n in self.list_commands(ctx)
                if not getattr(self.get_command(ctx, n), "hidden", True)
            ]
            close = [n for n in names if n.startswith(name)] or difflib.get_close_matches(
                name, names, n=2, cutoff=0.5
            )
            where = ctx.command_path
            if close:
                options = " or ".join(f"'{where} {n}'" for n in close)
                raise UsageError(
                    f"'{name}' is not a command of {where}; did you mean {options}?", ctx
                )
            raise UsageError(
                f"'{name}' is not a command of {where}; it has: {', '.join(names)}", ctx
            )
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd.get_short_help_str(limit=1_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


# --- one error voice -----------------------------------------------------------------


def click_exceptions() -> ModuleType:
    """Click's exceptions: recent Typers carry their own Click (`typer._click`)."""
    try:
        from typer._click import exceptions
    except ImportError:  # pragma: no cover - a Typer that depends on Click
        from click import exceptions  # type: ignore[no-redef]
    return exceptions


_VALUE_ERROR = re.compile(r"^Invalid value for (?P<what>.+?): (?P<why>.*)$", re.S)


def usage_message(exc: Any) -> tuple[str, str | None]:
    """A Click usage error in meptool's words: (message, hint)."""
    ce = click_exceptions()
    ctx = getattr(exc, "ctx", None)
    path = ctx.command_path if ctx is not None else "meptool"
    hint = f"see '{path} -h'"
    if isinstance(exc, ce.MissingParameter):
        param = exc.param
        if param is not None and param.param_type_name == "argument":
            name = param.metavar or (param.name or "").upper()
            usage = f"{path} {' '.join(_usage_pieces(ctx))}".strip() if ctx else path
            return f"missing {name}", f"usage: {usage}; see '{path} -h'"
        flag = "/".join(param.opts) if param is not None else "a value"
        return f"missing {flag}", hint
    if isinstance(exc, ce.NoSuchOption):
        message = f"{path} has no option {exc.option_name}"
        if exc.possibilities:
            return message, f"did you mean {' or '.join(sorted(exc.possibilities))}?"
        return message, hint
    text = exc.format_message().strip()
    match = _VALUE_ERROR.match(text)
    if match:
        what = match.group("what").strip("'\"")
        why = _plain(match.group("why"))
        return f"{what}: {why}", hint
    if text.startswith("Missing command"):
        names = ", ".join(ctx.command.list_commands(ctx)) if ctx is not None else ""
        return f"{path} needs a command", f"one of: {names}; see '{path} -h'"
    return _plain(text), hint


def _usage_pieces(ctx: Any) -> list[str]:
    pieces: list[str] = ctx.command.collect_usage_pieces(ctx)
    return pieces


_PYDANTIC = (
    (re.compile(r"^[Ii]nput should be a valid integer.*", re.S), "must be a whole number, e.g. 3"),
    (re.compile(r"^[Ii]nput should be a valid number.*", re.S), "must be a number, e.g. 1.5"),
    (
        re.compile(r"^[Ii]nput should be a valid boolean.*", re.S),
        "write true or false (or oui/non)",
    ),
)


def _plain(text: str) -> str:
    """Library wording out: no 'Value error,' prefix, choices as a plain list, no final dot."""
    text = text.replace("Value error, ", "")
    for pattern, words in _PYDANTIC:
        if pattern.match(text):
            return words
    choices = re.match(r"^'(?P<given>[^']*)' is not one of (?P<list>.+?)\.?$", text)
    if choices:
        allowed = choices.group("list").replace("'", "")
        return f"'{choices.group('given')}' is not one of: {allowed}"
    text = text.rstrip(".")
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def show_usage_error(exc: Any) -> None:
    """Print a Click usage error as `error:` + `hint:` on stderr."""
    from meptool.cli.output import error

    message, hint = usage_message(exc)
    error(message + (f"\n  hint: {hint}" if hint else ""))
    sys.stderr.flush()
