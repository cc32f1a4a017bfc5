"""Issue 18 cases 15, 20 and 22: duplicates refused, problems capped, messages in
meptool's words (no regular expression, no class name, a hint for booleans and tabs)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ID = "MEP-2026-001"
INCIDENT = Path("incidents") / ID / "incident.yaml"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- case 15: duplicates ---------------------------------------------------------------


def test_two_actions_with_one_id_are_refused(example: Path, run_in) -> None:
    _replace(example / INCIDENT, "  - id: A2\n", "  - id: A1\n")
    run = run_in(example)
    result = run("incident", "validate")
    assert result.exit_code == 1, result.output
    assert "corrective_plan[1].id A1 is already the id of corrective_plan[0]" in result.output
    assert re.search(r"incident\.yaml:\d+:\d+: corrective_plan: ", result.output)
    before = (example / INCIDENT).read_bytes()
    changed = run("incident", "action", ID, "A1", "--status", "done")
    assert changed.exit_code == 1, changed.output
    assert (example / INCIDENT).read_bytes() == before  # neither A1 was changed


def test_two_updates_with_one_seq_are_refused(example: Path, run_in) -> None:
    run = run_in(example)
    for _ in range(2):
        assert run("update", "draft", ID, "--format", "md").exit_code == 0
    path = example / INCIDENT
    text = path.read_text(encoding="utf-8")
    assert "seq: 2" in text
    path.write_text(text.replace("seq: 2", "seq: 1", 1), encoding="utf-8")
    result = run("incident", "validate")
    assert result.exit_code == 1, result.output
    assert "communications[1].seq 1 is already the seq of communications[0]" in result.output


# --- case 20: problems capped ----------------------------------------------------------


def test_sixty_thousand_unknown_keys_give_a_short_report(example: Path, run_in) -> None:
    path = example / INCIDENT
    path.write_text(
        path.read_text(encoding="utf-8") + "".join(f"zz{i}: 1\n" for i in range(60_000)),
        encoding="utf-8",
    )
    run = run_in(example)
    result = run("incident", "validate")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 51, len(lines)
    assert lines[-1].endswith("and 59950 more problem(s) not shown; fix these first")
    assert all(len(line) < 400 for line in lines)
    assert sum("allowed keys here" in line for line in lines) == 1
    assert len(result.output) < 20_000
    assert "60,000 problems in 1 of 3 files" in result.stderr
    shown = run("incident", "show", ID)
    assert shown.exit_code == 1 and len(shown.output) < 20_000


# --- case 22: messages -----------------------------------------------------------------


@pytest.mark.parametrize(
    "old,new,expected",
    [
        (
            "      email: claire.martin@maison-dupont.example",
            "      email: claire.martin(at)maison",
            "'claire.martin(at)maison' is not an e-mail address (like ",
        ),
        (
            "    client_visible: true",
            "    client_visible: peut-être",
            "'peut-être' is not true or false; write true or false (or oui/non)",
        ),
        (
            "    - name: Marc Petit\n",
            "    - Marc Petit\n    - name: Marc Petit\n",
            "expected a mapping of keys to values (e.g. {name: Claire Martin",
        ),
        (
            "title: Paiement refusé pour les cartes étrangères après la MEP 2.3.0",
            "title:",
            "title: is empty; write a value, or remove the key",
        ),
    ],
    ids=["email", "boolean", "contact-as-text", "empty-title"],
)
def test_messages_in_meptools_words(
    old: str, new: str, expected: str, example: Path, run_in
) -> None:
    _replace(example / INCIDENT, old, new)
    result = run_in(example)("incident", "validate")
    assert result.exit_code == 1
    assert expected in result.output, result.output
    for leak in ("^[", "instance of", "YAML reads unquoted  as", "Input should"):
        assert leak not in result.output


def test_a_bad_mail_domain_is_described_not_matched(example: Path, run_in) -> None:
    config = example / "meptool.yaml"
    text = re.sub(r"^mail_domain: .*$", "mail_domain: agence", config.read_text(), flags=re.M)
    if "mail_domain: agence\n" not in text:
        text += "mail_domain: agence\n"
    config.write_text(text)
    result = run_in(example)("incident", "list")
    assert result.exit_code == 1
    assert "'agence' is not a domain name (like agence.example)" in result.output
    assert "^[" not in result.output


def test_a_tab_in_meptool_yaml_says_so(example: Path, run_in) -> None:
    config = example / "meptool.yaml"
    config.write_text(config.read_text().replace("language: fr", "language: fr\n\t", 1))
    result = run_in(example)("incident", "list")
    assert result.exit_code == 1
    assert "meptool.yaml:" in result.output and "replace the tab with spaces" in result.output
