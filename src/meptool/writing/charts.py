"""Geometry of the SVG pictures; the `templates/retro/charts/*.svg.j2` templates draw it.

Hand-written SVG rather than a charting library: the charts are few and simple
(bars, lines, one timeline), they must be static (no script), print well and be
autoescaped like every other template; computing coordinates here keeps the
templates declarative and the numbers testable.
"""

from __future__ import annotations

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
                    colours[s % len(colours)],
                    f"{label} — {name}: {_fmt_number(vs[i])}",
                )
            )
            x += w
        chart.values.append(Tick(x + 4, _fmt_number(totals[i])))
    return chart
