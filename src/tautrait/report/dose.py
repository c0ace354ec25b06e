"""Dose-response: the pass rate against a swept trait's intensity, and its slope.

A ``--sweep`` leaves arms whose record says ``sweep: {"trait", "intensity"}``; with the
baseline as intensity 0 they form one curve per trait (see
:class:`~tautrait.report.schema.DoseResponse`).

Estimates, all over **tasks** like every other figure of a report:

- Units are the (run, task, trial) keys at which the baseline and every point completed:
  the curve is measured on one set of seeds, and an infrastructure error drops a unit
  from every point alike (counted in ``excluded``).
- A point's pass rate is the mean over tasks of the task's share of passing units; its
  delta's CI is the paired bootstrap of :func:`~tautrait.report.stats.paired_bootstrap`.
- The slope is ordinary least squares of the per-(task, intensity) pass shares on the
  intensity. Every task has every intensity (the units are complete), so that pooled
  slope equals the mean of the per-task slopes, and its CI is the percentile bootstrap
  of that mean over tasks (:func:`~tautrait.report.stats.bootstrap_mean_interval`):
  resampling a task moves all its points together, as a task-clustered estimate must.

Surprise: this is also the one place a report shows schedules (:func:`schedule_rows`):
they are read from the arms' records, which hold the intensity of each user turn.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from tautrait.report import stats
from tautrait.report.load import BASELINE, ArmMeta, Episode
from tautrait.report.schema import DosePoint, DoseResponse, Interval, Row
from tautrait.report.svg import DosePlotPoint, dose_chart

UnitKey = tuple[str, str, int]


def sweeps_of(metas: dict[str, ArmMeta]) -> dict[str, dict[float, str]]:
    """Trait -> intensity -> arm, for every sweep arm of a row."""
    found: dict[str, dict[float, str]] = defaultdict(dict)
    for name, meta in metas.items():
        sweep = meta.steering.get("sweep")
        if isinstance(sweep, dict) and "trait" in sweep and "intensity" in sweep:
            found[str(sweep["trait"])][float(sweep["intensity"])] = name
    return dict(found)


def ols_slope(xs: list[float], ys: list[float]) -> float | None:
    """Least-squares slope of ys on xs; None when xs do not vary."""
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx


def _interval(value: stats.Interval | None) -> Interval | None:
    return None if value is None else Interval(low=value.low, high=value.high)


def dose_response(
    trait: str, arms: dict[float, str], episodes: dict[str, list[Episode]], alpha: float
) -> DoseResponse:
    """The curve of one swept trait: ``arms`` maps each non-zero intensity to its arm,
    ``episodes`` each arm (the baseline included) to its episodes."""
    by_x = {0.0: BASELINE, **{x: a for x, a in arms.items() if x != 0}}
    xs = sorted(by_x)
    keyed: dict[float, dict[UnitKey, bool | None]] = {
        x: {
            (e.ref.run_id, e.record.task_id, e.record.trial): e.passed
            for e in episodes.get(by_x[x], [])
        }
        for x in xs
    }
    every = set().union(*(set(k) for k in keyed.values()))
    complete = sorted(k for k in every if all(keyed[x].get(k) is not None for x in xs))
    per_task: dict[str, list[UnitKey]] = defaultdict(list)
    for key in complete:
        per_task[key[1]].append(key)
    tasks = list(per_task)
    # shares[x][i]: task i's share of passing units at intensity x.
    shares = {
        x: [sum(bool(keyed[x][k]) for k in per_task[t]) / len(per_task[t]) for t in tasks]
        for x in xs
    }
    confidence = 1 - alpha
    points = []
    for x in xs:
        rate = sum(shares[x]) / len(tasks) if tasks else None
        base = sum(shares[0.0]) / len(tasks) if tasks else None
        boot = stats.paired_bootstrap(shares[0.0], shares[x], confidence) if x != 0 else None
        points.append(
            DosePoint(
                intensity=x,
                arm=by_x[x],
                pass_rate=rate,
                abs_delta=None if rate is None or base is None else rate - base,
                abs_ci=_interval(boot.abs_delta) if boot else None,
            )
        )
    task_slopes = [ols_slope(xs, [shares[x][i] for x in xs]) for i in range(len(tasks))]
    slopes = [s for s in task_slopes if s is not None]
    slope = sum(slopes) / len(slopes) if slopes else None
    ci = stats.bootstrap_mean_interval(slopes, confidence) if len(slopes) >= 2 else None
    return DoseResponse(
        trait=trait,
        points=points,
        tasks=len(tasks),
        units=len(complete),
        excluded=len(every) - len(complete),
        slope=slope,
        slope_ci=_interval(ci),
    )


def build_dose(
    metas: dict[str, ArmMeta], episodes_of: Any, alpha: float, notes: list[str] | None = None
) -> list[DoseResponse]:
    """Every swept trait's curve for one row (``episodes_of(arm)`` gives an arm's
    episodes); empty without sweeps or without a baseline arm."""
    sweeps = sweeps_of(metas)
    if not sweeps or BASELINE not in metas:
        return []
    out = []
    for trait, arms in sweeps.items():
        names = [BASELINE, *arms.values()]
        out.append(dose_response(trait, arms, {a: episodes_of(a) for a in names}, alpha))
    return out


# --- rendering ---------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"


def _pts(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:+.1f}"


def _ci(value: Interval | None) -> str:
    if value is None:
        return ""
    low = "-inf" if value.low is None else f"{value.low * 100:+.1f}"
    high = "+inf" if value.high is None else f"{value.high * 100:+.1f}"
    return f"[{low}, {high}]"


def slope_text(d: DoseResponse, alpha: float) -> str:
    """'slope -12.5 points per unit [-20.0, -5.0] (95% bootstrap over 3 tasks)'."""
    if d.slope is None:
        return "slope n/a (no complete unit)"
    ci = _ci(d.slope_ci) or "(no CI: one task)"
    return (
        f"slope {d.slope * 100:+.1f} points of pass rate per calibrated unit {ci} "
        f"({(1 - alpha) * 100:g}% bootstrap over {d.tasks} task(s); OLS)"
    )


def dose_table(d: DoseResponse) -> tuple[list[str], list[list[str]]]:
    header = ["intensity", "arm", "pass rate", "Δ points vs baseline [CI]"]
    rows = [
        [
            f"{p.intensity:g}",
            p.arm,
            _pct(p.pass_rate),
            "0 (baseline)" if p.arm == BASELINE else f"{_pts(p.abs_delta)} {_ci(p.abs_ci)}",
        ]
        for p in d.points
    ]
    return header, rows


def schedule_rows(row: Row) -> list[list[str]]:
    """[arm, trait, schedule, intensity per user turn] for every scheduled arm."""
    out = []
    for arm in row.arms:
        schedule = arm.steering.get("schedule")
        turns = arm.steering.get("turn_intensities")
        if not isinstance(schedule, dict) or not isinstance(turns, list):
            continue
        for trait, spec in schedule.items():
            course = " → ".join(f"{t.get(trait, 0):.3g}" for t in turns if isinstance(t, dict))
            out.append([arm.arm, trait, _spec_text(spec), f"{course} (then holds)"])
    return out


def _spec_text(spec: object) -> str:
    if isinstance(spec, dict):
        return f"from {spec.get('from')} to {spec.get('to')} over {spec.get('over')} turns"
    if isinstance(spec, list):
        return "per turn: " + ", ".join(str(v) for v in spec)
    return str(spec)


def markdown_lines(row: Row, alpha: float) -> list[str]:
    """The row's dose-response and schedule sections (empty when it has neither)."""

    def table(header: list[str], rows: list[list[str]]) -> list[str]:
        def esc(text: str) -> str:
            return text.replace("|", "\\|").replace("\n", " ")

        lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        return lines + ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]

    out: list[str] = []
    for d in row.dose:
        out += [f"### Dose-response: {d.trait}", ""]
        out.append(
            f"Pass rate against intensity (calibrated units, 1 = medium; 0 is the baseline "
            f"arm) on {d.units} (run, task, trial) unit(s) complete at every point "
            f"({d.excluded} left out); {(1 - alpha) * 100:g}% paired-bootstrap CIs over "
            f"tasks. {slope_text(d, alpha)}."
        )
        out.append("")
        out += table(*dose_table(d))
        out.append("")
    schedules = schedule_rows(row)
    if schedules:
        out += ["### Schedules", ""]
        out.append(
            "Intensity (calibrated units) of each user turn, from the arm's record; each "
            "user message of its episodes records the one it was generated under."
        )
        out.append("")
        out += table(["arm", "trait", "schedule", "intensity per user turn"], schedules)
        out.append("")
    return out


def charts(row: Row) -> list[str]:
    """One SVG per swept trait: pass rate with CI per intensity, and the fitted line."""
    out = []
    for d in row.dose:
        base = next((p.pass_rate for p in d.points if p.arm == BASELINE), None)
        points = [
            DosePlotPoint(
                x=p.intensity,
                y=p.pass_rate,
                low=None
                if p.abs_ci is None or base is None or p.abs_ci.low is None
                else base + p.abs_ci.low,
                high=None
                if p.abs_ci is None or base is None or p.abs_ci.high is None
                else base + p.abs_ci.high,
                label=p.arm,
            )
            for p in d.points
        ]
        mean_x = sum(p.intensity for p in d.points) / len(d.points) if d.points else 0.0
        rates = [p.pass_rate for p in d.points if p.pass_rate is not None]
        mean_y = sum(rates) / len(rates) if rates else None
        line = None if d.slope is None or mean_y is None else (mean_x, mean_y, d.slope)
        out.append(
            dose_chart(
                points,
                line,
                f"{row.domain} / {row.label}: pass rate vs {d.trait} intensity",
            )
        )
    return out
