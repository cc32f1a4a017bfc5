"""Options every command shares, and the per-invocation state."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from meptool.files.workspace import Workspace

WorkspaceOpt = Annotated[
    str | None,
    typer.Option(
        "--workspace",
        "-w",
        metavar="PATH",
        help="Workspace folder (default: $MEPTOOL_WORKSPACE, else the nearest parent "
        "holding meptool.yaml).",
        show_default=False,
    ),
]
NoInputOpt = Annotated[
    bool,
    typer.Option(
        "--no-input",
        help="Never prompt; a missing value is an error naming its flag "
        "(implied when stdin is not a terminal or CI is set).",
    ),
]
HELP_OPTIONS = {"help_option_names": ["-h", "--help"]}


def group(help_text: str) -> typer.Typer:
    """A sub-command group: `-h` for help, plain help text, help when called bare."""
    return typer.Typer(
        help=help_text, no_args_is_help=True, context_settings=HELP_OPTIONS, rich_markup_mode=None
    )


JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output on stdout.")]


@dataclass
class State:
    """What the root options said."""

    workspace: str | None = None
    no_input: bool = False
    debug: bool = False


def root_state(ctx: typer.Context) -> State:
    """The state the root callback stored (or a default one)."""
    root = ctx.find_root()
    if not isinstance(root.obj, State):
        root.obj = State()
    return root.obj


def settings(ctx: typer.Context, workspace: str | None, no_input: bool) -> State:
    """Merge a command's own `-w`/`--no-input` with the root's."""
    state = root_state(ctx)
    if workspace is not None:
        state.workspace = workspace
    if no_input:
        state.no_input = True
    return state


def interactive(state: State) -> bool:
    """Whether we may prompt: a terminal on stdin, no --no-input, no CI."""
    if state.no_input or os.environ.get("CI"):
        return False
    return sys.stdin.isatty()


def open_workspace(state: State) -> Workspace:
    """The workspace for this invocation (exit 3 when there is none)."""
    from meptool.files.workspace import Workspace

    ws = Workspace.find(state.workspace)
    ws.facts  # noqa: B018 - validate meptool.yaml up front (located errors), or trust the cache
    return ws


def split_csv(values: list[str] | None) -> list[str]:
    """`--status open,acknowledged --status resolved` as one flat list."""
    out: list[str] = []
    for value in values or []:
        out.extend(v.strip() for v in value.split(",") if v.strip())
    return out
