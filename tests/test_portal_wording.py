"""The words of the portal: sentences for a client, never meptool's log lines or internal notes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from meptool.model.enums import EntryKind, Status
from meptool.portal import site, wording
from meptool.portal.visible import slug, stable_id


def test_a_logged_status_change_becomes_a_sentence_with_its_note() -> None:
    line = "Statut : acknowledged → resolved — Export regénéré et vérifié"
    said = wording.entry(EntryKind.STATUS, Status.RESOLVED, line, True, "fr")
    assert said == "Le problème est résolu. Export regénéré et vérifié"
    bare = wording.entry(EntryKind.STATUS, Status.MITIGATED, "Status: open → mitigated", True, "en")
    assert bare == "The service works again; the permanent fix is under way."


def test_an_internal_entry_gives_its_status_never_its_text() -> None:
    line = "Statut : open → mitigated — Karim a redémarré db-prod-01"
    assert wording.entry(EntryKind.STATUS, Status.MITIGATED, line, False, "fr") == (
        "Le service fonctionne de nouveau ; la correction définitive est en cours."
    )
    assert wording.entry(EntryKind.NOTE, None, "Karim a redémarré db-prod-01", False, "fr") is None
    assert wording.entry(None, None, "secret", False, "en") is None


def test_meptool_own_lines_are_reworded_or_left_out() -> None:
    sent = "Point de situation envoyé à Claire Martin."
    assert wording.entry(EntryKind.UPDATE, None, sent, True, "fr") is None  # the update is shown
    ack = "Incident reconnu par Julie Leroy"
    assert wording.entry(EntryKind.ACKNOWLEDGEMENT, Status.ACKNOWLEDGED, ack, True, "fr") == (
        "Nous avons pris l'incident en charge."
    )
    own = "Nous avons reconnu l'incident auprès de Maison Dupont."
    assert wording.entry(EntryKind.ACKNOWLEDGEMENT, Status.ACKNOWLEDGED, own, True, "fr") == own
    opened = wording.entry(EntryKind.DETECTION, Status.OPEN, "Incident opened: x", False, "en")
    assert opened == "The problem was detected."
    assert wording.entry(EntryKind.PLAN, None, "Action A2 added", True, "en") == (
        "Our action plan was updated."
    )
    assert wording.entry(EntryKind.NOTE, None, "Correctif déployé.", True, "fr") == (
        "Correctif déployé."
    )


def test_second_language_texts_and_plurals() -> None:
    assert wording.text({"fr": "Bonjour", "en": "Hello"}, "en") == "Hello"
    assert wording.text({"fr": "Bonjour"}, "en") == "Bonjour"
    assert wording.text("Bonjour", "en") == "Bonjour"
    assert wording.days(1, "fr") == "1 jour" and wording.days(3.5, "fr") == "3,5 jours"
    assert wording.days(1, "en") == "1 day" and wording.days(0.5, "en") == "0.5 days"
    assert wording.progress(1, 3, "fr") == "1 action faite sur 3"
    assert wording.progress(2, 3, "fr") == "2 actions faites sur 3"
    assert wording.progress(1, 1, "en") == "1 of 1 action done"


def test_times_as_people_say_them() -> None:
    paris = ZoneInfo("Europe/Paris")
    fr = site.filters("fr", paris)
    en = site.filters("en", paris)
    moment = dt.datetime(2026, 12, 1, 13, 5, tzinfo=dt.UTC)
    assert fr["portal_when"](moment) == "1er décembre 2026 à 14\u00a0h 05"
    assert fr["portal_when"](moment.replace(minute=0)) == "1er décembre 2026 à 14\u00a0h"
    assert en["portal_when"](moment) == "1 December 2026 at 2:05 PM"
    assert fr["portal_day"](dt.date(2026, 11, 23)) == "23 novembre 2026"
    assert fr["portal_iso"](moment) == "2026-12-01T14:05:00+01:00"


def test_folder_names_and_ids_are_stable() -> None:
    assert slug("Café Ōsaka") == "cafe-osaka" and slug("Hôpital Saint-Éloi") == "hopital-saint-eloi"
    assert slug("東京").startswith("client-")
    assert stable_id("update", "a", "MEP-2026-001", "1") == stable_id(
        "update", "a", "MEP-2026-001", "1"
    )
    assert stable_id("update", "a", "MEP-2026-001", "1") != stable_id(
        "update", "a", "MEP-2026-001", "2"
    )
