"""Write N varied, valid incident files into a workspace, for benchmarks and tests.

    python bench/generate.py N DIR [--seed S]

The files look hand-written: comments, blank lines, quoted and unquoted
scalars, flow and block lists, times with and without an offset (naive ones
read in the workspace time zone), times around the daylight-saving changes,
every severity, status, language, root-cause category, plans, client updates,
feedback and retrospectives, spread over two years. Deterministic for a seed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
SEVERITIES = ["critical", "major", "minor"]
STATUSES = ["open", "acknowledged", "mitigated", "resolved", "closed"]
CATEGORIES = [
    "testing",
    "code-review",
    "configuration",
    "infrastructure",
    "third-party",
    "requirements",
    "process",
    "other",
]
CLIENTS = [
    ("Maison Dupont", "Boutique en ligne"),
    ("Acme Logistics", "Tracking portal"),
    ("Brasserie Lefèvre", "Réservations"),
    ("Nordwind GmbH", "B2B shop"),
    ("Café Ōsaka", "Loyalty app"),
    ("Hôpital Saint-Éloi", "Prise de rendez-vous"),
]
PEOPLE = [
    "Julie Leroy",
    "Karim Benali",
    "Sophie Durand",
    "Marc Petit",
    "Claire Martin",
    "Léa Moreau",
    "Tom O'Brien",
    "Ana Ruiz",
]
TITLES_FR = [
    "Paiement refusé pour les cartes étrangères",
    "Exports CSV des commandes vides",
    "Connexion impossible après la mise à jour",
    "Emails de confirmation envoyés deux fois",
    "Prix affichés sans la TVA",
    "Recherche produit très lente: 12 s par requête",
]
TITLES_EN = [
    "Checkout rejects foreign cards",
    "Order export arrives empty",
    "Login loop after the release",
    "Confirmation e-mails sent twice",
    "Prices shown without VAT",
    "Search takes 12 s: # of results capped",
]
WHYS = [
    "The new rule rejected responses without strong authentication.",
    "It was only tested with domestic cards.",
    "The test data set has no foreign card.",
    "Nobody owns the test data set.",
    "The release checklist does not mention payments.",
]
# Times around the 2025 and 2026 daylight-saving changes in Europe/Paris.
DST = [
    dt.datetime(2025, 3, 30, 1, 30),
    dt.datetime(2025, 10, 26, 1, 45),
    dt.datetime(2026, 3, 29, 1, 50),
    dt.datetime(2026, 10, 25, 1, 40),
]


def q(text: str) -> str:
    """A double-quoted YAML scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def scalar(rng: random.Random, text: str) -> str:
    """Text written the way people do: plain when safe, else quoted."""
    risky = any(c in text for c in ":#'\"{}[],&*!|>%@`") or text[:1] in "-?0123456789 "
    if risky or rng.random() < 0.3:
        return q(text)
    return text


def when(rng: random.Random, moment: dt.datetime) -> str:
    """A time in one of the accepted spellings."""
    local = moment.astimezone(PARIS)
    style = rng.randrange(5)
    if style == 0:  # naive: read in the workspace time zone
        return local.replace(tzinfo=None).isoformat()
    if style == 1:
        return local.isoformat()
    if style == 2:
        return q(local.isoformat())
    if style == 3:
        return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return local.strftime("%Y-%m-%d %H:%M:%S%z")[:-2] + ":" + local.strftime("%z")[-2:]


def communications(
    rng: random.Random, number: int, stage: int, *, lang: str, client: str, detected: dt.datetime
) -> list[str]:
    """The client updates of an incident: drafts, approvals, sends."""
    lines: list[str] = []
    comms = rng.randrange(0, 5) if stage >= 1 else 0
    if comms:
        lines += ["", "communications:"]
        sent_at = detected
        for seq in range(1, comms + 1):
            sent_at += dt.timedelta(minutes=rng.randrange(30, 400))
            state = "sent" if seq < comms else rng.choice(["draft", "approved", "sent"])
            audience = rng.choice(["decision-makers", "domain-experts", "all"])
            lines += [
                f"  - seq: {seq}",
                f"    at: {when(rng, sent_at - dt.timedelta(minutes=10))}",
                f"    audience: {audience}",
                f"    language: {lang}",
                f"    subject: {q(f'[{client}] Incident {number}: update {seq}')}",
                f"    files: [updates/{seq:03d}-{audience}-{lang}.eml]",
                f"    status: {state}",
            ]
            if state in ("approved", "sent"):
                lines += [
                    f"    approved_by: {scalar(rng, rng.choice(PEOPLE))}",
                    f"    approved_at: {when(rng, sent_at - dt.timedelta(minutes=5))}",
                ]
            if state == "sent":
                lines += [
                    f"    sent_at: {when(rng, sent_at)}",
                    f"    recipients: [contact0@client{number % 7}.example]",
                    f"    message_id: {q(f'<mep-{number}-{seq}@agence.example>')}",
                ]
    return lines


