"""The portal's incremental build: the record of the last build, rendering across processes.

Whatever the record holds (nothing, a broken file, the last build's rows) and
wherever the pages are rendered (this process or forked workers), the site
is the same bytes as a build from nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from portal_helpers import ID, all_files, rich


@pytest.fixture
def ws(example: Path, run_in, smtp_server) -> Path:
    """The example workspace with two updates really sent, a draft, the client retro."""
    _, port = smtp_server()
    rich(example, run_in(example), port)
    return example


def fresh(run_in, root: Path, tmp_path: Path, name: str) -> dict[str, bytes]:
    """The site built from nothing (no record, another folder)."""
    out = tmp_path / name
    assert run_in(root)("portal", "build", "--output", str(out)).exit_code == 0
    return all_files(out)


def edit(root: Path, incident_id: str, old: str, new: str) -> None:
    path = root / "incidents" / incident_id / "incident.yaml"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_the_record_is_small_sqlite_and_a_changed_title_reaches_home_and_feeds(
    ws: Path, run_in, tmp_path: Path
) -> None:
    run = run_in(ws)
    assert run("portal", "build").exit_code == 0
    records = list((ws / ".meptool" / "cache").glob("portal-*.sqlite3"))
    assert len(records) == 1
    assert records[0].read_bytes().startswith(b"SQLite format 3\x00")
    kept = sorted(p.name for p in (ws / ".meptool" / "cache").glob("portal-*.json"))
    assert kept == ["portal-config.json"]  # the facts of meptool.yaml, no JSON record
    edit(ws, "MEP-2026-002", "fr: Exports CSV", "fr: Relu — Exports CSV")
    assert run("portal", "build").exit_code == 0
    site = all_files(ws / "portal")
    assert "Relu — ".encode() in site["maison-dupont/fr/index.html"]
    assert "Relu — ".encode() in site["maison-dupont/fr/feed.atom"]
    assert site == fresh(run_in, ws, tmp_path, "fresh")


def test_a_broken_record_means_a_full_build_never_a_wrong_one(
    ws: Path, run_in, tmp_path: Path
) -> None:
    run = run_in(ws)
    assert run("portal", "build").exit_code == 0
    (record,) = (ws / ".meptool" / "cache").glob("portal-*.sqlite3")
    record.write_bytes(b"not a database" * 100)
    edit(ws, "MEP-2026-002", "severity: minor", "severity: major")
    result = run("portal", "build")
    assert result.exit_code == 0, result.stderr
    assert all_files(ws / "portal") == fresh(run_in, ws, tmp_path, "fresh")
    # the record is whole again: nothing changed, nothing written
    again = run("portal", "build")
    assert again.exit_code == 0 and "up to date" in again.stderr


def test_an_incident_gone_leaves_the_site_and_the_record(ws: Path, run_in, tmp_path: Path) -> None:
    run = run_in(ws)
    assert run("portal", "build").exit_code == 0
    shutil.rmtree(ws / "incidents" / "MEP-2026-002")
    assert run("portal", "build").exit_code == 0
    site = all_files(ws / "portal")
    assert not [rel for rel in site if "MEP-2026-002" in rel]
    assert site == fresh(run_in, ws, tmp_path, "fresh")
    again = run("portal", "build")
    assert again.exit_code == 0 and "up to date" in again.stderr


def test_pages_rendered_in_worker_processes_are_the_same_bytes(
    ws: Path, run_in, tmp_path: Path, monkeypatch
) -> None:
    from meptool.portal import pages

    here = fresh(run_in, ws, tmp_path, "here")
    with monkeypatch.context() as m:
        m.setattr(pages, "PARALLEL_MIN", 1)  # even two incidents go to the workers
        m.setattr(pages, "CHUNK", 1)
        assert fresh(run_in, ws, tmp_path, "workers") == here
        # and incrementally: one incident changed, rendered by a worker, the rest carried over
        shutil.copytree(tmp_path / "workers", tmp_path / "before")
        edit(ws, "MEP-2026-002", "severity: minor", "severity: major")
        out = tmp_path / "workers"
        assert run_in(ws)("portal", "build", "--output", str(out)).exit_code == 0
    assert all_files(out) == fresh(run_in, ws, tmp_path, "after")
    assert all_files(out) != all_files(tmp_path / "before")


def test_an_error_in_a_worker_leaves_the_old_site_whole(ws: Path, run_in, monkeypatch) -> None:
    from meptool.files.workspace import Workspace
    from meptool.portal import build, pages

    assert run_in(ws)("portal", "build").exit_code == 0
    before = all_files(ws / "portal")
    monkeypatch.setattr(pages, "PARALLEL_MIN", 1)

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pages, "render", broken)  # inherited by the forked workers
    edit(ws, ID, "critical", "major")
    edit(ws, "MEP-2026-002", "severity: minor", "severity: major")
    with pytest.raises(OSError):
        build.build(Workspace(ws))
    assert all_files(ws / "portal") == before
    assert [p.name for p in ws.iterdir() if p.name.endswith(".tmp")] == []


def test_a_record_missing_the_cards_it_carries_means_a_full_build(
    ws: Path, run_in, tmp_path: Path
) -> None:
    import sqlite3

    run = run_in(ws)
    assert run("portal", "build").exit_code == 0
    (record,) = (ws / ".meptool" / "cache").glob("portal-*.sqlite3")
    with sqlite3.connect(record) as db:  # the heads kept, the cards and feed entries lost
        db.execute("DELETE FROM views")
    edit(ws, "MEP-2026-002", "severity: minor", "severity: major")
    result = run("portal", "build")
    assert result.exit_code == 0, result.stderr
    assert all_files(ws / "portal") == fresh(run_in, ws, tmp_path, "fresh")


def test_links_made_by_the_workers_that_fail_leave_the_old_site_whole(
    ws: Path, run_in, monkeypatch
) -> None:
    """The pages carried over are linked by the workers while the rest renders; a failure
    there is the same clear error as anywhere in the swap."""
    from meptool.portal import output, pages

    assert run_in(ws)("portal", "build").exit_code == 0
    before = all_files(ws / "portal")
    monkeypatch.setattr(pages, "PARALLEL_MIN", 1)
    handed: list[int] = []
    real = output.Tree.link_elsewhere

    def counted(self, submit):
        handed.append(len(self.keep))
        return real(self, submit)

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    full.__module__, full.__qualname__ = output.__name__, "_link_all"  # sent by its name
    monkeypatch.setattr(output.Tree, "link_elsewhere", counted)
    monkeypatch.setattr(output, "_link_all", full)  # inherited by the forked workers
    edit(ws, "MEP-2026-002", "severity: minor", "severity: major")
    result = run_in(ws)("portal", "build")
    assert handed and handed[0] > 0  # the other incident's pages went to the workers
    assert result.exit_code == 1, result.output
    assert "No space left on device" in result.stderr and "unchanged" in result.stderr
    assert all_files(ws / "portal") == before
    assert [p.name for p in ws.iterdir() if p.name.endswith(".tmp")] == []
