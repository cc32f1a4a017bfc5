"""Retrospective of one incident: durations, update gaps, the client version, the CLI."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from meptool.incident import timing as retro
from meptool.model.incident import Incident

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 11, 21, 9, 30, tzinfo=PARIS)


def make(**data: Any) -> Incident:
    base: dict[str, Any] = {
        "schema_version": 1,
        "id": "MEP-2026-042",
        "title": "Test",
        "severity": "critical",
        "status": "open",
    }
    return Incident.model_validate({**base, **data}, context={"tz": PARIS})


def status(at: str, value: str) -> dict[str, str]:
    return {"at": at, "text": value, "kind": "status", "status": value}


def test_durations_across_the_autumn_daylight_saving_change() -> None:
    # Naive times are read in Europe/Paris: 00:30 is CEST (+02), 04:30 is CET (+01).
    inc = make(
        status="resolved",
        release={"deployed_at": "2026-10-24T23:00"},
        detected_at="2026-10-25T00:30",
        timeline=[
            status("2026-10-25T01:00", "acknowledged"),
            status("2026-10-25T03:30", "mitigated"),
            status("2026-10-25T04:30", "resolved"),
        ],
    )
    spans = retro.durations(inc, NOW)
    assert spans["detect"].value == dt.timedelta(hours=1, minutes=30)
    assert spans["acknowledge"].value == dt.timedelta(minutes=30)
    # Wall clock says 3 h and 4 h; an hour was lived twice that night.
    assert spans["mitigate"].value == dt.timedelta(hours=4)
    assert spans["resolve"].value == dt.timedelta(hours=5)
    assert not any(s.running for s in spans.values())


def test_durations_of_an_incident_still_open_run_until_now() -> None:
    inc = make(
        impact={"started_at": "2026-11-21T07:00"},
        detected_at="2026-11-21T08:00",
        timeline=[status("2026-11-21T08:00", "open")],
    )
    spans = retro.durations(inc, NOW)
    assert spans["detect"].value == dt.timedelta(hours=1)
    assert not spans["detect"].running
    for name in ("acknowledge", "mitigate", "resolve"):
        assert spans[name].running
        assert spans[name].value == dt.timedelta(hours=1, minutes=30)


def test_moments_fall_back_on_the_acknowledgement_and_the_impact_end() -> None:
    inc = make(
        status="mitigated",
        detected_at="2026-11-20T18:00",
        acknowledgement={"at": "2026-11-20T18:20", "by": "X", "statement": "Notre erreur."},
        impact={"ended_at": "2026-11-20T20:00"},
    )
    spans = retro.durations(inc, NOW)
    assert spans["acknowledge"].value == dt.timedelta(minutes=20)
    assert spans["mitigate"].value == dt.timedelta(hours=2)
    assert spans["resolve"].running


def test_a_status_reached_without_a_recorded_time_is_unknown_not_running() -> None:
    inc = make(status="closed", detected_at="2026-11-20T18:00")
    spans = retro.durations(inc, NOW)
    assert spans["resolve"].value is None
    assert not spans["resolve"].running


def sent(seq: int, at: str) -> dict[str, Any]:
    return {
        "seq": seq,
        "at": at,
        "audience": "decision-makers",
        "language": "fr",
        "subject": f"Point {seq}",
        "status": "sent",
        "sent_at": at,
    }


def test_update_gaps_against_the_cadence() -> None:
    inc = make(
        status="resolved",
        detected_at="2026-11-20T10:00",
        timeline=[status("2026-11-20T15:00", "resolved")],
        communications=[sent(1, "2026-11-20T11:00"), sent(2, "2026-11-20T14:00")],
    )
    gaps = retro.update_gaps(inc, dt.timedelta(hours=2), NOW)
    assert [(g.after_seq, g.seq) for g in gaps] == [(None, 1), (1, 2), (2, None)]
    assert [g.value for g in gaps] == [dt.timedelta(hours=h) for h in (1, 3, 1)]
    assert [g.late for g in gaps] == [False, True, False]


def test_the_wait_since_the_last_update_of_an_open_incident_is_running() -> None:
    inc = make(detected_at="2026-11-21T05:00", communications=[sent(1, "2026-11-21T06:00")])
    gaps = retro.update_gaps(inc, dt.timedelta(hours=2), NOW)
    assert gaps[-1].running
    assert gaps[-1].value == dt.timedelta(hours=3, minutes=30)
    assert gaps[-1].late


def test_overdue_actions() -> None:
    inc = make(
        corrective_plan=[
            {"id": "A1", "action": "a", "due": "2026-11-20", "status": "doing"},
            {"id": "A2", "action": "b", "due": "2026-11-20", "status": "done"},
            {"id": "A3", "action": "c", "due": "2026-11-21", "status": "todo"},
        ]
    )
    today = NOW.date()
    assert [retro.overdue(a, today) for a in inc.corrective_plan] == [True, False, False]


# --- the client version -----------------------------------------------------------

INTERNAL_TEXT = "Karim identifie la règle 3-D Secure"
HIDDEN_ACTION = "Alerte sur le taux de refus"
MEMBERS = ["Karim", "Benali", "Sophie", "Durand"]


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_client_version_has_no_internal_entry_hidden_action_or_blamed_name(
    example: Path, run_in, fmt: str
) -> None:
    path = example / "incidents" / "MEP-2026-001" / "incident.yaml"
    text = path.read_text(encoding="utf-8")
    # A client-visible entry that names a team member, and a `by` field: both must go.
    text = text.replace(
        "    text: Nous avons reconnu l'incident auprès de Maison Dupont.\n",
        "    text: Sophie Durand a reconnu l'incident auprès de Maison Dupont.\n"
        "    by: Julie Leroy\n",
    )
    path.write_text(text, encoding="utf-8")
    run = run_in(example)
    team = run("retro", "report", "MEP-2026-001", "--format", fmt, "-o", "-")
    client = run(
        "retro", "report", "MEP-2026-001", "--audience", "client", "--format", fmt, "-o", "-"
    )
    assert team.exit_code == 0, team.output
    assert client.exit_code == 0, client.output
    # The team version has it all, so the absence below means something.
    for needle in (INTERNAL_TEXT, HIDDEN_ACTION, "Karim Benali", "Sophie Durand"):
        assert needle in team.stdout
    assert INTERNAL_TEXT not in client.stdout
    assert "Incident opened" not in client.stdout
    assert HIDDEN_ACTION not in client.stdout
    assert "A3" not in client.stdout
    for name in MEMBERS:
        assert not re.search(rf"\b{name}\b", client.stdout, re.IGNORECASE), name
    # The project lead appears once: as the contact at the end, never next to a fact.
    body, _, contact = client.stdout.rpartition("Votre contact")
    assert "Julie" not in body and "Leroy" not in body
    assert "Julie Leroy" in contact
    assert "l'équipe a reconnu l'incident" in client.stdout.replace("&#39;", "'")


def test_html_escapes_incident_text(example: Path, run_in) -> None:
    path = example / "incidents" / "MEP-2026-001" / "incident.yaml"
    text = re.sub(
        r"^title: .*$",
        'title: "<script>alert(1)</script> & Paiement refusé"',
        path.read_text(encoding="utf-8"),
        flags=re.M,
    )
    text = text.replace(
        "    - MEP un vendredi soir, avec une équipe réduite.",
        '    - "<img src=x onerror=alert(2)> MEP un vendredi soir"',
    )
    path.write_text(text, encoding="utf-8")
    for audience in ("team", "client"):
        result = run_in(example)(
            "retro", "report", "MEP-2026-001", "--audience", audience, "--format", "html", "-o", "-"
        )
        assert result.exit_code == 0, result.output
        assert "<script" not in result.stdout
        assert "<img" not in result.stdout
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in result.stdout
        assert "http://" not in result.stdout.replace("http://www.w3.org/2000/svg", "")
        assert "<link" not in result.stdout


def test_report_says_what_is_missing(example: Path, run_in) -> None:
    result = run_in(example)("retro", "report", "MEP-2026-002", "-o", "-")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "# Retrospective MEP-2026-002" in out  # the incident is in English
    assert "The root cause is not established yet." in out
    assert "No action is planned yet." in out
    assert "Still to write: what went well, what went badly, the lessons." in out
    assert "(running)" in out


def test_report_output_option_and_default_paths(example: Path, run_in) -> None:
    run = run_in(example)
    result = run("retro", "report", "MEP-2026-001", "-o", "out/r.md")
    assert result.exit_code == 0, result.output
    assert (example / "out" / "r.md").read_text(encoding="utf-8").startswith("# Rétrospective")
    result = run("retro", "report", "MEP-2026-001", "--audience", "client")
    assert result.exit_code == 0, result.output
    assert (example / "incidents" / "MEP-2026-001" / "retro-client.md").is_file()
    (example / "out" / "dir").mkdir()
    result = run("retro", "report", "MEP-2026-001", "--format", "html", "-o", "out/dir")
    assert result.exit_code == 0, result.output
    assert (example / "out" / "dir" / "retro.html").is_file()
    (example / "blocked").write_text("a file, not a folder", encoding="utf-8")
    result = run("retro", "report", "MEP-2026-001", "-o", "blocked/r.md")
    assert result.exit_code == 1, result.output
    assert "cannot write blocked/r.md" in result.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        ((), 2, "missing incident ID"),
        (("MEP-2026-001", "--all"), 2, "not both"),
        (("MEP-2026-001", "--client", "X"), 2, "--client and --since go with --all"),
        (("--all", "--audience", "client"), 2, "portfolio is internal"),
        (("--all", "--since", "yesterday"), 2, "--since"),
        (("MEP-2026-009",), 3, "no incident MEP-2026-009"),
        (("../etc",), 2, "not an incident ID"),
    ],
)
def test_report_usage_errors(
    example: Path, run_in, args: tuple[str, ...], code: int, message: str
) -> None:
    result = run_in(example)("retro", "report", *args)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_timeline_ticks_stay_on_local_time_across_daylight_saving() -> None:
    from meptool.writing.timelinechart import local_ticks

    utc = dt.UTC
    # A week around the change: one tick per local midnight, the night of 25 Oct lasting 25 h.
    days = local_ticks(
        dt.datetime(2026, 10, 22, 12, tzinfo=utc), dt.datetime(2026, 10, 29, 12, tzinfo=utc), PARIS
    )
    assert {t.astimezone(PARIS).time() for t in days} == {dt.time(0, 0)}
    assert days[3] - days[2] == dt.timedelta(hours=25)
    # The night itself: ticks every real hour, 02:00 shows twice on the local clock.
    hours = local_ticks(
        dt.datetime(2026, 10, 24, 23, 30, tzinfo=utc),
        dt.datetime(2026, 10, 25, 2, 30, tzinfo=utc),
        PARIS,
    )
    local = [t.astimezone(PARIS).strftime("%H:%M") for t in hours]
    assert local[:5] == ["01:30", "02:00", "02:30", "02:00", "02:30"]


def test_overdue_actions_are_marked(example: Path, run_in) -> None:
    path = example / "incidents" / "MEP-2026-001" / "incident.yaml"
    text = path.read_text(encoding="utf-8").replace("due: 2026-11-23", "due: 2026-11-20")
    path.write_text(text, encoding="utf-8")
    result = run_in(example)("retro", "report", "MEP-2026-001", "-o", "-")
    assert result.exit_code == 0, result.output
    assert "| 20 nov. 2026 **en retard** | en cours |" in result.stdout
    assert "1 action(s) ont dépassé leur échéance." in result.stdout
