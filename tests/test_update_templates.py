"""Rendered updates pinned by snapshots (fr/en × audience × first/follow-up/resolution)."""

from __future__ import annotations

from pathlib import Path

import pytest

from meptool.files import store
from meptool.files.workspace import Workspace
from meptool.model.enums import Audience
from meptool.updates import compose, render
from updates_helpers import ID, add_english, snapshot

AUDIENCES = ["decision-makers", "domain-experts"]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("kind", compose.KINDS)
def test_update_snapshot(example: Path, lang: str, audience: str, kind: str) -> None:
    ws = Workspace(example)
    incident_id = ID if lang == "fr" else add_english(example)
    incident, _ = store.read(ws, incident_id)
    plan = compose.plan_update(ws, incident, Audience(audience), lang)
    plan.kind = kind
    plan.next_update = compose.next_update(ws, incident, kind)
    context = compose.build_context(ws, incident, plan, seq=1, now=ws.now())
    context["reply"] = kind != "first"
    out = render.render_update(render.environment(ws), context)
    stem = f"updates/{lang}-{audience}-{kind}"
    snapshot(f"{stem}.md", f"Subject: {out.subject}\n\n{out.md}")
    snapshot(f"{stem}.txt", out.txt)
    snapshot(f"{stem}.html", out.html)
    # What every update must say, whatever the variant (SPEC.md 4).
    assert "Julie Leroy" in out.md
    assert "+33 1 23 45 67 89" in out.md
    assert "<style" not in out.html and 'style="' in out.html
    internal = "Karim identifie" if lang == "fr" else "Karim spots"
    assert internal not in out.md
    assert ("Alerte sur le taux" if lang == "fr" else "Alert on the payment") not in out.md
    if kind == "resolution":
        assert ("Votre avis compte" if lang == "fr" else "Your view matters") in out.md
    if lang == "fr":
        assert "\u202f:" in out.md and " :" not in out.md
        assert "ce matin à 10\u00a0h," in out.md or kind == "resolution"
        assert "Chère Madame Martin," in out.md or audience == "domain-experts"
        assert "Cheffe de projet" in out.md and "Agence Horizon" in out.md
    else:
        assert "this morning at 11:30 am" in out.md or kind == "resolution"
        assert "Project manager" not in out.md  # MEP-2026-003's lead has no title
    assert "(s)" not in out.md and " ." not in out.txt and "()" not in out.txt


def test_babel_dates_in_workspace_timezone(example: Path) -> None:
    from meptool.writing.templating import environment

    env = environment(None)
    import datetime as dt

    at = dt.datetime(2026, 11, 20, 17, 40, tzinfo=dt.UTC)
    tpl = env.from_string("{{ at|datetime }}|{{ at|day }}|{{ 3.5|days }}|{{ 1|days }}")
    fr = tpl.render(at=at, lang="fr", timezone="Europe/Paris")
    assert fr == "vendredi 20 novembre 2026 à 18 h 40|vendredi 20 novembre|3,5 jours|1 jour"
    en = tpl.render(at=at, lang="en", timezone="Europe/Paris")
    assert en == "Friday 20 November 2026 at 6:40 pm|Friday 20 November|3.5 days|1 day"


@pytest.mark.parametrize(
    ("lang", "later"),
    [
        ("fr", "dans le bilan de l’incident que je vous adresserai"),
        ("en", "in the incident report I will send you"),
    ],
)
@pytest.mark.parametrize("kind", compose.KINDS)
def test_a_schedule_still_assessed_is_promised_where_it_will_come(
    example: Path, lang: str, later: str, kind: str
) -> None:
    """A resolution promises no "next update": the assessment comes in the incident report."""
    ws = Workspace(example)
    incident_id = ID if lang == "fr" else add_english(example)
    incident, _ = store.read(ws, incident_id)
    incident = incident.model_copy(update={"schedule_impact": None})
    plan = compose.plan_update(ws, incident, Audience.DECISION_MAKERS, lang)
    plan.kind = kind
    plan.next_update = compose.next_update(ws, incident, kind)
    context = compose.build_context(ws, incident, plan, seq=1, now=ws.now())
    context["reply"] = kind != "first"
    text = " ".join(render.render_update(render.environment(ws), context).txt.split())
    next_one = "dans mon prochain point" if lang == "fr" else "in my next update"
    assert (later in text) is (kind == "resolution")
    assert (next_one in text) is (kind != "resolution")
