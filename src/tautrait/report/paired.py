"""One arm against another on paired episodes, and one arm on its own.

Pairing is by (run, task, trial): in a tautrait run every arm of a (task, trial) shares
the seed, so the two episodes differ only in what is being compared. A pair is scored
only when *both* episodes completed; when either ended in an infrastructure error the
pair is dropped from both sides alike and counted (``excluded_infra``), so an outage in
one arm can never move the delta.

Per task, the pairs give a baseline share a_t and an arm share b_t of passing trials.
Everything else follows from those per-task values: rates are their means, the bootstrap
resamples tasks, and the test counts tasks that went down or up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from tautrait.report import stats
from tautrait.report.load import ArmMeta, Episode
from tautrait.report.schema import ArmStats, Delta, Flip, Interval, PassHatK, SideUsage

PairKey = tuple[str, str, int]
"""(group, task id, trial): the group (a run id) keeps trials of different runs apart."""


@dataclass
class PairedResult:
    """A :class:`Delta` (Holm not yet applied) and what a row needs to average deltas."""

    delta: Delta
    tasks: list[str]
    """Task order behind ``rel_samples``."""
    rel_samples: np.ndarray | None


def _interval(value: stats.Interval | None, scale: float = 1.0) -> Interval | None:
    if value is None:
        return None
    return Interval(
        low=None if value.low is None else value.low * scale,
        high=None if value.high is None else value.high * scale,
    )


def paired_delta(
    base: dict[PairKey, Episode],
    other: dict[PairKey, Episode],
    *,
    arm: str,
    baseline: str,
    alpha: float,
    tests: int = 1,
) -> PairedResult:
    """``other`` (the trait arm, or run B) against ``base`` (the baseline, or run A)."""
    per_task: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    flips: list[Flip] = []
    excluded = 0
    for key in [k for k in base if k in other]:
        a, b = base[key], other[key]
        if a.passed is None or b.passed is None:
            excluded += 1
            continue
        per_task[a.record.task_id].append((a.passed, b.passed))
        if a.passed != b.passed:
            flips.append(
                Flip(
                    task_id=a.record.task_id,
                    trial=a.record.trial,
                    run_id=b.ref.run_id,
                    direction="lost" if a.passed else "gained",
                    baseline=a.ref,
                    trait=b.ref,
                )
            )
    unpaired = sum(k not in other for k in base) + sum(k not in base for k in other)
    tasks = list(per_task)
    a_t = [sum(p[0] for p in per_task[t]) / len(per_task[t]) for t in tasks]
    b_t = [sum(p[1] for p in per_task[t]) / len(per_task[t]) for t in tasks]
    trials = max((len(v) for v in per_task.values()), default=0)
    worse = sum(b < a for a, b in zip(a_t, b_t, strict=True))
    better = sum(b > a for a, b in zip(a_t, b_t, strict=True))
    confidence = 1 - alpha
    boot = stats.paired_bootstrap(a_t, b_t, confidence) if tasks else None
    base_rate = sum(a_t) / len(a_t) if tasks else None
    arm_rate = sum(b_t) / len(b_t) if tasks else None
    abs_delta = rel = None
    if base_rate is not None and arm_rate is not None:
        abs_delta = arm_rate - base_rate
        rel = abs_delta / base_rate * 100 if base_rate > 0 else None
    flips.sort(key=lambda f: (f.direction != "lost", str(f.run_id), f.task_id, f.trial))
    delta = Delta(
        arm=arm,
        baseline=baseline,
        paired_tasks=len(tasks),
        paired_episodes=sum(len(v) for v in per_task.values()),
        excluded_infra=excluded,
        unpaired=unpaired,
        trials=trials,
        baseline_rate=base_rate,
        arm_rate=arm_rate,
        abs_delta=abs_delta,
        abs_ci=_interval(boot.abs_delta) if boot else None,
        rel_delta_pct=rel,
        rel_ci=_interval(boot.rel_delta, 100) if boot and rel is not None else None,
        test="mcnemar_exact" if trials <= 1 else "sign_test",
        worse=worse,
        better=better,
        p_value=stats.sign_test(worse, better) if tasks else None,
        p_holm=None,
        significant=False,
        min_detectable_delta=stats.min_detectable_delta(len(tasks), trials, alpha, tests),
        flips=flips,
    )
    return PairedResult(
        delta=delta,
        tasks=tasks,
        rel_samples=boot.rel_samples if boot and rel is not None else None,
    )


def apply_holm(deltas: list[Delta], alpha: float) -> None:
    """Fill ``p_holm`` and ``significant`` across one family of deltas (in place)."""
    adjusted = stats.holm([d.p_value for d in deltas])
    for d, p in zip(deltas, adjusted, strict=True):
        d.p_holm = p
        d.significant = p is not None and p < alpha


def _usage(episodes: Iterable[Episode], side: str) -> SideUsage:
    total = SideUsage()
    for e in episodes:
        usage = e.record.agent_usage if side == "agent" else e.record.user_usage
        total.prompt_tokens += usage.prompt_tokens
        total.completion_tokens += usage.completion_tokens
        total.calls += usage.calls
        total.cost = None if usage.cost is None or total.cost is None else total.cost + usage.cost
    return total


def arm_stats(arm: str, meta: ArmMeta, episodes: list[Episode], alpha: float) -> ArmStats:
    """An arm on its own: every completed episode of it (infrastructure errors excluded)."""
    passes: dict[str, list[bool]] = defaultdict(list)
    rewards: dict[str, list[float]] = defaultdict(list)
    terminations: dict[str, int] = defaultdict(int)
    for e in episodes:
        terminations[e.record.termination] += 1
        if e.passed is not None and e.record.reward is not None:
            passes[e.record.task_id].append(e.passed)
            rewards[e.record.task_id].append(e.record.reward)
    shares = [sum(v) / len(v) for v in passes.values()]
    trials = max((len(v) for v in passes.values()), default=0)
    confidence = 1 - alpha
    ci: stats.Interval | None = None
    method = None
    if shares and trials == 1:
        ci, method = (
            stats.wilson_interval(sum(sum(v) for v in passes.values()), len(shares), confidence),
            "wilson",
        )
    elif shares:
        ci, method = stats.bootstrap_mean_interval(shares, confidence), "bootstrap"
    hat = []
    for k in range(1, trials + 1):
        value = stats.pass_hat_k(list(passes.values()), k)
        if value is not None:
            hat.append(PassHatK(k=k, value=value, tasks=sum(len(v) >= k for v in passes.values())))
    completed = sum(e.passed is not None for e in episodes)
    return ArmStats(
        arm=arm,
        trait_dict=meta.trait_dict,
        steering=meta.steering,
        episodes=len(episodes),
        completed=completed,
        infra_errors=len(episodes) - completed,
        tasks=len(shares),
        trials=trials,
        pass_rate=sum(shares) / len(shares) if shares else None,
        pass_rate_ci=_interval(ci),
        ci_method=method,
        mean_reward=(
            sum(sum(r) / len(r) for r in rewards.values()) / len(rewards) if rewards else None
        ),
        pass_hat_k=hat,
        agent=_usage(episodes, "agent"),
        user=_usage(episodes, "user"),
        terminations=dict(terminations),
    )
