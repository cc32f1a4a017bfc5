"""Reading every incident of a workspace through the cache of parsed files.

`derive` decides what the cache keeps of each valid incident besides its data:
the summary `incident list` shows, the facts the portfolio folds, and the
problem of a file whose ID is not its folder's name. The functions below hand
it to `meptool.files.cache`, which parses and stores but never calls up.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from meptool.errors import InvalidFile, Problem
from meptool.files import cache
from meptool.files.bulk import SOURCE, Derived

if TYPE_CHECKING:
    from meptool.files.workspace import Workspace
    from meptool.files.yamldoc import Document
    from meptool.model.incident import Incident


def derive(incident: Incident, path: Path, raw: bytes) -> Derived:
    """What the cache keeps of one valid incident (runs in worker processes too)."""
    from meptool.files.yamlio import load
    from meptool.incident.facts import facts
    from meptool.incident.summary import summarize

    problems: list[Problem] = []
    folder = path.parent.name
    if folder != incident.id and folder.count("-") >= 2:
        mismatch = folder_problem(load(raw, SOURCE), path, incident, SOURCE)
        if mismatch:
            problems.append(mismatch)
    return Derived(summarize(incident), facts(incident), problems)


def folder_problem(doc: Document, path: Path, incident: Incident, shown: str) -> Problem | None:
    """The problem of an incident file whose ID is not its folder's name, if so."""
    folder = path.parent.name
    if path.name == "incident.yaml" and folder != incident.id and folder.count("-") >= 2:
        mark = doc.mark(("id",))
        return Problem(
            shown,
            mark.line,
            mark.col,
            "id",
            f"'{incident.id}' does not match its folder {folder}; rename one so they agree",
        )
    return None


def index(ws: Workspace, names: list[tuple[str, Any]] | None = None) -> cache.Index:
    """The cache brought up to date for reading rows one by one: for the files `names`
    (folder names with the stat keys `cache.scan_names` gave a moment ago), else all."""
    return cache.refresh(ws, derive, facts=False, names=names, only=names is not None)


def iter_incidents(ws: Workspace) -> Iterator[tuple[Path, Incident | InvalidFile]]:
    """Every incident, validated, or the problems of the ones that do not validate.

    Streamed (one incident in memory at a time); only files changed since the
    last run are parsed again, across processes when there are many.
    """
    return cache.incidents(ws, derive)


def summaries(ws: Workspace) -> Iterator[tuple[Path, dict[str, Any] | InvalidFile]]:
    """Every incident's summary (`meptool.incident.summary`), or its problems: no Pydantic."""
    from meptool.incident.summary import revive

    tz = ws.tz
    for path, item in cache.summaries(ws, derive):
        yield path, item if isinstance(item, InvalidFile) else revive(item, tz)


def summaries_named(ws: Workspace) -> Iterator[tuple[str, dict[str, Any] | InvalidFile]]:
    """The same as `summaries`, keyed by folder name: one bulk read, no path made per file."""
    from meptool.incident.summary import revive

    tz = ws.tz
    for name, item in cache.summaries_named(ws, derive):
        yield name, item if isinstance(item, InvalidFile) else revive(item, tz)


def stored_summaries_named(ws: Workspace) -> Iterator[tuple[str, dict[str, Any] | InvalidFile]]:
    """The same as `summaries_named`, times left as the ISO text the cache keeps (see
    `meptool.incident.summary.list_times`)."""
    return cache.summaries_named(ws, derive)


def facts(ws: Workspace) -> Iterator[tuple[Path, dict[str, Any] | InvalidFile]]:
    """Every incident's portfolio facts (`meptool.incident.facts`), or its problems."""
    return cache.facts(ws, derive)


def facts_named(ws: Workspace) -> Iterator[tuple[str, dict[str, Any] | InvalidFile]]:
    """The same as `facts`, keyed by folder name: one bulk read, no path made per file."""
    return cache.facts_named(ws, derive)


def problems(ws: Workspace) -> Iterator[tuple[Path, list[Problem]]]:
    """Every located problem of every incident file (what `incident validate` reports)."""
    return cache.validation(ws, derive)


def problems_named(ws: Workspace) -> Iterator[tuple[str, list[Problem]]]:
    """The same as `problems`, keyed by folder name: one bulk read, no path per valid file."""
    return cache.validation_named(ws, derive)


# --- what an --output may never overwrite -----------------------------------------


def logged_files(ws: Workspace) -> list[Path]:
    """Every file the workspace's readable incidents logged in `communications`.

    Read from the facts the cache keeps of each incident (`incident.facts`): no
    model is validated for it (10,000 incidents: ~0.3 s instead of ~4 s).
    """
    noted: list[tuple[str, Any]] = []
    for _ in noting_logged(cache.facts_named(ws, derive), noted):
        pass
    return logged_of(ws, noted)


def noting_logged(
    items: Iterable[tuple[str, Any]], noted: list[tuple[str, Any]]
) -> Iterator[tuple[str, Any]]:
    """`items` (`facts_named`'s) handed on, what each readable incident logged noted on the
    way (its facts' list as it is: `logged_of` makes the paths, when they are wanted)."""
    for name, found in items:
        if not isinstance(found, InvalidFile):
            noted.append((name, found.get("logged")))
        yield name, found


def logged_of(ws: Workspace, noted: list[tuple[str, Any]]) -> list[Path]:
    """The files `noting_logged` noted, as paths."""
    out: list[Path] = []
    root = ws.root
    for name, found in noted:
        logged = found
        if not isinstance(logged, list):  # facts kept by another version: read the file
            from meptool.files.store import load
            from meptool.files.workspace import INCIDENT_FILE

            incident = load(ws, ws.incidents_dir / name / INCIDENT_FILE)
            logged = [f for comm in incident.communications for f in comm.files]
        out.extend(root / str(f) for f in logged)
    return out


def workspace_logged(root: Path | None) -> list[Path]:
    """`logged_files` of the workspace at `root`; none when it cannot be read."""
    from meptool.errors import MeptoolError
    from meptool.files.workspace import Workspace

    if root is None:
        return []
    try:
        return logged_files(Workspace.find(str(root)))
    except MeptoolError:
        return []
