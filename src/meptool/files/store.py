"""The one module that reads and writes incident files.

Every write is atomic (temp file in the same folder, fsync, rename, fsync the
folder) and made under a lock (`fcntl` locks via filelock: the kernel drops
them when a process dies, so a killed meptool never blocks the next one).
Edits go through ruamel.yaml round-trip so a person's comments, key order,
quoting and blank lines survive, and they are refused (exit 4) when the file
changed on disk since meptool read it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from meptool.errors import ConflictError, InputError, InvalidFile, LockedError
from meptool.files.workspace import ID_RE, INCIDENT_FILE, Workspace, check_id
from meptool.files.yamlio import MAX_BYTES

if TYPE_CHECKING:
    from meptool.model.incident import Incident

SCHEMA_HEADER = "# yaml-language-server: $schema=../../schemas/incident.schema.json\n"
DEFAULT_LOCK_TIMEOUT = 10.0


def sha256(data: bytes) -> str:
    """Hex SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def read_bytes(path: Path) -> bytes:
    """A file's bytes, reading at most one byte past the size limit."""
    with path.open("rb") as fh:
        return fh.read(MAX_BYTES + 1)


def parse(raw: bytes | str, source: str, tz: dt.tzinfo) -> Incident:
    """Validate incident bytes; InvalidFile with every located problem."""
    from pydantic import ValidationError

    from meptool.files.validation import validate
    from meptool.files.yamlio import load, load_data
    from meptool.model.incident import Incident

    data = load_data(raw)  # quick, without positions; they are only needed for problems
    if data is not None:
        try:
            return Incident.model_validate(data, context={"tz": tz})
        except ValidationError:
            pass
    return validate(load(raw, source), Incident, {"tz": tz})


@dataclass(frozen=True)
class Snapshot:
    """What a file held when meptool read it."""

    path: Path
    sha256: str


def load(ws: Workspace, path: Path) -> Incident:
    """Read and validate one incident file."""
    return parse(read_bytes(path), ws.display(path), ws.tz)


def read(ws: Workspace, incident_id: str) -> tuple[Incident, Snapshot]:
    """An incident by ID, and a snapshot to detect later changes."""
    path = ws.incident_path(incident_id)
    raw = read_bytes(path)
    return parse(raw, ws.display(path), ws.tz), Snapshot(path, sha256(raw))


def iter_incidents(ws: Workspace) -> Iterator[tuple[Path, Incident | InvalidFile]]:
    """Every incident of the workspace, or the problems of the ones that do not validate.

    Streamed (one incident in memory at a time) from the cache of parsed files
    (`meptool.files.cache`): only files changed since the last run are parsed again,
    across processes when there are many.
    """
    from meptool.files.cache import incidents

    yield from incidents(ws)


# --- writing -----------------------------------------------------------------


def lock_timeout() -> float:
    """Seconds to wait for a lock (`MEPTOOL_LOCK_TIMEOUT`, default 10)."""
    try:
        return float(os.environ.get("MEPTOOL_LOCK_TIMEOUT", DEFAULT_LOCK_TIMEOUT))
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT


@contextlib.contextmanager
def locked(ws: Workspace, name: str) -> Iterator[None]:
    """Hold the workspace lock `name` (exit 4 when another process keeps it too long)."""
    from filelock import FileLock, Timeout

    folder = ws.state_dir / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(folder / f"{name}.lock"), timeout=lock_timeout())
    try:
        lock.acquire()
    except Timeout:
        raise LockedError(
            f"{name} is locked by another meptool process",
            hint="wait for it to finish and run the command again",
        ) from None
    try:
        yield
    finally:
        lock.release()


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that readers see the old or the new file, never a mix.

    A symlink stays a symlink (its target is replaced); permissions are kept.
    """
    target = path.resolve() if path.is_symlink() else path
    folder = target.parent
    try:
        mode: int | None = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def plain(value: Any) -> Any:
    """Data ready for YAML: times as ISO 8601 text, enums as their values."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(plain(k)): plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def next_id(ws: Workspace, year: int) -> str:
    """The next free ID for `year` (call under the `ids` lock)."""
    prefix = ws.config.prefix
    highest = 0
    if ws.incidents_dir.is_dir():
        for entry in ws.incidents_dir.iterdir():
            match = ID_RE.match(entry.name)
            if match and match.group(1) == prefix and int(match.group(2)) == year:
                highest = max(highest, int(match.group(3)))
    return f"{prefix}-{year}-{highest + 1:03d}"


