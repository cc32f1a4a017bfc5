"""Paths: IDs are never paths, symlinks cannot redirect a write out of the workspace,
and an --output file outside the workspace is overwritten only with --force."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ID = "MEP-2026-001"
HOSTILE_IDS = [
    "../x",
    "../../etc/passwd",
    "/etc/passwd",
    "MEP-2026-001/../../x",
    "MEP-2026-001/../MEP-2026-001",
    "MEP-2026-001\x00",
    "MEP-2026-001\n",
    "..",
    "",
]


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    return folder


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, but meptool's own git-ignored caches and locks."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".meptool" not in p.relative_to(folder).parts
    }


@pytest.mark.parametrize("bad", HOSTILE_IDS)
def test_hostile_ids_are_usage_errors(bad: str, example: Path, run_in, tmp_path: Path) -> None:
    run = run_in(example)
    before = _tree(tmp_path)
    for args in (
        ["incident", "show", bad],
        ["incident", "note", bad, "--text", "x"],
        ["update", "draft", bad],
        ["retro", "report", bad],
    ):
        result = run(*args)
        assert result.exit_code in (2, 3), (args, result.output)
        assert "Traceback" not in result.output
    assert _tree(tmp_path) == before  # nothing written anywhere


def _link_incident_outside(example: Path, outside: Path) -> Path:
    """incidents/MEP-2026-009 -> a folder outside the workspace (as a hostile commit would)."""
    target = outside / "MEP-2026-009"
    shutil.copytree(example / "incidents" / ID, target)
    text = (target / "incident.yaml").read_text(encoding="utf-8")
    (target / "incident.yaml").write_text(text.replace(ID, "MEP-2026-009"), encoding="utf-8")
    (example / "incidents" / "MEP-2026-009").symlink_to(target, target_is_directory=True)
    return target


def test_incident_folder_symlinked_outside_is_never_written(
    example: Path, run_in, outside: Path
) -> None:
    _link_incident_outside(example, outside)
    before = _tree(outside)
    run = run_in(example)
    for args in (
        ["incident", "note", "MEP-2026-009", "--text", "x"],
        ["incident", "ack", "MEP-2026-009", "--by", "A", "--statement", "x"],
        ["update", "draft", "MEP-2026-009"],
        ["retro", "report", "MEP-2026-009"],
        ["feedback", "record", "MEP-2026-009", "--csat", "4"],
    ):
        result = run(*args)
        assert result.exit_code == 1, (args, result.output)
        assert "leads outside the workspace" in result.output, result.output
    assert _tree(outside) == before


def test_incident_file_symlinked_outside_is_never_written(
    example: Path, run_in, outside: Path
) -> None:
    real = outside / "incident.yaml"
    path = example / "incidents" / ID / "incident.yaml"
    shutil.move(path, real)
    path.symlink_to(real)
    before = real.read_bytes()
    result = run_in(example)("incident", "note", ID, "--text", "x")
    assert result.exit_code == 1, result.output
    assert "leads outside the workspace" in result.output
    assert real.read_bytes() == before


def test_symlinked_updates_and_retro_inside_the_incident_cannot_escape(
    example: Path, run_in, outside: Path
) -> None:
    folder = example / "incidents" / ID
    shutil.rmtree(folder / "updates", ignore_errors=True)
    (folder / "updates").symlink_to(outside, target_is_directory=True)
    (outside / "victim.md").write_text("precious\n")
    (folder / "retro.md").unlink(missing_ok=True)
    (folder / "retro.md").symlink_to(outside / "victim.md")
    run = run_in(example)
    before_yaml = (folder / "incident.yaml").read_bytes()
    draft = run("update", "draft", ID)
    assert draft.exit_code == 1, draft.output
    assert "leads outside the workspace" in draft.output
    assert (folder / "incident.yaml").read_bytes() == before_yaml  # nothing logged
    retro = run("retro", "report", ID)
    assert retro.exit_code == 1, retro.output
    assert _tree(outside) == {"victim.md": b"precious\n"}


@pytest.mark.parametrize(
    "args",
    [
        ["update", "draft", ID, "--format", "md"],
        ["retro", "report", ID],
        ["schema"],
    ],
    ids=["update-draft", "retro-report", "schema"],
)
def test_output_outside_needs_force_to_overwrite(
    args: list[str], example: Path, run_in, outside: Path
) -> None:
    run = run_in(example)
    victim = outside / "victim.txt"
    victim.write_text("precious\n")
    refused = run(*args, "--output", str(victim))
    assert refused.exit_code == 1, refused.output
    assert "already exists outside the workspace" in refused.output
    assert "--force" in refused.output
    assert victim.read_text() == "precious\n"
    # A new file outside is fine: the user named it.
    fresh = outside / "new.txt"
    assert run(*args, "--output", str(fresh)).exit_code == 0
    assert fresh.stat().st_size > 0
    forced = run(*args, "--output", str(victim), "--force")
    assert forced.exit_code == 0, forced.output
    assert victim.read_text() != "precious\n"


def test_output_inside_the_workspace_may_be_rewritten(example: Path, run_in) -> None:
    run = run_in(example)
    for _ in range(2):
        result = run("retro", "report", ID, "--output", "reports/r.md")
        assert result.exit_code == 0, result.output


def test_output_symlink_in_workspace_to_outside_counts_as_outside(
    example: Path, run_in, outside: Path
) -> None:
    victim = outside / "victim.md"
    victim.write_text("precious\n")
    (example / "reports").mkdir(exist_ok=True)
    (example / "reports" / "r.md").symlink_to(victim)
    result = run_in(example)("retro", "report", ID, "--output", "reports/r.md")
    assert result.exit_code == 1, result.output
    assert victim.read_text() == "precious\n"


def test_schema_outside_any_workspace_does_not_overwrite(tmp_path: Path, run_in) -> None:
    victim = tmp_path / "schema.json"
    victim.write_text("{}")
    result = run_in(tmp_path)("schema", "--output", str(victim))
    assert result.exit_code == 1, result.output
    assert victim.read_text() == "{}"
    assert run_in(tmp_path)("schema", "--output", str(victim), "--force").exit_code == 0
    assert victim.read_text() != "{}"


def test_templates_export_never_writes_through_a_dangling_symlink(
    tmp_path: Path, run_in, outside: Path
) -> None:
    from meptool.writing.templating import template_names

    first = template_names(None)[0][0]
    folder = tmp_path / "export"
    (folder / first).parent.mkdir(parents=True)
    (folder / first).symlink_to(outside / "planted")
    result = run_in(tmp_path)("templates", "export", str(folder))
    assert result.exit_code == 2, result.output
    assert not (outside / "planted").exists()


def test_symlinked_incident_file_stays_a_symlink_with_its_mode_after_a_cli_edit(
    example: Path, run_in
) -> None:
    path = example / "incidents" / ID / "incident.yaml"
    real = example / "shared" / "incident.yaml"
    real.parent.mkdir()
    shutil.move(path, real)
    real.chmod(0o640)
    path.symlink_to(Path("..", "..", "shared", "incident.yaml"))
    result = run_in(example)("incident", "note", ID, "--text", "Symlink kept")
    assert result.exit_code == 0, result.output
    assert path.is_symlink()
    assert "Symlink kept" in real.read_text(encoding="utf-8")
    assert real.stat().st_mode & 0o777 == 0o640
    assert not list(real.parent.glob(".*.tmp"))
