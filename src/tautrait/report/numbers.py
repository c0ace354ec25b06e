"""How numbers read in every human format (terminal, Markdown, HTML, JUnit).

Rates print as percentages, absolute deltas as signed points, relative deltas as signed
percent, intervals in brackets with an infinite bound spelled out. Keeping these in one
module keeps a cell identical in every format.
"""

from __future__ import annotations

from tautrait.report.schema import Delta, Interval

SIGNIFICANT_MARK = "*"


def pct(value: float | None, digits: int = 1) -> str:
    """A fraction as a percentage: 0.4375 -> '43.8%'."""
    return "n/a" if value is None else f"{value * 100:.{digits}f}%"


def points(value: float | None, digits: int = 1) -> str:
    """A fraction as signed points: -0.125 -> '-12.5'."""
    return "n/a" if value is None else f"{value * 100:+.{digits}f}"


def signed(value: float | None, suffix: str = "", digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:+.{digits}f}{suffix}"


def _bound(value: float | None, low: bool, scale: float, digits: int) -> str:
    if value is None:
        return "-inf" if low else "+inf"
    return f"{value * scale:+.{digits}f}"


def interval(value: Interval | None, scale: float = 1.0, digits: int = 1) -> str:
    """'[-50.0, -5.2]'; '' when there is no interval."""
    if value is None:
        return ""
    return f"[{_bound(value.low, True, scale, digits)}, {_bound(value.high, False, scale, digits)}]"


def rate_interval(value: Interval | None) -> str:
    """A rate's CI as percentages: '[39.7%, 89.2%]'."""
    if value is None:
        return ""
    return f"[{pct(value.low)}, {pct(value.high)}]"


def p_value(value: float | None) -> str:
    if value is None:
        return "n/a"
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def money(value: float | None) -> str:
    return "unknown" if value is None else f"${value:.4f}"


def mark(delta: Delta) -> str:
    return SIGNIFICANT_MARK if delta.significant else ""


def rel_cell(delta: Delta) -> str:
    """The table's main figure: '-28.1% [-50.0, -5.2]*', or 'n/a' for a zero baseline."""
    if delta.rel_delta_pct is None:
        return f"n/a{mark(delta)}"
    ci = interval(delta.rel_ci)
    return f"{delta.rel_delta_pct:+.1f}%{' ' + ci if ci else ''}{mark(delta)}"


def abs_cell(delta: Delta) -> str:
    """The absolute change under it: '-12.5 pts'."""
    return f"{points(delta.abs_delta)} pts"


def average_cell(value: float | None, ci: Interval | None) -> str:
    if value is None:
        return "n/a"
    text = interval(ci)
    return f"{value:+.1f}%{' ' + text if text else ''}"


def mdd(delta: Delta) -> str:
    """Minimum detectable delta, in points ('none' when the run is too small for any)."""
    if delta.min_detectable_delta is None:
        return "none at this size" if delta.paired_tasks else "n/a"
    return f"{delta.min_detectable_delta * 100:.1f} pts"


def test_name(delta: Delta) -> str:
    return "McNemar exact" if delta.test == "mcnemar_exact" else "sign test"


def where(ref_source: str, line: int | None, index: int | None) -> str:
    """Where a trajectory is: 'episodes.jsonl:12' or 'file.json[3]'."""
    name = ref_source.rsplit("/", 1)[-1]
    if line is not None:
        return f"{name}:{line}"
    if index is not None:
        return f"{name}[{index}]"
    return name