def incident(rng: random.Random, year: int, number: int, start: dt.datetime) -> str:
    """The text of one incident file."""
    lang = rng.choice(["fr", "en"])
    severity = rng.choice(SEVERITIES)
    status = rng.choice(STATUSES)
    client, project = rng.choice(CLIENTS)
    title = rng.choice(TITLES_FR if lang == "fr" else TITLES_EN)
    stage = STATUSES.index(status)
    detected = start + dt.timedelta(minutes=rng.randrange(5, 600))
    lines = [
        "# yaml-language-server: $schema=../../schemas/incident.schema.json",
        "schema_version: 1",
        f"id: MEP-{year}-{number:04d}",
        f"title: {scalar(rng, f'{title} ({number})')}",
        f"project: {scalar(rng, project)}",
        f"language: {lang}",
        f"severity: {severity}",
        f"status: {status}",
        "",
        "release:",
        f"  version: v{rng.randrange(1, 5)}.{rng.randrange(0, 20)}.{rng.randrange(0, 9)}",
        f"  deployed_at: {when(rng, start)}",
        "  environment: production",
        f"  commit: {q(f'{rng.getrandbits(160):040x}')}",
        f"  pipeline_url: https://ci.example/{project.split()[0].lower()}/pipelines/{number}",
        "",
        f"detected_at: {when(rng, detected)}",
        f"detected_by: {scalar(rng, rng.choice(PEOPLE))}",
        "impact:",
        f"  summary: {scalar(rng, f'Les clients de {client} ne peuvent pas payer.')}",
        f"  users_affected: {q(f'environ {rng.randrange(10, 5000)} commandes')}",
        f"  started_at: {when(rng, start)}",
    ]
    if stage >= 2:
        lines.append(
            f"  ended_at: {when(rng, detected + dt.timedelta(hours=rng.randrange(1, 30)))}"
        )
    lines += ["", "client:", f"  name: {scalar(rng, client)}", "  contacts:"]
    for i in range(rng.randrange(1, 4)):
        name = rng.choice(PEOPLE)
        kind = rng.choice(["decision-maker", "domain-expert", "other"])
        lines += [
            f"    - name: {scalar(rng, name)}",
            f"      email: contact{i}@client{number % 7}.example",
            f"      role: {scalar(rng, rng.choice(['CTO', 'Directrice e-commerce', 'Ops']))}",
            f"      kind: {kind}",
        ]
    members = ", ".join(rng.sample(PEOPLE, 2))
    lines += [
        "team:",
        "  lead:",
        f"    name: {scalar(rng, rng.choice(PEOPLE))}",
        "    email: lead@agence.example",
        '    phone: "+33 1 23 45 67 89"',
        f"  members: [{members}]",
    ]
    if stage >= 1:
        lines += [
            "",
            "acknowledgement:",
            f"  at: {when(rng, detected + dt.timedelta(minutes=20))}",
            f"  by: {scalar(rng, rng.choice(PEOPLE))}",
            "  statement: >-",
            "    La mise en production a introduit une erreur. C'est notre erreur : nous en",
            "    prenons la responsabilité et l'équipe est mobilisée.",
        ]
    lines += ["", "timeline:"]
    moment = detected
    for i in range(rng.randrange(1, 9)):
        moment += dt.timedelta(minutes=rng.randrange(5, 300))
        vis = rng.choice(["client", "internal"])
        lines += [
            f"  - at: {when(rng, moment)}",
            f"    text: {scalar(rng, f'Step {i}: {rng.choice(WHYS)}')}",
        ]
        if rng.random() < 0.7:
            lines.append(f"    visibility: {vis}")
        if rng.random() < 0.4:
            lines.append(f"    kind: {rng.choice(['note', 'status', 'update'])}")
            lines.append(f"    by: {scalar(rng, rng.choice(PEOPLE))}")
    if stage >= 2 or rng.random() < 0.3:
        whys = rng.sample(WHYS, rng.randrange(1, 6))
        lines += [
            "",
            "root_cause:",
            f"  summary: {scalar(rng, rng.choice(WHYS))}",
            f"  category: {rng.choice(CATEGORIES)}",
            "  whys:",
            *(f"    - {scalar(rng, w)}" for w in whys),
            "  contributing_factors:",
            "    - MEP un vendredi soir, avec une équipe réduite.",
            "  escape: >-",
            "    La recette ne couvre pas ce cas, et aucune vérification après MEP ne",
            "    suit le taux d'erreurs.",
        ]
    if rng.random() < 0.8:
        lines += ["", "corrective_plan:"]
        for i in range(rng.randrange(1, 6)):
            due = (detected + dt.timedelta(days=rng.randrange(-20, 40))).date()
            lines += [
                f"  - id: A{i + 1}",
                f"    action: {scalar(rng, rng.choice(WHYS))}",
                f"    type: {rng.choice(['corrective', 'preventive'])}",
                f"    owner: {scalar(rng, rng.choice(PEOPLE))}",
                f"    due: {due.isoformat()}",
                f"    status: {rng.choice(['todo', 'doing', 'done'])}",
                f"    effort_days: {rng.choice(['1', '0.5', '2', '1.5', '3'])}",
                f"    client_visible: {rng.choice(['true', 'false'])}",
            ]
    if rng.random() < 0.5:
        lines += [
            "",
            "schedule_impact:",
            f"  delay_days: {rng.randrange(0, 10)}",
            f"  budget_impact: {q('3,5 jours pris en charge par l’agence')}",
            f"  new_delivery_date: {(detected + dt.timedelta(days=15)).date().isoformat()}",
            f"  client_agreement: {rng.choice(['pending', 'agreed', 'refused'])}",
        ]
    lines += communications(rng, number, stage, lang=lang, client=client, detected=detected)
    if stage < 3 and rng.random() < 0.6:
        due_at = detected + dt.timedelta(hours=rng.randrange(1, 48))
        lines += ["", f"next_update_due: {when(rng, due_at)}"]
    if stage >= 3 and rng.random() < 0.7:
        lines += ["", "feedback:"]
        for _ in range(rng.randrange(1, 3)):
            lines += [
                f"  - at: {when(rng, detected + dt.timedelta(days=rng.randrange(1, 10)))}",
                f"    by: {scalar(rng, rng.choice(PEOPLE))}",
                f"    csat: {rng.randrange(1, 6)}",
                f"    comment: {scalar(rng, 'Réactifs et transparents, merci.')}",
            ]
        lines += [
            "",
            "retro:",
            "  went_well: [Acknowledged within 20 minutes]",
            "  went_badly:",
            "    - Friday evening release",
            "  lessons:",
            f"    - {scalar(rng, rng.choice(WHYS))}",
        ]
    return "\n".join(lines) + "\n"


