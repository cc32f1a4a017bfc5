"""Every client document reads as sent (SPEC.md 4a): no broken sentence whatever is missing
(a Hypothesis property), and every draft from a complete incident passes `update check`."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meptool.files import store
from meptool.files.workspace import Workspace
from meptool.model.enums import Audience
from meptool.model.incident import Incident
from meptool.model.texts import localized
from meptool.updates import compose, render
from meptool.updates.check import Draft, check_drafts

ROOT = Path(__file__).resolve().parents[1]
AUDIENCES = list(Audience)
LANGS = ["fr", "en"]


def both(fr: str, en: str) -> dict[str, str]:
    return {"fr": fr, "en": en}


BASE: dict[str, Any] = {
    "schema_version": 1,
    "id": "MEP-2026-050",
    "title": both("Virements bloqués après la MEP 4.2.0", "Transfers blocked after release 4.2.0"),
    "project": "Espace client en ligne",
    "language": "fr",
    "severity": "critical",
    "status": "mitigated",
    "release": {"version": "v4.2.0", "deployed_at": "2026-11-20T17:30:00+01:00"},
    "detected_at": "2026-11-20T18:10:00+01:00",
    "impact": {
        "summary": both(
            "Vos clients ne peuvent plus émettre de virements depuis l'espace client.",
            "Your customers cannot send transfers from their online account.",
        ),
        "users_affected": both("environ 3 000 clients", "about 3,000 customers"),
        "started_at": "2026-11-20T17:30:00+01:00",
        "ended_at": "2026-11-20T20:05:00+01:00",
    },
    "client": {
        "name": "Banque Horizon",
        "contacts": [
            {
                "name": "Hélène Vasseur",
                "email": "helene.vasseur@banque.example",
                "role": "Directrice générale",
                "kind": "decision-maker",
                "greeting": "Madame la Directrice générale,",
            },
            {
                "name": "Olivier Brun",
                "email": "olivier.brun@banque.example",
                "role": "Responsable des paiements",
                "kind": "domain-expert",
            },
        ],
    },
    "team": {
        "lead": {
            "name": "Julie Leroy",
            "email": "julie.leroy@agence.example",
            "phone": "+33 1 23 45 67 89",
            "title": both("Cheffe de projet", "Project manager"),
        },
        "members": ["Karim Benali"],
    },
    "acknowledgement": {
        "at": "2026-11-20T18:30:00+01:00",
        "by": "Julie Leroy",
        "statement": both(
            "La version 4.2.0 bloque les virements de vos clients : c'est notre erreur et nous "
            "en prenons l'entière responsabilité.",
            "Release 4.2.0 blocks your customers' transfers: it is our mistake and we take full "
            "responsibility for it.",
        ),
    },
    "timeline": [
        {
            "at": "2026-11-20T18:10:00+01:00",
            "text": "Incident ouvert : virements bloqués",
            "kind": "detection",
            "status": "open",
        },
        {
            "at": "2026-11-20T18:30:00+01:00",
            "text": "Incident reconnu par Julie Leroy",
            "kind": "acknowledgement",
            "status": "acknowledged",
            "visibility": "client",
        },
        {
            "at": "2026-11-20T20:05:00+01:00",
            "text": "Statut : reconnu → contourné",
            "kind": "status",
            "status": "mitigated",
            "old_status": "acknowledged",
            "visibility": "client",
            "note": both(
                "Retour à la version précédente du module de virement.",
                "The transfer module was rolled back to its previous version.",
            ),
        },
        {
            "at": "2026-11-20T19:00:00+01:00",
            "text": "Karim repère le contrôle de plafond modifié.",
        },
    ],
    "root_cause": {
        "client_summary": both(
            "Un nouveau contrôle de plafond rejetait tous les virements.",
            "A new limit check rejected every transfer.",
        ),
        "summary": both(
            "Le contrôle de plafond de la 4.2.0 comparait des montants en centimes à un plafond "
            "en euros.",
            "The limit check of 4.2.0 compared amounts in cents with a limit in euros.",
        ),
        "category": "testing",
        "escape": both(
            "Nos tests ne couvraient que des montants inférieurs à un euro.",
            "Our tests only covered amounts below one euro.",
        ),
    },
    "corrective_plan": [
        {
            "id": "A1",
            "action": both("Corriger le contrôle de plafond", "Fix the limit check"),
            "owner": "Karim Benali",
            "due": "2026-11-23",
            "status": "doing",
            "client_visible": True,
        },
        {
            "id": "A2",
            "action": "Revoir l'alerte interne",
            "type": "preventive",
            "status": "todo",
        },
        {
            "id": "A3",
            "action": both(
                "Ajouter des virements réels au jeu de recette",
                "Add real transfers to the acceptance tests",
            ),
            "type": "preventive",
            "due": "2026-11-27",
            "client_visible": True,
        },
    ],
    "schedule_impact": {
        "delay_days": 2,
        "budget_impact": both(
            "deux jours pris en charge par l'agence", "two days covered by the agency"
        ),
        "new_delivery_date": "2026-12-01",
        "client_agreement": "pending",
    },
}

# Optional facts a draft must do without: each a path into BASE.
OPTIONAL = [
    ("release", "version"),
    ("release", "deployed_at"),
    ("release",),
    ("detected_at",),
    ("impact", "summary"),
    ("impact", "users_affected"),
    ("impact", "started_at"),
    ("impact", "ended_at"),
    ("impact",),
    ("acknowledgement",),
    ("root_cause", "client_summary"),
    ("root_cause", "summary"),
    ("root_cause", "escape"),
    ("root_cause",),
    ("corrective_plan",),
    ("schedule_impact", "delay_days"),
    ("schedule_impact", "budget_impact"),
    ("schedule_impact", "new_delivery_date"),
    ("schedule_impact",),
    ("team", "lead", "phone"),
    ("team", "lead", "email"),
    ("team", "lead", "title"),
    ("timeline",),
    ("project",),
]

# meptool's own words in the other language: they must never show.
ENGLISH_WORDS = re.compile(
    r"\b(acknowledged|mitigated|resolved|critical|major|minor|pending|agreed|refused|todo|doing"
    r"|done|decision-makers?|domain-experts?|status|update|the|and|None|null|true|false)\b"
)
FRENCH_WORDS = re.compile(
    r"\b(reconnu|contourné|résolu|critique|majeur|mineur|en attente|à faire|en cours|statut"
    r"|jours?|Bonjour|le|la|les|et|du|des)\b"
)
DANGLING = re.compile(r"\b(par|du|de|à|au|le|la|by|of|on|at|to|the|from)\s*(?:[.,;:!?)]|$)", re.M)
BROKEN = re.compile(r"\(\s*\)|\s[.,](?!\d)|\s{2,}[^\s]|\{\{|\}\}|\bNone\b")


def drop(data: dict[str, Any], path: tuple[str, ...]) -> None:
    node: Any = data
    for key in path[:-1]:
        node = node.get(key)
        if not isinstance(node, dict):
            return
    node.pop(path[-1], None)


def workspace(tmp: Path) -> Workspace:
    root = tmp / "ws"
    if not root.exists():
        shutil.copytree(ROOT / "examples" / "workspace", root)
        shutil.rmtree(root / "incidents")
    return Workspace(root)


def rendered(ws: Workspace, incident: Incident, audience: Audience, lang: str, kind: str) -> Any:
    plan = compose.plan_update(ws, incident, audience, lang)
    plan.kind = kind
    plan.next_update = compose.next_update(ws, incident, kind)
    context = compose.build_context(ws, incident, plan, seq=1, now=ws.now())
    context["reply"] = kind != compose.FIRST
    return render.render_update(render.environment(ws), context)


def prose(text: str) -> str:
    """The text without headings' underlines, signature lines and addresses."""
    lines = [line for line in text.splitlines() if not set(line) <= {"-", " "}]
    return "\n".join(lines)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    missing=st.sets(st.sampled_from(OPTIONAL)),
    kind=st.sampled_from(compose.KINDS),
    audience=st.sampled_from(AUDIENCES),
    lang=st.sampled_from(LANGS),
    status=st.sampled_from(["open", "acknowledged", "mitigated", "resolved"]),
)
def test_no_broken_sentence_whatever_is_missing(  # noqa: PLR0917 (Hypothesis passes them)
    tmp_path: Path, missing: set, kind: str, audience: Audience, lang: str, status: str
) -> None:
    ws = workspace(tmp_path)
    data = copy.deepcopy(BASE)
    data["status"] = status
    for path in sorted(missing, key=len, reverse=True):
        drop(data, path)
    incident = Incident.model_validate(data, context={"tz": ws.tz})
    out = rendered(ws, incident, audience, lang, kind)
    for text in (out.md, out.txt):
        body = prose(text).replace("\u202f", " ").replace("\u00a0", " ")
        # Markdown's hard line break ("  " at the end of a signature line) is not a gap.
        body = re.sub(r" {2}$", "", body, flags=re.M)
        assert not BROKEN.search(body), (BROKEN.search(body), body)
        dangling = DANGLING.search(body)
        assert not dangling, (dangling, body)
        words = (ENGLISH_WORDS if lang == "fr" else FRENCH_WORDS).search(
            re.sub(r"\S+@\S+", "", body.replace(incident.id, ""))
        )
        assert not words, (words, body)
    if lang == "fr":
        assert " :" not in out.md.replace("\u202f:", "")  # narrow no-break space before ":"
    assert out.subject.strip() and "None" not in out.subject


