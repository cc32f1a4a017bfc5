"""The folder the site is written to: where it may be, its manifest, the swap.

The new site is assembled in a temporary folder next to the output (unchanged
files hard-linked from the old site), then swapped in by two renames.
`.meptool-portal.json` lists every file meptool wrote with its SHA-256 (no
time in it); a file it does not list is someone else's.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from meptool.errors import InputError, UsageError
from meptool.files.workspace import Workspace
from meptool.portal.settings import config_facts

MANIFEST = ".meptool-portal.json"
LINKS_PER_TASK = 1_000  # hard links made by one worker task (`Tree.link_elsewhere`)
DEFAULT_OUTPUT = "portal"


def output_folder(ws: Workspace, output: str | None) -> Path:
    """The output folder: `--output`, else `portal.output` of meptool.yaml, else `portal/`."""
    if output is not None:
        path = Path(output).expanduser()
        path = path if path.is_absolute() else Path.cwd() / path
    else:
        path = ws.root / (config_facts(ws)["output"] or DEFAULT_OUTPUT)
    path = Path(os.path.abspath(path))
    resolved = path.resolve()
    root = ws.root.resolve()
    for inside, what in ((ws.incidents_dir, "incidents/"), (ws.state_dir, ".meptool/")):
        if resolved == inside.resolve() or inside.resolve() in resolved.parents:
            raise UsageError(
                f"--output {ws.display(path)} is inside {what}: the portal would be mixed with "
                "the incident files",
                hint="choose a folder of its own, e.g. --output portal",
            )
    if resolved == root or resolved in root.parents:
        raise UsageError(
            f"--output {ws.display(path)} holds the workspace itself",
            hint="choose a folder of its own, e.g. --output portal",
        )
    return path


class Tree:
    """The new site, written as it is rendered into a temporary folder next to the output."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.tmp = out.parent / f".{out.name}.{os.getpid()}.tmp"
        self.files: dict[str, str] = {}  # rel -> sha256
        self.keep: list[str] = []  # carried over from the old site
        self.linking: list[Any] = []  # futures of links made elsewhere (`link_elsewhere`)
        self._linked = 0  # how many of `keep` those links cover
        self._made: set[Path] = set()
        self._started = False

    def link_elsewhere(self, submit: Callable[..., Any]) -> None:
        """Hand the links of the files carried over so far to `submit(fn, *args)` (worker
        processes), so they are made while the rest is rendered; `swap` makes the others
        and waits for these."""
        self.start()
        self.linking += [submit(_link_all, *task) for task in self.links_left()]

    def links_left(self) -> list[tuple[str, str, list[str]]]:
        """`_link_all`'s tasks for the files carried over and not linked yet (then counted
        as linked): (old folder, new folder, up to `LINKS_PER_TASK` names)."""
        tasks = []
        for folder, names in _by_folder(self.keep[self._linked :]).items():
            inside = f"/{folder}" if folder else ""
            for i in range(0, len(names), LINKS_PER_TASK):
                part = names[i : i + LINKS_PER_TASK]
                tasks.append((f"{self.out}{inside}", f"{self.tmp}{inside}", part))
        self._linked = len(self.keep)
        return tasks

    def start(self) -> None:
        """Make the temporary folder (empty) if not yet made."""
        if not self._started:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp.mkdir()
            self._started = True

    def _folder(self, target: Path) -> None:
        self.start()
        if target.parent not in self._made:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(target.parent)

    def put(self, rel: str, data: bytes, mine: dict[str, str]) -> None:
        """Write a file of the new site."""
        target = self.tmp / rel
        self._folder(target)
        with open(target, "wb") as fh:
            fh.write(data)
        sha = hashlib.sha256(data).hexdigest()
        self.files[rel] = sha
        mine[rel] = sha

    def carry(self, rel: str, sha: str) -> None:
        """Take a file of the old site over unchanged."""
        self.files[rel] = sha
        self.keep.append(rel)

    def abort(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


def read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def read_manifest(data: bytes | None) -> dict[str, str] | None:
    if data is None:
        return None
    try:
        found = json.loads(data)
    except ValueError:
        return None
    files = found.get("files") if isinstance(found, dict) else None
    if not isinstance(files, dict):
        return None
    return {str(k): str(v) for k, v in files.items()}


def walk(root: Path, prefix: str = "") -> Iterator[tuple[str, bool]]:
    """Every file under `root`, as a relative POSIX path, in sorted order, and whether it is a
    regular file (not a symlink or a special file); no `stat` per file."""
    with os.scandir(root) as entries:
        found = sorted(entries, key=lambda e: e.name)
    for entry in found:
        rel = f"{prefix}{entry.name}"
        if entry.is_dir(follow_symlinks=False):
            yield from walk(Path(entry.path), f"{rel}/")
        else:
            yield rel, entry.is_file(follow_symlinks=False)


def check_output(
    ws: Workspace, out: Path, old_manifest: dict[str, str] | None, *, force: bool
) -> set[str]:
    """Refuse a folder holding someone else's files (unless `force`), or a file; the regular
    files the folder holds."""
    if out.exists() and not out.is_dir():
        raise InputError(
            f"{ws.display(out)} is a file, not a folder", hint="choose another --output"
        )
    files = list(walk(out)) if out.is_dir() else []
    known = old_manifest or {}
    found = [rel for rel, _ in files if rel != MANIFEST and rel not in known]
    if found and (not force or (out / ".git").exists() or (out / "meptool.yaml").exists()):
        listed = ", ".join(found[:5])
        if len(found) > 5:
            listed += f" and {len(found) - 5} more"
        raise InputError(
            f"{ws.display(out)} holds files meptool did not write ({listed}); nothing was written",
            hint="choose an empty or new --output, or pass --force to replace that folder "
            "(its other files are removed; never a git repository or a workspace)",
        )
    return {rel for rel, regular in files if regular}


def swap(ws: Workspace, tree: Tree, manifest: bytes) -> None:
    """Carry the unchanged files over, then put the new site in the old one's place."""
    out, tmp = tree.out, tree.tmp
    trash = out.parent / f".{out.name}.{os.getpid()}.old.tmp"
    try:
        tree._folder(tmp / MANIFEST)
        for future in tree.linking:
            future.result()  # an OSError made there is raised here
        for task in tree.links_left():
            _link_all(*task)
        with open(tmp / MANIFEST, "wb") as fh:
            fh.write(manifest)
            fh.flush()
            os.fsync(fh.fileno())
        if out.exists():
            os.rename(out, trash)
        os.rename(tmp, out)
    except OSError as exc:
        tree.abort()
        if trash.exists() and not out.exists():
            os.rename(trash, out)  # put the old site back
        raise InputError(
            f"cannot write the portal to {ws.display(out)}: {exc.strerror or exc}; "
            "the previous site is unchanged",
            hint="check the folder's permissions and free space, or choose another --output",
        ) from None
    except BaseException:
        tree.abort()
        raise
    shutil.rmtree(trash, ignore_errors=True)


def _by_folder(rels: list[str]) -> dict[str, list[str]]:
    by_folder: dict[str, list[str]] = {}
    for rel in rels:
        folder, _, name = rel.rpartition("/")
        by_folder.setdefault(folder, []).append(name)
    return by_folder


def _link_all(source: str, target: str, names: list[str]) -> None:
    """Hard-link the files `names` of folder `source` into folder `target` (made if need be);
    copied where a link cannot be made. Relative to the two folders' descriptors when the
    platform allows it: one path lookup per folder, not per file."""
    os.makedirs(target, exist_ok=True)
    if os.link not in os.supports_dir_fd:  # pragma: no cover - not Linux or macOS
        for name in names:
            try:
                os.link(f"{source}/{name}", f"{target}/{name}")
            except OSError:
                shutil.copy2(f"{source}/{name}", f"{target}/{name}")
        return
    src = os.open(source, os.O_RDONLY | os.O_DIRECTORY)
    try:
        dst = os.open(target, os.O_RDONLY | os.O_DIRECTORY)
        try:
            for name in names:
                try:
                    os.link(name, name, src_dir_fd=src, dst_dir_fd=dst, follow_symlinks=False)
                except OSError:
                    shutil.copy2(f"{source}/{name}", f"{target}/{name}")
        finally:
            os.close(dst)
    finally:
        os.close(src)