def generate(n: int, root: Path, seed: int = 7) -> list[Path]:
    """Write a workspace with `n` incidents in `root`; return the incident files."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    config = root / "meptool.yaml"
    if not config.exists():
        config.write_text(
            "prefix: MEP\nlanguage: fr\ntimezone: Europe/Paris\nproject: Boutique en ligne\n"
            "client:\n  name: Maison Dupont\nmail_domain: agence.example\n",
            encoding="utf-8",
        )
    (root / ".gitignore").write_text(".meptool/\n", encoding="utf-8")
    first = dt.datetime(2025, 1, 1, 8, 0, tzinfo=PARIS)
    span = 2 * 365 * 24 * 60
    written: list[Path] = []
    counters: dict[int, int] = {}
    for i in range(n):
        if i % 10 == 3:
            start = DST[i % len(DST)].replace(tzinfo=PARIS) + dt.timedelta(minutes=i % 90)
        else:
            start = first + dt.timedelta(minutes=span * i // max(n, 1) + rng.randrange(60))
        year = start.year
        counters[year] = counters.get(year, 0) + 1
        number = counters[year]
        folder = root / "incidents" / f"MEP-{year}-{number:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "incident.yaml"
        path.write_text(incident(rng, year, number, start), encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="how many incidents")
    parser.add_argument("dir", type=Path, help="workspace folder (created)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    files = generate(args.n, args.dir, args.seed)
    print(f"wrote {len(files)} incidents in {args.dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
