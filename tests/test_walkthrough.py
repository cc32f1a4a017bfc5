"""The guided walk-through: open, ack, rootcause, plan by flags, prompts and a real terminal."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pexpect
import pytest

from meptool.cli.prompts import Step, ask, number
from meptool.errors import Interrupted, UsageError
from meptool.files.store import load
from meptool.files.workspace import Workspace
from meptool.model.enums import Category, EntryKind, Severity, Status, Visibility
from meptool.model.incident import Incident

ID = "MEP-2026-001"
MEPTOOL = str(Path(sys.executable).parent / "meptool")
NOW = "2026-11-21T09:30:00+01:00"


def incident(root: Path, incident_id: str = ID) -> Incident:
    """The incident file, read and validated as meptool reads it."""
    return load(Workspace(root), root / "incidents" / incident_id / "incident.yaml")


def spawn(root: Path, *args: str, **env: str) -> pexpect.spawn:
    """meptool on a real pseudo-terminal, in a bare C locale (accents must still work)."""
    full = {k: v for k, v in os.environ.items() if k not in ("CI", "MEPTOOL_WORKSPACE")}
    full.update({"MEPTOOL_NOW": NOW, "NO_COLOR": "1", "LC_ALL": "C", "TERM": "dumb", **env})
    child = pexpect.spawn(
        MEPTOOL,
        list(args),
        cwd=str(root),
        env=full,
        encoding="utf-8",
        timeout=15,
        dimensions=(50, 250),
    )
    child.logfile_read = io.StringIO()  # the whole session, for assertions after the fact
    return child


def session(child: pexpect.spawn) -> str:
    """Everything the terminal showed."""
    log = child.logfile_read
    assert isinstance(log, io.StringIO)
    return log.getvalue()


def answer(child: pexpect.spawn, question: str, text: str) -> None:
    """Wait for a question, then type the answer."""
    child.expect_exact(question)
    child.expect_exact("> ")
    child.sendline(text)


def finish(child: pexpect.spawn) -> int:
    """Wait for the end; the exit status."""
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus is not None
    return child.exitstatus


@pytest.fixture
def opened(run, workspace: Path) -> Path:
    """A workspace holding one open incident with a release and an impact."""
    result = run(
        "incident",
        "open",
        "--title",
        "Paiement refusé",
        "--severity",
        "critical",
        "--release",
        "v2.3.0",
        "--impact",
        "Les clients étrangers voient leur paiement refusé.",
    )
    assert result.exit_code == 0, result.output
    return workspace


# --- flags ---------------------------------------------------------------------------


def test_open_with_every_flag(run, workspace: Path) -> None:
    result = run(
        "incident",
        "open",
        "--title",
        "Paiement refusé pour les cartes étrangères",
        "--severity",
        "critical",
        "--project",
        "Boutique en ligne",
        "--lang",
        "en",
        "--release",
        "v2.3.0",
        "--deployed-at",
        "2026-11-20 17:30",
        "--impact",
        "Foreign cards are refused.",
        "--users-affected",
        "environ 1 200 commandes",
        "--detected-by",
        "Service client",
        "--detected-at",
        "18h40",
        "--contact",
        "Claire Martin <claire.martin@dupont.example>; Directrice e-commerce; decision-maker",
        "--contact",
        "Marc Petit",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{ID}\n"
    inc = incident(workspace)
    assert inc.title == "Paiement refusé pour les cartes étrangères"
    assert inc.severity == Severity.CRITICAL and inc.status == Status.OPEN
    assert inc.project == "Boutique en ligne" and inc.language is not None
    assert inc.language.value == "en"
    assert inc.release is not None and inc.release.version == "v2.3.0"
    assert inc.release.deployed_at is not None
    assert inc.release.deployed_at.isoformat() == "2026-11-20T17:30:00+01:00"
    assert inc.detected_at is not None
    assert inc.detected_at.isoformat() == "2026-11-20T18:40:00+01:00"
    assert inc.detected_by == "Service client"
    assert inc.impact is not None and inc.impact.users_affected == "environ 1 200 commandes"
    assert inc.client is not None
    claire, marc = inc.client.contacts
    assert (claire.name, claire.email, claire.role) == (
        "Claire Martin",
        "claire.martin@dupont.example",
        "Directrice e-commerce",
    )
    assert claire.kind.value == "decision-maker"
    assert (marc.name, marc.email, marc.kind.value) == ("Marc Petit", None, "other")


def test_open_bad_flag_values_name_the_flag(run, workspace: Path) -> None:
    bad_time = run(
        "incident", "open", "--title", "x", "--severity", "minor", "--detected-at", "hier"
    )
    assert bad_time.exit_code == 2 and "--detected-at" in bad_time.stderr
    bad_contact = run(
        "incident", "open", "--title", "x", "--severity", "minor", "--contact", "A <nope>"
    )
    assert bad_contact.exit_code == 2 and "--contact" in bad_contact.stderr
    assert not (workspace / "incidents" / ID).exists()


def test_ack_with_flags(run, opened: Path) -> None:
    result = run("incident", "ack", ID, "--statement", "C'est notre erreur, nous la corrigeons.")
    assert result.exit_code == 0, result.output
    assert "First client update due: 2026-11-21 11:30 +0100" in result.stderr
    inc = incident(opened)
    assert inc.status == Status.ACKNOWLEDGED
    assert inc.acknowledgement is not None
    assert inc.acknowledgement.by == "Julie Leroy"  # the workspace's project lead
    assert inc.acknowledgement.statement == "C'est notre erreur, nous la corrigeons."
    assert inc.acknowledgement.at.isoformat() == NOW
    assert inc.next_update_due is not None
    assert inc.next_update_due.isoformat() == "2026-11-21T11:30:00+01:00"
    entry = inc.timeline[-1]
    assert entry.kind == EntryKind.ACKNOWLEDGEMENT and entry.status == Status.ACKNOWLEDGED
    assert entry.by == "Julie Leroy" and entry.visibility == Visibility.INTERNAL


def test_ack_keeps_an_existing_promise_and_status(run_in, example: Path) -> None:
    before = incident(example)
    result = run_in(example)("incident", "ack", ID, "--by", "Julie", "--statement", "Revu.")
    assert result.exit_code == 0, result.output
    inc = incident(example)
    assert inc.status == Status.MITIGATED  # never moved backwards
    assert inc.next_update_due == before.next_update_due
    assert inc.acknowledgement is not None and inc.acknowledgement.statement == "Revu."
    assert inc.timeline[-1].text == "Déclaration de reconnaissance révisée par Julie"
    assert "# yaml-language-server" in (example / "incidents" / ID / "incident.yaml").read_text()


def test_rootcause_with_flags(run, opened: Path) -> None:
    result = run(
        "incident",
        "rootcause",
        ID,
        "--summary",
        "La règle 3-D Secure refusait les cartes étrangères.",
        "--category",
        "testing",
        "--why",
        "Les paiements étrangers étaient refusés.",
        "--why",
        "La règle n'avait été testée qu'avec des cartes françaises.",
        "--factor",
        "MEP un vendredi soir",
        "--escape",
        "La recette ne couvre pas les cartes étrangères.",
    )
    assert result.exit_code == 0, result.output
    rc = incident(opened).root_cause
    assert rc is not None
    assert rc.summary == "La règle 3-D Secure refusait les cartes étrangères."
    assert rc.category == Category.TESTING
    assert rc.whys == [
        "Les paiements étrangers étaient refusés.",
        "La règle n'avait été testée qu'avec des cartes françaises.",
    ]
    assert rc.contributing_factors == ["MEP un vendredi soir"]
    assert rc.escape == "La recette ne couvre pas les cartes étrangères."
    assert incident(opened).timeline[-1].kind == EntryKind.ROOT_CAUSE
    again = run("incident", "rootcause", ID, "--why", "Une seule raison")
    assert again.exit_code == 0, again.output
    rc = incident(opened).root_cause
    assert rc is not None and rc.whys == ["Une seule raison"]
    assert rc.summary == "La règle 3-D Secure refusait les cartes étrangères."
    empty = run("incident", "rootcause", "MEP-2026-001", "--no-input", "-w", str(opened))
    assert empty.exit_code == 0  # the summary already there is the default


def test_rootcause_needs_a_summary(run, opened: Path) -> None:
    result = run("incident", "rootcause", ID, "--why", "x")
    assert result.exit_code == 2
    assert "missing --summary" in result.stderr
    assert incident(opened).root_cause is None


def test_plan_with_flags(run, opened: Path) -> None:
    first = run(
        "incident",
        "plan",
        ID,
        "--action",
        "Corriger la règle 3-D Secure",
        "--owner",
        "Karim Benali",
        "--due",
        "+2",
        "--effort",
        "2",
        "--client-visible",
    )
    assert first.exit_code == 0, first.output
    second = run(
        "incident",
        "plan",
        ID,
        "--action",
        "Ajouter des cartes étrangères à la recette",
        "--type",
        "preventive",
        "--due",
        "2026-11-27",
        "--effort",
        "1,5",
        "--delay-days",
        "3",
        "--budget",
        "pris en charge par l'agence",
        "--new-date",
        "2026-12-04",
        "--agreement",
        "pending",
    )
    assert second.exit_code == 0, second.output
    assert "Total effort: 3.5 days" in second.stdout
    assert "New delivery date: 2026-12-04 (delay 3 days, client agreement: pending)" in (
        second.stdout
    )
    inc = incident(opened)
    a1, a2 = inc.corrective_plan
    assert (a1.id, a1.owner, a1.effort_days, a1.client_visible) == ("A1", "Karim Benali", 2, True)
    assert a1.due is not None and a1.due.isoformat() == "2026-11-23"
    assert (a2.id, a2.type.value, a2.client_visible, a2.effort_days) == (
        "A2",
        "preventive",
        False,
        1.5,
    )
    s = inc.schedule_impact
    assert s is not None and s.delay_days == 3 and s.budget_impact == "pris en charge par l'agence"
    assert s.new_delivery_date is not None and s.new_delivery_date.isoformat() == "2026-12-04"
    assert s.client_agreement is not None and s.client_agreement.value == "pending"
    plans = [e for e in inc.timeline if e.kind == EntryKind.PLAN]
    assert [e.text for e in plans] == [
        "Action A1 ajoutée au plan (corrective) : Corriger la règle 3-D Secure",
        "Action A2 ajoutée au plan (préventive) : Ajouter des cartes étrangères à la recette",
        "Impact planning/budget mis à jour : retard de 3 jours, budget : pris en charge par "
        "l'agence, nouvelle date de livraison 2026-12-04, accord du client : en attente",
    ]
    text = (opened / "incidents" / ID / "incident.yaml").read_text()
    assert "delay_days: 3\n" in text and "effort_days: 2\n" in text


def test_plan_usage_errors(run, opened: Path) -> None:
    orphan = run("incident", "plan", ID, "--owner", "Karim")
    assert orphan.exit_code == 2 and "--action" in orphan.stderr
    nothing = run("incident", "plan", ID)
    assert nothing.exit_code == 2 and "missing --action" in nothing.stderr
    bad = run("incident", "plan", ID, "--action", "x", "--effort", "beaucoup")
    assert bad.exit_code == 2 and "--effort" in bad.stderr
    assert incident(opened).corrective_plan == []


# --- nothing asked without a terminal --------------------------------------------------


MISSING = [
    (("incident", "open"), "missing --title"),
    (("incident", "open", "--title", "Panne"), "missing --severity"),
    (("incident", "ack", ID, "--by", "Julie"), "missing --statement"),
    (("incident", "note", ID), "missing --text"),
    (("incident", "rootcause", ID), "missing --summary"),
    (("incident", "plan", ID), "missing --action"),
    (("incident", "action", ID, "A1"), "missing --status"),
]


@pytest.mark.parametrize(("args", "flag"), MISSING)
def test_no_terminal_never_asks(run, opened: Path, args: tuple[str, ...], flag: str) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert flag in result.stderr
    assert "Aborted" not in result.output


@pytest.mark.parametrize(("args", "flag"), [MISSING[0], MISSING[2]])
def test_closed_stdin_never_asks(opened: Path, args: tuple[str, ...], flag: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    proc = subprocess.run(
        [MEPTOOL, *args],
        cwd=opened,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert flag in proc.stderr
    assert "Aborted" not in proc.stderr and "Traceback" not in proc.stderr


def test_ci_and_no_input_on_a_terminal_never_ask(opened: Path) -> None:
    child = spawn(opened, "incident", "open", CI="1")
    assert finish(child) == 2
    assert "missing --title" in (child.before or "")
    child = spawn(opened, "incident", "ack", ID, "--no-input")
    assert finish(child) == 2
    out = " ".join((child.before or "").split())
    assert "missing --statement" in out
    assert "La mise en production de la version 2.3.0" in out  # the draft, as a hint
    child = spawn(opened, "--no-input", "incident", "open", "--title", "Panne")
    assert finish(child) == 2
    assert "missing --severity" in (child.before or "")
    assert incident(opened).status == Status.OPEN


# --- on a terminal -------------------------------------------------------------------


def test_complete_walkthrough_on_a_terminal(workspace: Path) -> None:
    child = spawn(workspace, "incident", "open")
    answer(child, "What went wrong", "Paiement refusé pour les cartes étrangères")
    answer(child, "Project", "Boutique en ligne")
    answer(child, "Language of client documents [fr/en] (fr)", "")
    child.expect_exact("critical  the service is down")
    answer(child, "Severity [critical/major/minor]", "crit")
    answer(child, "Release version", "v2.3.0")
    answer(child, "When was it deployed", "2026-11-20 17:30")
    answer(child, "What does the client see", "Les clients étrangers voient leur paiement refusé.")
    answer(child, "Who or how much is affected", "environ 1 200 commandes bloquées")
    answer(child, "Who noticed", "Service client Maison Dupont")
    answer(child, "When was it noticed (now)", "18:40")
    answer(child, "Contact name", "Claire Martin")
    answer(child, "e-mail", "pas-une-adresse")
    answer(child, "is not an e-mail address", "claire.martin@dupont.example")
    answer(child, "role", "Directrice e-commerce")
    answer(child, "kind", "decision-maker")
    answer(child, "how a letter to them opens", "Madame la Directrice,")
    answer(child, "Contact name", "")
    answer(child, "Save Claire Martin in meptool.yaml for the next incidents? [y/n] (yes)", "")
    child.expect_exact("Saved Claire Martin in meptool.yaml")
    child.expect_exact("MEP-2026-001  Paiement refusé pour les cartes étrangères")
    child.expect_exact("next client update due: 2026-11-20 20:40")
    child.expect_exact("Next: own the error with 'meptool incident ack MEP-2026-001'")
    assert finish(child) == 0

    child = spawn(workspace, "incident", "ack", ID)
    answer(child, "Who acknowledges (your name) (Julie Leroy)", "")
    child.expect_exact("Statement")
    # The draft is typed in for editing; the lead adds a sentence at its end.
    child.expect_exact("à chaque étape.")
    child.sendline(" Nous vous rappelons à 11 h.")
    child.expect_exact("First client update due: 2026-11-20 20:30")
    assert finish(child) == 0

    child = spawn(workspace, "incident", "rootcause", ID)
    answer(child, "why?", "Les paiements par carte étrangère étaient refusés.")
    answer(child, "why?", "La règle 3-D Secure rejetait les réponses sans authentification.")
    answer(child, "why?", "Elle n'a été testée qu'avec des cartes françaises.")
    answer(child, "why?", "")
    answer(child, "Root cause in one or two sentences", "Règle 3-D Secure trop stricte.")
    answer(
        child,
        "one plain sentence for the client's management",
        "Une règle de sécurité des paiements refusait les cartes étrangères.",
    )
    answer(child, "Category", "testing")
    answer(child, "Contributing factor", "MEP un vendredi soir")
    answer(child, "Contributing factor", "")
    answer(child, "reach production", "Aucune carte étrangère dans le jeu de recette.")
    assert finish(child) == 0

    child = spawn(workspace, "incident", "plan", ID)
    answer(child, "Action", "Corriger la règle 3-D Secure")
    answer(child, "type", "")
    answer(child, "owner", "Karim Benali")
    answer(child, "due", "+2")
    answer(child, "effort", "2")
    answer(child, "may the client see it", "oui")
    answer(child, "Action", "Ajouter des cartes étrangères à la recette")
    answer(child, "type", "preventive")
    answer(child, "owner", "Sophie Durand")
    answer(child, "due", "2026-11-27")
    answer(child, "effort", "1,5")
    answer(child, "may the client see it", "non")
    answer(child, "Action", "")
    answer(child, "Delay to the delivery", "3")
    answer(child, "Budget impact", "3,5 jours pris en charge par l'agence")
    answer(child, "New delivery date", "2026-12-04")
    answer(child, "Client agreement", "pending")
    child.expect_exact("Total effort: 3.5 days")
    child.expect_exact("New delivery date: 2026-12-04")
    assert finish(child) == 0

    inc = incident(workspace)
    assert inc.title == "Paiement refusé pour les cartes étrangères"
    assert inc.project == "Boutique en ligne" and inc.severity == Severity.CRITICAL
    assert inc.language is not None and inc.language.value == "fr"
    assert inc.release is not None and inc.release.version == "v2.3.0"
    assert inc.release.deployed_at is not None
    assert inc.release.deployed_at.isoformat() == "2026-11-20T17:30:00+01:00"
    assert inc.impact is not None
    assert inc.impact.summary == "Les clients étrangers voient leur paiement refusé."
    assert inc.impact.users_affected == "environ 1 200 commandes bloquées"
    assert inc.detected_by == "Service client Maison Dupont"
    assert inc.detected_at is not None
    assert inc.detected_at.isoformat() == "2026-11-20T18:40:00+01:00"
    assert inc.client is not None
    assert [(c.name, c.email, c.role, c.kind.value) for c in inc.client.contacts] == [
        ("Claire Martin", "claire.martin@dupont.example", "Directrice e-commerce", "decision-maker")
    ]
    assert inc.status == Status.ACKNOWLEDGED
    assert inc.acknowledgement is not None and inc.acknowledgement.by == "Julie Leroy"
    assert inc.acknowledgement.statement == (
        "La mise en production de la version 2.3.0 a provoqué un incident : les clients "
        "étrangers voient leur paiement refusé (environ 1 200 commandes bloquées). C'est notre "
        "erreur et nous en prenons la responsabilité. Toute notre équipe est mobilisée pour "
        "rétablir le service, et nous vous tiendrons informés à chaque étape. "
        "Nous vous rappelons à 11 h."
    )
    assert inc.next_update_due is not None
    assert inc.next_update_due.isoformat() == "2026-11-20T20:30:00+01:00"
    rc = inc.root_cause
    assert rc is not None and rc.category == Category.TESTING
    assert rc.summary == "Règle 3-D Secure trop stricte."
    assert (
        rc.client_summary == "Une règle de sécurité des paiements refusait les cartes étrangères."
    )
    assert rc.whys == [
        "Les paiements par carte étrangère étaient refusés.",
        "La règle 3-D Secure rejetait les réponses sans authentification.",
        "Elle n'a été testée qu'avec des cartes françaises.",
    ]
    assert rc.contributing_factors == ["MEP un vendredi soir"]
    assert rc.escape == "Aucune carte étrangère dans le jeu de recette."
    a1, a2 = inc.corrective_plan
    assert (a1.id, a1.action, a1.type.value, a1.owner, a1.effort_days, a1.client_visible) == (
        "A1",
        "Corriger la règle 3-D Secure",
        "corrective",
        "Karim Benali",
        2,
        True,
    )
    assert a1.due is not None and a1.due.isoformat() == "2026-11-23"
    assert (a2.id, a2.type.value, a2.owner, a2.effort_days, a2.client_visible) == (
        "A2",
        "preventive",
        "Sophie Durand",
        1.5,
        False,
    )
    s = inc.schedule_impact
    assert s is not None and s.delay_days == 3
    assert s.budget_impact == "3,5 jours pris en charge par l'agence"
    assert s.new_delivery_date is not None and s.new_delivery_date.isoformat() == "2026-12-04"
    kinds = [e.kind for e in inc.timeline]
    assert kinds == [
        EntryKind.DETECTION,
        EntryKind.ACKNOWLEDGEMENT,
        EntryKind.ROOT_CAUSE,
        EntryKind.PLAN,
        EntryKind.PLAN,
        EntryKind.PLAN,
    ]


def test_some_flags_on_a_terminal_ask_only_what_is_required(workspace: Path) -> None:
    child = spawn(workspace, "incident", "open", "--title", "Panne d'export", "--release", "v2.4")
    answer(child, "Severity [critical/major/minor]", "nope")
    answer(child, "'nope' is not one of: critical, major, minor", "minor")
    child.expect_exact("Opened MEP-2026-001")
    assert finish(child) == 0
    shown = session(child)
    assert "Severity" in shown and "Project" not in shown and "What went wrong" not in shown
    inc = incident(workspace)
    assert (inc.title, inc.severity, inc.impact) == ("Panne d'export", Severity.MINOR, None)


def test_ctrl_c_saves_nothing(workspace: Path) -> None:
    child = spawn(workspace, "incident", "open")
    answer(child, "What went wrong", "Panne")
    answer(child, "Project", "Boutique")
    child.expect_exact("Language")
    child.sendintr()
    assert finish(child) == 130
    assert "interrupted: nothing was saved" in (child.before or "")
    assert "Traceback" not in (child.before or "")
    assert not (workspace / "incidents").exists() or not any((workspace / "incidents").iterdir())


def test_end_of_input_saves_nothing(opened: Path) -> None:
    before = (opened / "incidents" / ID / "incident.yaml").read_bytes()
    child = spawn(opened, "incident", "note", ID)
    child.expect_exact("What happened")
    child.expect_exact("> ")
    child.sendeof()
    assert finish(child) == 130
    assert "nothing was saved" in (child.before or "")
    assert (opened / "incidents" / ID / "incident.yaml").read_bytes() == before


def test_file_changed_while_prompting_a_note_keeps_both(opened: Path) -> None:
    """A note only appends: it is made on the file as it is when the lock is taken
    (issue 18 case 25), so the hand edit made while typing stays too."""
    path = opened / "incidents" / ID / "incident.yaml"
    child = spawn(opened, "incident", "note", ID)
    child.expect_exact("What happened")
    path.write_text(path.read_text() + "# edited by hand meanwhile\n")
    child.sendline("Une note")
    child.sendline("")
    child.sendline("")
    assert finish(child) == 0
    assert "# edited by hand meanwhile\n" in path.read_text()
    assert incident(opened).timeline[-1].text == "Une note"


# --- the one asking function ---------------------------------------------------------


@dataclass
class Transcript:
    """Answers fed to `ask` instead of a terminal, one per question; the questions seen."""

    answers: list[str]
    prompts: list[str] = field(default_factory=list)

    def __call__(self, question: str, prefill: str | None = None) -> str:
        self.prompts.append(question)
        if not self.answers:
            raise Interrupted("input ended: nothing was saved")
        return self.answers.pop(0)


def test_ask_reasks_until_valid_and_uses_defaults() -> None:
    steps = [
        Step("effort", "--effort", "Effort", required=True, parse=number),
        Step("kind", "--kind", "Kind", default="other", choices={"other": "", "expert": ""}),
        Step("whys", "--why", "why?", many=True),
    ]
    feed = Transcript(["beaucoup", "1,5", "exp", "a", "b", ""])
    answers = ask(steps, {}, interactive=True, read=feed)
    assert answers == {"effort": 1.5, "kind": "expert", "whys": ["a", "b"]}
    assert feed.prompts[:2] == ["Effort", "Effort"]
    flags = ask(steps, {"effort": "2"}, interactive=False)
    assert flags == {"effort": 2.0, "kind": "other", "whys": []}
    with pytest.raises(UsageError, match="--effort: 'x' is not a number"):
        ask(steps, {"effort": "x"}, interactive=True, read=feed)
    with pytest.raises(UsageError, match="missing --effort"):
        ask(steps, {}, interactive=False)
    with pytest.raises(Interrupted):
        ask(steps, {}, interactive=True, read=Transcript([]))
