"""Numbers of a run, recomputed from ``episodes.jsonl`` alone (never stored separately).

- pass rate: the mean over tasks of each task's mean reward (completed episodes only);
- pass^k: the mean over tasks of C(c, k) / C(n, k), for a task with c passes out of n
  completed trials (tasks with fewer than k completed trials are left out at that k);
- delta of a trait arm: on the tasks completed in both it and the baseline, the trait
  arm's pass rate minus the baseline's, in percentage points, and relative to the
  baseline in % (the paper's %-delta).

Infrastructure errors are excluded from every score and counted separately.
"""

from __future__ import annotations

from collections import defaultdict
from math import comb
from typing import Any

from pydantic import BaseModel, Field

from tautrait.runner.results import EpisodeRecord


class ArmSummary(BaseModel):
    arm: str
    episodes: int
    completed: int
    infra_errors: int
    tasks: int
    """Tasks with at least one completed episode."""
    pass_rate: float | None
    pass_hat_k: dict[int, float] = Field(default_factory=dict)
    agent_tokens: int = 0
    user_tokens: int = 0
    agent_cost: float | None = 0.0
    user_cost: float | None = 0.0
    terminations: dict[str, int] = Field(default_factory=dict)


class DeltaSummary(BaseModel):
    arm: str
    baseline: str
    paired_tasks: int
    baseline_rate: float | None
    arm_rate: float | None
    abs_delta: float | None
    """Percentage points."""
    rel_delta_pct: float | None
    """Relative to the baseline, in %; None when the baseline rate is 0."""


class RunSummary(BaseModel):
    run_id: str
    domain: str
    agent: str
    user: str
    arms: list[ArmSummary]
    deltas: list[DeltaSummary]


def task_rewards(episodes: list[EpisodeRecord], arm: str) -> dict[str, list[float]]:
    """Task id -> rewards of the arm's completed episodes."""
    out: dict[str, list[float]] = defaultdict(list)
    for ep in episodes:
        if ep.arm == arm and ep.status == "completed" and ep.reward is not None:
            out[ep.task_id].append(ep.reward)
    return dict(out)


def pass_rate(rewards: dict[str, list[float]], tasks: set[str] | None = None) -> float | None:
    selected = [r for t, r in rewards.items() if tasks is None or t in tasks]
    if not selected:
        return None
    return sum(sum(r) / len(r) for r in selected) / len(selected)


def pass_hat_k(rewards: dict[str, list[float]], k: int) -> float | None:
    values = []
    for trials in rewards.values():
        n = len(trials)
        if n < k:
            continue
        c = sum(1 for r in trials if r >= 1.0)
        values.append(comb(c, k) / comb(n, k))
    return sum(values) / len(values) if values else None


def _sum_cost(values: list[float | None]) -> float | None:
    return None if any(v is None for v in values) else sum(v or 0.0 for v in values)


def summarize_arm(episodes: list[EpisodeRecord], arm: str) -> ArmSummary:
    mine = [e for e in episodes if e.arm == arm]
    rewards = task_rewards(episodes, arm)
    max_trials = max((len(r) for r in rewards.values()), default=0)
    hat = {k: v for k in range(1, max_trials + 1) if (v := pass_hat_k(rewards, k)) is not None}
    terminations: dict[str, int] = defaultdict(int)
    for e in mine:
        terminations[e.termination] += 1
    return ArmSummary(
        arm=arm,
        episodes=len(mine),
        completed=sum(e.status == "completed" for e in mine),
        infra_errors=sum(e.status == "infra_error" for e in mine),
        tasks=len(rewards),
        pass_rate=pass_rate(rewards),
        pass_hat_k=hat,
        agent_tokens=sum(
            e.agent_usage.prompt_tokens + e.agent_usage.completion_tokens for e in mine
        ),
        user_tokens=sum(e.user_usage.prompt_tokens + e.user_usage.completion_tokens for e in mine),
        agent_cost=_sum_cost([e.agent_usage.cost for e in mine]),
        user_cost=_sum_cost([e.user_usage.cost for e in mine]),
        terminations=dict(terminations),
    )


def delta(episodes: list[EpisodeRecord], arm: str, baseline: str) -> DeltaSummary:
    base = task_rewards(episodes, baseline)
    mine = task_rewards(episodes, arm)
    paired = set(base) & set(mine)
    base_rate = pass_rate(base, paired)
    arm_rate = pass_rate(mine, paired)
    abs_delta = rel = None
    if base_rate is not None and arm_rate is not None:
        abs_delta = (arm_rate - base_rate) * 100
        rel = (arm_rate - base_rate) / base_rate * 100 if base_rate > 0 else None
    return DeltaSummary(
        arm=arm,
        baseline=baseline,
        paired_tasks=len(paired),
        baseline_rate=base_rate,
        arm_rate=arm_rate,
        abs_delta=abs_delta,
        rel_delta_pct=rel,
    )


def summarize(manifest: dict[str, Any], episodes: list[EpisodeRecord]) -> RunSummary:
    arm_names = [a["name"] for a in manifest.get("arms", [])]
    for e in episodes:
        if e.arm not in arm_names:
            arm_names.append(e.arm)
    arms = [summarize_arm(episodes, name) for name in arm_names]
    deltas = []
    if "baseline" in arm_names:
        deltas = [delta(episodes, name, "baseline") for name in arm_names if name != "baseline"]
    config = manifest.get("config", {})
    return RunSummary(
        run_id=manifest.get("run_id", "?"),
        domain=config.get("env", "?"),
        agent=config.get("model", "?"),
        user=f"{config.get('user_strategy', '?')}:{config.get('user_model', '?')}",
        arms=arms,
        deltas=deltas,
    )
