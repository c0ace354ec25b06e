"""The statistics of a report, in one place, each checked against hand-computed values.

Every estimate here is over **tasks**: a task is the unit that is resampled and tested,
because episodes of one task are not independent (same scenario, same gold actions).

- :func:`wilson_interval`: the CI of a pass rate when every task ran once.
- :func:`bootstrap_mean_interval`: the CI of a pass rate over tasks with several trials.
- :func:`paired_bootstrap`: the CI of B - A (points) and of (B - A) / A (the paper's
  %-delta) on paired tasks, resampling tasks so both arms move together.
- :func:`sign_test`: the exact two-sided sign test; on single-trial pass/fail data it *is*
  McNemar's exact test (b and c are the discordant tasks).
- :func:`holm`: Holm's step-down adjustment across the traits of a run.
- :func:`pass_hat_k`: tau-bench's pass^k, the mean over tasks of C(c, k) / C(n, k).
- :func:`min_detectable_delta`: the smallest change the test could flag at this size.

The bootstrap is seeded: the same episodes always give the same report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import ceil, comb, log2, sqrt
from statistics import NormalDist

import numpy as np

BOOTSTRAP_RESAMPLES = 10_000
BOOTSTRAP_SEED = 0


@dataclass(frozen=True)
class Interval:
    """A two-sided interval; a bound of None is unbounded (an infinite relative change)."""

    low: float | None
    high: float | None


def z_value(confidence: float) -> float:
    """The standard normal quantile for a two-sided interval (1.959964 for 0.95)."""
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> Interval | None:
    """Wilson score interval for ``successes`` out of ``n`` Bernoulli trials.

    Unlike the normal ("Wald") interval it stays inside [0, 1] and does not collapse to a
    point at 0/n or n/n, which matters for the small task counts agent benchmarks have.
    None when n is 0.
    """
    if n <= 0:
        return None
    if not 0 <= successes <= n:
        raise ValueError(f"successes must be in [0, {n}], got {successes}")
    z = z_value(confidence)
    p = successes / n
    denominator = 1 + z * z / n
    center = (p + z * z / (2 * n)) / denominator
    half = z / denominator * sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    low = 0.0 if successes == 0 else max(0.0, center - half)
    high = 1.0 if successes == n else min(1.0, center + half)
    return Interval(low, high)


def bootstrap_indices(
    n: int, resamples: int = BOOTSTRAP_RESAMPLES, seed: int = BOOTSTRAP_SEED
) -> np.ndarray:
    """``resamples`` x ``n`` task indices drawn with replacement (seeded)."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, n, size=(resamples, n))


def _quantiles(samples: np.ndarray, confidence: float) -> Interval:
    """Percentile interval; inverted-CDF quantiles so infinite samples stay infinite."""
    alpha = 1 - confidence
    low, high = np.quantile(samples, [alpha / 2, 1 - alpha / 2], method="inverted_cdf")
    return Interval(
        float(low) if np.isfinite(low) else None, float(high) if np.isfinite(high) else None
    )


