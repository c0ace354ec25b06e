"""The manipulation check in a report: did each trait arm's simulator express its trait?

Every local simulator turn records the projection of the simulator's hidden states onto
each trait direction (``expression`` in the episode; see
:mod:`tautrait.steering.expression`). Per trait arm and each of its traits, the report
compares that expression with the baseline arm's on paired episodes (same run, task and
trial), the way reward deltas are paired (:mod:`tautrait.report.paired`):

- an episode's value is the mean over its measured user turns; a task's, the mean over
  its trials; the delta is arm minus baseline, with a paired bootstrap CI over tasks;
- its course over the conversation: per user-turn index, the mean of each side over the
  pairs that both reached that turn (does the trait fade?);
- a warning when the CI's lower bound is not above zero: the trait was not shown to be
  expressed more than by the neutral user, so a reward delta is not evidence of the
  trait's effect.

A pair counts whatever its episodes' status (a turn spoken before an infrastructure
error was still spoken); episodes with no measured turn (no local simulator, a run
before the check) leave the check empty and the report says nothing of it.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from tautrait.report import stats
from tautrait.report.load import Episode
from tautrait.report.schema import Interval, Report, Row, TraitExpression, TurnExpression
from tautrait.report.svg import Series, value_chart

PairKey = tuple[str, str, int]


def arm_traits(episodes: list[Episode]) -> list[str]:
    """The traits an arm expresses: those its steering gives a nonzero coefficient
    (else every trait of its intensities)."""
    traits: list[str] = []
    for e in episodes:
        steering = e.record.steering
        names = [t for t, c in (steering.coefficients or {}).items() if c != 0.0] or list(
            steering.intensities or {}
        )
        traits += [t for t in names if t not in traits]
    return traits


def turn_values(episode: Episode, trait: str) -> list[float | None]:
    """The episode's expression of ``trait`` per user turn (None: not measured)."""
    return [None if turn is None else turn.get(trait) for turn in (episode.record.expression or [])]


def episode_value(episode: Episode, trait: str) -> float | None:
    values = [v for v in turn_values(episode, trait) if v is not None]
    return sum(values) / len(values) if values else None


def trait_expression(
    base: dict[PairKey, Episode],
    other: dict[PairKey, Episode],
    *,
    arm: str,
    trait: str,
    alpha: float,
) -> TraitExpression | None:
    """One trait of one arm against the baseline (None when no pair was measured)."""
    per_task: dict[str, list[tuple[float, float]]] = defaultdict(list)
    turns: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for key in [k for k in base if k in other]:
        a, b = base[key], other[key]
        va, vb = episode_value(a, trait), episode_value(b, trait)
        if va is None or vb is None:
            continue
        per_task[a.record.task_id].append((va, vb))
        for i, (ta, tb) in enumerate(
            zip(turn_values(a, trait), turn_values(b, trait), strict=False)
        ):
            if ta is not None and tb is not None:
                turns[i].append((ta, tb))
    if not per_task:
        return None
    tasks = list(per_task)
    a_t = [sum(p[0] for p in per_task[t]) / len(per_task[t]) for t in tasks]
    b_t = [sum(p[1] for p in per_task[t]) / len(per_task[t]) for t in tasks]
    base_mean, arm_mean = sum(a_t) / len(a_t), sum(b_t) / len(b_t)
    boot = stats.paired_bootstrap(a_t, b_t, 1 - alpha)
    ci = Interval(low=boot.abs_delta.low, high=boot.abs_delta.high) if boot else None
    above = ci is not None and ci.low is not None and ci.low > 0
    delta = arm_mean - base_mean
    warning = None
    if not above:
        where = "below" if delta < 0 else "not above"
        warning = (
            f"WARNING: the {arm} arm's simulator expressed {trait} {where} the baseline's "
            f"(Δ {delta:+.3f}, {(1 - alpha) * 100:g}% CI {_interval(ci)}, {len(tasks)} "
            "task(s)): its reward delta is not evidence of the trait's effect"
        )
    return TraitExpression(
        arm=arm,
        trait=trait,
        paired_tasks=len(tasks),
        paired_episodes=sum(len(v) for v in per_task.values()),
        baseline_mean=base_mean,
        arm_mean=arm_mean,
        delta=delta,
        delta_ci=ci,
        above_baseline=above,
        per_turn=[
            TurnExpression(
                turn=i + 1,
                pairs=len(pairs),
                baseline=sum(p[0] for p in pairs) / len(pairs),
                arm=sum(p[1] for p in pairs) / len(pairs),
            )
            for i, pairs in sorted(turns.items())
        ],
        warning=warning,
    )


