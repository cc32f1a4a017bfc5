"""Snapshots of the retrospective of the rich example incident, both audiences, both formats.

Regenerate after an intended change with:
    MEPTOOL_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_retro_snapshots.py
(or `make snapshots`), then review the diff of tests/snapshots/.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SNAPSHOTS = Path(__file__).parent / "snapshots"


def assert_snapshot(name: str, text: str) -> None:
    """Compare with tests/snapshots/NAME (write it when MEPTOOL_UPDATE_SNAPSHOTS is set)."""
    path = SNAPSHOTS / name
    if os.environ.get("MEPTOOL_UPDATE_SNAPSHOTS"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.is_file(), f"no snapshot {path}; run with MEPTOOL_UPDATE_SNAPSHOTS=1"
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} differs from its snapshot; if intended, regenerate with MEPTOOL_UPDATE_SNAPSHOTS=1"
    )


@pytest.mark.parametrize("audience", ["team", "client"])
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_example_retro_matches_snapshot(example: Path, run_in, audience: str, fmt: str) -> None:
    result = run_in(example)(
        "retro", "report", "MEP-2026-001", "--audience", audience, "--format", fmt
    )
    assert result.exit_code == 0, result.output
    name = "retro" if audience == "team" else "retro-client"
    written = example / "incidents" / "MEP-2026-001" / f"{name}.{fmt}"
    assert result.stdout.strip() == str(Path("incidents") / "MEP-2026-001" / f"{name}.{fmt}")
    assert_snapshot(f"retro-MEP-2026-001-{audience}.{fmt}", written.read_text(encoding="utf-8"))


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_english_open_incident_matches_snapshot(example: Path, run_in, fmt: str) -> None:
    result = run_in(example)("retro", "report", "MEP-2026-002", "--format", fmt, "-o", "-")
    assert result.exit_code == 0, result.output
    assert_snapshot(f"retro-MEP-2026-002-team.{fmt}", result.stdout)
