"""Issue 18 case 6: text fields refuse control, bidi and zero-width characters with a
located message, and nothing meptool prints can drive the terminal."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ID = "MEP-2026-001"
INCIDENT = Path("incidents") / ID / "incident.yaml"
TITLE = "title: Paiement refusé pour les cartes étrangères après la MEP 2.3.0"
# Everything that would act on a terminal, or make text read otherwise than stored.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u202a-\u202e\u2066-\u2069\u2028\u2029]")
HOSTILE = {
    "esc-clear-title": "Paiement\\e[2J\\e]0;pwned\\a",
    "c1-csi": "Paiement\\x9b31m rouge",
    "bidi-override": "Paiement \\u202eevil\\u202c",
    "bidi-isolate": "Paiement \\u2066x\\u2069",
    "zero-width-space": "Pai\\u200bement",
    "nul": "Paiement\\0",
    "del": "Paiement\\x7f",
    "line-separator": "Paiement\\u2028Bcc",
    "tab-in-a-line": "Paiement\\trefusé",
}


def _set(example: Path, line: str) -> None:
    path = example / INCIDENT
    text = path.read_text(encoding="utf-8")
    assert TITLE in text
    path.write_text(text.replace(TITLE, line, 1), encoding="utf-8")


@pytest.mark.parametrize("value", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_characters_in_a_title_are_refused_where_they_stand(
    value: str, example: Path, run_in
) -> None:
    _set(example, f'title: "{value}"')
    run = run_in(example)
    result = run("incident", "validate")
    assert result.exit_code == 1, result.output
    assert re.search(rf"{re.escape(str(INCIDENT))}:4:8: title: ", result.output), result.output
    assert "not allowed" in result.output or "one line" in result.output
    for args in (["incident", "validate"], ["incident", "list"], ["incident", "show", ID]):
        out = run(*args)
        assert "Traceback" not in out.output
        assert not RAW.search(out.stdout), (args, out.stdout)
        assert not RAW.search(out.stderr), (args, out.stderr)


@pytest.mark.parametrize(
    "field,value",
    [
        ("    - name: Claire Martin", '    - name: "Claire\\e[31m"'),
        ("  summary: Les clients", '  summary: "Les clients\\u202e"\n  x_: 1\n  y_: '),
        ("detected_by: Service client Maison Dupont", 'detected_by: "Service\\u200b"'),
    ],
)
def test_every_text_field_refuses_them(field: str, value: str, example: Path, run_in) -> None:
    path = example / INCIDENT
    text = path.read_text(encoding="utf-8")
    assert field in text
    path.write_text(text.replace(field, value, 1), encoding="utf-8")
    result = run_in(example)("incident", "validate", "--json")
    assert result.exit_code == 1
    assert "not allowed in text" in result.stdout


def test_multi_line_text_keeps_newlines_and_tabs(example: Path, run_in) -> None:
    path = example / INCIDENT
    text = path.read_text(encoding="utf-8")
    old = "  summary: Les clients qui paient"
    text = text.replace(old, '  summary: "Ligne 1\\n\\tLigne 2"\n  x_: ', 1)
    lines = [x for x in text.splitlines(keepends=True) if not x.startswith("  x_: ")]
    path.write_text("".join(lines), encoding="utf-8")
    assert run_in(example)("incident", "validate").exit_code == 0


def test_persian_joiners_and_emoji_sequences_are_writing(example: Path, run_in) -> None:
    _set(example, 'title: "می\u200cخواهم 👩\u200d👩\u200d👧"')
    result = run_in(example)("incident", "validate")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "args",
    [
        ["incident", "note", ID, "--text", "Note\x1b]0;pwned\x07"],
        ["incident", "note", ID, "--text", "Note \u202eevil"],
        ["incident", "open", "--title", "Panne\x1b[2J", "--severity", "minor", "--no-input"],
    ],
)
def test_hostile_command_line_text_is_refused_and_not_echoed_raw(
    args: list[str], example: Path, run_in
) -> None:
    before = (example / INCIDENT).read_bytes()
    result = run_in(example)(*args)
    assert result.exit_code in (1, 2), result.output
    assert "not allowed in text" in result.output
    assert not RAW.search(result.output), result.output
    assert (example / INCIDENT).read_bytes() == before


@pytest.mark.parametrize(
    "args",
    [
        ["incident", "show", "MEP\x1b]0;pwned\x07"],
        ["incident", "list", "--status", "\x1b[2Jopen"],
        ["retro", "report", ID, "--output", "x\x1b[2J/\u202e"],
    ],
)
def test_errors_quoting_the_command_line_are_escaped(
    args: list[str], example: Path, run_in
) -> None:
    result = run_in(example)(*args)
    assert "Traceback" not in result.output
    assert not RAW.search(result.output), result.output


def test_printable_escapes_and_json_stays_valid() -> None:
    import json

    from meptool.cli.output import json_text
    from meptool.safetext import printable

    text = "a\x1b[2J\x9b\u202e\u200bb\n\tc"
    shown = printable(text)
    assert shown == "a\\x1b[2J\\x9b\\u202e\\u200bb\n\tc"
    encoded = json_text({"t": text})
    assert not RAW.search(encoded)
    assert json.loads(encoded) == {"t": text}


def test_a_piped_warning_is_the_text_as_written_and_drives_nothing(capsys) -> None:
    from meptool.cli.output import warning

    warning("MEP-2026-001: C:\\[rapport]\tvide \x1b[2J\u202e")
    err = capsys.readouterr().err
    # Rich's own line, tabs expanded as Rich does; a backslash before a bracket is kept.
    assert err == "warning: MEP-2026-001: C:\\[rapport]     vide \\x1b[2J\\u202e\n"
    assert not RAW.search(err)


def test_a_step_s_note_drives_nothing_either(capsys) -> None:
    from meptool.cli.update import note

    note("subject: Paiement\x1b]0;pwned\x07 refusé", "yellow")
    assert capsys.readouterr().err == "subject: Paiement\\x1b]0;pwned\\x07 refusé\n"
