"""Generate a workspace of many varied, valid incidents (for portfolio tests and benchmarks).

Usable as a module (`generate(root, count, seed)`) or a script:
    python tests/gen.py PATH [COUNT] [SEED]
It writes the files directly (no meptool code), so it also checks that the
reader accepts what a person or another tool could write.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

TZ = ZoneInfo("Europe/Paris")
CLIENTS = ["Maison Dupont", "Brasserie Lumière", "Atelier Nord", "Pharma Sud"]
OWNERS = ["Karim Benali", "Sophie Durand", "Julie Leroy", "Lucas Martin", None]
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
ESCAPES = [
    "La recette ne couvre pas ce cas.",
    "Aucune alerte après la mise en production.",
    "La revue de code n'a pas vu la migration.",
    "Pas de test de charge avant la MEP.",
]
SEVERITIES = ["critical", "major", "minor"]
STATUSES = ["open", "acknowledged", "mitigated", "resolved", "closed"]
CONFIG = """\
prefix: MEP
language: {lang}
timezone: Europe/Paris
project: Boutique en ligne
client:
  name: Maison Dupont
team:
  lead:
    name: Julie Leroy
    email: julie.leroy@agence.example
  members: [Karim Benali, Sophie Durand]
update_cadence:
  critical: 2h
  major: 4h
  minor: 1d
"""


def _iso(t: dt.datetime) -> str:
    return t.isoformat(timespec="seconds")


def incident(rng: random.Random, year: int, number: int, now: dt.datetime) -> dict[str, object]:
    """One random but coherent incident."""
    start = dt.datetime(year, 1, 1, 8, tzinfo=TZ) + dt.timedelta(
        days=rng.randrange(0, 320), hours=rng.randrange(0, 12), minutes=rng.randrange(0, 60)
    )
    severity = rng.choice(SEVERITIES)
    status = rng.choices(STATUSES, weights=[1, 1, 1, 3, 3])[0]
    rank = STATUSES.index(status)
    detected = start + dt.timedelta(minutes=rng.randrange(1, 300))
    client = rng.choice(CLIENTS)
    timeline: list[dict[str, object]] = [
        {"at": _iso(detected), "text": "Incident opened", "kind": "detection", "status": "open"}
    ]
    t = detected
    for step in STATUSES[1 : rank + 1]:
        t += dt.timedelta(minutes=rng.randrange(5, 600))
        timeline.append(
            {
                "at": _iso(t),
                "text": f"Status {step}",
                "kind": "status",
                "status": step,
                "visibility": "client",
            }
        )
    comms = []
    c = detected
    for seq in range(1, rng.randrange(0, 5) + 1):
        c += dt.timedelta(minutes=rng.randrange(20, 400))
        comms.append(
            {
                "seq": seq,
                "at": _iso(c),
                "audience": "decision-makers",
                "language": "fr",
                "subject": f"Point n° {seq}",
                "status": "sent",
                "sent_at": _iso(c),
            }
        )
    data: dict[str, object] = {
        "schema_version": 1,
        "id": f"MEP-{year}-{number:03d}",
        "title": f"Incident {number}",
        "severity": severity,
        "status": status,
        "release": {"version": f"v{number}.0", "deployed_at": _iso(start)},
        "detected_at": _iso(detected),
        "impact": {"summary": "Le site est lent.", "started_at": _iso(start)},
        "client": {"name": client},
        "timeline": timeline,
        "communications": comms,
    }
    if rng.random() < 0.8:
        data["root_cause"] = {
            "summary": "Une régression.",
            "category": rng.choice(CATEGORIES),
            "whys": ["Pourquoi 1", "Pourquoi 2"],
            "escape": rng.choice(ESCAPES),
        }
    actions = []
    for i in range(1, rng.randrange(0, 4) + 1):
        due = (detected + dt.timedelta(days=rng.randrange(1, 40))).date()
        action: dict[str, object] = {
            "id": f"A{i}",
            "action": f"Action {i}",
            "type": rng.choice(["corrective", "preventive"]),
            "due": due.isoformat(),
            "status": rng.choice(["todo", "doing", "done"]),
            "client_visible": rng.random() < 0.5,
        }
        owner = rng.choice(OWNERS)
        if owner:
            action["owner"] = owner
        actions.append(action)
    data["corrective_plan"] = actions
    if rank >= 3 and rng.random() < 0.6:
        data["feedback"] = [
            {
                "at": _iso(t + dt.timedelta(days=rng.randrange(1, 5))),
                "by": "Claire Martin",
                "csat": rng.randrange(1, 6),
                "comment": "Merci.",
            }
        ]
    return data


def generate(
    root: Path, count: int = 300, seed: int = 5, *, lang: str = "fr", invalid: int = 1
) -> Path:
    """Write a workspace of `count` incidents (plus `invalid` broken files) under `root`."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / "meptool.yaml").write_text(CONFIG.format(lang=lang), encoding="utf-8")
    now = dt.datetime(2026, 11, 21, 9, 30, tzinfo=TZ)
    for number in range(1, count + 1):
        data = incident(rng, 2026, number, now)
        folder = root / "incidents" / str(data["id"])
        folder.mkdir(parents=True, exist_ok=True)
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        (folder / "incident.yaml").write_text(text, encoding="utf-8")
    for i in range(invalid):
        folder = root / "incidents" / f"MEP-2025-{900 + i}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "incident.yaml").write_text("schema_version: 1\nid: [broken\n", encoding="utf-8")
    return root


if __name__ == "__main__":  # pragma: no cover
    target = Path(sys.argv[1])
    generate(
        target,
        int(sys.argv[2]) if len(sys.argv) > 2 else 300,
        int(sys.argv[3]) if len(sys.argv) > 3 else 5,
    )
    print(target)
