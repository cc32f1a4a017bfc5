"""The one module that reads and writes incident files.

Every write is atomic (temp file in the same folder, fsync, rename, fsync the
folder) and made under a lock (`flock`: the kernel drops it when a process
dies, so a killed meptool never blocks the next one).
Edits go through ruamel.yaml round-trip so a person's comments, key order,
quoting and blank lines survive, and they are refused (exit 4) when the file
changed on disk since meptool read it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import errno
import functools
import hashlib
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from meptool.errors import ConflictError, InputError, InvalidFile, from_os_error
from meptool.files.locks import locked as locked  # noqa: PLC0414 - `store.locked` for callers
from meptool.files.workspace import ID_RE, INCIDENT_FILE, Workspace, check_id
from meptool.files.yamldoc import MAX_BYTES, read_capped

if TYPE_CHECKING:
    from meptool.model.incident import Incident

SCHEMA_HEADER = "# yaml-language-server: $schema=../../schemas/incident.schema.json\n"


def sha256(data: bytes) -> str:
    """Hex SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def read_bytes(path: Path) -> bytes:
    """A file's bytes, reading at most one byte past the size limit."""
    return read_capped(path)


def parse(raw: bytes | str, source: str, tz: dt.tzinfo) -> Incident:
    """Validate incident bytes; InvalidFile with every located problem."""
    from meptool.files import validation
    from meptool.model.incident import Incident

    return validation.parse(raw, source, Incident, {"tz": tz})


@dataclass(frozen=True)
class Snapshot:
    """What a file held when meptool read it."""

    path: Path
    sha256: str


def load(ws: Workspace, path: Path) -> Incident:
    """Read and validate one incident file (the workspace's lead and contacts as defaults)."""
    return _defaults(ws, parse(read_bytes(path), ws.display(path), ws.tz))


def read(ws: Workspace, incident_id: str) -> tuple[Incident, Snapshot]:
    """An incident by ID, and a snapshot to detect later changes."""
    path = ws.incident_path(incident_id)
    raw = read_bytes(path)
    return _defaults(ws, parse(raw, ws.display(path), ws.tz)), Snapshot(path, sha256(raw))


def _defaults(ws: Workspace, incident: Incident) -> Incident:
    from meptool.files.fallbacks import with_defaults

    return with_defaults(incident, ws.config)


# --- writing -----------------------------------------------------------------


def atomic_write(path: Path, data: bytes, *, expect: str | None = None, source: str = "") -> None:
    """Replace `path` with `data` so that readers see the old or the new file, never a mix.

    A symlink stays a symlink (its target is replaced); permissions are kept.
    With `expect` (the SHA-256 of the bytes the change is based on), the file is
    replaced only if it still holds them (see `_replace_checked`); otherwise
    ConflictError, and whatever is on disk stays.
    """
    import stat

    target = path.resolve() if path.is_symlink() else path
    folder = target.parent
    try:
        st_mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    else:
        if not stat.S_ISREG(st_mode):
            # A rename over a device, a FIFO or a folder would replace it: never.
            what = "a folder" if stat.S_ISDIR(st_mode) else "not a regular file"
            raise InputError(
                f"{path} is {what}; meptool replaces only regular files",
                hint="name a regular file",
            )
        mode = st_mode & 0o7777
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise from_os_error(exc, path) from None
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
        if expect is None:
            os.replace(tmp, target)
        else:
            _replace_checked(tmp, target, expect, source or str(path))
    except OSError as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise from_os_error(exc, path) from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


RENAME_EXCHANGE = 2
AT_FDCWD = -100


@functools.cache
def _renameat2() -> Any:
    """libc's `renameat2`, looked up once (None where there is none)."""
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None


def _exchange(a: str | Path, b: str | Path) -> bool:
    """Swap two paths atomically (Linux `renameat2(RENAME_EXCHANGE)`); False when unsupported."""
    import ctypes

    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    rc = renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    if rc == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _identity(path: str | Path) -> tuple[int, int, int, int]:
    """What tells one saved file from another without reading it: its inode, size and time."""
    return _identity_of(os.lstat(path))


def _identity_of(st: os.stat_result) -> tuple[int, int, int, int]:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _replace_checked(tmp: str, target: Path, expect: str, source: str) -> None:
    """Rename `tmp` over `target` only if `target` still holds the bytes hashed as `expect`.

    An editor saving by rename does not take meptool's lock, so the check is made
    after the new file is written and synced, right before the rename, and — where
    the kernel can swap two names atomically — once more on the file the swap took
    out: if an editor saved in that instant, the swap is undone and its save stays.
    The check after the swap compares the file's identity (inode, size, time), not
    its bytes: while it runs, our file is the one an editor would read, so it must
    take microseconds, not the time of reading and hashing the file.
    """
    with target.open("rb") as fh:
        checked = os.fstat(fh.fileno())
        data = fh.read(MAX_BYTES + 1)
    if sha256(data) != expect:
        raise _changed(source)
    before = _identity_of(checked)
    mine = _identity(tmp)
    if not _exchange(tmp, target):
        os.replace(tmp, target)
        return
    try:
        if _identity(tmp) != before or sha256(read_bytes(Path(tmp))) != expect:
            # An editor saved since the check (by rename, or in place).
            kept = _give_back(tmp, target, mine)
            raise _changed(source, kept)
    except OSError:
        _exchange(tmp, target)
        raise
    os.unlink(tmp)


