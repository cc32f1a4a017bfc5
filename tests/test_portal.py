"""`meptool portal build`: what the client sees, the feeds, reproducible and incremental builds."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import html
import json
import re
from pathlib import Path

import feedparser
import icalendar
import pytest
import yaml

from portal_helpers import ID, SITE, all_files, rich


@pytest.fixture
def ws(example: Path, run_in, smtp_server) -> Path:
    """The example workspace with two updates really sent, a draft, the client retro."""
    _, port = smtp_server()
    rich(example, run_in(example), port)
    return example


def build(run_in, root: Path, *args: str):
    return run_in(root)("portal", "build", *args)


def sent_texts(root: Path) -> list[str]:
    doc = yaml.safe_load((root / "incidents" / ID / "incident.yaml").read_text("utf-8"))
    out = []
    for comm in doc["communications"]:
        if comm["status"] == "sent":
            eml = next(f for f in comm["files"] if f.endswith(".eml"))
            msg = email.message_from_bytes((root / eml).read_bytes(), policy=email.policy.default)
            body = msg.get_body(preferencelist=("plain",)).get_content()
            out.append(body.replace("\r\n", "\n"))  # line ends are the wire's, not the text's
    return out


def text_of(page: Path) -> str:
    """The text a reader sees (tags dropped, entities decoded, no-break spaces as spaces)."""
    text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text("utf-8")))
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def test_the_client_home_and_the_incident_page(ws: Path, run_in) -> None:
    result = build(run_in, ws)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"{SITE}/index.html"
    assert '<html lang="fr">' in (ws / SITE / "index.html").read_text("utf-8")
    home = text_of(ws / SITE / "index.html")
    # open incidents first, the critical one on top, in the client's words
    first, second = home.index("Paiement refusé"), home.index("Exports CSV")
    assert first < second < home.index("Incidents passés")
    assert "Service rétabli, correction en cours" in home and "En cours d'analyse" in home
    assert "mitigated" not in home and "acknowledged" not in home
    assert "Dernier point envoyé : 21 novembre 2026 à 8 h 50" in home
    assert "Prochain point prévu" in home
    page = text_of(ws / SITE / "fr" / f"{ID}.html")
    # every update exactly as it left, in thread order, with the recipients' names
    texts = [s.replace("\u00a0", " ").replace("\u202f", " ") for s in sent_texts(ws)]
    assert len(texts) == 2
    positions = [page.index(t) for t in texts]
    assert positions == sorted(positions)
    assert "Claire Martin, Marc Petit" in page
    assert "20 novembre 2026 à 19 h 30" in page
    # client-visible actions, renumbered without the hidden one
    assert "Corriger la règle 3-D Secure" in page and "Karim Benali" in page
    assert "Alerte sur le taux de refus" not in page  # client_visible: false
    assert "0 action faite sur 2" in page
    assert "3 jours" in page and "4 décembre 2026" in page
    assert "en attente de votre réponse" in page
    # the timeline in sentences, not meptool's log lines
    assert "Le problème a été détecté." in page
    assert "Point de situation envoyé à" not in page.split("Les points envoyés")[0]
    assert "Karim identifie" not in page  # internal
    # the client retrospective, as written
    retro = ws / SITE / "retro" / f"{ID}.html"
    assert retro.read_bytes() == (ws / "incidents" / ID / "retro-client.html").read_bytes()
    assert f'href="../retro/{ID}.html"' in (ws / SITE / "fr" / f"{ID}.html").read_text("utf-8")
    # the draft left unsent is nowhere
    assert "Point n° 3" not in page
    # the English pages: words in English, the texts marked as French
    en = (ws / SITE / "en" / f"{ID}.html").read_text("utf-8")
    assert '<html lang="en">' in en and "Service restored, fix under way" in en
    assert '<pre class="mailtext" lang="fr">' in en and "Written in French." in en


def test_the_atom_feed_reads_back(ws: Path, run_in) -> None:
    assert build(run_in, ws).exit_code == 0
    feed = feedparser.parse((ws / SITE / "fr" / "feed.atom").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert feed.feed.title == "Maison Dupont — incidents"
    kinds = [e.tags[0].term for e in feed.entries]
    assert kinds.count("update") == 2
    assert kinds.count("status") >= 3  # detected, acknowledged, mitigated
    updates = [e for e in feed.entries if e.tags[0].term == "update"]
    # (feedparser strips the final newline)
    assert sorted(e.content[0].value for e in updates) == sorted(t.strip() for t in sent_texts(ws))
    ids = [e.id for e in feed.entries]
    assert len(set(ids)) == len(ids) and all(i.startswith("urn:uuid:") for i in ids)
    assert feed.entries == sorted(feed.entries, key=lambda e: e.updated, reverse=True)
    # stable: a cold build from scratch gives the same ids
    import shutil

    shutil.rmtree(ws / "portal")
    shutil.rmtree(ws / ".meptool" / "cache")
    assert build(run_in, ws).exit_code == 0
    again = feedparser.parse((ws / SITE / "fr" / "feed.atom").read_bytes())
    assert [e.id for e in again.entries] == ids


def test_the_calendar_of_next_updates_reads_back(ws: Path, run_in) -> None:
    assert build(run_in, ws).exit_code == 0
    cal = icalendar.Calendar.from_ical((ws / SITE / "fr" / "updates.ics").read_bytes())
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1  # MEP-2026-002 has no promise yet
    (event,) = events
    doc = yaml.safe_load((ws / "incidents" / ID / "incident.yaml").read_text("utf-8"))
    due = doc["next_update_due"]
    assert event.decoded("dtstart") == (
        dt.datetime.fromisoformat(due) if isinstance(due, str) else due
    )
    assert str(event["summary"]).startswith("Prochain point : Paiement refusé")
    assert str(event["uid"]) and "url" not in event  # no base_url: no absolute link


def test_base_url_gives_absolute_links(ws: Path, run_in) -> None:
    config = ws / "meptool.yaml"
    config.write_text(
        config.read_text("utf-8") + "portal:\n  base_url: https://acme.gitlab.io/portal/\n",
        "utf-8",
    )
    assert build(run_in, ws).exit_code == 0
    feed = feedparser.parse((ws / SITE / "fr" / "feed.atom").read_bytes())
    assert feed.entries[0].link.startswith("https://acme.gitlab.io/portal/maison-dupont/fr/")
    cal = icalendar.Calendar.from_ical((ws / SITE / "fr" / "updates.ics").read_bytes())
    (event,) = cal.walk("VEVENT")
    assert str(event["url"]) == f"https://acme.gitlab.io/portal/maison-dupont/fr/{ID}.html"


def test_a_bad_base_url_is_a_located_error(example: Path, run_in) -> None:
    config = example / "meptool.yaml"
    config.write_text(config.read_text("utf-8") + "portal:\n  base_url: acme.io\n", "utf-8")
    result = build(run_in, example)
    assert result.exit_code == 1
    assert "meptool.yaml:" in result.stderr and "base_url" in result.stderr


def test_same_input_same_bytes(ws: Path, run_in, tmp_path: Path) -> None:
    assert build(run_in, ws).exit_code == 0
    assert build(run_in, ws, "--output", str(tmp_path / "other")).exit_code == 0
    assert all_files(ws / "portal") == all_files(tmp_path / "other")
    manifest = json.loads((ws / "portal" / ".meptool-portal.json").read_text("utf-8"))
    assert set(manifest["files"]) == set(all_files(ws / "portal")) - {".meptool-portal.json"}
    assert not re.search(r"20\d\d-\d\d-\d\dT", json.dumps(manifest))  # no build time


def test_only_what_changed_is_written(ws: Path, run_in) -> None:
    first = build(run_in, ws, "--json")
    assert first.exit_code == 0
    assert len(json.loads(first.stdout)["written"]) == 12
    untouched = ws / SITE / "fr" / f"{ID}.html"
    inode = untouched.stat().st_ino
    again = json.loads(build(run_in, ws, "--json").stdout)
    assert again["up_to_date"] and again["written"] == []
    path = ws / "incidents" / "MEP-2026-002" / "incident.yaml"
    path.write_text(path.read_text("utf-8").replace("severity: minor", "severity: major"), "utf-8")
    changed = json.loads(build(run_in, ws, "--json").stdout)
    client = "maison-dupont"
    assert set(changed["written"]) == {
        f"{client}/fr/MEP-2026-002.html",
        f"{client}/en/MEP-2026-002.html",
        f"{client}/index.html",
        f"{client}/fr/index.html",
        f"{client}/en/index.html",
    }
    assert untouched.stat().st_ino == inode  # carried over, not rewritten
    assert "Majeur" in text_of(ws / SITE / "fr" / "MEP-2026-002.html")
    # an update file edited after it was sent: its text is not shown as "sent"
    eml = next((ws / "incidents" / ID / "updates").glob("001-*.eml"))
    eml.write_bytes(eml.read_bytes() + b"\r\nSalut\r\n")  # any edit after sending
    result = build(run_in, ws)
    assert result.exit_code == 0
    assert "missing or changed since it was sent" in result.stderr
    page = text_of(ws / SITE / "fr" / f"{ID}.html")
    assert "plus disponible tel qu'il a été envoyé" in page and "Salut" not in page


def test_each_client_sees_only_their_incidents(example: Path, run_in) -> None:
    source = (example / "incidents" / "MEP-2026-002" / "incident.yaml").read_text("utf-8")
    other = example / "incidents" / "MEP-2026-003"
    other.mkdir()
    text = re.sub(
        r"^title: .*$",
        "title: Tracking page down\nclient:\n  name: Acme Logistics",
        source.replace("MEP-2026-002", "MEP-2026-003"),
        count=1,
        flags=re.M,
    )
    (other / "incident.yaml").write_text(text, "utf-8")
    result = build(run_in, example, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["clients"] == ["Acme Logistics", "Maison Dupont"]
    others = {
        "maison-dupont": ["MEP-2026-003", "Acme", "Tracking page"],
        "acme-logistics": ["MEP-2026-001", "MEP-2026-002", "Maison Dupont", "Paiement"],
    }
    for folder, foreign in others.items():
        for path in (example / "portal" / folder).rglob("*"):
            text = path.read_text("utf-8") if path.is_file() else ""
            assert not [word for word in foreign if word in text], path
    assert not (example / "portal" / "index.html").exists()  # no list of clients anywhere
    acme = text_of(example / "portal" / "acme-logistics" / "en" / "index.html")
    assert "Tracking page down" in acme and "Being investigated" in acme


def test_calls_expectations_and_agreement_reach_the_portal(example: Path, run_in) -> None:
    run = run_in(example)
    assert run("call", "prepare", ID, "--at", "2026-11-23 10:00").exit_code == 0
    recorded = run(
        "call", "record", ID, "--no-input", "--at", "2026-11-21T09:00",
        "--heard", "Nos clients nous appellent sans cesse",
        "--expects", "Un point écrit chaque matin à 9 h",
        "--agreed-schedule", "--by", "Claire Martin", "--words", "D'accord pour le 4 décembre",
    )  # fmt: skip
    assert recorded.exit_code == 0, recorded.output
    assert run("call", "prepare", ID, "--at", "2026-11-24 10:00").exit_code == 0
    assert build(run_in, example).exit_code == 0
    page = text_of(example / SITE / "fr" / f"{ID}.html")
    assert "Appel tenu (30 minutes) avec Claire Martin et Marc Petit." in page
    assert "Appel prévu (30 minutes) avec Claire Martin et Marc Petit." in page
    assert "« Un point écrit chaque matin à 9 h » : en cours" in page
    assert "donné par Claire Martin le 21 novembre 2026 : « D'accord pour le 4 décembre »" in page
    assert "Nos clients nous appellent" not in page  # what we heard stays in the brief
    en = text_of(example / SITE / "en" / f"{ID}.html")
    assert "Call planned (30 minutes) with Claire Martin and Marc Petit." in en
    assert "“Un point écrit chaque matin à 9 h”: in progress" in en
    cal = icalendar.Calendar.from_ical((example / SITE / "fr" / "updates.ics").read_bytes())
    calls = [e for e in cal.walk("VEVENT") if "Appel prévu" in str(e["summary"])]
    assert len(calls) == 1
    start = calls[0].decoded("dtstart")
    assert start == dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)  # 10:00 in Paris
    assert calls[0].decoded("dtend") - start == dt.timedelta(minutes=30)
