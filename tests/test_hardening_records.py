"""Issue 18 cases 1-2 and issue 17 point 8: an explicit --output overwrites the file the
user named, never meptool's own records, a special file or a folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ID = "MEP-2026-001"
WRITERS = [
    ["update", "draft", ID, "--format", "md"],
    ["retro", "report", ID],
    ["retro", "report", "--all"],
    ["schema"],
]
WRITER_IDS = ["update-draft", "retro-report", "retro-all", "schema"]


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".meptool" not in p.relative_to(root).parts
    }


@pytest.mark.parametrize("args", WRITERS, ids=WRITER_IDS)
@pytest.mark.parametrize(
    "victim",
    [f"incidents/{ID}/incident.yaml", "meptool.yaml", ".meptool/notes.txt"],
    ids=["incident.yaml", "meptool.yaml", "state"],
)
def test_output_never_replaces_a_record(args: list[str], victim: str, example: Path, run_in):
    target = example / victim
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        target.write_text("meptool state\n")
    before = _files(example)
    state_before = target.read_bytes()
    for force in ([], ["--force"]):
        result = run_in(example)(*args, "--output", victim, *force)
        assert result.exit_code == 1, result.output
        assert "nothing was written" in result.output
        assert "Traceback" not in result.output
    assert target.read_bytes() == state_before
    assert _files(example) == before


def test_output_never_replaces_a_logged_update(example: Path, run_in) -> None:
    run = run_in(example)
    drafted = run("update", "draft", ID, "--format", "eml,md")
    assert drafted.exit_code == 0, drafted.output
    logged = sorted((example / "incidents" / ID / "updates").glob("*.eml"))[-1]
    sent = logged.read_bytes()
    for args in WRITERS:
        result = run(*args, "--output", str(logged.relative_to(example)))
        assert result.exit_code == 1, (args, result.output)
        assert "client update" in result.output
    assert logged.read_bytes() == sent


def drafted_outside(run, tmp_path: Path) -> Path:
    """A draft written outside the workspace (`--output` a folder): a logged update."""
    out = tmp_path / "sent"
    out.mkdir()
    assert run("update", "draft", ID, "--format", "md", "--output", str(out)).exit_code == 0
    (logged,) = out.iterdir()
    return logged


def test_output_never_replaces_a_logged_update_outside_the_workspace(
    example: Path, run_in, tmp_path: Path
) -> None:
    run = run_in(example)
    logged = drafted_outside(run, tmp_path)
    kept = logged.read_bytes()
    result = run("retro", "report", ID, "--output", str(logged))
    assert result.exit_code == 1, result.output
    assert "logged in an incident's communications" in result.output
    assert logged.read_bytes() == kept


@pytest.mark.parametrize("args", WRITERS, ids=WRITER_IDS)
def test_output_into_a_fifo_is_refused_and_the_fifo_stays(
    args: list[str], example: Path, run_in, tmp_path: Path
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = run_in(example)(*args, "--output", str(fifo), "--force")
    assert result.exit_code == 1, result.output
    assert "FIFO" in result.output
    assert fifo.is_fifo()


def test_atomic_write_never_renames_over_a_special_file(tmp_path: Path) -> None:
    from meptool.errors import InputError
    from meptool.files.store import atomic_write

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "link"
    link.symlink_to(fifo)
    for target in (fifo, link, Path("/dev/null")):
        with pytest.raises(InputError, match="not a regular file"):
            atomic_write(target, b"x")
    assert fifo.is_fifo()
    assert Path("/dev/null").is_char_device()
    with pytest.raises(InputError, match="is a folder"):
        atomic_write(tmp_path, b"x")


@pytest.mark.parametrize("folder", [".", "..", "/", ""])
def test_schema_output_to_a_folder_is_one_message(folder: str, example: Path, run_in) -> None:
    result = run_in(example)("schema", "--output", folder)
    assert result.exit_code == 1, result.output
    assert "is a folder" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args", WRITERS, ids=WRITER_IDS)
def test_explicit_output_outside_is_overwritten_every_time(
    args: list[str], example: Path, run_in, tmp_path: Path
) -> None:
    """Issue 17 point 8: like cp, curl -o and pandoc -o."""
    target = tmp_path / "p.out"
    target.write_text("old\n")
    result = run_in(example)(*args, "--output", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_text() != "old\n"
    again = run_in(example)(*args, "--output", str(target))
    if args[:2] == ["update", "draft"]:  # the first draft is now a logged record
        assert again.exit_code == 1, again.output
        assert "logged in an incident's communications" in again.output
    else:
        assert again.exit_code == 0, again.output


def test_a_symlink_inside_the_workspace_still_cannot_lead_out(
    example: Path, run_in, tmp_path: Path
) -> None:
    victim = tmp_path / "victim.md"
    victim.write_text("precious\n")
    (example / "reports").mkdir(exist_ok=True)
    (example / "reports" / "r.md").symlink_to(victim)
    (example / "out").symlink_to(tmp_path)
    for name in ("reports/r.md", "out/victim.md"):
        result = run_in(example)("retro", "report", ID, "--output", name, "--force")
        assert result.exit_code == 1, result.output
        assert "leads outside the workspace" in result.output
    assert victim.read_text() == "precious\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", WRITERS, ids=WRITER_IDS)
def test_output_onto_a_device_is_refused_and_the_device_stays(
    args: list[str], example: Path, run_in
) -> None:
    """Case 2 as reported: as root, `-o /dev/full --force` turned the device into a file."""
    result = run_in(example)(*args, "--output", "/dev/full", "--force")
    assert result.exit_code == 1, result.output
    assert "is a device" in result.output
    assert Path("/dev/full").is_char_device()


def test_the_logged_files_come_from_the_cache_and_match_the_incidents(
    example: Path, run_in, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`logged_files` reads the facts the cache keeps (no model validated for it) and
    lists exactly what the incidents' `communications` log — also for a row whose facts
    were kept by a version that did not list them."""
    import sqlite3

    from meptool.files import cache, store
    from meptool.files.workspace import Workspace
    from meptool.incident import reading

    run = run_in(example)
    assert run("update", "draft", ID, "--format", "eml,md").exit_code == 0
    assert run("update", "draft", ID, "--audience", "domain-experts").exit_code == 0
    ws = Workspace(example)
    expected = sorted(
        ws.root / name
        for _, inc in reading.iter_incidents(ws)
        if not isinstance(inc, Exception)
        for comm in inc.communications
        for name in comm.files
    )
    assert len(expected) >= 3
    validated: list[int] = []
    monkeypatch.setattr(cache, "incidents", lambda *a: validated.append(1) or iter(()))
    assert sorted(reading.logged_files(ws)) == expected
    assert not validated
    # Facts kept without the list (as an older meptool kept them), checksums right.
    from meptool.files.freshness import crc

    db = sqlite3.connect(cache.cache_file(ws))
    for name, facts in db.execute("SELECT name, facts FROM files").fetchall():
        old = facts.replace('"logged"', '"other"')
        db.execute(
            "UPDATE files SET facts = ?, crc_facts = ? WHERE name = ?", (old, crc(old), name)
        )
    db.commit()
    db.close()
    loaded: list[int] = []
    real_load = store.load
    monkeypatch.setattr(store, "load", lambda *a: loaded.append(1) or real_load(*a))
    assert sorted(reading.logged_files(Workspace(example))) == expected
    assert loaded  # those incidents were read from their files


def test_the_portfolio_never_replaces_a_logged_update_nor_a_link_to_it(
    example: Path, run_in, tmp_path: Path
) -> None:
    """`retro report --all` notes the logged files while it reads the incidents' facts; a
    file is the logged one by device and inode, whatever path leads to it."""
    run = run_in(example)
    logged = drafted_outside(run, tmp_path)
    kept = logged.read_bytes()
    link = tmp_path / "shortcut.md"
    link.symlink_to(logged)
    for target in (logged, link):
        result = run("retro", "report", "--all", "--output", str(target))
        assert result.exit_code == 1, result.output
        assert "logged in an incident's communications" in result.output
    assert logged.read_bytes() == kept
    other = tmp_path / "portfolio.md"
    other.write_text("old\n")
    assert run("retro", "report", "--all", "--output", str(other)).exit_code == 0
    assert other.read_text() != "old\n"
