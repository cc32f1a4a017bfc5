"""The portfolio: the agency's record across incidents, aggregated as the files stream by.

`aggregate` takes any iterable of `(path, Incident | Facts | InvalidFile)` — in
`retro report --all`, `reading.facts(ws)`: each file's `facts.facts`, computed
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

from meptool.errors import InvalidFile
from meptool.incident import timing as retro
from meptool.incident.facts import Facts, facts
from meptool.model.enums import Severity
from meptool.model.incident import Incident


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
    expectations: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    """Per client: how many of their expectations are met, declined, still open."""

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
    for status in f.get("expectations", ()):
        p.expectations[client][status] += 1
    for at, csat in f["feedback"]:
        cell = p.csat[client][_month(dt.datetime.fromisoformat(at), tz)]
        cell[0] += csat
        cell[1] += 1


def median(values: list[float]) -> float | None:
    """Median, or None for no values."""
    return statistics.median(values) if values else None
