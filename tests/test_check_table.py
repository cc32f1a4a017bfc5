"""Issue 14's table, row by row, and the check everywhere it matters (draft, approve, retros)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from meptool.files import store
from meptool.files.workspace import Workspace
from meptool.model.enums import Audience
from meptool.updates import compose, render
from meptool.updates.check import UPDATE, check_text
from updates_helpers import ID, SNAPSHOTS, add_english

UPDATES = Path("incidents") / ID / "updates"
DRAFT = UPDATES / "001-decision-makers-fr.md"
ACK = "nous en prenons la responsabilité"


@pytest.fixture
def drafted(example: Path, run_in) -> Path:
    assert run_in(example)("update", "draft", ID, "--format", "md").exit_code == 0
    return example


def check(root: Path, run_in, text: str) -> tuple[int, list[dict]]:
    (root / DRAFT).write_text(text, encoding="utf-8")
    result = run_in(root)("update", "check", str(DRAFT), "--json")
    return result.exit_code, json.loads(result.stdout)["findings"]


def with_ownership(root: Path, sentence: str) -> str:
    """The draft with its acknowledgement paragraph replaced by one sentence."""
    lines = (root / DRAFT).read_text(encoding="utf-8").splitlines()
    i = next(n for n, line in enumerate(lines) if ACK in line)
    lines[i] = sentence
    return "\n".join(lines) + "\n"


def rules(found: list[dict], level: str | None = None) -> set[str]:
    return {f["rule"] for f in found if level is None or f["level"] == level}


OWNING = [
    "C'est notre faute, et nous en sommes sincèrement désolés.",
    "Nous assumons pleinement cette défaillance.",
    "Nous sommes responsables de cet incident.",
    "Cette régression vient de notre livraison ; nous la corrigeons en priorité.",
    "We dropped the ball… I am sorry.",
    "This is on us.",
    "We own this mistake and apologise.",
]


@pytest.mark.parametrize("sentence", OWNING)
def test_rows_1_to_5_owning_it_in_other_words_passes(drafted: Path, run_in, sentence: str) -> None:
    code, found = check(drafted, run_in, with_ownership(drafted, sentence))
    assert code == 0 and found == [], found


@pytest.mark.parametrize(
    "sentence",
    [
        "Ce n'est pas notre erreur : le partenaire a modifié son interface.",
        "This was not our fault; the provider changed its interface.",
    ],
)
def test_row_6_a_denial_blocks(drafted: Path, run_in, sentence: str) -> None:
    code, found = check(drafted, run_in, with_ownership(drafted, sentence))
    assert code == 1
    denial = [f for f in found if f["rule"] == "denial"]
    assert denial and denial[0]["level"] == "error" and denial[0]["line"] == 5
    # The first update's apology still follows; the denial alone blocks the draft.


def test_row_6_a_denial_in_the_acknowledgement_blocks_every_draft(example: Path, run_in) -> None:
    run = run_in(example)
    denial = "Ce n'est pas notre faute : le partenaire bancaire a changé ses règles."
    path = example / "incidents" / ID / "incident.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  statement: >-")
    end = text.index("\ntimeline:")
    path.write_text(text[:start] + f'  statement: "{denial}"\n' + text[end:], encoding="utf-8")
    result = run("update", "draft", ID, "--format", "md")
    assert result.exit_code == 1  # the draft is written, and the draft command says it fails
    assert (example / DRAFT).is_file()
    assert "denial" in result.stderr and "acknowledgement.statement" in result.stderr


def test_row_7_the_client_blamed_warns(drafted: Path, run_in) -> None:
    text = (drafted / DRAFT).read_text(encoding="utf-8")
    code, found = check(drafted, run_in, text + "\nVos équipes n'ont pas validé la recette.\n")
    assert (
        code == 0
        and rules(found) == {"client-blame"}
        and rules(found, "warning") == {"client-blame"}
    )


@pytest.mark.parametrize(
    ("line", "what"),
    [("mdp : Azerty123", "password"), ("serveur 10.12.0.5 redémarré", "10.12.0.5")],
)
def test_row_8_a_password_or_an_internal_address_blocks(
    drafted: Path, run_in, line: str, what: str
) -> None:
    text = (drafted / DRAFT).read_text(encoding="utf-8")
    code, found = check(drafted, run_in, text + "\n" + line + "\n")
    assert code == 1
    (hit,) = [f for f in found if f["rule"] == "secret"]
    assert what in hit["message"] and hit["level"] == "error"


def test_row_9_jargon_for_decision_makers_names_every_word(drafted: Path, run_in) -> None:
    text = (drafted / DRAFT).read_text(encoding="utf-8")
    extra = "\nLe pod k8s OOMKilled, 502, microservice, circuit breaker, Redis.\n"
    code, found = check(drafted, run_in, text + extra)
    assert code == 0
    words = {f["message"].split("'")[1] for f in found if f["rule"] == "jargon"}
    assert words == {"pod", "k8s", "OOMKilled", "502", "microservice", "circuit breaker", "Redis"}


def test_row_10_an_internal_note_paraphrased_blocks_and_names_it(example: Path, run_in) -> None:
    run = run_in(example)
    note = "Échange tendu avec la DG de Maison Dupont ce matin."
    assert run("incident", "note", ID, "--text", note, "--internal").exit_code == 0
    assert run("update", "draft", ID, "--format", "md").exit_code == 0
    for sentence in (
        note,
        "Suite à notre échange tendu avec votre directrice générale, voici le point.",
    ):
        text = (example / DRAFT).read_text(encoding="utf-8")
        code, found = check(example, run_in, text + "\n" + sentence + "\n")
        assert code == 1
        (hit,) = [f for f in found if f["rule"] == "internal-timeline"]
        assert hit["field"] == "timeline[4].text" and "Échange tendu" in hit["message"]


def test_a_finding_names_the_field_the_words_really_came_from(example: Path, run_in) -> None:
    path = example / "incidents" / ID / "incident.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "action: Corriger la règle 3-D Secure et la redéployer",
        "action: Corriger la règle 3-D Secure par un rollback",
    ).replace(
        "text: Retour à la règle de paiement précédente ; les paiements passent à nouveau.",
        "text: Rollback vers la règle de paiement précédente ; les paiements passent à nouveau.",
    )
    path.write_text(text, encoding="utf-8")
    result = run_in(example)("update", "draft", ID, "--format", "md", "--json")
    found = json.loads(result.stdout)["findings"]
    fields = {f["field"] for f in found if f["rule"] == "jargon"}
    assert fields == {"corrective_plan[0].action"}, found


def test_draft_exits_1_on_its_own_blocking_findings_and_keeps_the_files(
    example: Path, run_in
) -> None:
    path = example / "incidents" / ID / "incident.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("action: Corriger la règle 3-D Secure et la redéployer",
                     "action: Corriger la règle sur 10.12.0.5 et la redéployer"),
        encoding="utf-8",
    )  # fmt: skip
    result = run_in(example)("update", "draft", ID)
    assert result.exit_code == 1
    assert "10.12.0.5" in result.stderr and "corrective_plan[0].action" in result.stderr
    assert (example / UPDATES / "001-decision-makers-fr.eml").is_file()
    assert "fails the check" in result.stderr


def test_approve_refuses_a_failing_draft_unless_forced_and_logs_it(drafted: Path, run_in) -> None:
    run = run_in(drafted)
    text = (drafted / DRAFT).read_text(encoding="utf-8")
    (drafted / DRAFT).write_text(text + "\nmdp : Azerty123\n", encoding="utf-8")
    refused = run("update", "approve", ID, "--by", "Paul Roux")
    assert refused.exit_code == 1
    assert "fails the check" in refused.stderr and "--force" in refused.stderr
    ws = Workspace(drafted)
    (comm,) = store.read(ws, ID)[0].communications
    assert comm.status.value == "draft" and not comm.check_overrides
    forced = run("update", "approve", ID, "--by", "Paul Roux", "--force")
    assert forced.exit_code == 0, forced.stderr
    (comm,) = store.read(ws, ID)[0].communications
    (override,) = comm.check_overrides
    assert comm.status.value == "approved" and override.by == "Paul Roux"
    assert override.findings and override.findings[0].startswith("approve: ")
    assert "secret" in override.findings[0]


def test_a_draft_older_than_the_plan_says_draft_again(
    drafted: Path, run_in, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = run_in(drafted)
    code = json.loads(run("update", "check", ID, "--json").stdout)["ok"]
    assert code is True
    monkeypatch.setenv("MEPTOOL_NOW", "2026-11-21T10:15:00+01:00")
    added = run("incident", "plan", ID, "--action", "Rembourser les frais bancaires",
                "--owner", "Sophie Durand", "--due", "2026-11-25", "--client-visible")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    result = run("update", "check", ID)
    assert "the plan changed since this draft" in result.stdout
    assert "draft again" in result.stdout
    assert result.exit_code == 0  # a warning: the words are still right, the facts moved on


def test_the_team_retrospective_warns_on_a_secret(example: Path, run_in) -> None:
    run = run_in(example)
    url = "postgres://user:password@db-prod-01.agence.internal/shop"
    assert (
        run("incident", "note", ID, "--text", f"Base relue via {url}", "--internal").exit_code == 0
    )
    result = run("retro", "report", ID, "--format", "md")
    assert result.exit_code == 0
    assert "warning: secret" in result.stderr and "connection string" in result.stderr


def test_the_client_retrospective_refuses_what_the_check_blocks(example: Path, run_in) -> None:
    run = run_in(example)
    path = example / "incidents" / ID / "incident.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "La recette ne couvre pas les cartes étrangères, et aucune",
            "Le mdp : Azerty123 de la recette était partagé, et aucune",
        ),
        encoding="utf-8",
    )  # fmt: skip  (the client version shows why our checks missed it: root_cause.escape)
    result = run("retro", "report", ID, "--audience", "client", "--format", "md")
    assert result.exit_code == 1
    assert "fails the check" in result.stderr and "root_cause.escape" in result.stderr
    assert not (example / "incidents" / ID / "retro-client.md").exists()


# --- zero false blocks on meptool's own documents ----------------------------------


@pytest.mark.parametrize("name", sorted(p.name for p in (SNAPSHOTS / "updates").iterdir()))
def test_every_shipped_update_snapshot_passes(example: Path, name: str) -> None:
    ws = Workspace(example)
    incident_id = ID if name.startswith("fr") else add_english(example)
    incident, _ = store.read(ws, incident_id)
    text = (SNAPSHOTS / "updates" / name).read_text(encoding="utf-8")
    if name.endswith(".md"):
        text = text.split("\n", 2)[2]  # the snapshot's "Subject:" line
    audience = Audience.DOMAIN_EXPERTS if "domain-experts" in name else Audience.DECISION_MAKERS
    found = check_text(
        text,
        source=name,
        incident=incident,
        internal_hostnames=ws.config.internal_hostnames,
        rules=UPDATE,
        html=name.endswith(".html"),
        audience=audience,
    )
    assert [f for f in found if f.blocking] == []
    # The only warning: "MEP" in the title, shown by the HTML's <title>.
    assert {(f.rule, f.field) for f in found} <= {("jargon", "title")}


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("kind", compose.KINDS)
def test_every_kind_of_update_meptool_writes_passes(example: Path, lang: str, kind: str) -> None:
    ws = Workspace(example)
    incident_id = ID if lang == "fr" else add_english(example)
    incident, _ = store.read(ws, incident_id)
    for audience in (Audience.DECISION_MAKERS, Audience.DOMAIN_EXPERTS, Audience.ALL):
        plan = compose.plan_update(ws, incident, audience, lang)
        plan.kind = kind
        plan.next_update = compose.next_update(ws, incident, kind)
        context = compose.build_context(ws, incident, plan, seq=1, now=ws.now())
        context["reply"] = kind != "first"
        out = render.render_update(render.environment(ws), context)
        for text, html in ((out.md, False), (out.txt, False), (out.html, True)):
            found = check_text(
                text,
                source=f"{lang}-{audience}-{kind}",
                incident=incident,
                internal_hostnames=ws.config.internal_hostnames,
                rules=UPDATE,
                html=html,
                audience=audience,
            )
            assert [str(f) for f in found if f.blocking] == []


def test_the_demo_drafts_and_reports_pass(tmp_path: Path) -> None:
    import subprocess

    root = Path(__file__).resolve().parent.parent
    meptool = Path(sys.executable).with_name("meptool")
    result = subprocess.run(
        ["bash", str(root / "examples" / "demo.sh"), str(meptool), str(tmp_path / "demo")],
        capture_output=True,
        text=True,
        check=False,
    )
    # demo.sh stops at the first failing command: `update draft` exits 1 on a blocking finding.
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "0 blocking" in result.stdout + result.stderr


def test_generated_incidents_draft_without_a_false_block(tmp_path: Path) -> None:
    """Varied incidents (tests/gen.py), each drafted per audience and language: no block."""
    import yaml

    from gen import generate

    root = tmp_path / "many"
    generate(root, 24, 11)
    ws = Workspace(root)
    lead = {"name": "Julie Leroy", "email": "julie.leroy@agence.example", "phone": "+33 1 23"}
    checked = 0
    for path in sorted(root.glob("incidents/*/incident.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            incident, _ = store.read(ws, data["id"])
        except Exception:  # the generator's deliberately broken files
            continue
        data["team"] = {**(data.get("team") or {}), "lead": lead}
        data["client"] = {
            **(data.get("client") or {}),
            "contacts": [
                {"name": "Claire Martin", "email": "c@x.example", "kind": "decision-maker"},
                {"name": "Marc Petit", "email": "m@x.example", "kind": "domain-expert"},
            ],
        }
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        incident, _ = store.read(ws, data["id"])
        for audience in (Audience.DECISION_MAKERS, Audience.DOMAIN_EXPERTS):
            for lang in ("fr", "en"):
                plan = compose.plan_update(ws, incident, audience, lang)
                context = compose.build_context(ws, incident, plan, seq=1, now=ws.now())
                context["reply"] = False
                out = render.render_update(render.environment(ws), context)
                found = check_text(
                    out.md,
                    source=f"{incident.id}-{audience}-{lang}",
                    incident=incident,
                    internal_hostnames=[],
                    rules=UPDATE,
                    audience=audience,
                )
                assert [str(f) for f in found if f.blocking] == [], out.md
                checked += 1
    assert checked >= 60
