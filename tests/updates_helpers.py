"""Helpers shared by the client-update tests."""

from __future__ import annotations

import hashlib
import os
import socket
from pathlib import Path

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
ID = "MEP-2026-001"

ENGLISH = """\
schema_version: 1
id: MEP-2026-003
title: Checkout rejects foreign cards after release 2.3.0
project: Online shop
language: en
severity: critical
status: mitigated
release:
  version: v2.3.0
  deployed_at: 2026-11-20T17:30:00+01:00
detected_at: 2026-11-20T18:40:00+01:00
impact:
  summary: Customers paying with a card issued outside France see their payment refused.
  users_affected: about 1,200 blocked orders
  started_at: 2026-11-20T17:30:00+01:00
  ended_at: 2026-11-20T21:15:00+01:00
client:
  name: Dupont Stores
  contacts:
    - name: Claire Martin
      email: claire.martin@maison-dupont.example
      role: Head of e-commerce
      kind: decision-maker
      greeting: Dear Ms Martin,
    - name: Marc Petit
      email: marc.petit@maison-dupont.example
      role: Logistics manager
      kind: domain-expert
team:
  lead: {name: Julie Leroy, email: julie.leroy@agence.example, phone: "+33 1 23 45 67 89"}
  members: [Karim Benali, Sophie Durand]
acknowledgement:
  at: 2026-11-20T19:05:00+01:00
  by: Julie Leroy
  statement: >-
    Release 2.3.0 introduced an error that blocks payments by foreign cards. It is our
    mistake: we take full responsibility, and the whole team is working to fix it.
timeline:
  - at: 2026-11-20T18:55:00+01:00
    text: Karim spots the 3-D Secure rule changed in 2.3.0.
    visibility: internal
  - at: 2026-11-20T21:15:00+01:00
    text: Previous payment rule restored; payments go through again.
    visibility: client
root_cause:
  client_summary: >-
    A new payment security rule, tested only with French cards, refused cards issued
    abroad.
  summary: >-
    Release 2.3.0 required a 3-D Secure check that foreign test banks did not answer,
    so cards from outside France were refused.
  category: testing
  escape: Our acceptance tests only use French cards.
corrective_plan:
  - {id: A1, action: Fix the 3-D Secure rule and redeploy it, owner: Karim Benali,
     due: 2026-11-23, status: doing, client_visible: true}
  - {id: A2, action: Add foreign cards to the payment acceptance tests, type: preventive,
     owner: Sophie Durand, due: 2026-11-27, client_visible: true}
  - {id: A3, action: Alert on the payment refusal rate after each release, type: preventive,
     owner: Karim Benali, due: 2026-11-30, client_visible: false}
schedule_impact:
  delay_days: 3
  budget_impact: 3.5 days covered by the agency, at no cost to Dupont Stores
  new_delivery_date: 2026-12-04
  client_agreement: pending
"""


def add_english(root: Path) -> str:
    """Write the English incident MEP-2026-003 into a workspace; return its ID."""
    folder = root / "incidents" / "MEP-2026-003"
    folder.mkdir(parents=True)
    (folder / "incident.yaml").write_text(ENGLISH, encoding="utf-8")
    return "MEP-2026-003"


def snapshot(name: str, actual: str) -> None:
    """Compare with tests/snapshots/NAME; MEPTOOL_UPDATE_SNAPSHOTS=1 rewrites it."""
    path = SNAPSHOTS / name
    if os.environ.get("MEPTOOL_UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.is_file(), f"no snapshot {path}: run 'make snapshots'"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} differs from its snapshot; 'make snapshots' if intended"


def manifest_sha(root: Path, files: list[str]) -> str:
    """The documented fingerprint: sha256 of `sha256sum FILES` output."""
    lines = "".join(f"{hashlib.sha256((root / f).read_bytes()).hexdigest()}  {f}\n" for f in files)
    return hashlib.sha256(lines.encode()).hexdigest()


def set_smtp(root: Path, port: int, **extra: object) -> None:
    """Point the workspace at a local SMTP server."""
    lines = [f"smtp:\n  host: 127.0.0.1\n  port: {port}\n  timeout: 5\n"]
    extra.setdefault("starttls", False)
    for key, value in extra.items():
        text = str(value).lower() if isinstance(value, bool) else str(value)
        lines.append(f"  {key}: {text}\n")
    config = root / "meptool.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "".join(lines), encoding="utf-8")


class Handler:
    """Accept everyone but the refused addresses; keep what arrives."""

    def __init__(self, refused: set[str]) -> None:
        self.refused = refused
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address in self.refused:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
