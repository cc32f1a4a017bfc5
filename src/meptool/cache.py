"""A cache of parsed, validated incident files, so that reading thousands of them is quick.

It lives in the workspace's git-ignored `.meptool/cache/` as one SQLite file
(stdlib `sqlite3`): one row per incident file, keyed on its path, size,
mtime_ns, ctime_ns and inode, holding plain JSON — the validated data, a small
summary for `incident list`, or the located problems. Never pickle: nothing in
a cache file can run code.

It is never trusted blindly. The file records meptool's version, a format
number, a fingerprint of the code that validates, and the workspace time zone
(naive times are read in it): any difference and it is rebuilt. A row whose
key no longer matches its file is re-parsed; a row that fails its checksum or
does not load is re-parsed; a file changed less than `RACY_NS` before it was
read is not cached at all (its mtime could hide a second write, as git's
"racily clean" entries). A corrupt, foreign or unwritable cache file means
working without it, never a crash or a wrong result.

Many changed files are parsed across cores, with the garbage collector paused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import os
import stat
import sys
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from meptool import __version__
from meptool.errors import InvalidFile, MeptoolError, Problem
from meptool.workspace import ID_RE, INCIDENT_FILE, Workspace, id_sort_key

if TYPE_CHECKING:
    import sqlite3

    from meptool.model import Incident

FORMAT = 1
RACY_NS = 2_000_000_000
PARALLEL_MIN = 300  # below this many changed files, one process is quicker than a pool
CHUNK = 250
SOURCE = "\x00source\x00"  # stands for the file's display name in cached problems
# Modules whose code decides what a file parses to: editing one invalidates the cache.
_CODE = (
    "cache.py",
    "model.py",
    "yamlio.py",
    "yamlfast.py",
    "validation.py",
    "summary.py",
    "__init__.py",
)

Key = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode


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
            found.append((entry.name, path, _key(st)))
    found.sort(key=lambda item: id_sort_key(item[0]))
    return [(path, key) for _, path, key in found]


def _key(st: os.stat_result) -> Key:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


# --- turning a file into a row (runs in worker processes too) -------------------
#
# A row keeps the data the YAML file holds (before validation) as JSON, times
# and dates as ISO 8601 text. Validating that JSON gives the model a fresh parse
# gives: in a valid file, times and dates only stand in time and date fields,
# whose validators read ISO text exactly as they read the datetime or date YAML
# made (naive stays naive, so the workspace zone is put on it again). The tests
# compare cached and fresh models, time zones included, over generated files.


def _iso(value: Any) -> str:
    if isinstance(value, dt.date):  # datetimes too
        return value.isoformat()
    raise TypeError(type(value).__name__)


def encode_data(data: dict[str, Any]) -> str:
    """Parsed YAML data as JSON (times and dates as ISO 8601 text)."""
    return json.dumps(data, ensure_ascii=False, default=_iso)


def _summary_json(summary: dict[str, Any]) -> str:
    from zoneinfo import ZoneInfo

    out = dict(summary)
    for name, value in summary.items():
        if isinstance(value, dt.datetime):
            # A time read in the workspace zone is stored naive and read back in it.
            naive = isinstance(value.tzinfo, ZoneInfo)
            out[name] = (value.replace(tzinfo=None) if naive else value).isoformat()
    return json.dumps(out, ensure_ascii=False)


def analyse(path: Path, tz: dt.tzinfo, key: Key) -> tuple[Any, ...]:
    """One cache row for a file: (name, key…, ok, summary, data, problems, extra, crc)."""
    from pydantic import ValidationError

    from meptool.incidents import folder_problem
    from meptool.model import Incident
    from meptool.store import read_bytes
    from meptool.summary import summarize
    from meptool.validation import validate
    from meptool.yamlio import load, load_data

    summary = data = problems = extra = None
    try:
        raw = read_bytes(path)
        found = load_data(raw)
        incident = None
        if found is not None:
            try:
                incident = Incident.model_validate(found, context={"tz": tz})
            except ValidationError:
                incident = None
        if incident is None:
            doc = load(raw, SOURCE)
            incident = validate(doc, Incident, {"tz": tz})
            found = doc.data
    except InvalidFile as exc:
        problems = json.dumps([_problem_row(p) for p in exc.problems], ensure_ascii=False)
    except OSError as exc:
        problems = json.dumps([[1, 1, "", f"cannot read: {exc.strerror}", None]])
    else:
        summary = _summary_json(summarize(incident))
        data = encode_data(found or {})
        folder = path.parent.name
        if folder != incident.id and folder.count("-") >= 2:
            mismatch = folder_problem(load(raw, SOURCE), path, incident, SOURCE)
            if mismatch:
                extra = json.dumps([_problem_row(mismatch)], ensure_ascii=False)
    ok = problems is None
    return (
        path.parent.name,
        *key,
        int(ok),
        summary,
        data,
        problems,
        extra,
        _crc(summary, data, problems, extra),
    )


def _problem_row(p: Problem) -> list[Any]:
    return [p.line, p.col, p.field, p.message, None if p.file == SOURCE else p.file]


def _crc(*texts: str | None) -> int:
    crc = 0
    for text in texts:
        crc = zlib.crc32((text or "\x00").encode("utf-8"), crc)
    return crc


def _analyse_chunk(root: str, tz_name: str, items: list[tuple[str, Key]]) -> list[tuple[Any, ...]]:
    """Worker: rows for a chunk of files (the garbage collector paused: all of it is kept)."""
    from meptool.timeutil import zone

    gc.disable()
    tz = zone(tz_name)
    base = Path(root)
    return [analyse(base / name / INCIDENT_FILE, tz, key) for name, key in items]


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector during bulk parsing (parsed data is acyclic)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def analyse_many(ws: Workspace, items: list[tuple[Path, Key]]) -> Iterator[tuple[Any, ...]]:
    """Rows for many files: across processes when there are many, else here."""
    tz = ws.tz
    workers = min(_workers(), 8)
    if len(items) < PARALLEL_MIN or workers < 2:
        with gc_paused():
            for path, key in items:
                yield analyse(path, tz, key)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Imported (and the model's validator built) once here, so forked workers share it.
    from meptool import incidents, model, store, summary, validation  # noqa: F401

    tz_name = getattr(tz, "key", None) or "UTC"
    pairs = [(path.parent.name, key) for path, key in items]
    chunks = [pairs[i : i + CHUNK] for i in range(0, len(pairs), CHUNK)]
    root = str(ws.incidents_dir)
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    ctx = multiprocessing.get_context(method)
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        futures = [pool.submit(_analyse_chunk, root, tz_name, c) for c in chunks]
        for future in futures:
            yield from future.result()


# --- the cache file ----------------------------------------------------------

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    name TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER, ino INTEGER,
    ok INTEGER, summary TEXT, data TEXT, problems TEXT, extra TEXT, crc INTEGER);
"""


