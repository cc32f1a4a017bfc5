"""A cache of parsed, validated incident files, so that reading thousands of them is quick.

It lives in the workspace's git-ignored `.meptool/cache/` as one SQLite file
(stdlib `sqlite3`): one row per incident file, keyed on its path, size,
mtime_ns, ctime_ns and inode, holding plain JSON — the data of a valid file, a small
summary for `incident list`, the facts the portfolio folds (`portfolio.facts`), or
the located problems. Never pickle: nothing in
a cache file can run code.

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
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from meptool import __version__
from meptool.errors import InvalidFile, MeptoolError, Problem
from meptool.files.bulk import Key, analyse_many, crc, stat_key
from meptool.files.workspace import ID_RE, INCIDENT_FILE, Workspace, id_sort_key

if TYPE_CHECKING:
    import sqlite3

    from meptool.model.incident import Incident

FORMAT = 2  # 2: the portfolio's facts per file
RACY_NS = 2_000_000_000
# Modules whose code decides what a file parses to: editing one invalidates the cache.
_CODE = (
    "cache.py",
    "bulk.py",
    "model.py",
    "yamlio.py",
    "yamlfast.py",
    "validation.py",
    "summary.py",
    "portfolio.py",
    "retro.py",
    "__init__.py",
)


def cache_file(ws: Workspace) -> Path:
    """Where the cache of this workspace lives."""
    return ws.state_dir / "cache" / "incidents.sqlite3"


def enabled() -> bool:
    """False when `MEPTOOL_NO_CACHE` is set (for comparisons and troubleshooting)."""
    return not os.environ.get("MEPTOOL_NO_CACHE")


def fingerprint() -> str:
    """meptool's version, the cache format, Python, and the code that validates."""
    here = Path(__file__).parent
    parts = [__version__, str(FORMAT), f"{sys.version_info[0]}.{sys.version_info[1]}"]
    for name in _CODE:
        try:
            st = os.stat(here / name)
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(f"{name}:-")
    return "|".join(parts)


def scan(ws: Workspace) -> list[tuple[Path, Key]]:
    """Every `incidents/<ID>/incident.yaml` with its stat key, sorted by ID."""
    found: list[tuple[str, Path, Key]] = []
    try:
        entries = list(os.scandir(ws.incidents_dir))
    except (FileNotFoundError, NotADirectoryError):
        return []
    for entry in entries:
        if not ID_RE.match(entry.name):
            continue
        path = Path(entry.path) / INCIDENT_FILE
        try:
            st = os.stat(path)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode):
            found.append((entry.name, path, stat_key(st)))
    found.sort(key=lambda item: id_sort_key(item[0]))
    return [(path, key) for _, path, key in found]


# --- the cache file ----------------------------------------------------------

_FILES = """
CREATE TABLE IF NOT EXISTS files (
    name TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER, ino INTEGER,
    ok INTEGER, summary TEXT, data TEXT, problems TEXT, extra TEXT, facts TEXT,
    crc INTEGER)
"""
_SCHEMA = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);" + _FILES


@dataclass
class Row:
    """A cached analysis of one file."""

    ok: bool
    summary: str | None
    data: str | None
    problems: str | None
    extra: str | None
    facts: str | None = None


class Index:
    """The cache of one workspace, brought up to date with the files on disk."""

    def __init__(self, ws: Workspace, db: sqlite3.Connection | None) -> None:
        self.ws = ws
        self.db = db
        self.files: list[tuple[Path, Key]] = []
        self.fresh: dict[str, Row] = {}  # rows analysed now but not cached (racy or no db)

    # reading rows --------------------------------------------------------------

    def row(self, path: Path, key: Key) -> Row:
        """The analysis of one file: from the cache when its row checks out, else now."""
        name = path.parent.name
        if name in self.fresh:
            return self.fresh[name]
        if self.db is not None:
            try:
                found = self.db.execute(
                    "SELECT size, mtime_ns, ctime_ns, ino, ok, summary, data, problems, extra,"
                    " facts, crc FROM files WHERE name = ?",
                    (name,),
                ).fetchone()
            except Exception:  # a broken cache is only slower, never fatal
                found = None
            if found is not None and tuple(found[:4]) == key:
                summary, data, problems, extra, facts, stored_crc = found[5:]
                if stored_crc == crc(summary, data, problems, extra, facts) and (
                    (found[4] == 1 and summary and data and facts) or (found[4] == 0 and problems)
                ):
                    return Row(bool(found[4]), summary, data, problems, extra, facts)
        from meptool.files import bulk

        return _row(bulk.analyse(path, self.ws.tz, key))

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
            if stored != wanted:
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


