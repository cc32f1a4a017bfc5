"""The workspace: where it is, its configuration, its folders."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from meptool.errors import IncidentNotFound, UsageError, WorkspaceNotFound

if TYPE_CHECKING:
    from meptool.model.config import Config

CONFIG_NAME = "meptool.yaml"
INCIDENTS = "incidents"
REPORTS = "reports"
STATE = ".meptool"
SCHEMAS = "schemas"
INCIDENT_FILE = "incident.yaml"
ID_RE = re.compile(r"^([A-Za-z][A-Za-z0-9]{0,15})-([0-9]{4})-([0-9]{3,6})\Z")  # \Z: no "\n" after


def find_root(explicit: str | os.PathLike[str] | None = None, cwd: Path | None = None) -> Path:
    """The workspace folder: `-w`, else `MEPTOOL_WORKSPACE`, else the nearest parent."""
    given = explicit if explicit is not None else os.environ.get("MEPTOOL_WORKSPACE") or None
    if given is not None:
        root = Path(given).expanduser()
        origin = "--workspace" if explicit is not None else "MEPTOOL_WORKSPACE"
        if not (root / CONFIG_NAME).is_file():
            raise WorkspaceNotFound(
                f"{root}: no {CONFIG_NAME} here (from {origin})",
                hint=f"create one with: meptool init {root}",
            )
        return root.resolve()
    start = (cwd or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise WorkspaceNotFound(
        f"no meptool workspace in {start} or any parent folder (looked for {CONFIG_NAME})",
        hint="run 'meptool init' here, pass -w PATH, or set MEPTOOL_WORKSPACE",
    )


@dataclass
class Workspace:
    """An opened workspace."""

    root: Path

    @classmethod
    def find(cls, explicit: str | os.PathLike[str] | None = None) -> Workspace:
        """Locate the workspace (see `find_root`)."""
        return cls(find_root(explicit))

    @cached_property
    def config(self) -> Config:
        """`meptool.yaml`, validated (errors located)."""
        from meptool.files.validation import parse
        from meptool.files.yamldoc import read_capped
        from meptool.model.config import Config

        return parse(read_capped(self.config_path), self.display(self.config_path), Config)

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def incidents_dir(self) -> Path:
        return self.root / INCIDENTS

    @property
    def reports_dir(self) -> Path:
        return self.root / REPORTS

    @property
    def state_dir(self) -> Path:
        """Git-ignored folder for locks and caches."""
        return self.root / STATE

    @property
    def templates_dir(self) -> Path | None:
        """The `templates_dir` of meptool.yaml (relative to the workspace root), if set.

        From the cached facts of meptool.yaml: no Pydantic when the file is unchanged.
        """
        found = self.facts.get("templates_dir")
        return (self.root / Path(found).expanduser()).resolve() if found else None

    @cached_property
    def facts(self) -> dict[str, Any]:
        """Time zone, update cadence, language, client and templates folder, without Pydantic
        when `meptool.yaml` is unchanged."""
        return config_facts(self)

    @cached_property
    def tz(self) -> dt.tzinfo:
        from meptool.timeutil import zone

        return zone(self.facts["timezone"])

    def cadence(self, severity: str) -> dt.timedelta:
        """Longest time allowed between two client updates at this severity."""
        return dt.timedelta(seconds=self.facts["cadence"][str(severity)])

    def now(self) -> dt.datetime:
        """Now, in the workspace timezone (frozen by MEPTOOL_NOW)."""
        from meptool.timeutil import now

        return now(self.tz)

    def display(self, path: Path) -> str:
        """A path as the user best reads it: relative to the current folder when inside it."""
        try:
            return os.path.relpath(path)
        except ValueError:
            return str(path)

    def incident_dir(self, incident_id: str) -> Path:
        """The folder of an incident; the ID is checked so it cannot escape the workspace.

        A folder that is a symlink out of the workspace is refused too (see
        `meptool.files.outputs`): meptool writes drafts and reports in it.
        """
        check_id(incident_id)
        folder = self.incidents_dir / incident_id
        if folder.is_symlink():
            from meptool.files.outputs import own_path

            own_path(self.root, folder / INCIDENT_FILE, self.display(folder))
        return folder

    def incident_path(self, incident_id: str, *, must_exist: bool = True) -> Path:
        """`incidents/<ID>/incident.yaml`; IncidentNotFound when absent."""
        path = self.incident_dir(incident_id) / INCIDENT_FILE
        if path.is_symlink():
            from meptool.files.outputs import own_path

            own_path(self.root, path, self.display(path))
        if must_exist and not path.is_file():
            known = sorted(p.name for p in self.incident_dirs())
            import difflib

            close = difflib.get_close_matches(incident_id, known, n=1, cutoff=0.7)
            hint = f"did you mean {close[0]}?" if close else "see 'meptool incident list'"
            raise IncidentNotFound(
                f"no incident {incident_id} in {self.display(self.incidents_dir)}", hint=hint
            )
        return path

    def incident_dirs(self) -> list[Path]:
        """Folders under `incidents/` that hold an incident file, sorted by ID."""
        if not self.incidents_dir.is_dir():
            return []
        found = [
            p
            for p in self.incidents_dir.iterdir()
            if ID_RE.match(p.name) and (p / INCIDENT_FILE).is_file()
        ]
        return sorted(found, key=lambda p: id_sort_key(p.name))

    def incident_files(self) -> list[Path]:
        """Every `incidents/<ID>/incident.yaml`, sorted by ID."""
        return [p / INCIDENT_FILE for p in self.incident_dirs()]


def check_id(incident_id: str) -> str:
    """An incident ID, or a usage error: IDs are never paths."""
    if not ID_RE.match(incident_id):
        raise UsageError(
            f"'{incident_id}' is not an incident ID",
            hint="IDs look like MEP-2026-001; see 'meptool incident list'",
        )
    return incident_id


def id_sort_key(incident_id: str) -> tuple[str, int, int]:
    """Sort IDs by prefix, year, then number (MEP-2026-010 after MEP-2026-009)."""
    match = ID_RE.match(incident_id)
    if not match:
        return (incident_id, 0, 0)
    return (match.group(1), int(match.group(2)), int(match.group(3)))


def config_facts(ws: Workspace) -> dict[str, Any]:
    """What reading incidents and the portfolio need of `meptool.yaml`.

    The time zone, the update cadence per severity, the language, the client's
    name and the `templates_dir`.

    Validated with the full model only when the file changed since last time, so
    that a command served from the cache does not need Pydantic at all.
    """
    from meptool.files.freshness import RACY_NS, enabled, fingerprint, stat_key

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
                and isinstance(stored.get("language"), str)
                and "client" in stored
                and "templates_dir" in stored
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
        "language": config.language.value,
        "client": config.client.name if config.client else None,
        "templates_dir": config.templates_dir or None,
    }
    if key is not None and key[1] < time.time_ns() - RACY_NS and enabled():
        with contextlib.suppress(OSError):
            where.parent.mkdir(parents=True, exist_ok=True)
            tmp = where.with_name(f".config.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(facts), encoding="utf-8")
            os.replace(tmp, where)
    return facts