# --- self-consistency: a complete incident's drafts pass `update check` -----------------


def check(ws: Workspace, incident: Incident, text: str, audience: Audience, lang: str) -> list:
    found = check_drafts(
        [Draft("draft", text.splitlines(), audience)],
        incident=localized(incident, lang),
        internal_hostnames=ws.config.internal_hostnames,
    )
    return [f for f in found if f.blocking]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("kind", compose.KINDS)
def test_every_draft_of_a_complete_incident_passes_the_check(
    tmp_path: Path, lang: str, audience: Audience, kind: str
) -> None:
    ws = workspace(tmp_path)
    incident = Incident.model_validate(copy.deepcopy(BASE), context={"tz": ws.tz})
    out = rendered(ws, incident, audience, lang, kind)
    for text in (out.md, out.txt):
        assert check(ws, incident, text, audience, lang) == []


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.data(),
    severity=st.sampled_from(["critical", "major", "minor"]),
    status=st.sampled_from(["acknowledged", "mitigated", "resolved"]),
    agreement=st.sampled_from(["pending", "agreed", "refused"]),
)
def test_generated_complete_incidents_pass_the_check(
    tmp_path: Path, data: Any, severity: str, status: str, agreement: str
) -> None:
    ws = workspace(tmp_path)
    raw = copy.deepcopy(BASE)
    raw.update(severity=severity, status=status)
    raw["schedule_impact"]["client_agreement"] = agreement
    raw["corrective_plan"][0]["status"] = data.draw(st.sampled_from(["todo", "doing", "done"]))
    incident = Incident.model_validate(raw, context={"tz": ws.tz})
    kind = data.draw(st.sampled_from(compose.KINDS))
    audience = data.draw(st.sampled_from(AUDIENCES))
    lang = data.draw(st.sampled_from(LANGS))
    out = rendered(ws, incident, audience, lang, kind)
    assert check(ws, incident, out.txt, audience, lang) == []


