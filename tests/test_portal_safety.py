"""The portal shows only what the client may see, and refuses bad input without half-writing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from portal_helpers import ID, rich

MARK = "LEAKMARK"


@pytest.fixture
def ws(example: Path, run_in, smtp_server) -> Path:
    _, port = smtp_server()
    rich(example, run_in(example), port)
    return example


def plant(root: Path) -> None:
    """A marker in every field the client must not see, after the updates were sent."""
    path = root / "incidents" / ID / "incident.yaml"
    doc = yaml.safe_load(path.read_text("utf-8"))
    doc["detected_by"] = f"{MARK} detected_by"
    doc["release"].update(
        commit=f"{MARK}commit",
        pipeline_url=f"https://ci.example/{MARK}/pipeline",
        environment=f"{MARK} environment",
        ci={"provider": f"{MARK} ci", "job_url": f"https://ci.example/{MARK}/job", "actor": MARK},
    )
    doc["team"]["members"] = [f"{MARK} Member"]
    doc["acknowledgement"]["by"] = f"{MARK} Ack"
    doc["timeline"] += [
        {"at": "2026-11-20T20:00:00+01:00", "text": f"{MARK} internal note", "by": f"{MARK} By"},
        {
            "at": "2026-11-20T20:10:00+01:00",
            "text": f"Statut : acknowledged → mitigated — {MARK} internal status note",
            "visibility": "internal",
            "kind": "status",
            "status": "mitigated",
        },
        {
            "at": "2026-11-20T20:20:00+01:00",
            "text": f"{MARK} internal plan line",
            "visibility": "internal",
            "kind": "plan",
        },
    ]
    doc["root_cause"].update(
        summary=f"{MARK} root cause",
        whys=[f"{MARK} why"],
        contributing_factors=[f"{MARK} factor"],
        escape=f"{MARK} escape",
    )
    doc["corrective_plan"][2].update(action=f"{MARK} hidden action", owner=f"{MARK} Owner")
    doc["corrective_plan"].append(
        {"id": "A9", "action": f"{MARK} hidden", "client_visible": False, "effort_days": 9}
    )
    for comm in doc["communications"]:
        comm["approved_by"] = f"{MARK} Approver"
        if comm["status"] == "sent":
            comm["check_overrides"] = [{"at": comm["sent_at"], "by": MARK, "findings": [MARK]}]
            comm["refused_recipients"] = [f"{MARK}@client.example: 550 refused"]
        else:
            comm["subject"] = f"{MARK} draft subject"
    doc["feedback"] = [{"at": "2026-11-21T09:00:00+01:00", "by": MARK, "csat": 2, "comment": MARK}]
    doc["retro"] = {"went_well": [MARK], "went_badly": [MARK], "lessons": [MARK]}
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")


def test_nothing_internal_reaches_the_site(ws: Path, run_in) -> None:
    plant(ws)
    result = run_in(ws)("portal", "build")
    assert result.exit_code == 0, result.output
    site = ws / "portal"
    files = [p for p in site.rglob("*") if p.is_file()]
    assert len(files) == 13
    ours = [str(ws), "incidents/", ".eml", "updates/0", "agence.internal"]
    contacts = ["claire.martin@", "marc.petit@"]  # their addresses: in no sent text
    for path in files:
        text = path.read_text("utf-8")
        assert MARK.lower() not in text.lower(), path
        for word in ours + contacts:
            assert word not in text, (path, word)
    page = (site / "maison-dupont" / "fr" / f"{ID}.html").read_text("utf-8")
    # an internal status change is told as a sentence, without its note
    timeline = page.split('id="updates"')[0]
    assert timeline.count("Le service fonctionne de nouveau") == 2
    # what was sent stays as it left, the lead's signature included
    assert "julie.leroy@agence.example" in page


def test_an_unknown_client_gets_a_did_you_mean(example: Path, run_in) -> None:
    result = run_in(example)("portal", "build", "--client", "Maison Dupond")
    assert result.exit_code == 3
    assert "no client 'Maison Dupond'" in result.stderr
    assert "did you mean 'Maison Dupont'?" in result.stderr
    assert not (example / "portal").exists()
    ok = run_in(example)("portal", "build", "--client", "maison-dupont", "--lang", "en")
    assert ok.exit_code == 0, ok.output
    assert sorted(p.name for p in (example / "portal" / "maison-dupont").iterdir()) == [
        "en",
        "index.html",
    ]


@pytest.mark.parametrize("output", ["incidents/site", "incidents", ".meptool/x", ".", ".."])
def test_output_inside_the_workspace_files_is_refused(example: Path, run_in, output) -> None:
    result = run_in(example)("portal", "build", "--output", output)
    assert result.exit_code == 2, result.output
    assert "--output" in result.stderr and "Traceback" not in result.stderr
    assert not (example / "incidents" / "site").exists()


def test_invalid_files_are_left_out_and_named(example: Path, run_in) -> None:
    bad = example / "incidents" / "MEP-2026-002" / "incident.yaml"
    bad.write_text(bad.read_text("utf-8").replace("severity: minor", "severity: huge"), "utf-8")
    result = run_in(example)("portal", "build")
    assert result.exit_code == 1
    assert "incidents/MEP-2026-002/incident.yaml:" in result.stderr
    assert "severity" in result.stderr and "left out of the portal" in result.stderr
    site = example / "portal" / "maison-dupont" / "fr"
    assert (site / "MEP-2026-001.html").is_file()
    assert not (site / "MEP-2026-002.html").exists()
    assert "Exports CSV" not in (site / "index.html").read_text("utf-8")


def test_a_folder_of_someone_elses_files_is_refused(example: Path, run_in, tmp_path) -> None:
    target = tmp_path / "public"
    target.mkdir()
    (target / "notes.txt").write_text("mine", "utf-8")
    result = run_in(example)("portal", "build", "--output", str(target))
    assert result.exit_code == 1
    assert "did not write (notes.txt)" in result.stderr and "--force" in result.stderr
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]
    forced = run_in(example)("portal", "build", "--output", str(target), "--force")
    assert forced.exit_code == 0, forced.output
    assert not (target / "notes.txt").exists() and (target / "maison-dupont").is_dir()
    # its own files are meptool's now: no --force needed again, a stray file is refused again
    assert run_in(example)("portal", "build", "--output", str(target)).exit_code == 0
    (target / "maison-dupont" / "stray.html").write_text("x", "utf-8")
    path = example / "incidents" / "MEP-2026-002" / "incident.yaml"
    path.write_text(path.read_text("utf-8").replace("minor", "major", 1), "utf-8")
    again = run_in(example)("portal", "build", "--output", str(target))
    assert again.exit_code == 1 and "maison-dupont/stray.html" in again.stderr
    # never a git repository, even with --force
    (target / ".git").mkdir()
    refused = run_in(example)("portal", "build", "--output", str(target), "--force")
    assert refused.exit_code == 1 and "never a git repository" in refused.stderr


def test_a_failed_build_leaves_the_old_site_whole(example: Path, run_in, monkeypatch) -> None:
    assert run_in(example)("portal", "build").exit_code == 0
    site = example / "portal"
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    from meptool.portal import site as pages

    calls = []
    real = pages.incident_page

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    path = example / "incidents" / "MEP-2026-002" / "incident.yaml"
    path.write_text(path.read_text("utf-8").replace("minor", "major", 1), "utf-8")
    path = example / "incidents" / ID / "incident.yaml"
    path.write_text(path.read_text("utf-8").replace("critical", "major", 1), "utf-8")
    from meptool.files.workspace import Workspace
    from meptool.portal.build import build

    with monkeypatch.context() as m, pytest.raises(OSError):
        m.setattr(pages, "incident_page", flaky)
        build(Workspace(example))
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    assert [p.name for p in example.iterdir() if p.name.endswith(".tmp")] == []
    assert run_in(example)("portal", "build").exit_code == 0


def test_init_ignores_the_portal(tmp_path: Path) -> None:
    from meptool.files.scaffold import init_workspace

    init_workspace(tmp_path / "w", language="fr", client="Acme", lead="Ana Ruiz")
    assert "portal/" in (tmp_path / "w" / ".gitignore").read_text("utf-8").splitlines()
    assert os.path.exists(tmp_path / "w" / "meptool.yaml")


def test_the_commented_portal_block_of_init_is_valid(tmp_path: Path) -> None:
    from meptool.files.scaffold import init_workspace
    from meptool.files.workspace import Workspace

    root = tmp_path / "w"
    init_workspace(root, language="fr", client="Acme", lead="Ana Ruiz")
    config = root / "meptool.yaml"
    text = config.read_text("utf-8")
    block = text[text.index("# portal:") :].splitlines()[:3]
    config.write_text(text + "\n".join(line.replace("# ", "", 1) for line in block) + "\n")
    portal = Workspace(root).config.portal
    assert portal is not None and portal.output == "portal"
    assert portal.base_url == "https://acme.gitlab.io/portal"


def test_a_runaway_custom_page_template_is_stopped(example: Path, run_in, monkeypatch) -> None:
    """The pages are bounded together (`templating.many`), each still within the time limit."""
    from test_update_safety import custom

    assert run_in(example)("portal", "build").exit_code == 0
    site = example / "portal"
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    monkeypatch.setenv("MEPTOOL_RENDER_TIMEOUT", "1")
    loop = "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}"
    custom(example, "portal/incident.html.j2", loop)
    result = run_in(example)("portal", "build")
    assert result.exit_code == 1, result.output
    assert "incident.html.j2" in result.stderr and "longer than 1 s" in result.stderr, result.stderr
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
