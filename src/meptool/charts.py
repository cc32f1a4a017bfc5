"""Geometry of the SVG pictures; the `templates/retro/charts/*.svg.j2` templates draw it.

Hand-written SVG rather than a charting library: the charts are few and simple
(bars, lines, one timeline), they must be static (no script), print well and be
autoescaped like every other template; computing coordinates here keeps the
templates declarative and the numbers testable.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

# Colour-blind-safe palette (Okabe–Ito), readable in greyscale print too.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
LATE = "#b3261e"
CHAR_W = 6.4  # average width of a 11px sans-serif character


def text_width(text: str, size: float = 11) -> float:
    """A fair estimate of a label's width in pixels."""
    return len(text) * CHAR_W * size / 11 + 8


def nice_step(span: float, target: int = 5) -> float:
    """A round step (1, 2, 5 x 10^k) giving about `target` intervals over `span`."""
    if span <= 0:
        return 1.0
    raw = span / target
    power = 10 ** math.floor(math.log10(raw))
    for mult in (1, 2, 5, 10):
        if raw <= mult * power:
            return float(mult * power)
    return float(10 * power)  # pragma: no cover


def _fmt_number(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class Tick:
    """An axis graduation."""

    pos: float
    label: str


@dataclass(frozen=True)
class Rect:
    """A bar (or a bar's segment), with the tooltip-like title kept for print and screen readers."""

    x: float
    y: float
    w: float
    h: float
    colour: str
    title: str


@dataclass(frozen=True)
class Series:
    """A named colour of the legend."""

    name: str
    colour: str


@dataclass
class Plot:
    """Common frame: size, plot area, y axis ticks, legend."""

    width: float
    height: float
    left: float
    top: float
    right: float
    bottom: float
    title: str
    yticks: list[Tick] = field(default_factory=list)
    xlabels: list[Tick] = field(default_factory=list)
    legend: list[Series] = field(default_factory=list)
    empty: bool = False


@dataclass
class BarChart(Plot):
    """Vertical (stacked) bars per category."""

    bars: list[Rect] = field(default_factory=list)


@dataclass(frozen=True)
class Point:
    """A point of a line, with its value for the label."""

    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Line:
    """One series of a line chart."""

    name: str
    colour: str
    points: list[Point]
    dashed: bool = False

    @property
    def path(self) -> str:
        """The SVG `points` attribute of the polyline."""
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass
class LineChart(Plot):
    """Lines over categories (months)."""

    lines: list[Line] = field(default_factory=list)


def _frame(title: str, categories: Sequence[str], top_value: float, width: float) -> Plot:
    height = 260.0
    plot = Plot(width, height, 48.0, 34.0, width - 12.0, height - 44.0, title)
    step = nice_step(top_value or 1.0)
    top = max(step, math.ceil((top_value or 1.0) / step) * step)
    value = 0.0
    while value <= top + 1e-9:
        plot.yticks.append(
            Tick(plot.bottom - value / top * (plot.bottom - plot.top), _fmt_number(value))
        )
        value += step
    plot.empty = not categories
    return plot


def _scale(plot: Plot) -> float:
    top = float(plot.yticks[-1].label) if plot.yticks else 1.0
    return (plot.bottom - plot.top) / (top or 1.0)


def _slots(plot: Plot, categories: Sequence[str]) -> list[float]:
    n = max(len(categories), 1)
    slot = (plot.right - plot.left) / n
    centres = [plot.left + slot * (i + 0.5) for i in range(len(categories))]
    every = max(1, math.ceil(len(categories) * 60 / (plot.right - plot.left)))
    plot.xlabels = [
        Tick(x, c)
        for i, (x, c) in enumerate(zip(centres, categories, strict=True))
        if i % every == 0
    ]
    return centres


def stacked_bars(
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    width: float = 720,
    grouped: bool = False,
) -> BarChart:
    """Bars per category, stacked per series (or side by side when `grouped`)."""
    totals = [
        (max if grouped else sum)([0.0, *(values[i] for _, values in series)])
        for i in range(len(categories))
    ]
    frame = _frame(title, categories, max(totals, default=0.0), width)
    chart = BarChart(**vars(frame))
    chart.legend = [Series(name, PALETTE[i % len(PALETTE)]) for i, (name, _) in enumerate(series)]
    centres = _slots(chart, categories)
    scale = _scale(chart)
    slot = (chart.right - chart.left) / max(len(categories), 1)
    bar_w = min(48.0, slot * 0.7)
    each = bar_w / max(len(series), 1) if grouped else bar_w
    for i, (cat, x) in enumerate(zip(categories, centres, strict=True)):
        base = chart.bottom
        for s, (name, values) in enumerate(series):
            value = values[i]
            if value <= 0:
                continue
            h = value * scale
            if grouped:
                left, top = x - bar_w / 2 + s * each, chart.bottom - h
            else:
                base -= h
                left, top = x - bar_w / 2, base
            title_text = f"{cat} — {name}: {_fmt_number(round(value, 1))}"
            chart.bars.append(Rect(left, top, each, h, PALETTE[s % len(PALETTE)], title_text))
    return chart


def lines(
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    fmt: Callable[[float], str] = _fmt_number,
    width: float = 720,
    dashed: Sequence[bool] = (),
    fixed_top: float | None = None,
) -> LineChart:
    """One polyline per series over the categories; missing values are skipped."""
    values = [v for _, vs in series for v in vs if v is not None]
    top = fixed_top if fixed_top is not None else max(values, default=0.0)
    frame = _frame(title, categories, top, width)
    chart = LineChart(**vars(frame))
    chart.legend = [Series(name, PALETTE[i % len(PALETTE)]) for i, (name, _) in enumerate(series)]
    centres = _slots(chart, categories)
    scale = _scale(chart)
    for s, (name, vs) in enumerate(series):
        points = [
            Point(x, chart.bottom - v * scale, fmt(v))
            for x, v in zip(centres, vs, strict=True)
            if v is not None
        ]
        chart.lines.append(
            Line(name, PALETTE[s % len(PALETTE)], points, dashed=bool(dashed and dashed[s]))
        )
    return chart


@dataclass
class HBarChart:
    """Horizontal bars, one row per label, segments per series (e.g. actions by owner)."""

    width: float
    height: float
    label_w: float
    title: str
    rows: list[Tick] = field(default_factory=list)
    bars: list[Rect] = field(default_factory=list)
    values: list[Tick] = field(default_factory=list)
    legend: list[Series] = field(default_factory=list)
    empty: bool = False


def hbars(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    width: float = 720,
    colours: Sequence[str] = PALETTE,
) -> HBarChart:
    """Horizontal stacked bars; the total is written at the end of each row."""
    row_h = 24.0
    label_w = min(260.0, max([text_width(lbl) for lbl in labels], default=60.0))
    chart = HBarChart(width, 44 + row_h * max(len(labels), 1) + 10, label_w, title)
    chart.empty = not labels
    chart.legend = [Series(name, colours[i % len(colours)]) for i, (name, _) in enumerate(series)]
    totals = [sum(vs[i] for _, vs in series) for i in range(len(labels))]
    top = max(totals, default=1.0) or 1.0
    span = width - label_w - 60
    for i, label in enumerate(labels):
        y = 40 + i * row_h
        chart.rows.append(Tick(y + row_h / 2, label))
        x = label_w + 8
        for s, (name, vs) in enumerate(series):
            if vs[i] <= 0:
                continue
            w = vs[i] / top * span
            chart.bars.append(
                Rect(
                    x,
                    y + 4,
                    w,
                    row_h - 8,
                    PALETTE[s % len(PALETTE)],
                    f"{label} — {name}: {_fmt_number(vs[i])}",
                )
            )
            x += w
        chart.values.append(Tick(x + 4, _fmt_number(totals[i])))
    return chart


# --- the incident timeline ------------------------------------------------------


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


def _ticks(t0: dt.datetime, t1: dt.datetime, tz: dt.tzinfo) -> list[dt.datetime]:
    """Round local times between t0 and t1: hours step in real time, days in calendar days."""
    step = next((s for s in TICK_STEPS if (t1 - t0) / s <= 9), TICK_STEPS[-1])
    local0 = t0.astimezone(tz)
    out = []
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

    ticks = [Tick(x_of(t), tick_label(t.astimezone(tz))) for t in _ticks(t0, t1, tz)]

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
