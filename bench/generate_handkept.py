"""Write N incident files shaped like the ones a team keeps by hand over years.

    python bench/generate_handkept.py N DIR [--seed S]

The second data shape of the benchmarks (`bench/generate.py` is the first). It
differs where hand-kept files differ from generated ones: long timelines (50 to
200 entries, written during a long incident by several people), many client
contacts, five clients, comments everywhere (a header, section notes, trailing
remarks), every way of writing a string (plain, 'single' and "double" quoted
with escapes, folded `>` and literal `|` blocks, plain scalars running over
several lines), times in every form YAML allows (offsets, `Z`, naive, quoted,
with a space instead of `T`), flow lists next to block lists, keys in another
order than meptool writes them, and about one file in 400 that does not
validate (a typo in a value, an unknown key, a bad date, a duplicate key, a tab
in the indentation), as in any real folder. Deterministic for a seed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
CLIENTS = [
    ("Pharmacie du Sud", "Commande en ligne", "pharmasud.example"),
    ("Groupe Vallée", "Extranet adhérents", "vallee.example"),
    ("Nordlicht AG", "Partner portal", "nordlicht.example"),
    ("Éditions Marguerite", "Boutique de livres", "marguerite.example"),
    ("Transports Loïc & Fils", "Suivi des livraisons", "loic-fils.example"),
]
FIRST = ["Camille", "Nicolas", "Inès", "Hugo", "Chloé", "Mehdi", "Zoé", "Louis", "Yasmine"]
LAST = ["Garnier", "Rousseau", "N'Diaye", "Fontaine", "Lambert", "Chevalier", "Nguyen", "Roux"]
ROLES = ["DSI", "Responsable e-commerce", "Head of IT", "Chef de projet", "Support N2", "CTO"]
TEAM = ["Julie Leroy", "Karim Benali", "Sophie Durand", "Marc Petit", "Tom O'Brien", "Ana Ruiz"]
NOTES = [
    "Relance du job d'import, même erreur",
    "Le client confirme : plus aucune commande depuis 14 h",
    'Logs: "TimeoutError: upstream took 30s"',
    "Rollback préparé mais pas lancé (attente du go client)",
    "Point avec l'hébergeur : incident réseau chez eux aussi ?",
    "Correctif déployé en recette, tests en cours",
    "Taux d'erreur revenu à 0,2 % — on surveille",
    "L'équipe support a reçu 40 appels",
    "Hypothèse écartée : le cache CDN n'est pas en cause",
    "Nouvelle alerte à 3 h du matin, astreinte réveillée",
]
SEVERITIES = ["critical", "major", "major", "minor", "minor"]
STATUSES = ["open", "acknowledged", "mitigated", "resolved", "closed", "closed", "closed"]
CATEGORIES = ["testing", "configuration", "infrastructure", "third-party", "process", "other"]
KINDS = ["note", "status", "update", "detection"]


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _quote(rng: random.Random, text: str) -> str:
    """The text as a person may write it: plain, single- or double-quoted."""
    style = rng.random()
    if style < 0.4 and not any(c in text for c in ":#'\",[]{}-") and not text[:1].isdigit():
        return text
    if style < 0.7:
        return "'" + text.replace("'", "''") + "'"
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _time(rng: random.Random, moment: dt.datetime) -> str:
    """A time in one of the forms people type."""
    local = moment.astimezone(PARIS)
    form = rng.randrange(6)
    if form == 0:
        return local.isoformat(timespec="seconds")
    if form == 1:
        return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if form == 2:
        return local.strftime("%Y-%m-%d %H:%M:%S")  # naive: read in the workspace zone
    if form == 3:
        return '"' + local.isoformat() + '"'
    if form == 4:
        return local.strftime("%Y-%m-%d %H:%M:%S ") + local.isoformat()[-6:]
    return local.replace(tzinfo=None).isoformat(timespec="seconds")


def _block(rng: random.Random, text: str, indent: str) -> str:
    """A long text as a folded or literal block, or a plain scalar over several lines."""
    words = text.split()
    lines, line = [], ""
    for word in words:
        if len(line) + len(word) > 60:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    style = rng.randrange(3)
    if style == 0:
        return " >-\n" + "".join(f"{indent}  {x}\n" for x in lines)
    if style == 1:
        return " |\n" + "".join(f"{indent}  {x}\n" for x in lines)
    if ":" in text or "#" in text or text[:1] in "'\"-[{":
        return " " + _quote(rng, text) + "\n"
    return " " + lines[0] + "\n" + "".join(f"{indent}  {x}\n" for x in lines[1:])


def incident(rng: random.Random, number: int, start: dt.datetime) -> tuple[str, str]:  # noqa: PLR0915
    """(ID, YAML text) of one hand-kept incident."""
    year = start.year
    inc_id = f"MEP-{year}-{number:04d}"
    client, project, domain = rng.choice(CLIENTS)
    severity = rng.choice(SEVERITIES)
    status = rng.choice(STATUSES)
    done = status in ("resolved", "closed")
    detected = start + dt.timedelta(minutes=rng.randrange(0, 600))
    out: list[str] = [
        f"# {inc_id} — tenu à la main par l'équipe ({client})",
        "# Ne pas renommer les clés : meptool les lit.",
        "",
        f"id: {inc_id}",
        "schema_version: 1",
        f"title: {_quote(rng, rng.choice(NOTES) + f' ({number})')}",
        f"severity: {severity}   # revue en comité du lundi",
        f"status: {status}",
        f"project: {_quote(rng, project)}",
        f"language: {rng.choice(['fr', 'fr', 'en'])}",
        f"detected_at: {_time(rng, detected)}",
        f"detected_by: {_person(rng)}",
        "",
        "client:",
        f"  name: {_quote(rng, client)}",
        "  # tous les contacts du client, à jour au dernier comité",
        "  contacts:",
    ]
    for k in range(rng.randrange(8, 25)):
        name = _person(rng)
        if rng.random() < 0.3:
            out.append(
                f"    - {{name: {_quote(rng, name)}, email: c{k}@{domain},"
                f" kind: {rng.choice(['decision-maker', 'domain-expert', 'other'])}}}"
            )
        else:
            out.append(f"    - name: {_quote(rng, name)}")
            out.append(f"      email: c{k}@{domain}")
            out.append(f"      role: {_quote(rng, rng.choice(ROLES))}")
            if rng.random() < 0.5:
                out.append("      kind: decision-maker  # signe les avenants")
    members = rng.sample(TEAM, 3)
    out += [
        "team:",
        "  lead:",
        f"    name: {TEAM[0]}",
        "    email: julie.leroy@agence.example",
        f"  members: [{', '.join(members)}]",
        "",
        "impact:",
        "  summary:"
        + _block(
            rng,
            f"Les utilisateurs de {client} ne peuvent plus passer commande ; "
            "le service client est saturé et les ventes du jour sont perdues.",
            "  ",
        ).rstrip("\n"),
        f"  started_at: {_time(rng, detected - dt.timedelta(minutes=rng.randrange(5, 90)))}",
    ]
    end = detected + dt.timedelta(hours=rng.randrange(2, 200))
    if done:
        out.append(f"  ended_at: {_time(rng, end)}")
    ack = detected + dt.timedelta(minutes=rng.randrange(5, 240))
    if status != "open":
        out += [
            "",
            "acknowledgement:",
            f"  at: {_time(rng, ack)}",
            f"  by: {TEAM[0]}",
            "  statement:"
            + _block(
                rng,
                "La mise en production de mardi a introduit une erreur. C'est notre "
                "erreur : nous en prenons la responsabilité et l'équipe y travaille.",
                "  ",
            ).rstrip("\n"),
        ]
    out += ["", "# le fil de l'incident, dans l'ordre (ajouts à la fin)", "timeline:"]
    moment = detected
    span = max(end - detected, dt.timedelta(hours=2))
    entries = rng.randrange(50, 201)
    step = span / entries
    for k in range(entries):
        moment += step * rng.uniform(0.5, 1.5)
        note = rng.choice(NOTES)
        if rng.random() < 0.15:
            out.append(
                f"  - {{at: {_time(rng, moment).strip(chr(34))}, text: {_quote(rng, note)}}}"
            )
            continue
        out.append(f"  - at: {_time(rng, moment)}")
        if rng.random() < 0.1:
            out.append("    text:" + _block(rng, note + ". " + rng.choice(NOTES), "    ").rstrip())
        else:
            out.append(f"    text: {_quote(rng, note)}")
        if rng.random() < 0.5:
            out.append(f"    visibility: {rng.choice(['client', 'internal'])}")
        if rng.random() < 0.4:
            out.append(f"    kind: {rng.choice(KINDS)}")
        if rng.random() < 0.5:
            out.append(f"    by: {_quote(rng, rng.choice(TEAM))}")
        if k % 40 == 39:
            out.append("    # (relu en rétro)")
    out += ["", "communications:"]
    sent = detected + dt.timedelta(minutes=30)
    for seq in range(1, rng.randrange(3, 20)):
        sent += dt.timedelta(minutes=rng.randrange(30, 600))
        out += [
            f"  - seq: {seq}",
            f"    at: {_time(rng, sent - dt.timedelta(minutes=10))}",
            f"    audience: {rng.choice(['all', 'decision-makers', 'domain-experts'])}",
            "    language: fr",
            f"    subject: {_quote(rng, f'[{inc_id}] Point de situation n°{seq}')}",
            f"    files: [incidents/{inc_id}/updates/{seq:03d}.md]",
            "    status: sent",
            f"    sent_at: {_time(rng, sent)}",
            f"    recipients: [c0@{domain}, c1@{domain}]",
        ]
    if status != "open":
        out += [
            "",
            "root_cause:",
            f"  category: {rng.choice(CATEGORIES)}",
            "  summary:" + _block(rng, rng.choice(NOTES), "  ").rstrip(),
            "  whys:",
            *[f"    - {_quote(rng, rng.choice(NOTES))}" for _ in range(rng.randrange(2, 6))],
        ]
        if rng.random() < 0.7:
            out.append(
                "  escape:"
                + _block(rng, "Aucun test de bout en bout ne couvre ce parcours.", "  ").rstrip()
            )
        out += ["", "corrective_plan:"]
        for k in range(1, rng.randrange(2, 12)):
            due = (detected + dt.timedelta(days=rng.randrange(3, 90))).date()
            out += [
                f"  - id: A{k}",
                f"    action: {_quote(rng, 'Ajouter un test : ' + rng.choice(NOTES))}",
                f"    owner: {rng.choice(TEAM)}",
                f"    due: {due.isoformat()}",
                f"    status: {rng.choice(['todo', 'doing', 'done'])}",
            ]
    if done and rng.random() < 0.6:
        out += ["", "feedback:"]
        for _ in range(rng.randrange(1, 4)):
            at = end + dt.timedelta(days=rng.randrange(1, 20))
            out += [
                f"  - at: {_time(rng, at)}",
                f"    csat: {rng.randrange(1, 6)}",
                f"    comment: {_quote(rng, 'Merci pour la transparence, mais trop long.')}",
            ]
    if not done:
        out.append(f"\nnext_update_due: {_time(rng, sent + dt.timedelta(hours=4))}")
    out.append("")
    return inc_id, "\n".join(out) + "\n"


BREAKS = [
    ("severity: ", "severity: urgent  # "),  # not one of the severities
    ("status: ", "statut: "),  # unknown key (and status missing)
    ("detected_at: ", "detected_at: 2025-13-45 "),  # not a time
    ("schema_version: 1", "schema_version: 1\nid: MEP-1999-0001"),  # duplicate key
    ("team:\n  lead:", "team:\n\tlead:"),  # a tab in the indentation
]


def generate(n: int, root: Path, seed: int = 7, invalid_every: int = 400) -> Path:
    """A workspace of `n` hand-kept incidents (one in `invalid_every` invalid) in `root`."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / "meptool.yaml").write_text(
        "# workspace de l'agence — clients du pôle commerce\n"
        "prefix: MEP\nlanguage: fr\ntimezone: Europe/Paris\n"
        'project: "Plateforme commerce"\nclient:\n  name: Pharmacie du Sud\n'
        "mail_domain: agence.example\n",
        encoding="utf-8",
    )
    base = dt.datetime(2024, 1, 1, 9, tzinfo=PARIS)
    counters: dict[int, int] = {}
    for k in range(n):
        start = base + dt.timedelta(hours=k * 26_000 / max(n, 1) + rng.randrange(0, 12))
        counters[start.year] = counters.get(start.year, 0) + 1
        inc_id, text = incident(rng, counters[start.year], start)
        if k % invalid_every == invalid_every // 2 - 1:
            old, new = BREAKS[(k // invalid_every) % len(BREAKS)]
            text = text.replace(old, new, 1)
        folder = root / "incidents" / inc_id
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "incident.yaml").write_text(text, encoding="utf-8")
    return root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("dir", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    generate(args.n, args.dir, args.seed)
    print(f"{args.n} incidents in {args.dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
