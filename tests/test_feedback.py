"""`meptool feedback record`."""

from __future__ import annotations

from pathlib import Path

import pytest

from meptool.files import store
from meptool.files.workspace import Workspace
from meptool.model.enums import EntryKind


def test_record_appends_feedback_and_a_timeline_entry(example: Path, run_in) -> None:
    result = run_in(example)(
        "feedback",
        "record",
        "MEP-2026-002",
        "--csat",
        "4",
        "--comment",
        "Quick fix",
        "--by",
        "Marc",
    )
    assert result.exit_code == 0, result.output
    assert "CSAT 4/5 recorded" in result.stdout
    incident, _ = store.read(Workspace(example), "MEP-2026-002")
    assert [(f.csat, f.comment, f.by) for f in incident.feedback] == [(4, "Quick fix", "Marc")]
    assert incident.feedback[0].at.isoformat() == "2026-11-21T09:30:00+01:00"
    last = incident.timeline[-1]
    assert last.kind is EntryKind.FEEDBACK
    assert last.visibility.value == "internal"
    assert last.text == "Client feedback (Marc): satisfaction 4/5"


def test_record_adds_to_earlier_feedback(example: Path, run_in) -> None:
    result = run_in(example)("feedback", "record", "MEP-2026-001", "--csat", "5")
    assert result.exit_code == 0, result.output
    incident, _ = store.read(Workspace(example), "MEP-2026-001")
    assert [f.csat for f in incident.feedback] == [3, 5]
    assert incident.timeline[-1].text == "Retour du client : satisfaction 5/5"


def test_missing_csat_without_a_terminal_is_a_usage_error(example: Path, run_in) -> None:
    result = run_in(example)("feedback", "record", "MEP-2026-002", "--no-input")
    assert result.exit_code == 2, result.output
    assert "missing --csat" in result.stderr


@pytest.mark.parametrize("value", ["0", "6"])
def test_csat_out_of_range(example: Path, run_in, value: str) -> None:
    result = run_in(example)("feedback", "record", "MEP-2026-002", "--csat", value)
    assert result.exit_code == 2, result.output
    assert "--csat" in result.stderr
    assert "1 to 5" in result.stderr


def test_prompts_when_interactive(example: Path, run_in, monkeypatch: pytest.MonkeyPatch) -> None:
    import meptool.cli.feedback as cli

    monkeypatch.setattr(cli, "interactive", lambda state: True)
    result = run_in(example)(
        "feedback", "record", "MEP-2026-002", input="2\nToo slow to tell us\nMarc Petit\n"
    )
    assert result.exit_code == 0, result.output
    incident, _ = store.read(Workspace(example), "MEP-2026-002")
    fb = incident.feedback[-1]
    assert (fb.csat, fb.comment, fb.by) == (2, "Too slow to tell us", "Marc Petit")


def test_unknown_incident(example: Path, run_in) -> None:
    result = run_in(example)("feedback", "record", "MEP-2026-077", "--csat", "3")
    assert result.exit_code == 3, result.output


def test_prompt_through_a_real_terminal(example: Path) -> None:
    import os
    import sys

    pexpect = pytest.importorskip("pexpect")
    meptool = Path(sys.executable).parent / "meptool"
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    child = pexpect.spawn(
        str(meptool),
        ["feedback", "record", "MEP-2026-002", "-w", str(example)],
        env=env,
        encoding="utf-8",
        timeout=30,
    )
    child.expect("Score from 1")
    child.sendline("9")  # a typo is asked again, not fatal
    child.expect("not in the range")
    child.expect("Score from 1")
    child.sendline("5")
    child.expect("Their words")
    child.sendline("Parfait")
    child.expect("Who said it")
    child.sendline("")
    child.expect("CSAT 5/5 recorded")
    child.expect(pexpect.EOF)
    incident, _ = store.read(Workspace(example), "MEP-2026-002")
    assert [(f.csat, f.comment, f.by) for f in incident.feedback] == [(5, "Parfait", None)]