def create(ws: Workspace, build: Callable[[str], dict[str, Any]]) -> tuple[str, Path]:
    """Allocate a new ID and write the incident `build(id)` returns.

    Two `incident open` at once get two IDs: allocation happens under a lock and
    the folder is created exclusively.
    """
    incident_id, path, _ = create_once(ws, build, find=None)
    return incident_id, path


def create_once(
    ws: Workspace,
    build: Callable[[str], dict[str, Any]],
    *,
    find: Callable[[], tuple[str, Path] | None] | None,
) -> tuple[str, Path, bool]:
    """Like `create`, unless `find()`, called under the same lock, returns an existing incident.

    Returns the ID, the path, and whether a new incident was created. Used by
    `open --from-ci` so that two runs of one pipeline never open two incidents.
    """
    year = ws.now().year
    with locked(ws, "ids"):
        found = find() if find is not None else None
        if found is not None:
            return found[0], found[1], False
        ws.incidents_dir.mkdir(parents=True, exist_ok=True)
        while True:
            incident_id = next_id(ws, year)
            folder = ws.incident_dir(incident_id)
            try:
                folder.mkdir()
                break
            except FileExistsError:  # pragma: no cover - only without the lock
                continue
        try:
            path = folder / INCIDENT_FILE
            write_new(ws, path, build(incident_id))
        except BaseException:
            with contextlib.suppress(OSError):
                folder.rmdir()
            raise
    return incident_id, path, True


def write_new(ws: Workspace, path: Path, data: dict[str, Any]) -> Incident:
    """Write a new incident file after checking it is valid."""
    from meptool.files.yamledit import render

    text = SCHEMA_HEADER + render(plain(data))
    incident = parse(text, ws.display(path), ws.tz)
    atomic_write(path, text.encode("utf-8"))
    return incident


@dataclass
class Editor:
    """The changes a command makes to an incident file, written on exit.

    Changes are recorded as operations and applied as targeted text edits
    (`meptool.files.yamledit`), so everything a person wrote around them survives.
    """

    ws: Workspace
    path: Path
    incident: Incident
    text: str
    ops: list[tuple[str, tuple[str | int, ...], Any]] = field(default_factory=list)
    result: Incident | None = None

    @property
    def changed(self) -> bool:
        return bool(self.ops)

    def set(self, *path: str | int, value: Any) -> None:
        """Set the value at `path`, creating mappings on the way; None removes the key."""
        self.ops.append(("set", tuple(path), plain(value)))

    def append(self, *path: str, item: Any) -> None:
        """Append to the list at `path`, creating it when absent."""
        self.ops.append(("append", tuple(path), plain(item)))

    def entry(
        self,
        text: str,
        *,
        kind: Any = None,
        visibility: str = "internal",
        status: Any = None,
        by: str | None = None,
        at: dt.datetime | None = None,
    ) -> None:
        """Add a timeline entry (internal unless told otherwise)."""
        item: dict[str, Any] = {"at": at or self.ws.now(), "text": text, "visibility": visibility}
        if kind is not None:
            item["kind"] = kind
        if status is not None:
            item["status"] = status
        if by:
            item["by"] = by
        self.append("timeline", item=item)


@contextlib.contextmanager
def edit(ws: Workspace, incident_id: str, expected: Snapshot | None = None) -> Iterator[Editor]:
    """Edit an incident under its lock; written atomically on a clean exit.

    `expected` is what the caller read before (e.g. before prompting): if the
    file changed since, nothing is written and ConflictError (exit 4) is raised.
    """
    from meptool.files.yamledit import edit_text

    check_id(incident_id)
    path = ws.incident_path(incident_id)
    source = ws.display(path)
    with locked(ws, incident_id):
        raw = read_bytes(path)
        if expected is not None and sha256(raw) != expected.sha256:
            raise _changed(source)
        incident = parse(raw, source, ws.tz)
        text = raw.decode("utf-8")
        editor = Editor(ws, path, incident, text)
        yield editor
        if not editor.changed:
            editor.result = incident
            return
        new_text = edit_text(text, editor.ops, order=tuple(type(incident).model_fields))
        if new_text == text:
            editor.result = incident
            return
        try:
            editor.result = parse(new_text, source, ws.tz)
        except InvalidFile as exc:
            details = "\n".join(f"  {p.field}: {p.message}" for p in exc.problems)
            raise InputError(
                f"{source} was not changed: the change would make it invalid:\n{details}",
                hint="check the values given to the command",
            ) from None
        if sha256(read_bytes(path)) != sha256(raw):
            raise _changed(source)
        atomic_write(path, new_text.encode("utf-8"))


def _changed(source: str) -> ConflictError:
    return ConflictError(
        f"{source} changed on disk while meptool was working; nothing was written",
        hint="someone (or an editor) saved it meanwhile: run the command again",
    )
