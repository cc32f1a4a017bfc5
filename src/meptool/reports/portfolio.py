"""The portfolio: the agency's record across incidents, aggregated as the files stream by.

`aggregate` takes any iterable of `(path, Incident | Facts | InvalidFile)` — in
`retro report --all`, `cache.portfolio_facts(ws)`: each file's `facts`, computed
once when the file is parsed and kept in the cache — and keeps only counters
and, per month, the durations it needs for medians: never the incidents
themselves, so a cache or a parallel parser can feed it thousands of files.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from meptool.errors import InvalidFile
from meptool.incident import timing as retro
from meptool.model.enums import ActionStatus, Severity, Status
from meptool.model.incident import Incident

UNOWNED = "—"


@dataclass
class CadenceStat:
    """Promised versus actual time between client updates, for one severity."""

    promised: dt.timedelta
    gaps: int = 0
    late: int = 0
    hours: list[float] = field(default_factory=list)

    @property
    def median(self) -> float | None:
        """Median wait in hours."""
        return statistics.median(self.hours) if self.hours else None

    @property
    def worst(self) -> float | None:
        """Longest wait in hours."""
        return max(self.hours) if self.hours else None


@dataclass
class Portfolio:
    """Counters over every incident that matched the filters."""

    client: str | None
    since: dt.date | None
    now: dt.datetime
    read: int = 0
    matched: int = 0
    invalid: list[str] = field(default_factory=list)
    per_month: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    tta: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    ttr: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    open_now: int = 0
    categories: Counter[str] = field(default_factory=Counter)
    escapes: Counter[str] = field(default_factory=Counter)
    escape_text: dict[str, str] = field(default_factory=dict)
    actions_open: Counter[str] = field(default_factory=Counter)
    actions_overdue: Counter[str] = field(default_factory=Counter)
    cadence: dict[str, CadenceStat] = field(default_factory=dict)
    csat: dict[str, dict[str, list[int]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(lambda: [0, 0]))
    )

    @property
    def months(self) -> list[str]:
        """Every month (YYYY-MM) with an incident or a feedback, in order, gaps filled."""
        keys = set(self.per_month)
        for by_month in self.csat.values():
            keys.update(by_month)
        if not keys:
            return []
        first, last = min(keys), max(keys)
        out = []
        year, month = int(first[:4]), int(first[5:])
        while f"{year:04d}-{month:02d}" <= last:
            out.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out


def _month(value: dt.datetime, tz: dt.tzinfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m")


def _norm(text: str) -> str:
    return " ".join(text.casefold().split()).rstrip(".")


def client_of(incident: Incident, default: str | None) -> str:
    """The incident's client name (the workspace's when the file does not say)."""
    return (incident.client.name if incident.client and incident.client.name else None) or (
        default or "—"
    )


Facts = dict[str, Any]


def _us(value: dt.timedelta) -> int:
    return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds


_FAR = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)  # any `now`: only gaps that are over are kept


def facts(inc: Incident) -> Facts:
    """What the portfolio needs of one incident, as JSON-ready data independent of `now`.

    The cache keeps it per file, so that a portfolio over unchanged files needs
    neither YAML nor Pydantic. Durations are whole microseconds and times ISO 8601
    text with their offset, so a JSON round trip gives back exactly the same values;
    what depends on the clock or the configuration (running spans, the last wait
    of an unresolved incident, overdue actions, the promised cadence) is kept as
    its inputs and computed by `aggregate`.
    """
    m = retro.milestones(inc)
    opened = inc.detected_at or inc.opened_at
    ack = _us(retro.elapsed(m.detected, m.acknowledged)) if m.detected and m.acknowledged else None
    res = _us(retro.elapsed(m.detected, m.resolved)) if m.detected and m.resolved else None
    gaps: list[int] = []
    waiting: str | None = None
    for gap in retro.update_gaps(inc, dt.timedelta(0), _FAR):
        if gap.running:
            waiting = gap.start.isoformat()
        else:
            gaps.append(_us(gap.value))
    rc = inc.root_cause
    return {
        "client": inc.client.name if inc.client and inc.client.name else None,
        "opened": opened.isoformat() if opened else None,
        "severity": inc.severity.value,
        "resolved": retro.reached(inc, Status.RESOLVED),
        "ack": ack,
        "res": res,
        "category": rc.category.value if rc and rc.category else "unknown",
        "escape": rc.escape if rc and rc.escape else None,
        "actions": [
            [a.owner or UNOWNED, a.due.isoformat() if a.due else None]
            for a in inc.corrective_plan
            if a.status is not ActionStatus.DONE
        ],
        "gaps": gaps,
        "waiting": waiting,
        "feedback": [[fb.at.isoformat(), fb.csat] for fb in inc.feedback],
    }


def aggregate(
    items: Iterable[tuple[Path, Incident | Facts | InvalidFile]],
    *,
    tz: dt.tzinfo,
    now: dt.datetime,
    cadence: Callable[[Severity], dt.timedelta],
    default_client: str | None = None,
    client: str | None = None,
    since: dt.date | None = None,
    display: Callable[[Path], str] = str,
) -> Portfolio:
    """Fold the incidents (validated models, or their `facts`) into a Portfolio, one at a time."""
    p = Portfolio(client=client, since=since, now=now)
    wanted = client.casefold() if client else None
    today = now.astimezone(tz).date()
    for path, item in items:
        p.read += 1
        if isinstance(item, InvalidFile):
            p.invalid.append(display(path))
            continue
        f = item if isinstance(item, dict) else facts(item)
        name = f["client"] or default_client or "—"
        if wanted and name.casefold() != wanted:
            continue
        opened = dt.datetime.fromisoformat(f["opened"]) if f["opened"] else None
        if since and (opened is None or opened.astimezone(tz).date() < since):
            continue
        p.matched += 1
        _add(p, f, name, opened, tz=tz, now=now, today=today, cadence=cadence)
    return p


def _add(
    p: Portfolio,
    f: Facts,
    client: str,
    opened: dt.datetime | None,
    *,
    tz: dt.tzinfo,
    now: dt.datetime,
    today: dt.date,
    cadence: Callable[[Severity], dt.timedelta],
) -> None:
    if not f["resolved"]:
        p.open_now += 1
    severity = f["severity"]
    if opened is not None:
        month = _month(opened, tz)
        p.per_month[month][severity] += 1
        if f["ack"] is not None:
            p.tta[month].append(dt.timedelta(microseconds=f["ack"]).total_seconds() / 3600)
        if f["res"] is not None:
            p.ttr[month].append(dt.timedelta(microseconds=f["res"]).total_seconds() / 3600)
    p.categories[f["category"]] += 1
    if f["escape"]:
        key = _norm(f["escape"])
        p.escapes[key] += 1
        p.escape_text.setdefault(key, f["escape"].strip())
    for owner, due in f["actions"]:
        p.actions_open[owner] += 1
        if due is not None and dt.date.fromisoformat(due) < today:
            p.actions_overdue[owner] += 1
    promised = cadence(Severity(severity))
    stat = p.cadence.setdefault(severity, CadenceStat(promised))
    values = [dt.timedelta(microseconds=us) for us in f["gaps"]]
    if f["waiting"] is not None:
        start = dt.datetime.fromisoformat(f["waiting"])
        values.append(max(retro.elapsed(start, now), dt.timedelta(0)))
    for value in values:
        stat.gaps += 1
        stat.late += value > promised
        stat.hours.append(value.total_seconds() / 3600)
    for at, csat in f["feedback"]:
        cell = p.csat[client][_month(dt.datetime.fromisoformat(at), tz)]
        cell[0] += csat
        cell[1] += 1


def median(values: list[float]) -> float | None:
    """Median, or None for no values."""
    return statistics.median(values) if values else None
