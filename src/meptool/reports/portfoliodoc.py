"""The portfolio as a document: tables for Markdown, tables and SVG charts for HTML."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from meptool.files.workspace import Workspace
from meptool.incident.facts import UNOWNED
from meptool.labels import LABELS, filters
from meptool.model.enums import Severity
from meptool.reports.portfolio import Portfolio, median
from meptool.writing import charts

TOP_ESCAPES = 10
TOP_CLIENTS = 8
CSAT_TOGETHER = 3  # more clients than this: one small CSAT chart each


def _hours(value: float | None) -> dt.timedelta | None:
    return None if value is None else dt.timedelta(hours=value)


@dataclass(frozen=True)
class MonthRow:
    """Incidents and durations of one month."""

    month: dt.date
    counts: list[int]
    total: int
    tta_median: dt.timedelta | None
    tta_worst: dt.timedelta | None
    ttr_median: dt.timedelta | None
    ttr_worst: dt.timedelta | None


@dataclass(frozen=True)
class CadenceRow:
    """Promised versus actual time between updates for one severity."""

    severity: str
    promised: dt.timedelta
    gaps: int
    late: int
    median: dt.timedelta | None
    worst: dt.timedelta | None


@dataclass(frozen=True)
class CsatRow:
    """Satisfaction of one client: average per month (None: no answer) and overall."""

    client: str
    by_month: list[float | None]
    average: float
    responses: int


def _date(month: str) -> dt.date:
    return dt.date(int(month[:4]), int(month[5:]), 1)


def context(p: Portfolio, lang: str, tz: dt.tzinfo, *, html: bool) -> dict[str, Any]:
    """Everything the portfolio templates print."""
    L = LABELS[lang]
    fmt = filters(lang, tz)
    sev_order = [s.value for s in Severity]
    months = p.months
    rows = []
    for m in months:
        per = p.per_month.get(m)
        counts = [per[s] if per else 0 for s in sev_order]
        tta, ttr = p.tta.get(m, []), p.ttr.get(m, [])
        rows.append(
            MonthRow(
                _date(m),
                counts,
                sum(counts),
                _hours(median(tta)),
                _hours(max(tta, default=None)),
                _hours(median(ttr)),
                _hours(max(ttr, default=None)),
            )
        )
    total_cat = sum(p.categories.values()) or 1
    categories = [(c, n, 100 * n / total_cat) for c, n in p.categories.most_common()]
    escapes = [(p.escape_text[k], n) for k, n in p.escapes.most_common(TOP_ESCAPES)]
    nobody = "sans responsable" if lang == "fr" else "no owner"
    owners = sorted(
        (
            (nobody if o == UNOWNED else o, n, p.actions_overdue.get(o, 0))
            for o, n in p.actions_open.items()
        ),
        key=lambda r: (-r[2], -r[1], r[0]),
    )
    cadence = [
        CadenceRow(s, st.promised, st.gaps, st.late, _hours(st.median), _hours(st.worst))
        for s in sev_order
        if (st := p.cadence.get(s)) is not None
    ]
    csat_months = sorted({m for by in p.csat.values() for m in by})
    csat_rows = []
    for client in sorted(p.csat):
        by = p.csat[client]
        total = sum(t for t, _ in by.values())
        count = sum(n for _, n in by.values())
        csat_rows.append(
            CsatRow(
                client,
                [by[m][0] / by[m][1] if m in by else None for m in csat_months],
                total / count,
                count,
            )
        )
    ctx: dict[str, Any] = {
        "p": p,
        "labels": L,
        "severities": sev_order,
        "months": rows,
        "categories": categories,
        "escapes": escapes,
        "owners": owners,
        "cadence": cadence,
        "csat": csat_rows,
        "csat_months": [_date(m) for m in csat_months],
        "expectations": [
            (client, c["met"], c["declined"], c["open"])
            for client, c in sorted(p.expectations.items())
            if sum(c.values())
        ],
        "charts": None,
    }
    if html:
        ctx["charts"] = _charts(
            p,
            L=L,
            fmt=fmt,
            rows=rows,
            categories=categories,
            owners=owners,
            cadence=cadence,
            lang=lang,
        )
    return ctx


def _charts(
    p: Portfolio,
    *,
    L: dict[str, dict[str, str]],
    fmt: dict[str, Any],
    rows: list[MonthRow],
    categories: list[tuple[str, int, float]],
    owners: list[tuple[str, int, int]],
    cadence: list[CadenceRow],
    lang: str,
) -> dict[str, Any]:
    fr = lang == "fr"
    months = [str(fmt["retro_month"](r.month)) for r in rows]
    sev_order = [s.value for s in Severity]

    def hrs(value: dt.timedelta | None) -> float | None:
        return None if value is None else value.total_seconds() / 3600

    def h_label(v: float) -> str:
        return str(fmt["retro_span"](dt.timedelta(hours=v)))

    count_word = "incidents"
    out: dict[str, Any] = {
        "per_month": charts.stacked_bars(
            ("Incidents par mois, par gravité" if fr else "Incidents per month, by severity"),
            months,
            [
                (L["severity"][s], [float(r.counts[i]) for r in rows])
                for i, s in enumerate(sev_order)
            ],
            colours=[charts.SEVERITY_COLOURS[s] for s in sev_order],
        ),
        "durations": charts.lines(
            (
                "Délais de reconnaissance et de résolution (heures)"
                if fr
                else "Time to acknowledge and to resolve (hours)"
            ),
            months,
            [
                (
                    "reconnaissance, médiane" if fr else "acknowledge, median",
                    [hrs(r.tta_median) for r in rows],
                ),
                (
                    "reconnaissance, pire" if fr else "acknowledge, worst",
                    [hrs(r.tta_worst) for r in rows],
                ),
                (
                    "résolution, médiane" if fr else "resolve, median",
                    [hrs(r.ttr_median) for r in rows],
                ),
                ("résolution, pire" if fr else "resolve, worst", [hrs(r.ttr_worst) for r in rows]),
            ],
            fmt=h_label,
            dashed=[False, True, False, True],
        ),
        "categories": charts.hbars(
            ("Catégories de cause" if fr else "Root-cause categories"),
            [L["category"].get(c, c) for c, _, _ in categories],
            [(count_word, [float(n) for _, n, _ in categories])],
        ),
        "owners": charts.hbars(
            ("Actions ouvertes par responsable" if fr else "Open actions by owner"),
            [o for o, _, _ in owners[:15]],
            [
                ("en retard" if fr else "overdue", [float(od) for _, _, od in owners[:15]]),
                (
                    "dans les temps" if fr else "on time",
                    [float(n - od) for _, n, od in owners[:15]],
                ),
            ],
            colours=[charts.LATE, charts.PALETTE[0]],
        ),
        "cadence": charts.stacked_bars(
            (
                "Attente entre deux points client : promis et réel (heures)"
                if fr
                else "Time between client updates: promised and actual (hours)"
            ),
            [L["severity"][c.severity] for c in cadence],
            [
                (
                    "promis" if fr else "promised",
                    [c.promised.total_seconds() / 3600 for c in cadence],
                ),
                (
                    "médiane réelle" if fr else "actual median",
                    [hrs(c.median) or 0.0 for c in cadence],
                ),
            ],
            grouped=True,
        ),
    }
    clients = sorted(p.csat, key=lambda c: -sum(n for _, n in p.csat[c].values()))[:TOP_CLIENTS]
    keys = p.months
    series: list[tuple[str, list[float | None]]] = []
    for c in sorted(clients):
        by_month = p.csat[c]
        series.append(
            (c, [by_month[m][0] / by_month[m][1] if m in by_month else None for m in keys])
        )
    title = (
        "Satisfaction (CSAT, 1 à 5) par client" if fr else "Satisfaction (CSAT, 1 to 5) per client"
    )
    number = fmt["retro_number"]
    out["csat"] = charts.lines(title, months, series, fmt=lambda v: str(number(v)), fixed_top=5.0)
    # Past three clients, crossing lines are unreadable: one small chart per client.
    out["csat_each"] = (
        [
            charts.lines(
                name,
                months,
                [(name, values)],
                fmt=lambda v: str(number(v)),
                fixed_top=5.0,
                width=300,
                height=170,
                legend=False,
            )
            for name, values in series
        ]
        if len(series) > CSAT_TOGETHER
        else []
    )
    return out


def render(ws: Workspace, p: Portfolio, fmt: str) -> str:
    """The portfolio in the workspace's language, as Markdown or self-contained HTML."""
    from meptool.writing import templating

    # From the cached facts of meptool.yaml: a warm portfolio imports no Pydantic.
    lang = ws.facts["language"]
    env = templating.for_workspace(ws, filters=filters(lang, ws.tz))
    ctx = context(p, lang, ws.tz, html=fmt == "html")
    return _tidy(templating.render(env, f"retro/{lang}/portfolio.{fmt}.j2", ctx), fmt)


def _tidy(text: str, fmt: str) -> str:
    """Markdown without the runs of blank lines that optional sections leave behind
    (as `meptool.reports.retrodoc.tidy`, which imports the incident model)."""
    if fmt != "md":
        return text
    return re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"


def default_path(ws: Workspace, client: str | None, fmt: str) -> Path:
    """`reports/portfolio.<fmt>`, or `reports/portfolio-<client>.<fmt>` for one client."""
    name = "portfolio"
    if client:
        slug = re.sub(r"[^a-z0-9]+", "-", client.casefold()).strip("-") or "client"
        name += f"-{slug}"
    return ws.reports_dir / f"{name}.{fmt}"
