"""Every refused input gets a located `file:line:col` message and exit 1."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from meptool.errors import InvalidFile
from meptool.files.store import parse

PARIS = dt.timezone(dt.timedelta(hours=1))

GOOD = """\
schema_version: 1
id: MEP-2026-001
title: Paiement refusé
severity: critical
status: open
"""


def problems(text: str | bytes) -> list[str]:
    from zoneinfo import ZoneInfo

    with pytest.raises(InvalidFile) as info:
        parse(
            text if isinstance(text, bytes) else text.encode(), "f.yaml", ZoneInfo("Europe/Paris")
        )
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"title: caf\xe9\n", "f.yaml:1:11: invalid UTF-8 (byte 0xe9)"),
        (GOOD + "impact: [unclosed\n", "f.yaml:7:1: YAML syntax error"),
        (GOOD + "x: &a 1\ny: *a\n", "f.yaml:6:4: anchors (&a) are not allowed"),
        (GOOD + "y: *a\n", "f.yaml:6:4: "),
        (GOOD + "title: again\n", "f.yaml:6:1: duplicate key 'title' (first at line 3)"),
        (
            GOOD + "project: !!python/object:os.system x\n",
            "f.yaml:6:10: tags (tag:yaml.org,2002:python/object:os.system) are not allowed",
        ),
        ("- a\n- b\n", "f.yaml:1:1: the top level must be a mapping"),
        ("", "f.yaml:1:1: file is empty"),
        ("# only a comment\n", "f.yaml:1:1: file is empty"),
        (GOOD + "---\nid: x\n", "f.yaml:6:1: only one YAML document per file"),
        (GOOD + "project: \x07bell\n", "f.yaml:6:11: character U+0007 is not allowed"),
    ],
)
def test_refused_inputs_are_located(text: str | bytes, expected: str) -> None:
    found = problems(text)
    assert len(found) == 1
    assert found[0].startswith(expected), found


def test_oversized_file_refused_quickly() -> None:
    text = GOOD + "impact:\n  summary: " + "x" * (1024 * 1024) + "\n"
    assert problems(text)[0].startswith("f.yaml:1:1: file is 1,048,")


def test_deep_nesting_refused() -> None:
    text = GOOD + "release: " + "[" * 100 + "]" * 100 + "\n"
    assert "nesting deeper than" in problems(text)[0]


def test_every_problem_is_reported_with_field_and_hint() -> None:
    text = """\
schema_version: 1
id: MEP-2026-001
titel: Paiement refusé
severity: urgent
status: open
project: no
release:
  version: 1.10
  commit: 012345
impact:
  summary: Les clients ne paient plus
  started_at: not a time
corrective_plan:
  - id: A1
    owner: Karim
"""
    found = problems(text)
    assert found == [
        "f.yaml:1:1: title: required key 'title' is missing",
        "f.yaml:3:1: titel: unknown key 'titel'; did you mean 'title'?",
        "f.yaml:4:11: severity: 'urgent' is not allowed; use one of: critical, major, minor",
        "f.yaml:6:10: project: YAML reads unquoted no as a boolean; "
        'put it in quotes to keep the text: "no"',
        "f.yaml:8:12: release.version: YAML reads unquoted 1.10 as a number; "
        'put it in quotes to keep the text: "1.10"',
        "f.yaml:9:11: release.commit: YAML reads unquoted 012345 as a number; "
        'put it in quotes to keep the text: "012345"',
        "f.yaml:12:15: impact.started_at: 'not a time' is not a date and time; "
        "write it as ISO 8601, e.g. 2026-11-20T18:40:00+01:00",
        "f.yaml:14:5: corrective_plan[0].action: required key 'action' is missing",
    ]


def test_times_quoted_unquoted_and_naive() -> None:
    from zoneinfo import ZoneInfo

    paris = ZoneInfo("Europe/Paris")
    text = GOOD + (
        "detected_at: 2026-11-20T18:40:00+01:00\n"
        "impact:\n"
        "  started_at: '2026-11-20T18:30:00Z'\n"
        "  ended_at: 2026-11-20 21:15\n"
        'next_update_due: "2026-07-01T10:00"\n'
    )
    inc = parse(text.encode(), "f.yaml", paris)
    assert inc.detected_at == dt.datetime(2026, 11, 20, 18, 40, tzinfo=PARIS)
    assert inc.impact is not None
    assert inc.impact.started_at == dt.datetime(2026, 11, 20, 18, 30, tzinfo=dt.UTC)
    assert inc.impact.ended_at is not None
    assert inc.impact.ended_at.utcoffset() == dt.timedelta(hours=1)  # winter, Paris
    assert inc.next_update_due is not None
    assert inc.next_update_due.utcoffset() == dt.timedelta(hours=2)  # summer, Paris


def test_free_text_stays_text() -> None:
    from zoneinfo import ZoneInfo

    text = GOOD + 'impact:\n  users_affected: "environ 1 200 commandes"\n  summary: "012"\n'
    inc = parse(text.encode(), "f.yaml", ZoneInfo("UTC"))
    assert inc.impact is not None
    assert inc.impact.users_affected == "environ 1 200 commandes"
    assert inc.impact.summary == "012"


def test_validate_command_reports_all_files(example: Path, run_in) -> None:
    bad = example / "incidents" / "MEP-2026-002" / "incident.yaml"
    bad.write_text(bad.read_text().replace("severity: minor", "severity: urgent"))
    result = run_in(example)("incident", "validate")
    assert result.exit_code == 1
    assert result.stdout.startswith(
        "incidents/MEP-2026-002/incident.yaml:7:11: severity: 'urgent' is not allowed"
    )
    assert "1 problem(s) in 1 of 3 file(s)" in result.stderr
    as_json = run_in(example)("incident", "validate", "--json")
    import json

    data = json.loads(as_json.stdout)
    assert data["ok"] is False
    assert [f["ok"] for f in data["files"]] == [True, True, False]
    assert data["files"][2]["problems"][0]["line"] == 7


def test_validate_config_errors_are_located(workspace: Path, run_in) -> None:
    cfg = workspace / "meptool.yaml"
    cfg.write_text(cfg.read_text().replace("language: fr", "langage: fr"))
    result = run_in(workspace)("incident", "list")
    assert result.exit_code == 1
    assert "meptool.yaml:9:1: langage: unknown key 'langage'; did you mean 'language'?" in (
        result.stderr
    )


def test_id_must_match_folder(example: Path, run_in) -> None:
    path = example / "incidents" / "MEP-2026-002" / "incident.yaml"
    path.write_text(path.read_text().replace("id: MEP-2026-002", "id: MEP-2026-009"))
    result = run_in(example)("incident", "validate", str(path))
    assert result.exit_code == 1
    assert "id: 'MEP-2026-009' does not match its folder MEP-2026-002" in result.stdout