def _translate_example(run, incident_id: str, english: dict[str, str]) -> None:
    flags = [x for k, v in english.items() for x in ("--field", k, "--text", v)]
    result = run("incident", "translate", incident_id, "--lang", "en", *flags)
    assert result.exit_code == 0, result.output


EXAMPLE_EN = {
    "title": "Foreign card payments refused after release 2.3.0",
    "impact.summary": "Customers paying with a card issued outside France see it refused.",
    "impact.users_affected": "about 1,200 blocked orders",
    "acknowledgement.statement": "Release 2.3.0 blocks foreign card payments. It is our "
    "mistake and we take full responsibility.",
    "root_cause.client_summary": "A new payment security rule, tested only with French cards, "
    "refused cards issued abroad.",
    "root_cause.summary": "Release 2.3.0 required a 3-D Secure check that foreign test banks "
    "did not answer.",
    "root_cause.escape": "Our acceptance tests only use French cards.",
    "timeline[3].note": "The previous payment rule was restored; payments go through again.",
    "corrective_plan[0].action": "Fix the 3-D Secure rule and redeploy it",
    "corrective_plan[1].action": "Add foreign cards to the payment acceptance tests",
    "schedule_impact.budget_impact": "3.5 days covered by the agency, at no cost to you",
}


def _every_variant(run, root: Path, incident_id: str) -> list[str]:
    """Draft every kind × audience × language through the CLI and `update check` each one."""
    ws = Workspace(root)
    failures = []
    for kind in compose.KINDS:
        with store.edit(ws, incident_id) as ed:
            ed.set("status", value="resolved" if kind == compose.RESOLUTION else "mitigated")
            for i, c in enumerate(ed.incident.communications):
                if kind == compose.FIRST:
                    continue
                if c.sent_at is None:
                    ed.set("communications", i, "sent_at", value=ws.now())
                    ed.set("communications", i, "status", value="sent")
        for audience in ("decision-makers", "domain-experts", "all"):
            for lang in LANGS:
                drafted = run(
                    "update", "draft", incident_id, "--audience", audience, "--lang", lang
                )
                assert drafted.exit_code == 0, drafted.output
                checked = run("update", "check", incident_id, "--json")
                if checked.exit_code != 0:
                    failures.append(f"{kind} {audience} {lang}: {checked.stdout}")
        if kind == compose.FIRST:
            with store.edit(ws, incident_id) as ed:
                for i in range(len(ed.incident.communications)):
                    ed.set("communications", i, "sent_at", value=ws.now())
                    ed.set("communications", i, "status", value="sent")
    return failures


