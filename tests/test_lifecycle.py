"""The lifecycle: status moves (and refusals), notes, actions; each logged in the timeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from meptool.errors import InputError
from meptool.files.store import load
from meptool.files.workspace import Workspace
from meptool.incident.lifecycle import allowed_moves, check_move, draft_statement
from meptool.model.enums import EntryKind, Language, Status, Visibility
from meptool.model.incident import Incident

ID = "MEP-2026-001"


def incident(root: Path, incident_id: str = ID) -> Incident:
    """The incident file, read and validated as meptool reads it."""
    return load(Workspace(root), root / "incidents" / incident_id / "incident.yaml")


@pytest.fixture
def opened(run, workspace: Path) -> Path:
    """A workspace holding one open incident."""
    result = run("incident", "open", "--title", "Paiement refusé", "--severity", "critical")
    assert result.exit_code == 0, result.output
    return workspace


def test_forward_moves_allowed_backward_refused() -> None:
    assert allowed_moves(Status.OPEN) == [
        Status.ACKNOWLEDGED,
        Status.MITIGATED,
        Status.RESOLVED,
        Status.CLOSED,
    ]
    assert allowed_moves(Status.CLOSED) == []
    check_move(Status.OPEN, Status.RESOLVED)  # skipping forward is fine
    with pytest.raises(InputError, match="back to open") as exc:
        check_move(Status.MITIGATED, Status.OPEN)
    assert "allowed moves from mitigated: resolved, closed" in str(exc.value)
    check_move(Status.MITIGATED, Status.OPEN, force=True)
    with pytest.raises(InputError, match="already mitigated"):
        check_move(Status.MITIGATED, Status.MITIGATED, force=True)


def test_status_moves_and_logs(run, opened: Path) -> None:
    result = run("incident", "status", ID, "mitigated", "--text", "Règle rétablie", "--client")
    assert result.exit_code == 0, result.output
    assert "open → mitigated" in result.stderr
    inc = incident(opened)
    assert inc.status == Status.MITIGATED
    last = inc.timeline[-1]
    assert last.kind == EntryKind.STATUS and last.status == Status.MITIGATED
    assert last.visibility == Visibility.CLIENT
    assert last.text == "Statut : ouvert → contourné"
    assert last.note == "Règle rétablie" and last.old_status == Status.OPEN


def test_refused_transition_exits_1_naming_allowed_moves(run, opened: Path) -> None:
    assert run("incident", "status", ID, "resolved").exit_code == 0
    before = (opened / "incidents" / ID / "incident.yaml").read_bytes()
    back = run("incident", "status", ID, "acknowledged")
    assert back.exit_code == 1
    assert "cannot move from resolved back to acknowledged" in back.stderr
    assert "allowed moves from resolved: closed" in back.stderr
    assert "--force" in back.stderr
    assert (opened / "incidents" / ID / "incident.yaml").read_bytes() == before
    same = run("incident", "status", ID, "resolved")
    assert same.exit_code == 1 and "already resolved" in same.stderr
    assert run("incident", "status", ID, "closed").exit_code == 0
    final = run("incident", "status", ID, "mitigated")
    assert final.exit_code == 1 and "closed is the last status" in final.stderr
    forced = run("incident", "status", ID, "mitigated", "--force")
    assert forced.exit_code == 0, forced.output
    assert incident(opened).status == Status.MITIGATED
    bad = run("incident", "status", ID, "fixed")
    assert bad.exit_code == 2


def test_note_defaults_internal_now(run, opened: Path) -> None:
    result = run("incident", "note", ID, "--text", "Karim regarde la règle 3-D Secure")
    assert result.exit_code == 0, result.output
    entry = incident(opened).timeline[-1]
    assert entry.text == "Karim regarde la règle 3-D Secure"
    assert entry.visibility == Visibility.INTERNAL and entry.kind == EntryKind.NOTE
    assert entry.at.isoformat() == "2026-11-21T09:30:00+01:00"


def test_note_client_with_time(run, opened: Path) -> None:
    result = run(
        "incident", "note", ID, "--text", "Correctif en recette", "--client", "--at", "08:15"
    )
    assert result.exit_code == 0, result.output
    entry = incident(opened).timeline[-1]
    assert entry.visibility == Visibility.CLIENT
    assert entry.at.isoformat() == "2026-11-21T08:15:00+01:00"
    late = run("incident", "note", ID, "--text", "hier soir", "--at", "22:10")
    assert late.exit_code == 0, late.output  # a clock time after now is yesterday's
    assert incident(opened).timeline[-1].at.isoformat() == "2026-11-20T22:10:00+01:00"
    bad = run("incident", "note", ID, "--text", "x", "--at", "demain")
    assert bad.exit_code == 2 and "--at" in bad.stderr


def test_action_progress(run, opened: Path) -> None:
    plan = run("incident", "plan", ID, "--action", "Corriger la règle", "--owner", "Karim")
    assert plan.exit_code == 0, plan.output
    done = run("incident", "action", ID, "a1", "--status", "done")
    assert done.exit_code == 0, done.output
    inc = incident(opened)
    assert inc.corrective_plan[0].status.value == "done"
    assert inc.timeline[-1].kind == EntryKind.ACTION
    assert inc.timeline[-1].text == "Action A1 : à faire → faite"
    assert inc.timeline[-1].action == "A1"
    count = len(inc.timeline)
    again = run("incident", "action", ID, "A1", "--status", "done")
    assert again.exit_code == 0 and "already done" in again.stderr
    assert len(incident(opened).timeline) == count
    missing = run("incident", "action", ID, "A7", "--status", "doing")
    assert missing.exit_code == 3 and "actions: A1" in missing.stderr
    no_status = run("incident", "action", ID, "A1")
    assert no_status.exit_code == 2 and "missing --status" in no_status.stderr


def test_unknown_incident_is_exit_3(run, opened: Path) -> None:
    result = run("incident", "status", "MEP-2026-009", "mitigated")
    assert result.exit_code == 3


def test_draft_statement_in_both_languages(example: Path) -> None:
    inc = incident(example)
    fr = draft_statement(inc)
    assert fr.startswith(
        "La mise en production de la version 2.3.0 a provoqué un incident : les clients qui "
        "paient avec une carte émise hors de France voient leur paiement refusé "
        "(environ 1 200 commandes bloquées)."
    )
    assert "C'est notre erreur et nous en prenons la responsabilité." in fr
    en = draft_statement(inc.model_copy(update={"language": Language.EN, "release": None}))
    assert en.startswith("Our latest release to production caused an incident: les clients")
    assert "This is our mistake and we take full responsibility for it." in en
