"""A rich workspace for the portal tests: updates really sent over SMTP, a draft left unsent."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from updates_helpers import set_smtp

ID = "MEP-2026-001"
SITE = "portal/maison-dupont"


def all_files(root: Path) -> dict[str, bytes]:
    """Every file under `root` (relative POSIX path) with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def send(run: Any, incident_id: str, at: str, *args: str) -> None:
    """Draft, approve and send the next update of `incident_id` at time `at`."""
    os.environ["MEPTOOL_NOW"] = at
    for cmd in (
        ("update", "draft", incident_id, "--format", "eml,md", *args),
        ("update", "approve", incident_id, "--by", "Paul Roux"),
        ("update", "send", incident_id, "--yes", "--force"),
    ):
        result = run(*cmd)
        assert result.exit_code == 0, (cmd, result.output, result.stderr)


def rich(root: Path, run: Any, port: int) -> None:
    """Two updates sent on MEP-2026-001, a third left as a draft,
    the client retrospective written; the clock back to the suite's NOW afterwards."""
    set_smtp(root, port)
    now = os.environ["MEPTOOL_NOW"]
    try:
        send(run, ID, "2026-11-20T19:30:00+01:00", "--audience", "decision-makers")
        send(run, ID, "2026-11-21T08:50:00+01:00", "--audience", "all")
        os.environ["MEPTOOL_NOW"] = "2026-11-21T09:20:00+01:00"
        draft = run("update", "draft", ID, "--format", "eml,md")
        assert draft.exit_code == 0, draft.output
        retro = run("retro", "report", ID, "--audience", "client", "--format", "html")
        assert retro.exit_code == 0, retro.output
    finally:
        os.environ["MEPTOOL_NOW"] = now
