"""Run B against run A on the same tasks (e.g. two versions of an agent), as a CI gate.

Arms are matched by name (baseline with baseline, skeptical with skeptical); two runs
with a single arm each are matched whatever their names. Each matched arm is analysed
like a trait delta, with A as the reference: episodes pair by (task, trial), a pair with
an infrastructure error on either side is dropped from both, and Holm's correction runs
across the matched arms.

An arm **regresses** when the upper bound of the CI of B - A lies below ``-max_drop``
points, or when the Holm-corrected paired test is significant with B below A. A raw
point difference alone never counts: a noisy drop is not a regression.

Runs over different domains, domain versions or task sets are refused with a
:class:`~tautrait.errors.UserError` unless ``force``, which keeps the common tasks.
"""

from __future__ import annotations

from tautrait import __version__
from tautrait.errors import UserError
from tautrait.report.analysis import (
    bootstrap_settings,
    check_alpha,
    common_tasks,
    task_set_problems,
)
from tautrait.report.load import Episode, LoadedRun
from tautrait.report.paired import apply_holm, paired_delta
from tautrait.report.schema import ArmComparison, Comparison, Delta


def _keyed(run: LoadedRun, arm: str, tasks: set[str]) -> dict[tuple[str, str, int], Episode]:
    return {
        ("", e.record.task_id, e.record.trial): e
        for e in run.episodes
        if e.record.arm == arm and e.record.task_id in tasks
    }


def match_arms(a: LoadedRun, b: LoadedRun) -> list[tuple[str, str]]:
    common = [name for name in a.arms if name in b.arms]
    if common:
        return [(name, name) for name in common]
    if len(a.arms) == 1 and len(b.arms) == 1:
        return [(next(iter(a.arms)), next(iter(b.arms)))]
    raise UserError(
        f"{a.info.run_id} (arms {', '.join(a.arms)}) and {b.info.run_id} (arms "
        f"{', '.join(b.arms)}) have no arm in common; compare runs made with the same "
        "--trait-dict files"
    )


def regression_reasons(delta: Delta, max_drop: float, alpha: float) -> list[str]:
    reasons = []
    level = f"{(1 - alpha) * 100:g}%"
    if delta.abs_ci is not None and delta.abs_ci.high is not None:
        high = delta.abs_ci.high * 100
        if high < -max_drop:
            limit = f"-{max_drop:g}" if max_drop else "0"
            reasons.append(
                f"the {level} CI of the delta lies below {limit} points (upper bound {high:+.1f})"
            )
    if delta.significant and delta.abs_delta is not None and delta.abs_delta < 0:
        reasons.append(
            f"the paired test is significant with a drop (p={delta.p_value:.3g}, "
            f"Holm p={delta.p_holm:.3g} < {alpha:g})"
        )
    return reasons


def compare_runs(
    a: LoadedRun,
    b: LoadedRun,
    *,
    alpha: float = 0.05,
    max_drop: float = 0.0,
    force: bool = False,
) -> Comparison:
    """B against A; ``max_drop`` is in points (percentage points of the pass rate)."""
    check_alpha(alpha)
    if max_drop < 0:
        raise UserError(f"--max-drop must be 0 or more points (got {max_drop:g})")
    notes: list[str] = []
    problems = task_set_problems(a, b)
    tasks = common_tasks([a, b])
    if problems and not force:
        raise UserError(
            f"{a.info.run_id} and {b.info.run_id} are not over the same tasks: "
            f"{'; '.join(problems)}; pass --force to compare their {len(tasks)} common "
            "task(s) only"
        )
    if not tasks:
        raise UserError(f"{a.info.run_id} and {b.info.run_id} have no task in common")
    if problems:
        notes.append(f"--force: compared the {len(tasks)} common tasks ({'; '.join(problems)})")
    keep = set(tasks)
    pairs = match_arms(a, b)
    results = [
        paired_delta(
            _keyed(a, arm_a, keep),
            _keyed(b, arm_b, keep),
            arm=arm_b,
            baseline=arm_a,
            alpha=alpha,
            tests=len(pairs),
        )
        for arm_a, arm_b in pairs
    ]
    deltas = [r.delta for r in results]
    apply_holm(deltas, alpha)
    arms = []
    for (arm_a, arm_b), delta in zip(pairs, deltas, strict=True):
        reasons = regression_reasons(delta, max_drop, alpha)
        arms.append(
            ArmComparison(
                arm_a=arm_a, arm_b=arm_b, delta=delta, regression=bool(reasons), reasons=reasons
            )
        )
    for run in (a, b):
        notes.extend(f"{run.info.run_id}: {n}" for n in run.info.notes)
    return Comparison(
        generator=f"tautrait {__version__}",
        alpha=alpha,
        max_drop=max_drop,
        bootstrap=bootstrap_settings(alpha),
        forced=force and bool(problems),
        run_a=a.info,
        run_b=b.info,
        tasks=tasks,
        arms=arms,
        regression=any(arm.regression for arm in arms),
        notes=notes,
    )
