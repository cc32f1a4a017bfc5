"""Where meptool may write: the rules that keep meptool's records and other files safe.

- Paths meptool chooses itself (an incident's folder, `updates/`, `retro.md`,
  `reports/`) must resolve inside the workspace: a symlink committed to the
  repository cannot make meptool write elsewhere.
- A path the user names with `--output` is written, and an existing file there
  overwritten, as `cp`, `curl -o` or `pandoc -o` would — with four exceptions:
  a path inside the workspace that a symlink leads out of it (the user named
  the link, not its target), meptool's own records (`meptool.yaml`, any
  `incident.yaml`, a file logged in `communications`, anything under
  `.meptool/`), a special file (FIFO, device, socket) and a folder.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from meptool.errors import InputError

if TYPE_CHECKING:
    pass

RECORD_NAMES = frozenset({"meptool.yaml", "incident.yaml"})
STATE_DIR = ".meptool"


def is_inside(root: Path, path: Path) -> bool:
    """Whether `path`, symlinks resolved, lies in `root`."""
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def lexically_inside(root: Path, path: Path) -> bool:
    """Whether `path` as written (symlinks not followed) lies in `root`."""
    here = Path(os.path.abspath(path))
    for base in {Path(os.path.abspath(root)), root.resolve()}:
        if here == base or base in here.parents:
            return True
    return False


def own_path(root: Path, path: Path, what: str = "") -> Path:
    """A path meptool chose: refused when a symlink makes it lead outside `root`."""
    if not is_inside(root, path):
        label = what or str(path)
        raise InputError(
            f"{label} leads outside the workspace (to {path.resolve()}); nothing was written",
            hint="a symlink points out of the workspace: replace it with a real folder or file",
        )
    return path


def special_file(path: Path) -> str | None:
    """'a FIFO', 'a device'… when `path` (followed) exists and is not a regular file or folder."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return None


def record_reason(
    root: Path | None, path: Path, logged: Iterable[Path] = (), *, exists: bool = True
) -> str | None:
    """Why `path` is one of meptool's own records, or None.

    A file that does not exist yet is a record only by its name or place
    (`incident.yaml`, `meptool.yaml`, under `.meptool/`).
    """
    real = path.resolve()
    if real.name in RECORD_NAMES:
        return f"{real.name} is one of meptool's own records"
    if STATE_DIR in real.parts:
        return f"{STATE_DIR}/ holds meptool's own state"
    if not exists:
        return None
    if root is not None:
        base = root.resolve()
        try:
            parts = real.relative_to(base).parts
        except ValueError:
            parts = ()
        if len(parts) >= 4 and parts[0] == "incidents" and parts[2] == "updates":
            return "it is a client update meptool logged (incidents/<ID>/updates/)"
    if _among(real, logged):
        return "it is a client update logged in an incident's communications"
    return None


def _among(real: Path, logged: Iterable[Path]) -> bool:
    """Whether `real` (an existing file) is one of the `logged` files, or what one of them
    leads to: the same file by device and inode (a `stat` each, not a `resolve`)."""
    try:
        mine = os.stat(real)
    except OSError:
        return real in {p.resolve() for p in logged}
    for path in logged:
        try:
            found = os.stat(path)
        except OSError:
            continue
        if found.st_ino == mine.st_ino and found.st_dev == mine.st_dev:
            return True
    return False


def user_output(
    root: Path | None,
    path: Path,
    *,
    force: bool = False,
    logged: Callable[[], Iterable[Path]] | None = None,
) -> Path:
    """An `--output` path the user named: overwritten like `cp` would, but never a record.

    `force` is accepted for compatibility and changes nothing: what `--force` used
    to allow (overwriting a file the user named) is now the rule, and what stays
    refused is refused with or without it. `logged` lists the files the workspace's
    incidents logged in `communications` (called only when `path` exists).
    """
    del force
    if str(path) in {"", "."} or path.is_dir():
        raise InputError(
            f"--output {str(path)!r} is a folder; meptool writes a file, not over a folder",
            hint="name a file, e.g. --output report.md",
        )
    if root is not None and lexically_inside(root, path) and not is_inside(root, path):
        raise InputError(
            f"{path} leads outside the workspace (to {path.resolve()}); nothing was written",
            hint="a symlink in the workspace points out of it: name the real file, "
            "or replace the symlink",
        )
    special = special_file(path)
    if special:
        raise InputError(
            f"{path} is {special}; meptool writes only regular files",
            hint="name a regular file, or use --output - to print to stdout",
        )
    exists = os.path.lexists(path)
    found = logged() if exists and logged is not None else ()
    reason = record_reason(root, path, found, exists=exists)
    if reason:
        raise InputError(
            f"{path} is not {'overwritten' if exists else 'written'}: {reason}; "
            "nothing was written",
            hint="choose another --output",
        )
    return path
