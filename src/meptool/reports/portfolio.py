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
from typing import TYPE_CHECKING, Any

from meptool.errors import InvalidFile
from meptool.incident.facts import Facts
from meptool.model.enums import Severity

if TYPE_CHECKING:
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
    local = value.astimezone(tz)
    return f"{local.year:04d}-{local.month:02d}"


def _norm(text: str) -> str:
    return " ".join(text.casefold().split()).rstrip(".")


def client_of(incident: Incident, default: str | None) -> str:
    """The incident's client name (the workspace's when the file does not say)."""
    return (incident.client.name if incident.client and incident.client.name else None) or (
        default or "—"
    )


def _hours(us: int) -> float:
    """Microseconds in hours, exactly as `timedelta.total_seconds() / 3600` gives them."""
    return us / 1_000_000 / 3600


def aggregate(
    items: Iterable[tuple[Any, Incident | Facts | InvalidFile]],
    *,
    tz: dt.tzinfo,
    now: dt.datetime,
    cadence: Callable[[Severity], dt.timedelta],
    default_client: str | None = None,
    client: str | None = None,
    since: dt.date | None = None,
    display: Callable[[Any], str] = str,
) -> Portfolio:
    """Fold the incidents (validated models, or their `facts`) into a Portfolio, one at a time.

    One pass; what is the same for every incident (the promised cadence per
    severity, today's date) is computed once. `items` are keyed by anything that
    `display` turns into the name shown for an invalid file (a path, or a folder).
    """
    p = Portfolio(client=client, since=since, now=now)
    wanted = client.casefold() if client else None
    fold = _Fold(p, tz, now, cadence)
    parse = dt.datetime.fromisoformat
    for where, item in items:
        p.read += 1
        if isinstance(item, InvalidFile):
            p.invalid.append(display(where))
            continue
        if isinstance(item, dict):
            f = item
        else:
            from meptool.incident.facts import facts  # a model: Pydantic is loaded already

            f = facts(item)
        name = f["client"] or default_client or "—"
        if wanted and name.casefold() != wanted:
            continue
        opened = parse(f["opened"]) if f["opened"] else None
        if since and (opened is None or opened.astimezone(tz).date() < since):
            continue
        p.matched += 1
        fold.add(f, name, opened)
    return p


class _Fold:
    """Adds one incident's facts to a Portfolio (what is per run, computed once)."""

    def __init__(
        self,
        p: Portfolio,
        tz: dt.tzinfo,
        now: dt.datetime,
        cadence: Callable[[Severity], dt.timedelta],
    ) -> None:
        self.p = p
        self.tz = tz
        self.now_utc = now.astimezone(dt.UTC)
        self.today = now.astimezone(tz).date().isoformat()  # ISO dates compare as text
        self.cadence = cadence
        self.promised: dict[str, tuple[CadenceStat, int]] = {}
        self.months: dict[str, str] = {}  # ISO time → month, for repeated times

    def month(self, text: str) -> str:
        found = self.months.get(text)
        if found is None:
            found = self.months[text] = _month(dt.datetime.fromisoformat(text), self.tz)
        return found

    def stat(self, severity: str) -> tuple[CadenceStat, int]:
        found = self.promised.get(severity)
        if found is None:
            promised = self.cadence(Severity(severity))
            stat = self.p.cadence.setdefault(severity, CadenceStat(promised))
            found = self.promised[severity] = (stat, _us(promised))
        return found

    def add(self, f: Facts, client: str, opened: dt.datetime | None) -> None:
        p = self.p
        if not f["resolved"]:
            p.open_now += 1
        severity = f["severity"]
        if opened is not None:
            month = _month(opened, self.tz)
            p.per_month[month][severity] += 1
            if f["ack"] is not None:
                p.tta[month].append(_hours(f["ack"]))
            if f["res"] is not None:
                p.ttr[month].append(_hours(f["res"]))
        p.categories[f["category"]] += 1
        escape = f["escape"]
        if escape:
            key = _norm(escape)
            p.escapes[key] += 1
            p.escape_text.setdefault(key, escape.strip())
        actions = f["actions"]
        if actions:
            today = self.today
            for owner, due in actions:
                p.actions_open[owner] += 1
                if due is not None and due < today:
                    p.actions_overdue[owner] += 1
        stat, promised = self.stat(severity)
        gaps: list[int] = f["gaps"]
        if f["waiting"] is not None:
            start = dt.datetime.fromisoformat(f["waiting"]).astimezone(dt.UTC)
            gaps = [*gaps, max(_us(self.now_utc - start), 0)]
        if gaps:
            hours = stat.hours
            for value in gaps:
                stat.gaps += 1
                stat.late += value > promised
                hours.append(_hours(value))
        for status in f.get("expectations", ()):
            p.expectations[client][status] += 1
        for at, csat in f["feedback"]:
            cell = p.csat[client][self.month(at)]
            cell[0] += csat
            cell[1] += 1


def _us(value: dt.timedelta) -> int:
    return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds


def median(values: list[float]) -> float | None:
    """Median, or None for no values."""
    return statistics.median(values) if values else None