def refresh(ws: Workspace) -> Index:
    """Bring the cache up to date with the workspace's incident files (parsing changed ones)."""
    db = _open(ws) if enabled() else None
    index = Index(ws, db)
    index.files = scan(ws)
    cached: dict[str, Key] = {}
    if db is not None:
        try:
            for name, *key in db.execute("SELECT name, size, mtime_ns, ctime_ns, ino FROM files"):
                cached[name] = (key[0], key[1], key[2], key[3])
        except Exception:
            index.close()
            db = None
    if db is None:
        return index  # no cache: every row is analysed when asked for
    changed = [(p, k) for p, k in index.files if cached.get(p.parent.name) != k]
    present = {p.parent.name for p, _ in index.files}
    gone = [name for name in cached if name not in present]
    if not changed and not gone:
        return index
    racy = time.time_ns() - RACY_NS
    try:
        db.execute("BEGIN IMMEDIATE")
        db.executemany("DELETE FROM files WHERE name = ?", [(n,) for n in gone])
        batch: list[tuple[Any, ...]] = []
        for values in analyse_many(ws, changed):
            index.fresh[values[0]] = _row(values)  # served from memory in this run
            if values[2] >= racy:  # mtime too recent to trust next time
                db.execute("DELETE FROM files WHERE name = ?", (values[0],))
                continue
            batch.append(values)
            if len(batch) >= 500:
                db.executemany(_INSERT, batch)
                batch.clear()
        db.executemany(_INSERT, batch)
        db.execute("COMMIT")
    except MeptoolError:
        raise
    except Exception:  # cannot write the cache: work without it
        with contextlib.suppress(Exception):
            db.execute("ROLLBACK")
        index.close()
        index.fresh.clear()
    return index


_INSERT = "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


# --- what callers use -----------------------------------------------------------


def _problems(ws: Workspace, path: Path, text: str) -> list[Problem]:
    shown = ws.display(path)
    return [
        Problem(file if file is not None else shown, line, col, field, message)
        for line, col, field, message, file in json.loads(text)
    ]


def _rows(ws: Workspace) -> Iterator[tuple[Path, Row]]:
    index = refresh(ws)
    try:
        for path, key in index.files:
            yield path, index.row(path, key)
    finally:
        index.close()


def summaries(ws: Workspace) -> Iterator[tuple[Path, dict[str, Any] | InvalidFile]]:
    """The summary of every incident (see `meptool.incident.summary`), or its problems: no Pydantic."""
    from meptool.incident.summary import revive

    for path, row in _rows(ws):
        if row.ok and row.summary:
            yield path, revive(json.loads(row.summary), ws.tz)
        else:
            yield path, InvalidFile(_problems(ws, path, row.problems or "[]"))


def incidents(ws: Workspace) -> Iterator[tuple[Path, Incident | InvalidFile]]:
    """Every incident, validated, or its problems; streamed (one in memory at a time)."""
    from pydantic import ValidationError

    from meptool.files.store import load
    from meptool.model.incident import Incident

    tz = ws.tz
    context = {"tz": tz}
    for path, row in _rows(ws):
        if not row.ok:
            yield path, InvalidFile(_problems(ws, path, row.problems or "[]"))
            continue
        try:
            yield path, Incident.model_validate_json(row.data or "", context=context)
        except (ValueError, ValidationError):
            try:  # a row that does not load back: read the file itself
                yield path, load(ws, path)
            except InvalidFile as exc:
                yield path, exc


def portfolio_facts(ws: Workspace) -> Iterator[tuple[Path, dict[str, Any] | InvalidFile]]:
    """What the portfolio needs of every incident (`meptool.reports.portfolio.facts`), or its problems.

    Unchanged files come from the cache as plain JSON: neither YAML nor Pydantic.
    """
    for path, row in _rows(ws):
        if not row.ok:
            yield path, InvalidFile(_problems(ws, path, row.problems or "[]"))
            continue
        try:
            found = json.loads(row.facts or "")
        except ValueError:
            found = None
        if isinstance(found, dict):
            yield path, found
            continue
        from meptool.files.store import load
        from meptool.reports.portfolio import facts

        try:  # a row that does not load back: read the file itself
            yield path, facts(load(ws, path))
        except InvalidFile as exc:
            yield path, exc


def validation(ws: Workspace) -> Iterator[tuple[Path, list[Problem]]]:
    """Every located problem of every incident file (what `incident validate` reports)."""
    for path, row in _rows(ws):
        text = row.problems if not row.ok else row.extra
        yield path, _problems(ws, path, text) if text else []


# --- the workspace configuration --------------------------------------------------


def config_facts(ws: Workspace) -> dict[str, Any]:
    """What reading incidents needs of `meptool.yaml` (time zone, update cadence).

    Validated with the full model only when the file changed since last time, so
    that a command served from the cache does not need Pydantic at all.
    """
    path = ws.config_path
    where = ws.state_dir / "cache" / "config.json"
    try:
        key = list(stat_key(os.stat(path)))
    except OSError:
        key = None
    if key is not None and enabled():
        try:
            with open(where, encoding="utf-8") as fh:
                stored = json.load(fh)
            if (
                stored.get("fingerprint") == fingerprint()
                and stored.get("key") == key
                and isinstance(stored.get("timezone"), str)
                and isinstance(stored.get("cadence"), dict)
            ):
                facts: dict[str, Any] = stored
                return facts
        except (OSError, ValueError, AttributeError):
            pass
    from meptool.model.enums import Severity

    config = ws.config  # validates, with located errors
    facts = {
        "fingerprint": fingerprint(),
        "key": key,
        "timezone": config.timezone,
        "cadence": {s.value: config.cadence(s).total_seconds() for s in Severity},
    }
    if key is not None and key[1] < time.time_ns() - RACY_NS and enabled():
        with contextlib.suppress(OSError):
            where.parent.mkdir(parents=True, exist_ok=True)
            tmp = where.with_name(f".config.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(facts), encoding="utf-8")
            os.replace(tmp, where)
    return facts
