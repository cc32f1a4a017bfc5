"""A cache of parsed, validated incident files, so that reading thousands of them is quick.

It lives in the workspace's git-ignored `.meptool/cache/` as one SQLite file
(stdlib `sqlite3`): one row per incident file, keyed on its path, size,
mtime_ns, ctime_ns and inode, holding plain JSON — the data of a valid file, a small
summary for `incident list`, the facts the portfolio folds, or the located
problems. What is kept of a valid incident besides its data is computed by a
function the reading layer hands in (`meptool.incident.reading.derive`): this
module parses and stores, it does not know what a summary is. Never pickle:
nothing in a cache file can run code.

It is never trusted blindly. The file records meptool's version, a format
number, a fingerprint of the code that validates, and the workspace time zone
(naive times are read in it): any difference and it is rebuilt. A row whose
key no longer matches its file is re-parsed; a row that fails its checksum or
does not load is re-parsed; a file changed less than `RACY_NS` before it was
read is not cached at all (its mtime could hide a second write, as git's
"racily clean" entries). A corrupt, foreign or unwritable cache file means
working without it, never a crash or a wrong result.

Many changed files are parsed across cores, with the garbage collector paused
(`meptool.files.bulk`).
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from meptool.errors import InvalidFile, MeptoolError, Problem
from meptool.files import bulk
from meptool.files.bulk import Derive
from meptool.files.freshness import RACY_NS, Key, crc, enabled, fingerprint
from meptool.files.workspace import ID_RE, INCIDENT_FILE, Workspace

if TYPE_CHECKING:
    import sqlite3

    from meptool.model.incident import Incident


def cache_file(ws: Workspace) -> Path:
    """Where the cache of this workspace lives."""
    return ws.state_dir / "cache" / "incidents.sqlite3"


def scan_names(ws: Workspace) -> list[tuple[str, Key]]:
    """Every incident folder's name with its file's stat key, sorted by ID (no Path made).

    Each file is looked up from the open incidents folder (`dir_fd`): the same answer
    as its whole path gives, with fewer folders for the kernel to walk.
    """
    root = str(ws.incidents_dir)
    found: list[tuple[str, Key, tuple[str, int, int]]] = []
    try:
        entries = os.scandir(root)
    except (FileNotFoundError, NotADirectoryError):
        return []
    match = ID_RE.match
    fstat = os.stat
    folder: int | None = None
    base = f"{root}/"
    try:
        with entries:
            if fstat in os.supports_dir_fd:
                folder = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
                base = ""
            for entry in entries:
                name = entry.name
                m = match(name)
                if m is None:
                    continue
                try:
                    st = fstat(f"{base}{name}/{INCIDENT_FILE}", dir_fd=folder)
                except OSError:
                    continue
                if stat.S_ISREG(st.st_mode):
                    key = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
                    # `id_sort_key(name)`, from the match already made
                    found.append((name, key, (m[1], int(m[2]), int(m[3]))))
    finally:
        if folder is not None:
            os.close(folder)
    found.sort(key=_third)
    return [(name, key) for name, key, _ in found]


def _third(item: tuple[str, Key, tuple[str, int, int]]) -> tuple[str, int, int]:
    return item[2]


def scan(ws: Workspace) -> list[tuple[Path, Key]]:
    """Every `incidents/<ID>/incident.yaml` with its stat key, sorted by ID."""
    base = ws.incidents_dir
    return [(base / name / INCIDENT_FILE, key) for name, key in scan_names(ws)]


# --- the cache file ----------------------------------------------------------

_FILES = """
CREATE TABLE IF NOT EXISTS files (
    name TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER, ino INTEGER,
    ok INTEGER, summary TEXT, data TEXT, problems TEXT, extra TEXT, facts TEXT,
    crc INTEGER, crc_data INTEGER, crc_facts INTEGER)
