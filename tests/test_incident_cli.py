"""`meptool incident open|list|show` through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from meptool.files.yamlio import load_file


def test_open_with_flags_writes_a_valid_file(run, workspace: Path) -> None:
    result = run(
        "incident", "open", "--no-input",
        "--title", "Paiement refusé après la MEP",
        "--severity", "critical",
        "--release", "v2.3.0",
        "--commit", "5e0c8a1",
        "--deployed-at", "2026-11-20T17:30",
        "--impact", "Les clients ne peuvent plus payer",
        "--users-affected", "environ 1 200 commandes",
        "--detected-by", "Service client",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == "MEP-2026-001\n"
    assert "Next: own the error with 'meptool incident ack MEP-2026-001'" in result.stderr
    path = workspace / "incidents" / "MEP-2026-001" / "incident.yaml"
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=../../schemas/incident.schema.json\n")
    data = load_file(path).data
    assert data["release"] == {
        "version": "v2.3.0",
        "deployed_at": "2026-11-20T17:30:00+01:00",
        "commit": "5e0c8a1",
    }
    assert data["client"] == {"name": "Maison Dupont", "contacts": []}
    assert data["team"] == {"lead": {"name": "Julie Leroy"}}
    assert data["language"] == "fr"
    assert data["detected_at"] == "2026-11-21T09:30:00+01:00"
    assert data["timeline"][0]["kind"] == "detection"
    second = run("incident", "open", "--title", "Autre", "--severity", "minor", "--json")
    assert json.loads(second.stdout) == {
        "id": "MEP-2026-002",
        "path": "incidents/MEP-2026-002/incident.yaml",
    }


def test_open_missing_values_name_the_flag(run) -> None:
    result = run("incident", "open", "--no-input", "--severity", "major")
    assert result.exit_code == 2
    assert "missing --title" in result.stderr
    result = run("incident", "open", "--no-input", "--title", "x")
    assert result.exit_code == 2
    assert "missing --severity" in result.stderr
    bad = run("incident", "open", "--title", "x", "--severity", "urgent")
    assert bad.exit_code == 2
    bad_time = run(
        "incident", "open", "--title", "x", "--severity", "minor", "--detected-at", "hier"
    )
    assert bad_time.exit_code == 2
    assert "--detected-at: 'hier' is not a date and time" in bad_time.stderr


def test_title_with_newline_is_refused(run, workspace: Path) -> None:
    result = run("incident", "open", "--title", "a\nBcc: x@evil.example", "--severity", "minor")
    assert result.exit_code == 2
    assert "--title: must be on one line" in result.stderr
    assert (workspace / "incidents").is_dir()
    assert not list((workspace / "incidents").iterdir())


def test_list_filters_and_json(example: Path, run_in) -> None:
    run = run_in(example)
    result = run("incident", "list")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "ID",
        "SEVERITY",
        "STATUS",
        "TITLE",
        "DETECTED",
        "NEXT",
        "UPDATE",
        "DUE",
    ]
    assert lines[1].startswith("MEP-2026-001  critical  mitigated")
    assert lines[1].endswith("2026-11-21 10:00 +0100")
    crit = json.loads(run("incident", "list", "--severity", "critical", "--json").stdout)
    assert [r["id"] for r in crit] == ["MEP-2026-001"]
    assert crit[0]["next_update_due"] == "2026-11-21T10:00:00+01:00"
    assert crit[0]["update_overdue"] is False
    some = json.loads(run("incident", "list", "--status", "open,acknowledged", "--json").stdout)
    assert [r["id"] for r in some] == ["MEP-2026-002"]
    bad = run("incident", "list", "--status", "done")
    assert bad.exit_code == 2
    assert "--status: 'done' is not one of: open, acknowledged" in bad.stderr


def test_list_marks_overdue_updates(example: Path, run_in, monkeypatch) -> None:
    monkeypatch.setenv("MEPTOOL_NOW", "2026-11-21T11:00:00+01:00")
    rows = json.loads(run_in(example)("incident", "list", "--json").stdout)
    assert rows[0]["update_overdue"] is True
    text = run_in(example)("incident", "list").stdout
    assert "2026-11-21 10:00 +0100 OVERDUE" in text


def test_show_readable_and_json(example: Path, run_in) -> None:
    run = run_in(example)
    result = run("incident", "show", "MEP-2026-001")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("MEP-2026-001  Paiement refusé pour les cartes étrangères")
    assert "total effort: 4.5 days" in out
    assert "why 4: Le jeu de cartes de recette ne contient aucune carte étrangère." in out
    data = json.loads(run("incident", "show", "MEP-2026-001", "--json").stdout)
    assert data["severity"] == "critical"
    assert data["corrective_plan"][1]["effort_days"] == 1.5


def test_unknown_and_malformed_ids(example: Path, run_in) -> None:
    run = run_in(example)
    missing = run("incident", "show", "MEP-2026-011")
    assert missing.exit_code == 3
    assert "no incident MEP-2026-011" in missing.stderr
    assert "did you mean MEP-2026-001?" in missing.stderr
    escape = run("incident", "show", "../../etc/passwd")
    assert escape.exit_code == 2
    assert "is not an incident ID" in escape.stderr


def test_debug_shows_traceback_otherwise_never(example: Path, run_in) -> None:
    quiet = run_in(example)("incident", "show", "MEP-2026-099")
    assert "Traceback" not in quiet.stderr
    loud = run_in(example)("--debug", "incident", "show", "MEP-2026-099")
    assert loud.exit_code == 3
    assert "Traceback" in loud.stderr