@dataclass
class Row:
    """A cached analysis of one file."""

    ok: bool
    summary: str | None
    data: str | None
    problems: str | None
    extra: str | None


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
                    "SELECT size, mtime_ns, ctime_ns, ino, ok, summary, data, problems, extra, crc"
                    " FROM files WHERE name = ?",
                    (name,),
                ).fetchone()
            except Exception:  # a broken cache is only slower, never fatal
                found = None
            if found is not None and tuple(found[:4]) == key:
                summary, data, problems, extra, crc = found[5:]
                if crc == _crc(summary, data, problems, extra) and (
                    (found[4] == 1 and summary and data) or (found[4] == 0 and problems)
                ):
                    return Row(bool(found[4]), summary, data, problems, extra)
        return _row(analyse(path, self.ws.tz, key))

    def close(self) -> None:
        if self.db is not None:
            with contextlib.suppress(Exception):
                self.db.close()
            self.db = None


def _row(values: tuple[Any, ...]) -> Row:
    return Row(bool(values[5]), values[6], values[7], values[8], values[9])


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
                db.execute("DELETE FROM files")
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


_INSERT = "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


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
    """The summary of every incident (see `meptool.summary`), or its problems: no Pydantic."""
    from meptool.summary import revive

    for path, row in _rows(ws):
        if row.ok and row.summary:
            yield path, revive(json.loads(row.summary), ws.tz)
        else:
            yield path, InvalidFile(_problems(ws, path, row.problems or "[]"))


def incidents(ws: Workspace) -> Iterator[tuple[Path, Incident | InvalidFile]]:
    """Every incident, validated, or its problems; streamed (one in memory at a time)."""
    from pydantic import ValidationError

    from meptool.model import Incident
    from meptool.store import load

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
        key = list(_key(os.stat(path)))
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
    from meptool.enums import Severity

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
