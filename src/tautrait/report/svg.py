"""Two small chart kinds as inline SVG strings: bars with CI whiskers, and pass^k lines.

Hand-written rather than matplotlib: the report needs exactly two simple chart kinds, and
a few dozen lines give deterministic, compact markup styled by the page's CSS (text stays
selectable, colours follow the page), with no heavy dependency, no font files and no
import cost. Every label is XML-escaped; each chart carries a ``<title>`` for screen
readers and tooltips on its marks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from math import ceil
from typing import Any
from xml.sax.saxutils import escape

PALETTE = ("#4e79a7", "#e15759", "#f28e2b", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#9c755f")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    """The bar's length, in the chart's unit."""
    low: float | None
    """CI lower bound; None when unbounded (drawn to the axis edge)."""
    high: float | None
    significant: bool = False


@dataclass(frozen=True)
class Series:
    name: str
    points: list[tuple[int, float]]
    """(k, value in [0, 1])."""


def _nice(limit: float) -> float:
    """The smallest of 10, 20, 25, 50, 100, 200, ... at or above ``limit``."""
    for step in (10, 20, 25, 50, 100):
        if limit <= step:
            return float(step)
    return float(100 * ceil(limit / 100))


def _f(x: float) -> str:
    return f"{x:.1f}"


def _series_marks(
    series: Sequence[Any],
    x: Callable[[Any], float],
    y: Callable[[float], float],
    legend: tuple[float, float],
    tip: Callable[[Any, float], str],
) -> list[str]:
    """Each series' line, its points (with ``tip(x, y)`` as their tooltip) and its legend
    entry, right of the plot at ``legend`` (the plot's right edge and top)."""
    right, top = legend
    out: list[str] = []
    for i, s in enumerate(series):
        color = PALETTE[i % len(PALETTE)]
        pts = sorted(s.points)
        if len(pts) > 1:
            path = " ".join(f"{_f(x(k))},{_f(y(v))}" for k, v in pts)
            out.append(f'<polyline class="series" points="{path}" stroke="{color}"/>')
        for k, v in pts:
            out.append(
                f'<circle cx="{_f(x(k))}" cy="{_f(y(v))}" r="3.5" fill="{color}">'
                f"<title>{escape(s.name)}: {tip(k, v)}</title></circle>"
            )
        ly = top + 10 + i * 18
        out.append(f'<rect x="{right + 16}" y="{ly - 8}" width="10" height="10" fill="{color}"/>')
        out.append(_text("label", right + 32, ly + 1, s.name))
    return out


def _open(kind: str, width: float, height: float, title: str) -> list[str]:
    label = escape(title, {'"': "&quot;"})
    return [
        f'<svg class="chart {kind}" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{label}">',
        f"<title>{escape(title)}</title>",
        f'<text class="chart-title" x="4" y="16">{escape(title)}</text>',
    ]


def _line(cls: str, x1: float, y1: float, x2: float, y2: float) -> str:
    return f'<line class="{cls}" x1="{_f(x1)}" y1="{_f(y1)}" x2="{_f(x2)}" y2="{_f(y2)}"/>'


def _text(cls: str, x: float, y: float, text: str, anchor: str = "start") -> str:
    return (
        f'<text class="{cls}" x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}">{escape(text)}</text>'
    )


def bar_chart(bars: list[Bar], title: str, unit: str = "points") -> str:
    """Horizontal bars from zero with CI whiskers; a symmetric axis around zero."""
    label_w, plot_w, right_w, row_h, top, bottom = 150, 340, 70, 26, 28, 30
    width = label_w + plot_w + right_w
    height = top + row_h * max(len(bars), 1) + bottom
    finite = [abs(v) for b in bars for v in (b.value, b.low, b.high) if v is not None]
    span = _nice(max(finite, default=10.0))

    def x(v: float) -> float:
        v = max(-span, min(span, v))
        return label_w + (v + span) / (2 * span) * plot_w

    out = _open("bars", width, height, title)
    axis_y = top + row_h * max(len(bars), 1)
    for tick in (-span, -span / 2, 0.0, span / 2, span):
        tx = x(tick)
        out.append(_line("grid", tx, top - 4, tx, axis_y))
        out.append(_text("tick", tx, axis_y + 14, f"{tick:+g}", "middle"))
    out.append(_text("tick", label_w + plot_w / 2, axis_y + 27, unit, "middle"))
    for i, bar in enumerate(bars):
        y = top + i * row_h
        mid = y + row_h / 2
        x0, x1 = x(0), x(bar.value)
        cls = "bar significant" if bar.significant else "bar"
        tip = (
            f"{bar.label}: {bar.value:+.1f} [{'-inf' if bar.low is None else f'{bar.low:+.1f}'}, "
            f"{'+inf' if bar.high is None else f'{bar.high:+.1f}'}]"
        )
        out.append(_text("label", label_w - 6, mid + 4, bar.label, "end"))
        out.append(
            f'<rect class="{cls}" x="{_f(min(x0, x1))}" y="{_f(y + 5)}" '
            f'width="{_f(max(abs(x1 - x0), 1.0))}" height="{row_h - 10}">'
            f"<title>{escape(tip)}</title></rect>"
        )
        lo = x(bar.low) if bar.low is not None else label_w
        hi = x(bar.high) if bar.high is not None else label_w + plot_w
        out.append(_line("whisker", lo, mid, hi, mid))
        for cap, bounded in ((lo, bar.low is not None), (hi, bar.high is not None)):
            if bounded:
                out.append(_line("whisker", cap, mid - 6, cap, mid + 6))
        value = f"{bar.value:+.1f}{'*' if bar.significant else ''}"
        out.append(_text("value", label_w + plot_w + 6, mid + 4, value))
    out.append("</svg>")
    return "\n".join(out)


def line_chart(series: list[Series], title: str) -> str:
    """pass^k against k, one line per series, y from 0 to 100%."""
    left, plot_w, plot_h, top, bottom, legend_w = 44, 300, 150, 28, 34, 160
    width, height = left + plot_w + legend_w, top + plot_h + bottom
    ks = sorted({k for s in series for k, _ in s.points}) or [1]
    k_min, k_max = ks[0], ks[-1]

    def x(k: int) -> float:
        if k_max == k_min:
            return left + plot_w / 2
        return left + (k - k_min) / (k_max - k_min) * plot_w

    def y(v: float) -> float:
        return top + (1 - max(0.0, min(1.0, v))) * plot_h

    out = _open("lines", width, height, title)
    for v in (0.0, 0.25, 0.5, 0.75, 1.0):
        out.append(_line("grid", left, y(v), left + plot_w, y(v)))
        out.append(_text("tick", left - 6, y(v) + 4, f"{v * 100:.0f}%", "end"))
    for k in ks:
        out.append(_text("tick", x(k), top + plot_h + 14, str(k), "middle"))
    out.append(_text("tick", left + plot_w / 2, top + plot_h + 28, "k", "middle"))
    out += _series_marks(
        series, x, y, (left + plot_w, top), lambda k, v: f"pass^{k} = {v * 100:.1f}%"
    )
    out.append("</svg>")
    return "\n".join(out)


@dataclass(frozen=True)
class DosePlotPoint:
    x: float
    """Intensity, in calibrated units."""
    y: float | None
    """Pass rate in [0, 1]; None is not drawn."""
    low: float | None
    """CI bounds of y (None: none drawn)."""
    high: float | None
    label: str


def dose_chart(
    points: list[DosePlotPoint], line: tuple[float, float, float] | None, title: str
) -> str:
    """Pass rate against intensity: a dot per point with its CI whisker, and the fitted
    line ``(x0, y0, slope)`` (through (x0, y0)) across the swept range; y from 0 to 100%."""
    left, plot_w, plot_h, top, bottom, right = 44, 360, 160, 28, 36, 20
    width, height = left + plot_w + right, top + plot_h + bottom
    xs = [p.x for p in points] or [0.0]
    x_min, x_max = min(xs), max(xs)
    pad = (x_max - x_min) * 0.05 or 0.5

    def x(v: float) -> float:
        return left + (v - x_min + pad) / (x_max - x_min + 2 * pad) * plot_w

    def y(v: float) -> float:
        return top + (1 - max(0.0, min(1.0, v))) * plot_h

    out = _open("dose", width, height, title)
    for v in (0.0, 0.25, 0.5, 0.75, 1.0):
        out.append(_line("grid", left, y(v), left + plot_w, y(v)))
        out.append(_text("tick", left - 6, y(v) + 4, f"{v * 100:.0f}%", "end"))
    for v in sorted(set(xs)):
        out.append(_text("tick", x(v), top + plot_h + 14, f"{v:g}", "middle"))
    out.append(
        _text("tick", left + plot_w / 2, top + plot_h + 30, "intensity (1 = medium)", "middle")
    )
    if line is not None:
        x0, y0, slope = line
        out.append(
            _line(
                "fit",
                x(x_min),
                y(y0 + slope * (x_min - x0)),
                x(x_max),
                y(y0 + slope * (x_max - x0)),
            ).replace("/>", ' stroke="#888" stroke-dasharray="4 3"/>')
        )
    for p in points:
        if p.y is None:
            continue
        if p.low is not None and p.high is not None:
            out.append(_line("whisker", x(p.x), y(p.low), x(p.x), y(p.high)))
        out.append(
            f'<circle cx="{_f(x(p.x))}" cy="{_f(y(p.y))}" r="4" fill="{PALETTE[0]}">'
            f"<title>{escape(p.label)}: {p.y * 100:.1f}%</title></circle>"
        )
    out.append("</svg>")
    return "\n".join(out)


def value_chart(series: list[Series], title: str, x_label: str = "user turn") -> str:
    """Values of any sign and scale against an integer x (the manipulation check's
    expression per user turn), one line per series; the y range fits the data."""
    left, plot_w, plot_h, top, bottom, legend_w = 52, 300, 150, 28, 34, 160
    width, height = left + plot_w + legend_w, top + plot_h + bottom
    xs = sorted({k for s in series for k, _ in s.points}) or [1]
    values = [v for s in series for _, v in s.points] or [0.0]
    lo, hi = min(values), max(values)
    if hi - lo < 1e-9:
        lo, hi = lo - 1.0, hi + 1.0
    pad = (hi - lo) * 0.08
    lo, hi = lo - pad, hi + pad

    def x(k: int) -> float:
        if xs[-1] == xs[0]:
            return left + plot_w / 2
        return left + (k - xs[0]) / (xs[-1] - xs[0]) * plot_w

    def y(v: float) -> float:
        return top + (hi - v) / (hi - lo) * plot_h

    out = _open("values", width, height, title)
    for i in range(5):
        v = lo + (hi - lo) * i / 4
        out.append(_line("grid", left, y(v), left + plot_w, y(v)))
        out.append(_text("tick", left - 6, y(v) + 4, f"{v:.2f}", "end"))
    for k in xs:
        out.append(_text("tick", x(k), top + plot_h + 14, str(k), "middle"))
    out.append(_text("tick", left + plot_w / 2, top + plot_h + 28, x_label, "middle"))
    out += _series_marks(
        series, x, y, (left + plot_w, top), lambda k, v: f"{x_label} {k} = {v:.3f}"
    )
    out.append("</svg>")
    return "\n".join(out)
