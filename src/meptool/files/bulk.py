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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from meptool.errors import InvalidFile, Problem
from meptool.files.freshness import Key, crc
from meptool.files.workspace import INCIDENT_FILE

if TYPE_CHECKING:
    from meptool.files.workspace import Workspace
    from meptool.model.incident import Incident

PARALLEL_MIN = 300  # below this many changed files, one process is quicker than a pool
CHUNK = 100  # files per task: small enough that neither worker waits long on the other at the end
SOURCE = "\x00source\x00"  # stands for the file's display name in cached problems
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


# `json.dumps(…, ensure_ascii=False, separators=(",", ":"), default=…)`, made once
# rather than for every text of every file.
_DATA = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_iso)
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def encode_data(data: dict[str, Any]) -> str:
    """Parsed YAML data as JSON (times and dates as ISO 8601 text)."""
    return _DATA.encode(data)


def _summary_json(summary: dict[str, Any]) -> str:
    from zoneinfo import ZoneInfo

    out = dict(summary)
    for name, value in summary.items():
        if isinstance(value, dt.datetime):
            # A time read in the workspace zone is stored naive and read back in it.
            naive = isinstance(value.tzinfo, ZoneInfo)
            out[name] = (value.replace(tzinfo=None) if naive else value).isoformat()
    return _COMPACT.encode(out)


@dataclass(frozen=True)
class Derived:
    """What a caller keeps of one valid incident besides its data (see `Derive`)."""

    summary: dict[str, Any]
    facts: dict[str, Any]
    problems: list[Problem]  # problems of a valid file (its ID is not its folder's name)


# What the cache keeps of a valid incident is decided by the layer that reads it
# (`meptool.incident.reading.derive`): this package only parses, validates and
# stores. A module-level function, so that worker processes receive it by name.
Derive = Callable[["Incident", Path, bytes], Derived]


def analyse(path: Path, tz: dt.tzinfo, key: Key, derive: Derive) -> tuple[Any, ...]:
    """One cache row: (name, key…, ok, summary, data, problems, extra, facts, crc, crc_data,
    crc_facts).

    `crc` covers the small texts (summary, problems, extra), read in bulk; `crc_facts`
    the facts, read in bulk by the portfolio; `crc_data` the data, read one row at a time.
    """
    from pydantic import ValidationError

    from meptool.files.validation import validate
    from meptool.files.yamlio import load, load_data
    from meptool.model.incident import Incident

    summary = data = problems = extra = facts = None
    try:
        raw = read_limited(path)
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
        derived = derive(incident, path, raw)
        summary = _summary_json(derived.summary)
        data = encode_data(found or {})
        facts = _COMPACT.encode(derived.facts)
        if derived.problems:
            extra = json.dumps([_problem_row(p) for p in derived.problems], ensure_ascii=False)
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
        crc(summary, problems, extra),
        crc(data),
        crc(facts),
    )


def read_limited(path: Path) -> bytes:
    """`store.read_bytes`: the file's bytes up to one past the size limit, read until
    its end or the limit — asking for the size `fstat` gives (and one byte more)
    rather than for the whole limit, which allocates 1 MiB per file."""
    from meptool.files.yamldoc import MAX_BYTES

    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        size = os.fstat(fd).st_size
        parts = [os.read(fd, min(size, MAX_BYTES) + 1)]
        total = len(parts[0])
        # on to the end (the file may have grown since), as `read(MAX_BYTES + 1)` does
        while total <= MAX_BYTES and (more := os.read(fd, MAX_BYTES + 1 - total)):
            parts.append(more)
            total += len(more)
        return parts[0] if len(parts) == 1 else b"".join(parts)
    finally:
        os.close(fd)


def _problem_row(p: Problem) -> list[Any]:
    return [p.line, p.col, p.field, p.message, None if p.file == SOURCE else p.file]


def _analyse_chunk(
    root: str, tz_name: str, items: list[tuple[str, Key]], derive: Derive
) -> list[tuple[Any, ...]]:
    """Worker: rows for a chunk of files (the garbage collector paused: all of it is kept)."""
    from meptool.timeutil import zone

    gc.disable()
    tz = zone(tz_name)
    base = Path(root)
    return [analyse(base / name / INCIDENT_FILE, tz, key, derive) for name, key in items]


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


def analyse_many(
    ws: Workspace, items: list[tuple[Path, Key]], derive: Derive
) -> Iterator[tuple[Any, ...]]:
    """Rows for many files: across processes when there are many, else here."""
    tz = ws.tz
    workers = min(_workers(), 8)
    if len(items) < PARALLEL_MIN or workers < 2:
        with gc_paused():
            for path, key in items:
                yield analyse(path, tz, key, derive)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Imported (and the model's validator built) once here, so forked workers share it.
    from meptool.files import store, validation  # noqa: F401
    from meptool.model import incident  # noqa: F401

    tz_name = getattr(tz, "key", None) or "UTC"
    pairs = [(path.parent.name, key) for path, key in items]
    chunks = [pairs[i : i + CHUNK] for i in range(0, len(pairs), CHUNK)]
    root = str(ws.incidents_dir)
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    ctx = multiprocessing.get_context(method)
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        futures = [pool.submit(_analyse_chunk, root, tz_name, c, derive) for c in chunks]
        futures.reverse()
        while futures:  # each chunk's rows let go of once handed on (peak memory)
            yield from futures.pop().result()
