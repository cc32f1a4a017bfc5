"""Where meptool may write: the rule that keeps files outside the workspace safe.

- Paths meptool chooses itself (an incident's folder, `updates/`, `retro.md`,
  `reports/`) must resolve inside the workspace: a symlink committed to the
  repository cannot make meptool write elsewhere.
- A path the user names with `--output` may be anywhere (that is explicit),
  but an existing file outside the workspace is overwritten only with
  `--force`: inside the workspace files are meptool's and under git, outside
  they are someone's.
"""

from __future__ import annotations

import os
from pathlib import Path

from meptool.errors import InputError


def is_inside(root: Path, path: Path) -> bool:
    """Whether `path`, symlinks resolved, lies in `root`."""
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def own_path(root: Path, path: Path, what: str = "") -> Path:
    """A path meptool chose: refused when a symlink makes it lead outside `root`."""
    if not is_inside(root, path):
        label = what or str(path)
        raise InputError(
            f"{label} leads outside the workspace (to {path.resolve()}); nothing was written",
            hint="a symlink points out of the workspace: replace it with a real folder or file",
        )
    return path


def user_output(root: Path | None, path: Path, *, force: bool) -> Path:
    """An `--output` path: anywhere, but no file outside the workspace is overwritten unasked."""
    if root is not None and is_inside(root, path):
        return path
    if os.path.lexists(path) and not path.is_dir() and not force:
        where = " outside the workspace" if root is not None else ""
        raise InputError(
            f"{path} already exists{where}; meptool does not overwrite it",
            hint="pass --force to overwrite it, or choose another --output",
        )
    return path