"""
_COLUMNS = [
    "name", "size", "mtime_ns", "ctime_ns", "ino", "ok", "summary", "data", "problems",
    "extra", "facts", "crc", "crc_data", "crc_facts",
]  # fmt: skip
_SCHEMA = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);" + _FILES
# Everything of every row but its data, in one query: what `incident validate` and
# the portfolio read. Each text has its checksum: `crc` the summary and problems,
# `crc_facts` the facts, `crc_data` the data (read row by row only when models are
# wanted), so that a command reads only the texts it shows.
_BULK = (
    "SELECT name, size, mtime_ns, ctime_ns, ino, ok, summary, problems, extra, facts, crc,"
    " crc_facts FROM files"
)
# The same without the facts: what `incident list` reads.
_BULK_SUMMARIES = (
    "SELECT name, size, mtime_ns, ctime_ns, ino, ok, summary, problems, extra, NULL, crc,"
    " NULL FROM files"
)


@dataclass
class Row:
    """A cached analysis of one file (`data` is None until asked for, see `Index.data`)."""

    ok: bool
    summary: str | None
    data: str | None
    problems: str | None
    extra: str | None
    facts: str | None = None


class Index:
    """The cache of one workspace, brought up to date with the files on disk."""

    def __init__(
        self, ws: Workspace, db: sqlite3.Connection | None, derive: Derive, *, facts: bool = True
    ) -> None:
        self.ws = ws
        self.with_facts = facts  # whether the bulk read holds the facts (else only summaries)
        self.db = db
        self.derive = derive
        self.names: list[tuple[str, Key]] = []  # every incident file, by folder name, sorted
        self.cached: dict[str, tuple[Any, ...]] = {}  # rows read in bulk, keyed like the file
        self.fresh: dict[str, Row] = {}  # rows analysed now but not cached (racy or no db)
        self.partial = False  # the bulk read holds only the files asked for (`refresh`)
        self.parsing: set[str] = set()  # the files `_refreshing` parses and hands on
        self._base = str(ws.incidents_dir)

    @property
    def files(self) -> list[tuple[Path, Key]]:
        """Every incident file with its stat key, sorted by ID."""
        return [(self.path(name), key) for name, key in self.names]

    def path(self, name: str) -> Path:
        """The incident file of folder `name`."""
        return Path(f"{self._base}/{name}/{INCIDENT_FILE}")

    # reading rows --------------------------------------------------------------

    def row(self, name: str, key: Key) -> Row:
        """The analysis of one file: from the bulk read when its row checks out, else now.

        `data` is not read here (see `data`): most callers need only the small texts.
        """
        if name in self.fresh:
            return self.fresh[name]
        found = self.cached.get(name)
        if found is None and self.partial:
            found = self._fetch(name)
        if found is not None and found[1:5] == key:
            ok, summary, problems, extra, facts, stored, stored_facts = found[5:]
            if ok == 1:
                whole = bool(summary) and (
                    not self.with_facts or (bool(facts) and stored_facts == crc(facts))
                )
            else:
                whole = ok == 0 and bool(problems)
            if whole and stored == crc(summary, problems, extra):
                return Row(ok == 1, summary, None, problems, extra, facts)
        return self._analyse(name, key)

    def _fetch(self, name: str) -> tuple[Any, ...] | None:
        """The row of a file the bulk read left out (`refresh(only=True)`), by its name."""
        if self.db is None:
            return None
        query = _BULK if self.with_facts else _BULK_SUMMARIES
        try:
            return next(_named(self.db, query, [name]), None)
        except Exception:  # a broken cache is only slower, never fatal
            return None

    def data(self, name: str, key: Key, row: Row) -> str | None:
        """The data of a valid row (one query), or None when it does not check out."""
        if row.data is not None:
            return row.data
        if self.db is None:
            return None
        try:
            found = self.db.execute(
                "SELECT size, mtime_ns, ctime_ns, ino, data, crc_data FROM files WHERE name = ?",
                (name,),
            ).fetchone()
        except Exception:  # a broken cache is only slower, never fatal
            return None
        if found is None or tuple(found[:4]) != key or not found[4]:
            return None
        return str(found[4]) if found[5] == crc(found[4]) else None

    def _analyse(self, name: str, key: Key) -> Row:
        return _row(bulk.analyse(self.path(name), self.ws.tz, key, self.derive))

    def close(self) -> None:
        if self.db is not None:
            with contextlib.suppress(Exception):
                self.db.close()
            self.db = None


def _row(values: tuple[Any, ...]) -> Row:
    return Row(bool(values[5]), values[6], values[7], values[8], values[9], values[10])


def _connect(path: Path) -> sqlite3.Connection:
    import sqlite3

    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(path), timeout=5.0, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(_SCHEMA)
    return db


def _meta(ws: Workspace) -> dict[str, str]:
    return {"fingerprint": fingerprint(), "timezone": getattr(ws.tz, "key", str(ws.tz))}


def _open(ws: Workspace) -> sqlite3.Connection | None:
    """The cache database, emptied when it was written by another meptool; None if unusable."""
    path = cache_file(ws)
    for attempt in range(2):
        try:
            db = _connect(path)
            stored = dict(db.execute("SELECT key, value FROM meta").fetchall())
            wanted = _meta(ws)
            columns = [found[1] for found in db.execute("PRAGMA table_info(files)")]
            if stored != wanted or columns != _COLUMNS:
                db.execute("BEGIN IMMEDIATE")
                db.execute("DROP TABLE IF EXISTS files")  # an older format has other columns
                db.execute(_FILES)
                db.execute("DELETE FROM meta")
                db.executemany("INSERT INTO meta VALUES (?, ?)", sorted(wanted.items()))
                db.execute("COMMIT")
            return db
        except Exception:  # corrupt, foreign, locked, read-only: start over once
            if attempt == 0:
                _remove(path)
    return None


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            os.unlink(f"{path}{suffix}")


def refresh(
    ws: Workspace,
    derive: Derive,
    *,
    facts: bool = True,
    names: list[tuple[str, Key]] | None = None,
    only: bool = False,
) -> Index:
    """Bring the cache up to date with the workspace's incident files (parsing changed ones).

    `derive` computes what is kept of each valid incident besides its data. Every
    cached row but its data (and, unless `facts`, its facts) is read in one query and
    kept in the index. `names`: what `scan_names` gave the caller just before (it is
    not asked again); with `only`, just the files the caller wants, whose rows alone are
    read and brought up to date (the others' are left as they are).
    """
    index, parsed = _refreshing(ws, derive, facts=facts, names=names, only=only)
    for _ in parsed:
        pass
    return index


def _refreshing(
    ws: Workspace,
    derive: Derive,
    *,
    facts: bool = True,
    names: list[tuple[str, Key]] | None = None,
    only: bool = False,
) -> tuple[Index, Iterator[tuple[str, Row]]]:
    """`refresh`, the changed files' rows handed on as they are parsed (in the order of
    `index.names`), so that the caller works while the other files are parsed."""
    db = _open(ws) if enabled() else None
    index = Index(ws, db, derive, facts=facts)
    index.names = scan_names(ws) if names is None else names
    if db is None:
        return index, iter(())  # no cache: every row is analysed when asked for
    cached = index.cached
    query = _BULK if facts else _BULK_SUMMARIES
    index.partial = only
    try:
        found_rows = (
            _named(db, query, [n for n, _ in index.names])
            if only and len(index.names) <= FEW
            else db.execute(query)
        )
        for found in found_rows:
            cached[found[0]] = found
    except Exception:
        index.close()
        cached.clear()
        return index, iter(())
    changed = [(index.path(n), k) for n, k in index.names if _key(cached.get(n)) != k]
    gone = [] if only else sorted(cached.keys() - {n for n, _ in index.names})
    if not changed and not gone:
        return index, iter(())
    index.parsing = {path.parent.name for path, _ in changed}
    return index, _stored(index, db, changed, gone)


def _stored(
    index: Index, db: sqlite3.Connection, changed: list[tuple[Path, Key]], gone: list[str]
) -> Iterator[tuple[str, Row]]:
    """Parse the changed files and store their rows, each row handed on as it comes; what
    is stored is committed every `COMMIT_EVERY` rows, once all are, or when the caller
    stops early (each row stands alone: a cache cut short is only a smaller one)."""
    writer = _Writer(index, db)
    writer.run(lambda: db.executemany("DELETE FROM files WHERE name = ?", [(n,) for n in gone]))
    try:
        for values in bulk.analyse_many(index.ws, changed, index.derive):
            row = _row(values)
            index.fresh[values[0]] = row  # served from memory in this run
            writer.run(lambda: writer.add(values, row))  # noqa: B023 - run at once
            yield values[0], row
    finally:
        writer.run(writer.commit)


class _Writer:
    """The transactions of `_stored`; on any failure to write, meptool works without cache."""

    def __init__(self, index: Index, db: sqlite3.Connection) -> None:
        self.index = index
        self.db = db
        self.racy = time.time_ns() - RACY_NS
        self.batch: list[tuple[Any, ...]] = []
        self.waiting: list[Row] = []  # rows of `batch`: their data let go of once stored
        self.writing = True
        self.stored = 0
        self.run(lambda: db.execute("BEGIN IMMEDIATE"))

    def run(self, step: Callable[[], object]) -> None:
        """Do `step` while the cache can be written; on a failure, stop writing it."""
        if not self.writing:
            return
        try:
            step()
        except MeptoolError:
            raise
        except Exception:  # cannot write the cache: work without it
            self.writing = False
            with contextlib.suppress(Exception):
                self.db.execute("ROLLBACK")
            self.index.close()
            self.index.cached.clear()

    def add(self, values: tuple[Any, ...], row: Row) -> None:
        if values[2] >= self.racy:  # mtime too recent to trust next time
            self.db.execute("DELETE FROM files WHERE name = ?", (values[0],))
            return
        self.batch.append(values)
        self.waiting.append(row)
        if len(self.batch) >= BATCH:
            self.stored += len(self.batch)
            self.flush()
            if self.stored >= COMMIT_EVERY:  # written out while the workers parse on
                self.stored = 0
                self.db.execute("COMMIT")
                self.db.execute("BEGIN IMMEDIATE")

    def flush(self) -> None:
        self.db.executemany(_INSERT, self.batch)
        self.batch.clear()
        for row in self.waiting:
            row.data = None  # in the database now: read back only if asked for
        self.waiting.clear()

    def commit(self) -> None:
        self.flush()
        self.db.execute("COMMIT")


def _named(db: sqlite3.Connection, query: str, names: list[str]) -> Iterator[tuple[Any, ...]]:
    """The rows `query` (a bulk read) gives for the files `names`, 500 names a query."""
    for i in range(0, len(names), 500):
        part = names[i : i + 500]
        yield from db.execute(f"{query} WHERE name IN ({','.join('?' * len(part))})", part)


def _key(found: tuple[Any, ...] | None) -> Key | None:
    return None if found is None else (found[1], found[2], found[3], found[4])


# Up to this many files asked for by name (`refresh(only=True)`), their rows are read by
# name; beyond, all rows at once (one query is quicker than many lookups).
FEW = 2_000
# Rows stored per transaction when many files are parsed: each commit writes its rows out
# while the workers parse the next ones, rather than all of them after the last.
COMMIT_EVERY = 2_000
BATCH = 500  # rows inserted at once
_INSERT = "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


# --- what callers use -----------------------------------------------------------


def _problems(ws: Workspace, path: Path, text: str) -> list[Problem]:
    shown = ws.display(path)
    return [
        Problem(file if file is not None else shown, line, col, field, message)
        for line, col, field, message, file in json.loads(text)
    ]


def _rows(ws: Workspace, derive: Derive) -> Iterator[tuple[Index, str, Key, Row]]:
    """Every file's row in ID order; a changed file's as soon as it is parsed (the files
    after it are parsed meanwhile)."""
    index, parsed = _refreshing(ws, derive)
    try:
        for name, key in index.names:
            if name in index.parsing:
                found, row = next(parsed)  # parsed in the same order
                assert found == name
            else:
                row = index.row(name, key)
            yield index, name, key, row
        for _ in parsed:  # (none left: the changed files are among the names)
            pass
    finally:
        close = getattr(parsed, "close", None)
        if close is not None:
            close()  # commits what was stored
        index.close()


def summaries_named(
    ws: Workspace, derive: Derive
) -> Iterator[tuple[str, dict[str, Any] | InvalidFile]]:
    """Every incident's summary as `derive` made it (times as text), or its problems, by
    folder name.

    No Pydantic and no YAML for unchanged files; one bulk read; no path made for a
    valid file.
    """
    index = refresh(ws, derive, facts=False)
    cached, fresh = index.cached, index.fresh
    try:
        # The summaries of rows that check out (`Index.row`'s checks, inline), decoded
        # in one go; None for the others, analysed one by one below.
        texts: list[str | None] = []
        for name, key in index.names:
            found = cached.get(name)
            good = (
                found is not None
                and found[1:5] == key
                and found[5] == 1
                and found[6]
                and name not in fresh
                and found[10] == crc(found[6], found[7], found[8])
            )
            texts.append(found[6] if good and found is not None else None)
        decoded = iter(_decode_all([t for t in texts if t is not None]))
        for (name, key), text in zip(index.names, texts, strict=True):
            if text is not None:
                yield name, next(decoded)
                continue
            row = index.row(name, key)
            if row.ok and row.summary:
                yield name, json.loads(row.summary)
            else:
                yield name, InvalidFile(_problems(ws, index.path(name), row.problems or "[]"))
    finally:
        index.close()


def _decode_all(texts: list[str]) -> list[Any]:
    """`[json.loads(t) for t in texts]`, as one JSON array when they make one."""
    try:
        values = json.loads(f"[{','.join(texts)}]")
    except ValueError:
        values = None
    if not isinstance(values, list) or len(values) != len(texts):
        return [json.loads(t) for t in texts]
    return values


def summaries(ws: Workspace, derive: Derive) -> Iterator[tuple[Path, dict[str, Any] | InvalidFile]]:
    """Every incident's summary (see `summaries_named`), with its file's path."""
    base = ws.incidents_dir
    for name, item in summaries_named(ws, derive):
        yield base / name / INCIDENT_FILE, item


def incidents(ws: Workspace, derive: Derive) -> Iterator[tuple[Path, Incident | InvalidFile]]:
    """Every incident, validated, or its problems; streamed (one in memory at a time)."""
    from pydantic import ValidationError

    from meptool.files.store import load
    from meptool.model.incident import Incident

    tz = ws.tz
    context = {"tz": tz}
    for index, name, key, row in _rows(ws, derive):
        path = index.path(name)
        if not row.ok:
            yield path, InvalidFile(_problems(ws, path, row.problems or "[]"))
            continue
        try:
            data = index.data(name, key, row)
            if data is None:
                data = index._analyse(name, key).data
            yield path, Incident.model_validate_json(data or "", context=context)
        except (ValueError, ValidationError):
            try:  # a row that does not load back: read the file itself
                yield path, load(ws, path)
            except InvalidFile as exc:
                yield path, exc


def facts_named(
    ws: Workspace, derive: Derive
) -> Iterator[tuple[str, dict[str, Any] | InvalidFile]]:
    """What `derive` keeps of every incident for the portfolio, or its problems, by folder name.

    Unchanged files come from one bulk read of the cache as plain JSON: neither
    YAML nor Pydantic, and no path made for a valid file.
    """
    loads = json.loads
    for index, name, _, row in _rows(ws, derive):
        if not row.ok:
            yield name, InvalidFile(_problems(ws, index.path(name), row.problems or "[]"))
            continue
        try:
            found = loads(row.facts or "")
        except ValueError:
            found = None
        if isinstance(found, dict):
            yield name, found
            continue
        from meptool.files.store import load, read_bytes

        path = index.path(name)
        try:  # a row that does not load back: read the file itself
            yield name, derive(load(ws, path), path, read_bytes(path)).facts
        except InvalidFile as exc:
            yield name, exc


def facts(ws: Workspace, derive: Derive) -> Iterator[tuple[Path, dict[str, Any] | InvalidFile]]:
    """What `derive` keeps of every incident for the portfolio, or its problems (see
    `facts_named`)."""
    base = ws.incidents_dir
    for name, item in facts_named(ws, derive):
        yield base / name / INCIDENT_FILE, item


def validation_named(ws: Workspace, derive: Derive) -> Iterator[tuple[str, list[Problem]]]:
    """Every located problem of every incident file (what `incident validate` reports), by
    folder name; a path is made only for a file with problems."""
    for index, name, _, row in _rows(ws, derive):
        text = row.problems if not row.ok else row.extra
        yield name, _problems(ws, index.path(name), text) if text else []


def validation(ws: Workspace, derive: Derive) -> Iterator[tuple[Path, list[Problem]]]:
    """Every located problem of every incident file, with its file's path."""
    base = ws.incidents_dir
    for name, found in validation_named(ws, derive):
        yield base / name / INCIDENT_FILE, found