def test_the_example_incident_passes_the_check_in_every_variant(example: Path, run_in) -> None:
    run = run_in(example)
    _translate_example(run, "MEP-2026-001", EXAMPLE_EN)
    assert _every_variant(run, example, "MEP-2026-001") == []


def test_the_demo_incident_passes_the_check_in_every_variant(tmp_path: Path, run_in) -> None:
    meptool = ROOT / ".venv" / "bin" / "meptool"
    out = tmp_path / "demo"
    done = subprocess.run(
        ["bash", str(ROOT / "examples" / "demo.sh"), str(meptool), str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    run = run_in(out)
    english = {
        "title": "Empty accounting export after release 2.4.0",
        "impact.summary": "This morning's accounting export file is empty.",
        "acknowledgement.statement": "Release 2.4.0 emptied the accounting export. It is our "
        "mistake and we take responsibility for it.",
        "root_cause.client_summary": "A time-zone change shifted the export's date filter.",
        "root_cause.summary": "The time-zone change of 2.4.0 shifted the export's date filter.",
        "root_cause.escape": "No test checks the export against real data.",
        "corrective_plan[0].action": "Fix the filter and run the export again",
    }
    incident, _ = store.read(Workspace(out), "MEP-2026-003")
    from meptool.incident.translate import wanted

    for w in wanted(incident, "en"):
        english.setdefault(w.path, "The export was generated again and checked.")
    _translate_example(run, "MEP-2026-003", english)
    assert _every_variant(run, out, "MEP-2026-003") == []
