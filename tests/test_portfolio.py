"""The portfolio over a generated workspace of a few hundred varied incidents."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from gen import CLIENTS, generate
from meptool.files.workspace import Workspace
from meptool.incident import facts, reading
from meptool.incident import timing as retro
from meptool.model.incident import Incident
from meptool.reports import portfolio

COUNT = 300


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("gen") / "ws", COUNT, seed=5)


@pytest.fixture(scope="module")
def everything(generated: Path) -> list[Incident]:
    ws = Workspace(generated)
    return [i for _, i in reading.iter_incidents(ws) if isinstance(i, Incident)]


def aggregate(ws: Workspace, **kw: object) -> portfolio.Portfolio:
    return portfolio.aggregate(
        reading.iter_incidents(ws),
        tz=ws.tz,
        now=ws.now(),
        cadence=ws.config.cadence,
        default_client="Maison Dupont",
        **kw,  # type: ignore[arg-type]
    )


def test_counts_match_an_independent_tally(generated: Path, everything: list[Incident]) -> None:
    ws = Workspace(generated)
    p = aggregate(ws)
    assert p.read == COUNT + 1
    assert p.matched == COUNT == len(everything)
    assert len(p.invalid) == 1 and p.invalid[0].endswith("MEP-2025-900/incident.yaml")
    assert sum(sum(c.values()) for c in p.per_month.values()) == COUNT
    assert len(p.months) >= 10  # the generator spreads them over the year
    by_severity = Counter(i.severity.value for i in everything)
    for sev, n in by_severity.items():
        assert sum(c[sev] for c in p.per_month.values()) == n
    cats = Counter(
        i.root_cause.category.value if i.root_cause and i.root_cause.category else "unknown"
        for i in everything
    )
    assert p.categories == cats
    today = ws.now().date()
    overdue = Counter(
        a.owner or facts.UNOWNED
        for i in everything
        for a in i.corrective_plan
        if retro.overdue(a, today)
    )
    assert p.actions_overdue == overdue
    scores = [f.csat for i in everything for f in i.feedback]
    assert sum(c[1] for by in p.csat.values() for c in by.values()) == len(scores)
    assert sum(c[0] for by in p.csat.values() for c in by.values()) == sum(scores)
    late = sum(
        g.late
        for i in everything
        for g in retro.update_gaps(i, ws.config.cadence(i.severity), ws.now())
    )
    assert sum(s.late for s in p.cadence.values()) == late
    # Medians of time to acknowledge per month, recomputed the slow way.
    month = max(p.tta, key=lambda m: len(p.tta[m]))
    values = sorted(
        s.hours
        for i in everything
        if (i.detected_at or i.opened_at).astimezone(ws.tz).strftime("%Y-%m") == month  # type: ignore[union-attr]
        for s in [retro.durations(i, ws.now())["acknowledge"]]
        if s.hours is not None and not s.running
    )
    assert sorted(p.tta[month]) == values
    assert portfolio.median(p.tta[month]) == pytest.approx(
        values[len(values) // 2]
        if len(values) % 2
        else (values[len(values) // 2 - 1] + values[len(values) // 2]) / 2
    )


def test_filters_by_client_and_date(generated: Path, everything: list[Incident]) -> None:
    ws = Workspace(generated)
    client = CLIENTS[1]
    p = aggregate(ws, client=client.upper())
    assert p.matched == sum(1 for i in everything if i.client and i.client.name == client)
    assert set(p.csat) <= {client}
    since = dt.date(2026, 7, 1)
    p = aggregate(ws, since=since)
    assert p.matched == sum(
        1 for i in everything if i.detected_at and i.detected_at.astimezone(ws.tz).date() >= since
    )
    assert min(p.per_month) >= "2026-07"


def test_aggregate_takes_any_iterable_once(generated: Path) -> None:
    ws = Workspace(generated)
    seen = 0

    def one_shot():  # a generator can be read only once: aggregate must not need a second pass
        nonlocal seen
        for item in reading.iter_incidents(ws):
            seen += 1
            yield item

    p = portfolio.aggregate(one_shot(), tz=ws.tz, now=ws.now(), cadence=ws.config.cadence)
    assert seen == p.read == COUNT + 1


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_cli_writes_the_portfolio(generated: Path, run_in, fmt: str) -> None:
    result = run_in(generated)("retro", "report", "--all", "--format", fmt)
    assert result.exit_code == 0, result.output
    path = generated / "reports" / f"portfolio.{fmt}"
    assert result.stdout.strip() == f"reports/portfolio.{fmt}"
    text = path.read_text(encoding="utf-8")
    if fmt == "md":
        assert f"{COUNT} incidents sur {COUNT + 1} fichiers lus" in text
    else:
        assert f'<div class="v">{COUNT}</div><div class="s">sur {COUNT + 1} fichiers lus' in text
    assert "1 fichier invalide ignoré" in text
    assert "MEP-2025-900/incident.yaml is invalid and was skipped" in result.stderr
    for heading in (
        "Incidents par mois et par gravité",
        "Délais de reconnaissance et de résolution",
        "Ce qui passe encore à travers notre processus",
        "Actions ouvertes par responsable",
        "Points client : promis et réel",
        "Satisfaction client (CSAT)",
    ):
        assert heading in text
    assert "Karim Benali" in text and "sans responsable" in text
    if fmt == "html":
        assert text.count("<svg") == 5 + 4  # and one small CSAT chart per client
        assert "<script" not in text
        assert "@media print" in text
    else:
        assert "| janv. 2026 |" in text


def test_cli_one_client_in_a_folder(generated: Path, run_in, tmp_path: Path) -> None:
    result = run_in(generated)(
        "retro",
        "report",
        "--all",
        "--client",
        "Atelier Nord",
        "--since",
        "2026-03-01",
        "-o",
        str(tmp_path),
    )
    assert result.exit_code == 0, result.output
    text = (tmp_path / "portfolio-atelier-nord.md").read_text(encoding="utf-8")
    assert text.startswith("# Bilan des incidents — Atelier Nord")
    assert "depuis le 1er mars 2026" in text


def test_english_portfolio_of_an_empty_selection(tmp_path: Path, run_in) -> None:
    root = generate(tmp_path / "en", 5, seed=1, lang="en", invalid=0)
    result = run_in(root)("retro", "report", "--all", "--client", "Nobody", "-o", "-")
    assert result.exit_code == 0, result.output
    assert "0 incidents out of 5 files read" in result.stdout
    assert "No incident matches these criteria." in result.stdout


def test_chart_geometry() -> None:
    from meptool.writing import charts

    bars = charts.stacked_bars("t", ["a", "b"], [("x", [1.0, 4.0]), ("y", [2.0, 0.0])])
    assert [t.label for t in bars.yticks][-1] == "4"
    # Stacked: the second segment of "a" sits on top of the first one.
    first, second = bars.bars[0], bars.bars[1]
    assert first.title == "a — x: 1" and second.title == "a — y: 2"
    assert second.y + second.h == pytest.approx(first.y)
    assert bars.bars[2].h == pytest.approx(bars.bottom - bars.top)  # b = 4, the top
    owners = charts.hbars("o", ["Ann"], [("late", [2.0]), ("ok", [1.0])], colours=["red", "blue"])
    assert [b.colour for b in owners.bars] == ["red", "blue"]
    assert owners.values[0].label == "3"