def _give_back(tmp: str, target: Path, mine: tuple[int, int, int, int]) -> Path:
    """Put an editor's save back in place of ours (ours is dropped); return where it is kept.

    `tmp` holds the save the swap took out. For the instant ours was in place, an
    editor may have read it and may base its next save on it, without that save:
    so it is also kept beside the file (a hard link, made before it goes back), and
    the message names it. A save that lands on our file before it is swapped back
    is newer still: it stays in place, as a plain save by rename would have left it.
    """
    kept = _link_beside(tmp, target)
    expected_there = mine
    for _ in range(100):
        putting = _identity(tmp)
        _exchange(tmp, target)  # `putting` goes in place; what was there comes out
        if _identity(tmp) == expected_there:
            break  # nothing landed meanwhile: what came out is ours, or superseded
        expected_there = putting  # a newer save landed on it: that one goes in place next
    os.unlink(tmp)
    # The link shares the save's inode (an editor writing in place would change both):
    # it becomes a copy of its own.
    atomic_write(kept, read_bytes(kept))
    return kept


def _link_beside(tmp: str, target: Path) -> Path:
    """A second name for `tmp` beside `target`: `<name>.kept-<time>-<n>`, a free one."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(1, 1000):
        kept = target.with_name(f"{target.name}.kept-{stamp}-{n}")
        try:
            os.link(tmp, kept)
            return kept
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free name for a kept copy", str(target))


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
    try:
        incident = parse(text, ws.display(path), ws.tz)
    except InvalidFile as exc:
        # The file was never written: the problem is in the values given, not in a file.
        details = "\n".join(f"  {p.field}: {p.message}" for p in exc.problems)
        raise InputError(
            f"{ws.display(path)} was not created: the values given would make it invalid:\n"
            f"{details}",
            hint="check the values given to the command",
        ) from None
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
    written: Snapshot | None = None  # what the file holds: as read, then as written

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
        note: str | None = None,
        **data: Any,
    ) -> None:
        """Add a timeline entry (internal unless told otherwise).

        `note` is what a person added to an entry meptool writes; `data` the
        entry's other facts (`old_status`, `action`), from which client
        documents tell it in their own words.
        """
        item: dict[str, Any] = {"at": at or self.ws.now(), "text": text, "visibility": visibility}
        if kind is not None:
            item["kind"] = kind
        if status is not None:
            item["status"] = status
        if by:
            item["by"] = by
        if note:
            item["note"] = note
        item.update({k: v for k, v in data.items() if v is not None})
        self.append("timeline", item=item)


@contextlib.contextmanager
def edit(
    ws: Workspace,
    incident_id: str,
    expected: Snapshot | None = None,
    *,
    known: tuple[Incident, Snapshot] | None = None,
) -> Iterator[Editor]:
    """Edit an incident under its lock; written atomically on a clean exit.

    `expected` is what the caller read before (e.g. before prompting): if the
    file changed since, nothing is written and ConflictError (exit 4) is raised.
    `known` is an incident the caller already read, and what the file held then:
    used as it is if the file still holds the same bytes (a validation spared),
    read again otherwise — never a conflict.
    """
    from meptool.files.yamledit import edit_text

    check_id(incident_id)
    path = ws.incident_path(incident_id)
    source = ws.display(path)
    with locked(ws, incident_id):
        raw = read_bytes(path)
        digest = sha256(raw)
        if expected is not None and digest != expected.sha256:
            raise _changed(source)
        if known is not None and known[1].path == path and known[1].sha256 == digest:
            incident = known[0]
        else:
            incident = _defaults(ws, parse(raw, source, ws.tz))
        original = raw.decode("utf-8")
        # Edits are made on "\n" lines and written back with the file's own line ends
        # (CRLF from Windows, a lone CR from old Mac editors), never a mix.
        newline = "\r\n" if "\r\n" in original else ("\r" if "\r" in original else "\n")
        text = original.replace("\r\n", "\n").replace("\r", "\n")
        editor = Editor(ws, path, incident, text, written=Snapshot(path, digest))
        yield editor
        if not editor.changed:
            editor.result = incident
            return
        new_text = edit_text(text, editor.ops, order=tuple(type(incident).model_fields))
        if newline != "\n":
            new_text = new_text.replace("\n", newline)
        if new_text == original:
            editor.result = incident
            return
        try:
            editor.result = _defaults(ws, parse(new_text, source, ws.tz))
        except InvalidFile as exc:
            details = "\n".join(f"  {p.field}: {p.message}" for p in exc.problems)
            raise InputError(
                f"{source} was not changed: the change would make it invalid:\n{details}",
                hint="check the values given to the command",
            ) from None
        data = new_text.encode("utf-8")
        atomic_write(path, data, expect=digest, source=source)
        editor.written = Snapshot(path, sha256(data))


def _changed(source: str, kept: Path | None = None) -> ConflictError:
    if kept is None:
        return ConflictError(
            f"{source} changed on disk while meptool was working; nothing was written",
            hint="someone (or an editor) saved it meanwhile: run the command again",
        )
    return ConflictError(
        f"{source} was saved by an editor at the very instant meptool wrote it; meptool"
        f" put that save back and wrote nothing. A copy of that save is kept as {kept}",
        hint="if your editor's next save lacks your last change, take it back from that"
        " copy; then delete the copy and run the command again",
    )