def bootstrap_mean_interval(
    values: Sequence[float],
    confidence: float = 0.95,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> Interval | None:
    """Percentile bootstrap CI of the mean of per-task values (resampling tasks)."""
    if not values:
        return None
    data = np.asarray(values, dtype=float)
    means = data[bootstrap_indices(len(data), resamples, seed)].mean(axis=1)
    return _quantiles(means, confidence)


def relative_change(base: np.ndarray, other: np.ndarray) -> np.ndarray:
    """(other - base) / base, elementwise, with two conventions where base is 0.

    Surprise: 0 -> 0 counts as no change (0.0), and 0 -> x > 0 as an unbounded increase
    (+inf). Dropping those resamples instead would bias the interval towards the cases
    where the baseline happened to pass.
    """
    base = np.asarray(base, dtype=float)
    other = np.asarray(other, dtype=float)
    out = np.zeros_like(base)
    nonzero = base != 0
    out[nonzero] = (other[nonzero] - base[nonzero]) / base[nonzero]
    out[~nonzero & (other > base)] = np.inf
    out[~nonzero & (other < base)] = -np.inf
    return out


@dataclass(frozen=True)
class PairedBootstrap:
    """Bootstrap intervals of a paired comparison (fractions, not percent)."""

    abs_delta: Interval
    """Of mean(B) - mean(A)."""
    rel_delta: Interval | None
    """Of (mean(B) - mean(A)) / mean(A); None when mean(A) is 0 on the data itself."""
    rel_samples: np.ndarray
    """The resampled relative deltas, kept so a row's average can be resampled jointly."""


def paired_bootstrap(
    a: Sequence[float],
    b: Sequence[float],
    confidence: float = 0.95,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> PairedBootstrap | None:
    """Resample tasks (pairs) with replacement; both arms of a task move together.

    ``a[i]`` and ``b[i]`` are the same task's scores in the two arms. None for no tasks.
    """
    if len(a) != len(b):
        raise ValueError("paired samples must have the same length")
    if not a:
        return None
    base = np.asarray(a, dtype=float)
    other = np.asarray(b, dtype=float)
    idx = bootstrap_indices(len(base), resamples, seed)
    mean_a = base[idx].mean(axis=1)
    mean_b = other[idx].mean(axis=1)
    rel = relative_change(mean_a, mean_b)
    return PairedBootstrap(
        abs_delta=_quantiles(mean_b - mean_a, confidence),
        rel_delta=_quantiles(rel, confidence) if base.mean() > 0 else None,
        rel_samples=rel,
    )


def mean_interval_of_samples(samples: Sequence[np.ndarray], confidence: float) -> Interval | None:
    """Percentile CI of the elementwise mean of jointly resampled statistics."""
    if not samples:
        return None
    return _quantiles(np.mean(np.vstack(samples), axis=0), confidence)


def sign_test(worse: int, better: int) -> float:
    """Exact two-sided sign test: p = min(1, 2 * P[X <= min(worse, better)]), X ~ Bin(n, 1/2).

    ``worse`` and ``better`` count the tasks whose score went down and up; ties are
    dropped. With one trial per task these are McNemar's discordant counts b and c, and
    this is McNemar's exact test. p is 1 when nothing changed.
    """
    if worse < 0 or better < 0:
        raise ValueError("counts must be non-negative")
    n = worse + better
    if n == 0:
        return 1.0
    tail = sum(comb(n, i) for i in range(min(worse, better) + 1)) / 2**n
    return min(1.0, 2 * tail)


def holm(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm's step-down adjusted p-values, in the input order (None entries are skipped).

    Sort the m p-values ascending; the i-th smallest (1-based) becomes
    max over j <= i of min(1, (m - j + 1) * p_(j)). Controls the family-wise error rate
    for any dependence between the tests (the traits of a run share a baseline).
    """
    present = [(p, i) for i, p in enumerate(p_values) if p is not None]
    m = len(present)
    adjusted: list[float | None] = [None] * len(p_values)
    running = 0.0
    for rank, (p, i) in enumerate(sorted(present)):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[i] = running
    return adjusted


def pass_hat_k(passes_per_task: Sequence[Sequence[bool]], k: int) -> float | None:
    """Mean over tasks of C(c, k) / C(n, k): the chance that k trials of a task all pass.

    Tasks with fewer than k trials are left out at that k; None when none has k.
    """
    values = [
        comb(sum(trials), k) / comb(len(trials), k)
        for trials in passes_per_task
        if len(trials) >= k
    ]
    return sum(values) / len(values) if values else None


def min_discordant(alpha: float) -> int:
    """The fewest one-directional changes for which :func:`sign_test` gives p <= alpha.

    2 * 0.5**k <= alpha  <=>  k >= log2(2 / alpha): 6 at alpha 0.05, 8 at 0.0125.
    """
    if not 0 < alpha < 1:
        raise ValueError("alpha must be in (0, 1)")
    k = ceil(log2(2 / alpha) - 1e-12)
    while sign_test(0, k) > alpha:  # guard the float edge of the closed form
        k += 1
    return k


def min_detectable_delta(tasks: int, trials: int, alpha: float, tests: int = 1) -> float | None:
    """The smallest |B - A| (a fraction of tasks) that could reach significance here.

    A floor, not a power calculation: even in the best case, where every task that
    changes moves the same way by the smallest step (one trial of ``trials``), the sign
    test needs :func:`min_discordant` tasks at the strictest Holm level ``alpha / tests``.
    Real effects need to be larger to be detected reliably. None when the run has fewer
    tasks than that: no effect of any size could be significant.
    """
    if tasks <= 0 or trials <= 0:
        return None
    needed = min_discordant(alpha / max(tests, 1))
    if needed > tasks:
        return None
    return needed / (tasks * trials)
