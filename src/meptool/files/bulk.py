"""Turning incident files into cache rows, many at a time (see `meptool.files.cache`).

Runs in worker processes too: many changed files are parsed across cores, in
chunks, with the garbage collector paused (parsed data holds no cycles).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import os
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from meptool.errors import InvalidFile, Problem
from meptool.files.workspace import INCIDENT_FILE

if TYPE_CHECKING:
    from meptool.files.workspace import Workspace

PARALLEL_MIN = 300  # below this many changed files, one process is quicker than a pool
CHUNK = 250
SOURCE = "\x00source\x00"  # stands for the file's display name in cached problems
Key = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode


def stat_key(st: os.stat_result) -> Key:
    """The key a cache row is valid for: size, mtime_ns, ctime_ns, inode."""
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


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
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_iso)


def _summary_json(summary: dict[str, Any]) -> str:
    from zoneinfo import ZoneInfo

    out = dict(summary)
    for name, value in summary.items():
        if isinstance(value, dt.datetime):
            # A time read in the workspace zone is stored naive and read back in it.
            naive = isinstance(value.tzinfo, ZoneInfo)
            out[name] = (value.replace(tzinfo=None) if naive else value).isoformat()
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


def analyse(path: Path, tz: dt.tzinfo, key: Key) -> tuple[Any, ...]:
    """One cache row: (name, key…, ok, summary, data, problems, extra, facts, crc)."""
    from pydantic import ValidationError

    from meptool.files.store import read_bytes
    from meptool.files.validation import validate
    from meptool.files.yamlio import load, load_data
    from meptool.incident.registry import folder_problem
    from meptool.incident.summary import summarize
    from meptool.model.incident import Incident
    from meptool.reports.portfolio import facts as portfolio_facts

    summary = data = problems = extra = facts = None
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
        facts = json.dumps(portfolio_facts(incident), ensure_ascii=False, separators=(",", ":"))
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
        facts,
        crc(summary, data, problems, extra, facts),
    )


def _problem_row(p: Problem) -> list[Any]:
    return [p.line, p.col, p.field, p.message, None if p.file == SOURCE else p.file]


def crc(*texts: str | None) -> int:
    """Checksum of a row's texts (a damaged row is parsed again)."""
    value = 0
    for text in texts:
        value = zlib.crc32((text or "\x00").encode("utf-8"), value)
    return value


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

    from meptool.files import (
        store,  # noqa: F401
        validation,  # noqa: F401
    )
    from meptool.incident import registry as incidents  # noqa: F401
    from meptool.incident import summary  # noqa: F401
    from meptool.model import incident as model  # noqa: F401

    # Imported (and the model's validator built) once here, so forked workers share it.
    from meptool.reports import portfolio  # noqa: F401

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
