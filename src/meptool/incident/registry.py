"""Opening, listing and summarising incidents (the core behind `meptool incident`)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from meptool.errors import InvalidFile, Problem
from meptool.files.workspace import Workspace
from meptool.model.enums import Severity, Status

if TYPE_CHECKING:
    from meptool.model.incident import Incident


@dataclass
class OpenRequest:
    """What `incident open` knows; None means "use the workspace default" or "not known yet"."""

    title: str
    severity: Severity
    project: str | None = None
    language: str | None = None
    release: dict[str, Any] | None = None
    impact: str | None = None
    users_affected: str | None = None
    detected_at: dt.datetime | None = None
    detected_by: str | None = None
    contacts: list[dict[str, Any]] | None = None


def build_incident(ws: Workspace, incident_id: str, req: OpenRequest) -> dict[str, Any]:
    """The data of a new incident: the request over the workspace defaults."""
    from meptool.model.incident import SCHEMA_VERSION

    cfg = ws.config
    now = ws.now()
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "id": incident_id,
        "title": req.title,
        "project": req.project or cfg.project,
        "language": req.language or cfg.language,
        "severity": req.severity,
        "status": Status.OPEN,
    }
    if req.release:
        data["release"] = {k: v for k, v in req.release.items() if v not in (None, "", {})}
    data["detected_at"] = req.detected_at or now
    if req.detected_by:
        data["detected_by"] = req.detected_by
    if req.impact or req.users_affected:
        data["impact"] = {"summary": req.impact, "users_affected": req.users_affected}
    client = cfg.client.model_dump(mode="json", exclude_none=True) if cfg.client else {}
    if req.contacts is not None:
        client["contacts"] = req.contacts
    if client.get("name") or client.get("contacts"):
        data["client"] = client
    if cfg.team and (cfg.team.lead or cfg.team.members):
        data["team"] = cfg.team.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    data["timeline"] = [
        {
            "at": now,
            "text": (
                f"Incident opened: {req.title}"
                if str(req.language or cfg.language) == "en"
                else f"Incident ouvert : {req.title}"
            ),
            "visibility": "internal",
            "kind": "detection",
            "status": Status.OPEN,
        }
    ]
    return data


def open_incident(ws: Workspace, req: OpenRequest) -> tuple[str, Path]:
    """Create the incident file; return its ID and path."""
    from meptool.files.store import create

    return create(ws, lambda incident_id: build_incident(ws, incident_id, req))


def update_due(ws: Workspace, incident: Incident) -> dt.datetime | None:
    """When the client is owed the next update, or None once resolved.

    The promise recorded in `next_update_due` wins; otherwise the severity's
    cadence runs from the last update sent, else from detection.
    """
    from meptool.incident.summary import next_update_due, summarize

    return next_update_due(summarize(incident), ws.cadence(incident.severity))


@dataclass(slots=True)
class Row:
    """One line of `incident list`."""

    id: str
    title: str
    severity: str
    status: str
    project: str | None
    client: str | None
    detected_at: dt.datetime | None
    next_update_due: dt.datetime | None
    overdue: bool
    path: str
    open_expectations: int = 0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "id": self.id,
            "title": self.title,
            "severity": self.severity,
            "status": self.status,
            "project": self.project,
            "client": self.client,
            "detected_at": self.detected_at.isoformat() if self.detected_at else None,
            "next_update_due": self.next_update_due.isoformat() if self.next_update_due else None,
            "update_overdue": self.overdue,
            "open_expectations": self.open_expectations,
            "path": self.path,
        }


def summary_row(
    ws: Workspace,
    path: Path | None,
    summary: dict[str, Any],
    now: dt.datetime,
    *,
    shown: str | None = None,
) -> Row:
    """The list line of an incident's summary (see `meptool.incident.summary`); `shown` is
    its file as displayed, when the caller already knows it."""
    from meptool.incident.summary import next_update_due

    due = next_update_due(summary, ws.cadence(summary["severity"]))
    if shown is None:
        shown = ws.display(path) if path else ""
    return _row(summary, summary["detected_at"], due, now, shown)


def _row(
    summary: dict[str, Any],
    detected: dt.datetime | None,
    due: dt.datetime | None,
    now: dt.datetime,
    shown: str,
) -> Row:
    return Row(
        id=summary["id"],
        title=summary["title"],
        severity=summary["severity"],
        status=summary["status"],
        project=summary["project"],
        client=summary["client"],
        detected_at=detected,
        next_update_due=due,
        overdue=bool(due and due < now),
        path=shown,
        open_expectations=int(summary.get("open_expectations") or 0),
    )


def list_rows(
    ws: Workspace,
    *,
    statuses: set[Status] | None = None,
    severities: set[Severity] | None = None,
) -> tuple[list[Row], list[InvalidFile]]:
    """Rows for `incident list`, filtered; and the files that did not validate.

    Served from cached summaries (`meptool.incident.reading`): no Pydantic when no
    file changed; of each summary's times, only those the line shows or needs are read.
    """
    from meptool.incident.reading import stored_summaries_named
    from meptool.incident.summary import list_times

    now = ws.now()
    tz = ws.tz
    rows: list[Row] = []
    broken: list[InvalidFile] = []
    shown = _shown(ws)
    cadences: dict[str, dt.timedelta] = {}
    for name, item in stored_summaries_named(ws):
        if isinstance(item, InvalidFile):
            broken.append(item)
            continue
        severity = item["severity"]
        if statuses and item["status"] not in statuses:
            continue
        if severities and severity not in severities:
            continue
        cadence = cadences.get(severity)
        if cadence is None:
            cadence = cadences[severity] = ws.cadence(severity)
        detected, due = list_times(item, tz, cadence)
        rows.append(_row(item, detected, due, now, shown(name)))
    return rows, broken


def _shown(ws: Workspace) -> Callable[[str], str]:
    """What `ws.display` gives for the incident file of a folder, made once per run
    (relpath is lexical) — unless the current folder is inside an incident folder."""
    import os

    from meptool.files.workspace import INCIDENT_FILE

    folder = os.path.abspath(ws.incidents_dir)
    if os.path.abspath(os.getcwd()).startswith(folder + os.sep):
        return lambda name: ws.display(ws.incidents_dir / name / INCIDENT_FILE)
    base = ws.display(ws.incidents_dir)
    prefix = "" if base == "." else f"{base}/"
    return lambda name: f"{prefix}{name}/{INCIDENT_FILE}"


@dataclass
class FileResult:
    """The outcome of validating one file."""

    path: str
    problems: list[Any]

    @property
    def ok(self) -> bool:
        return not self.problems


def validate_file(ws: Workspace | None, path: Path) -> FileResult:
    """Validate one incident file (or `meptool.yaml`), with every located problem."""
    from meptool.files.store import read_bytes
    from meptool.files.validation import validate
    from meptool.files.workspace import CONFIG_NAME
    from meptool.files.yamlio import load
    from meptool.model.config import Config
    from meptool.model.incident import Incident

    shown = ws.display(path) if ws else str(path)
    tz = ws.tz if ws else dt.UTC
    try:
        raw = read_bytes(path)
    except FileNotFoundError:
        return FileResult(shown, [Problem(shown, 1, 1, "", "no such file")])
    except IsADirectoryError:
        return FileResult(shown, [Problem(shown, 1, 1, "", "is a folder, not a file")])
    try:
        doc = load(raw, shown)
        if path.name == CONFIG_NAME:
            validate(doc, Config)
            return FileResult(shown, [])
        incident = validate(doc, Incident, {"tz": tz})
    except InvalidFile as exc:
        return FileResult(shown, list(exc.problems))
    from meptool.incident.reading import folder_problem

    found = folder_problem(doc, path, incident, shown)
    return FileResult(shown, [found] if found else [])


def validate_files(ws: Workspace | None, paths: list[Path]) -> list[FileResult]:
    """Validate the given files, or the whole workspace (config and incidents) when none.

    The whole workspace is checked through the cache (`meptool.incident.reading`): only
    files changed since the last run are parsed again, and cached problems are
    reported exactly as a fresh parse reports them.
    """
    if not paths:
        if ws is None:  # pragma: no cover - callers open the workspace first
            return []
        from meptool.incident.reading import problems_named

        results = [_config_result(ws)]
        shown = _shown(ws)
        results += [FileResult(shown(name), found) for name, found in problems_named(ws)]
        return results
    from meptool.errors import NotFoundError

    missing = [p for p in paths if not os.path.lexists(p)]
    if missing:
        raise NotFoundError(
            f"{missing[0]}: no such file"
            + (f" (and {len(missing) - 1} more)" if missing[1:] else ""),
            hint="check the path; without a path, validate checks the whole workspace",
        )
    owners: dict[Path, Workspace | None] = {}
    return [validate_file(_owner(p, owners) or ws, p) for p in paths]


def _config_result(ws: Workspace) -> FileResult:
    """`meptool.yaml`: valid when the cached facts say so, else checked now."""
    try:
        ws.facts  # noqa: B018 - validates meptool.yaml unless unchanged since it last did
    except InvalidFile as exc:
        return FileResult(ws.display(ws.config_path), list(exc.problems))
    return FileResult(ws.display(ws.config_path), [])


def _owner(path: Path, cache: dict[Path, Workspace | None]) -> Workspace | None:
    """The workspace a file lives in (for its timezone), found from the file's own
    parents: pre-commit runs from the repository root, often outside the workspace."""
    from meptool.files.workspace import CONFIG_NAME

    folder = path.absolute().parent
    if folder not in cache:
        found = next((f for f in (folder, *folder.parents) if (f / CONFIG_NAME).is_file()), None)
        owner = Workspace(found) if found else None
        try:
            if owner is not None:
                owner.tz  # noqa: B018 - a broken meptool.yaml: fall back to the given workspace
        except InvalidFile:
            owner = None
        cache[folder] = owner
    return cache[folder]
