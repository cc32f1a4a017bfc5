"""`update check`: each rule with a draft that trips it and one that passes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from updates_helpers import ID

UPDATES = Path("incidents") / ID / "updates"


@pytest.fixture
def drafted(example: Path, run_in) -> Path:
    """The example workspace with draft 1 (decision-makers, md) and 2 (domain experts, md)."""
    run = run_in(example)
    assert run("update", "draft", ID, "--format", "md").exit_code == 0
    assert (
        run("update", "draft", ID, "--format", "md", "--audience", "domain-experts").exit_code == 0
    )
    return example


def write(root: Path, name: str, text: str) -> str:
    path = root / UPDATES / name
    path.write_text(text, encoding="utf-8")
    return str(UPDATES / name)


def good(root: Path, audience: str = "decision-makers") -> str:
    seq = "001" if audience == "decision-makers" else "002"
    return (root / UPDATES / f"{seq}-{audience}-fr.md").read_text(encoding="utf-8")


def findings(run, target: str) -> tuple[int, list[dict]]:
    result = run("update", "check", target, "--json")
    return result.exit_code, json.loads(result.stdout)["findings"]


def test_the_drafts_pass(drafted: Path, run_in) -> None:
    run = run_in(drafted)
    code, found = findings(run, ID)
    assert code == 0 and found == []
    assert run("update", "check", ID, "--seq", "1").stdout.strip() == "no problem found"
    code, found = findings(run, str(UPDATES / "002-domain-experts-fr.md"))
    assert code == 0 and found == []


@pytest.mark.parametrize(
    ("cut", "rule"),
    [
        ("responsabilité|excuses", "missing-ownership"),
        ("### Ce que nous savons", "missing-known"),
        ("### Ce que nous ne savons pas encore", "missing-unknown"),
        ("### Ce que nous faisons", "missing-actions"),
        ("point", "missing-next-update"),
        ("vive voix", "missing-contact"),
        ("Julie Leroy", "missing-contact"),
        ("Cet incident décale", "missing-schedule"),
        ("votre accord", "missing-agreement"),
    ],
)
def test_missing_elements_block(drafted: Path, run_in, cut: str, rule: str) -> None:
    text = good(drafted)
    if cut.startswith("###"):  # a whole section goes, heading and body
        start = text.index(cut + "\n")
        end = text.index("###", start + len(cut))
        kept = text[:start] + text[end:]
    else:
        kept = "\n".join(
            line
            for line in text.splitlines()
            if not any(part in line for part in cut.split("|"))
            and not (cut == "Cet incident décale" and ("budget" in line or "calendrier" in line))
        )
    name = write(drafted, "001-decision-makers-fr.md", kept + "\n")
    code, found = findings(run_in(drafted), name)
    assert code == 1
    assert rule in {f["rule"] for f in found}, found
    hit = next(f for f in found if f["rule"] == rule)
    assert hit["field"] and hit["level"] == "error"


def test_actions_must_be_listed(drafted: Path, run_in) -> None:
    lines = good(drafted).splitlines()
    start = lines.index("### Ce que nous faisons")
    lines[start + 2 : start + 4] = ["- Analyser la situation avec vos équipes."]
    text = "\n".join(lines) + "\n"
    code, found = findings(run_in(drafted), write(drafted, "001-decision-makers-fr.md", text))
    assert code == 1 and "missing-actions" in {f["rule"] for f in found}


def test_internal_timeline_text_blocks(drafted: Path, run_in) -> None:
    base = good(drafted)
    text = base + "\nKarim identifie la règle 3-D Secure modifiée dans la 2.3.0.\n"
    code, found = findings(run_in(drafted), write(drafted, "001-decision-makers-fr.md", text))
    assert code == 1
    (hit,) = [f for f in found if f["rule"] == "internal-timeline"]
    assert hit["field"] == "timeline[1].text"
    assert hit["line"] == len(base.splitlines()) + 2


def test_non_client_visible_action_blocks(drafted: Path, run_in) -> None:
    text = good(drafted).replace(
        "- Ajouter des cartes",
        "- Alerte sur le taux de refus de paiement après chaque MEP — Karim Benali.\n"
        "- Ajouter des cartes",
    )
    code, found = findings(run_in(drafted), write(drafted, "001-decision-makers-fr.md", text))
    assert code == 1
    (hit,) = [f for f in found if f["rule"] == "internal-action"]
    assert hit["field"] == "corrective_plan[2].action" and hit["line"]


SECRETS = [
    ("Mot de passe : Sup3rS3cret!", "password"),
    ("-----BEGIN RSA PRIVATE KEY-----", "private key"),
    ("Traceback (most recent call last):", "stack trace"),
    ('  File "app/payments.py", line 42, in authorise', "stack trace"),
    ("java.lang.NullPointerException at checkout", "stack trace"),
    ("postgresql://shop:hunter2@db/shop", "connection string"),
    ("Server=db;Database=shop;User Id=sa;Password=x1y2z3;", "connection string"),
    ("Voir les journaux de db-prod-01.agence.internal.", "internal host"),
    ("Voir le build sur jenkins.agence.internal", "internal host"),
    ("Clé : AKIAIOSFODNN7EXAMPLE", "AWS Access Key"),
    ("ghp_1234567890abcdefghijklmnopqrstuvwxyzAB", "GitHub Token"),
]


def test_secrets_block(drafted: Path, run_in) -> None:
    base = good(drafted)
    first = len(base.splitlines()) + 2
    text = base + "\n" + "\n".join(line for line, _ in SECRETS) + "\n"
    code, found = findings(run_in(drafted), write(drafted, "001-decision-makers-fr.md", text))
    assert code == 1
    secrets = [f for f in found if f["rule"] == "secret"]
    for offset, (line, what) in enumerate(SECRETS):
        on_line = [f["message"] for f in secrets if f["line"] == first + offset]
        assert any(what in m for m in on_line), (line, on_line)
    assert {f["line"] for f in secrets} == set(range(first, first + len(SECRETS)))


def test_secret_field_is_traced_to_the_incident(drafted: Path, run_in) -> None:
    ws_file = drafted / "incidents" / ID / "incident.yaml"
    ws_file.write_text(
        ws_file.read_text().replace(
            "suit le taux de refus des paiements.",
            "suit le taux de refus des paiements (voir db-prod-01.agence.internal).",
        )
    )
    run = run_in(drafted)
    drafted_again = run("update", "draft", ID, "--format", "md", "--audience", "domain-experts")
    assert drafted_again.exit_code == 1 and "db-prod-01" in drafted_again.stderr
    code, found = findings(run, ID)
    assert code == 1
    hit = next(f for f in found if "db-prod-01" in f["message"])
    assert hit["field"] == "root_cause.escape"


def test_blame_blocks_and_we_passes(drafted: Path, run_in) -> None:
    run = run_in(drafted)
    base = good(drafted)
    blamed = base + "\nL'erreur vient de Karim Benali, qui a oublié de tester.\n"
    code, found = findings(run, write(drafted, "001-decision-makers-fr.md", blamed))
    assert code == 1
    (hit,) = [f for f in found if f["rule"] == "blame"]
    assert "Karim Benali" in hit["message"]
    blameless = base + "\nNous avons oublié de tester ce cas : c'est notre faute.\n"
    code, found = findings(run, write(drafted, "001-decision-makers-fr.md", blameless))
    assert code == 0 and not [f for f in found if f["rule"] == "blame"]
    english = base + "\nThis happened because Sophie forgot the foreign cards.\n"
    code, found = findings(run, write(drafted, "001-decision-makers-fr.md", english))
    assert code == 1 and [f for f in found if f["rule"] == "blame"]


def test_jargon_warns_only_for_decision_makers(drafted: Path, run_in) -> None:
    run = run_in(drafted)
    base = good(drafted)
    extra = "\nNous avons fait un rollback du commit fautif via le pipeline.\n"
    code, found = findings(run, write(drafted, "001-decision-makers-fr.md", base + extra))
    assert code == 0
    jargon = {f["message"].split("'")[1] for f in found if f["rule"] == "jargon"}
    assert jargon == {"rollback", "commit", "pipeline"}
    assert all(f["level"] == "warning" for f in found)
    experts = good(drafted, "domain-experts") + extra
    code, found = findings(run, write(drafted, "002-domain-experts-fr.md", experts))
    assert code == 0 and found == []


def test_check_reads_eml_and_html(example: Path, run_in) -> None:
    run = run_in(example)
    assert run("update", "draft", ID, "--format", "eml,html").exit_code == 0
    code, found = findings(run, ID)
    # The title says "MEP" (jargon for a CEO): the subject warns, and says where it came from.
    assert code == 0
    assert [(f["rule"], f["field"]) for f in found] == [("jargon", "title")]
    assert found[0]["file"].endswith(".eml (subject)")
    html = example / UPDATES / "001-decision-makers-fr.html"
    html.write_text(
        html.read_text().replace("</ul>", "<li>token: ghp_abcdefghijklmnop</li></ul>", 1)
    )
    code, found = findings(run, str(UPDATES / html.name))
    assert code == 1 and found[0]["rule"] == "secret"


def test_check_refuses_unknown_target(example: Path, run_in) -> None:
    result = run_in(example)("update", "check", "nothing.md")
    assert result.exit_code == 3
    none = run_in(example)("update", "check", ID)
    assert none.exit_code == 3 and "no client update yet" in none.stderr


def test_a_resolution_with_its_fix_still_in_progress_is_flagged(example: Path, run_in) -> None:
    """A resolution says the fix is in production: a corrective action the client reads as
    still in progress contradicts it. The status change says so first, the check then."""
    run = run_in(example)
    moved = run("incident", "status", ID, "resolved")
    assert moved.exit_code == 0, moved.output
    assert f"Next: mark the fix done with 'meptool incident action {ID} A1 --status done'" in (
        moved.stderr
    )
    assert run("update", "draft", ID, "--format", "md").exit_code == 0
    found = run("update", "check", ID)
    assert found.exit_code == 0, found.output  # a warning, not a refusal
    assert "warning: unfinished-fix:" in found.output
    wanted = f"corrective action A1 is still doing: mark it with 'meptool incident action {ID} A1"
    assert wanted in found.output
    assert "(from corrective_plan[0].status)" in found.output
    assert run("incident", "action", ID, "A1", "--status", "done").exit_code == 0
    assert run("update", "draft", ID, "--format", "md").exit_code == 0
    again = run("update", "check", ID)
    assert again.exit_code == 0 and "unfinished-fix" not in again.output, again.output