def arm_expression(
    base: dict[PairKey, Episode], other: dict[PairKey, Episode], *, arm: str, alpha: float
) -> list[TraitExpression]:
    """Every trait of a trait arm against the baseline."""
    found = [
        trait_expression(base, other, arm=arm, trait=t, alpha=alpha)
        for t in arm_traits(list(other.values()))
    ]
    return [f for f in found if f is not None]


def warnings(rows: list[Row]) -> list[str]:
    """One line per trait arm whose expression is not above the baseline's."""
    return [
        f"{row.domain} / {row.label}: {e.warning}"
        for row in rows
        for e in row.expression
        if e.warning
    ]


def _interval(ci: Interval | None) -> str:
    if ci is None:
        return "n/a"
    low = "-∞" if ci.low is None else f"{ci.low:+.3f}"
    high = "+∞" if ci.high is None else f"{ci.high:+.3f}"
    return f"[{low}, {high}]"


def _value(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.3f}"


def markdown(report: Report) -> list[str]:
    """The manipulation-check section (empty when nothing was measured)."""
    rows = [row for row in report.rows if row.expression]
    if not rows:
        return []
    level = f"{(1 - report.alpha) * 100:g}%"
    out = ["## Manipulation check: trait expression vs. baseline", ""]
    out.append(
        "Projection of the simulator's own hidden states (at the trait's steered block, "
        "before the steering vector is added, mean over a turn's generated tokens) onto the "
        f"trait's unit direction; paired episodes, Δ with its {level} paired-bootstrap CI "
        "over tasks. Per turn: baseline → arm, mean over the pairs that reached the turn."
    )
    out.append("")
    for row in rows:
        out += [f"### {row.domain} / {row.label}", ""]
        out.append("| arm | trait | pairs | baseline | arm | Δ [CI] | above | per turn |")
        out.append("|---|---|---:|---:|---:|---:|---|---|")
        for e in row.expression:
            turns = "; ".join(f"{t.turn}: {t.baseline:.2f}→{t.arm:.2f}" for t in e.per_turn[:12])
            delta = "n/a" if e.delta is None else f"{e.delta:+.3f} {_interval(e.delta_ci)}"
            out.append(
                f"| {e.arm} | {e.trait} | {e.paired_episodes} | {_value(e.baseline_mean)} | "
                f"{_value(e.arm_mean)} | {delta} | {'yes' if e.above_baseline else '**no**'} | "
                f"{turns} |"
            )
        out.append("")
        for e in row.expression:
            if e.warning:
                out += [f"> **{e.warning}**", ""]
    return out


def charts(row: Row) -> list[str]:
    """Per trait arm and trait, expression per user turn: baseline and arm (SVG)."""
    out = []
    for e in row.expression:
        series = [
            Series("baseline", [(t.turn, t.baseline) for t in e.per_turn]),
            Series(e.arm, [(t.turn, t.arm) for t in e.per_turn]),
        ]
        out.append(
            value_chart(series, f"{row.domain} / {row.label}: {e.trait} expression per user turn")
        )
    return out


def episode_fields(episode: Episode) -> dict[str, Any]:
    """What the web report's script needs of an episode's check."""
    return {"expression": episode.record.expression}
