"""Issue 18 cases 16-19: line endings kept, bad bytes on the command line refused before
anything is written, comments kept on list keys, `init` never writes a file it would reject."""

from __future__ import annotations

from pathlib import Path

import pytest

ID = "MEP-2026-001"
INCIDENT = Path("incidents") / ID / "incident.yaml"


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_an_edit_keeps_the_files_line_endings(newline: str, example: Path, run_in) -> None:
    path = example / INCIDENT
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    run = run_in(example)
    assert run("incident", "validate").exit_code == 0
    for i in range(2):
        result = run("incident", "note", ID, "--text", f"Note {i}\nsur deux lignes")
        assert result.exit_code == 0, result.output
    raw = path.read_bytes().decode("utf-8")
    assert "Note 1" in raw
    if newline == "\r\n":
        assert "\n" not in raw.replace("\r\n", "")  # no lone LF
    else:
        assert "\n" not in raw  # CR only, as written
    assert run("incident", "validate").exit_code == 0
    inc = run("incident", "show", ID, "--json")
    assert "Note 1\\nsur deux lignes" in inc.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["incident", "note", ID, "--text", "Caf\udce9"],
        ["incident", "open", "--title", "Caf\udce9", "--severity", "minor", "--no-input"],
        ["incident", "rootcause", ID, "--summary", "R\udce9gle", "--no-input"],
    ],
)
def test_latin1_bytes_on_the_command_line_are_a_usage_error(
    args: list[str], example: Path, run_in
) -> None:
    before = sorted(p.as_posix() for p in (example / "incidents").rglob("*"))
    incident = (example / INCIDENT).read_bytes()
    result = run_in(example)(*args)
    assert result.exit_code == 2, result.output
    assert "not valid UTF-8 (byte 0xe9" in result.output and "UTF-8" in result.output
    assert "<edit>" not in result.output and "Traceback" not in result.output
    assert sorted(p.as_posix() for p in (example / "incidents").rglob("*")) == before
    assert (example / INCIDENT).read_bytes() == incident


def test_open_with_a_bad_value_never_blames_a_file_it_did_not_write(example: Path, run_in) -> None:
    result = run_in(example)(
        "incident", "open", "--title", "x" * 400, "--severity", "minor", "--no-input"
    )
    assert result.exit_code == 1, result.output
    assert "was not created" in result.output and "title" in result.output
    assert not (example / "incidents" / "MEP-2026-003").exists()


def test_rootcause_whys_keep_the_comment_on_their_key(example: Path, run_in) -> None:
    path = example / INCIDENT
    text = path.read_text(encoding="utf-8")
    start = text.index("  whys:")
    end = text.index("\n  contributing_factors:") if "contributing_factors" in text else None
    assert end is not None
    text = text[:start] + "  whys:  # les cinq pourquoi\n    - ancien\n" + text[end + 1 :]
    path.write_text(text, encoding="utf-8")
    result = run_in(example)("incident", "rootcause", ID, "--why", "a", "--why", "b", "--no-input")
    assert result.exit_code == 0, result.output
    after = path.read_text(encoding="utf-8")
    assert "  whys:  # les cinq pourquoi\n    - a\n    - b\n" in after, after


@pytest.mark.parametrize(
    "flag,value",
    [("--client", "a\nb: c"), ("--project", "p\x1b[2J"), ("--lead", "Julie\u202eLeroy")],
)
def test_init_refuses_values_every_later_command_would_reject(
    flag: str, value: str, tmp_path: Path, run_in
) -> None:
    target = tmp_path / "ws"
    result = run_in(tmp_path)("init", str(target), flag, value)
    assert result.exit_code == 2, result.output
    assert flag in result.output  # the flag is named (a line break is refused as typed)
    assert "nothing was written" in result.output or "must be on one line" in result.output
    assert not target.exists()
