"""Geometry of the incident timeline picture (`templates/retro/timeline.svg.j2` draws it).

Times are placed in real (UTC) time; ticks fall on round local times, calendar
days for long incidents, so an axis that crosses a daylight-saving change stays right.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from meptool.writing.charts import Tick, text_width


@dataclass(frozen=True)
class Event:
    """Something to place on the timeline."""

    at: dt.datetime
    label: str
    sub: str
    kind: str  # milestone | update | entry


@dataclass(frozen=True)
class Mark:
    """A placed event: its x, the x of its label (kept inside the picture) and its row."""

    x: float
    text_x: float
    y: float
    label: str
    sub: str
    kind: str
    number: int = 0


@dataclass
class TimelineChart:
    """The incident as a picture: a time axis, milestones above, client updates below."""

    width: float
    height: float
    left: float
    right: float
    axis_y: float
    ticks: list[Tick] = field(default_factory=list)
    above: list[Mark] = field(default_factory=list)
    below: list[Mark] = field(default_factory=list)
    dots: list[Mark] = field(default_factory=list)
    band: tuple[float, float] | None = None  # the impact, from start to end (or now)


TICK_STEPS = [
    dt.timedelta(minutes=m) for m in (5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080)
]
ROW_H = 30.0


def _rows(items: list[tuple[float, float]], max_rows: int = 6) -> list[int]:
    """Greedy row for each (centre, width) so that labels of a row never overlap."""
    ends: list[float] = []
    out = []
    for centre, w in items:
        start = centre - w / 2
        for r, end in enumerate(ends):
            if start > end + 6:
                ends[r] = centre + w / 2
                out.append(r)
                break
        else:
            if len(ends) < max_rows:
                ends.append(centre + w / 2)
                out.append(len(ends) - 1)
            else:
                out.append(len(ends) - 1)
    return out


def local_ticks(t0: dt.datetime, t1: dt.datetime, tz: dt.tzinfo) -> list[dt.datetime]:
    """Round local times between t0 and t1: hours step in real time, days in calendar days."""
    step = next((s for s in TICK_STEPS if (t1 - t0) / s <= 9), TICK_STEPS[-1])
    local0 = t0.astimezone(tz)
    out: list[dt.datetime] = []
    if step >= dt.timedelta(days=1):
        # Local midnights, so a week that crosses a DST change still ticks at 00:00.
        day = local0.date()
        while True:
            t = dt.datetime.combine(day, dt.time(), tzinfo=tz).astimezone(dt.UTC)
            if t > t1:
                return out
            if t >= t0:
                out.append(t)
            day += dt.timedelta(days=step.days)
    minutes = local0.hour * 60 + local0.minute
    floor = minutes - minutes % int(step.total_seconds() // 60)
    first = local0.replace(hour=floor // 60, minute=floor % 60, second=0, microsecond=0)
    t = first.astimezone(dt.UTC)
    while t <= t1:
        if t >= t0:
            out.append(t)
        t += step
    return out


def timeline(
    events: Sequence[Event],
    *,
    tz: dt.tzinfo,
    tick_label: Callable[[dt.datetime], str],
    impact: tuple[dt.datetime, dt.datetime] | None = None,
    width: float = 960,
) -> TimelineChart:
    """Place events on a time axis with round local-time ticks (DST-correct)."""
    left, right = 24.0, width - 24.0
    # The axis spans the milestones and updates (and the impact); a later note, such as
    # feedback a week on, would squash the incident into a corner: it stays in the table.
    times = [e.at.astimezone(dt.UTC) for e in events if e.kind != "entry"]
    if impact:
        times += [impact[0].astimezone(dt.UTC), impact[1].astimezone(dt.UTC)]
    if not times:
        times = [e.at.astimezone(dt.UTC) for e in events]
    if not times:
        return TimelineChart(width, 80, left, right, 40)
    t0, t1 = min(times), max(times)
    if t1 - t0 < dt.timedelta(minutes=30):
        t1 = t0 + dt.timedelta(minutes=30)
    pad = (t1 - t0) * 0.04
    t0, t1 = t0 - pad, t1 + pad
    total = (t1 - t0).total_seconds()
    events = [e for e in events if t0 <= e.at.astimezone(dt.UTC) <= t1]

    def x_of(t: dt.datetime) -> float:
        return left + (t.astimezone(dt.UTC) - t0).total_seconds() / total * (right - left)

    ticks = [Tick(x_of(t), tick_label(t.astimezone(tz))) for t in local_ticks(t0, t1, tz)]

    def place(kind_events: list[Event]) -> list[tuple[Event, float, float, int]]:
        ordered = sorted(kind_events, key=lambda e: e.at.astimezone(dt.UTC))
        placed = []
        for e in ordered:
            w = max(text_width(e.label), text_width(e.sub, 10))
            x = x_of(e.at)
            text_x = min(max(x, left + w / 2), right - w / 2)
            placed.append((e, x, text_x, w))
        rows = _rows([(tx, w) for _, _, tx, w in placed])
        return [(e, x, tx, r) for (e, x, tx, _), r in zip(placed, rows, strict=True)]

    above = place([e for e in events if e.kind == "milestone"])
    below = place([e for e in events if e.kind == "update"])
    n_above = max((r for *_, r in above), default=-1) + 1
    n_below = max((r for *_, r in below), default=-1) + 1
    axis_y = 30 + n_above * ROW_H + 20
    chart = TimelineChart(width, axis_y + 40 + n_below * ROW_H + 10, left, right, axis_y)
    chart.ticks = ticks
    chart.above = [
        Mark(x, tx, axis_y - 26 - r * ROW_H, e.label, e.sub, e.kind) for e, x, tx, r in above
    ]
    chart.below = [
        Mark(x, tx, axis_y + 44 + r * ROW_H, e.label, e.sub, e.kind) for e, x, tx, r in below
    ]
    entries = sorted(
        (e for e in events if e.kind == "entry"), key=lambda e: e.at.astimezone(dt.UTC)
    )
    chart.dots = [
        Mark(x_of(e.at), x_of(e.at), axis_y, e.label, e.sub, e.kind, number=i)
        for i, e in enumerate(entries, 1)
    ]
    if impact:
        chart.band = (x_of(impact[0]), x_of(impact[1]))
    return chart
