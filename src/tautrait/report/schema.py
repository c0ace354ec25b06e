"""The JSON report (``tautrait report --format json``): a versioned, documented schema.

``schema_version`` changes whenever a field changes meaning or goes away; new fields may
be added within a version. ``docs/report-schema.md`` explains the fields and
``docs/report.schema.json`` is the JSON Schema generated from these models (a test keeps
it in sync). Every number is recomputed from ``episodes.jsonl`` (or an imported results
file) each time; nothing here is cached anywhere.

Units: rates and deltas named ``*_rate`` or ``abs_delta`` are fractions in [0, 1] or
[-1, 1]; ``rel_delta_pct`` is percent (the paper's %-delta); interval bounds use the unit
of the value they bound, and a bound of null is unbounded.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

REPORT_SCHEMA_VERSION = 1
"""Also the ``schema_version`` default below (a Literal, so a reader can dispatch on it)."""

SourceKind = Literal["tautrait", "tau-bench"]
TestName = Literal["mcnemar_exact", "sign_test"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class Interval(_Model):
    """A confidence interval."""

    low: float | None
    """Lower bound; null when unbounded below."""
    high: float | None
    """Upper bound; null when unbounded above (a relative change from a zero baseline)."""


class EpisodeRef(_Model):
    """Where one episode's full trajectory lives."""

    episode_id: str
    """``run_id/task_id/trial/arm``; also the anchor of the episode in the HTML report."""
    run_id: str
    task_id: str
    trial: int
    arm: str
    source: str
    """The episodes file (``.../episodes.jsonl``) or the imported results file."""
    line: int | None
    """1-based line of ``episodes.jsonl`` holding the record; null for imported files."""
    index: int | None = None
    """0-based position in an imported results file's list; null for tautrait runs."""


class SideUsage(_Model):
    """Tokens and cost of one side (agent or user simulator), summed over episodes."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    cost: float | None = 0.0
    """USD; null when some call's price was unknown."""


class PassHatK(_Model):
    k: int
    value: float
    """Mean over tasks of C(c, k) / C(n, k)."""
    tasks: int
    """Tasks with at least k completed trials (the others are left out at this k)."""


class ArmStats(_Model):
    """One arm of one row: its own episodes, infrastructure errors excluded."""

    arm: str
    trait_dict: dict[str, Any] | None
    """The arm's trait dict as given (null for the baseline)."""
    steering: dict[str, Any] = Field(default_factory=dict)
    """What the arm's steering resolved to (coefficients, blocks), from ``run.json``."""
    episodes: int
    completed: int
    infra_errors: int
    """Episodes that ended in an infrastructure error: never scored, always counted."""
    tasks: int
    """Tasks with at least one completed episode."""
    trials: int
    """The most completed trials any task has."""
    pass_rate: float | None
    """Mean over tasks of the task's share of passing trials (reward 1)."""
    pass_rate_ci: Interval | None
    ci_method: Literal["wilson", "bootstrap"] | None
    """Wilson when every task ran once; a bootstrap over tasks otherwise."""
    mean_reward: float | None
    """Mean over tasks of the task's mean reward (equals the pass rate for 0/1 rewards)."""
    pass_hat_k: list[PassHatK]
    agent: SideUsage
    user: SideUsage
    terminations: dict[str, int]
    """How episodes ended (user_stop, transfer, max_steps, ...)."""


class Flip(_Model):
    """One (task, trial) whose outcome differs between the baseline and the trait arm."""

    task_id: str
    trial: int
    run_id: str
    direction: Literal["lost", "gained"]
    """lost: passes in the baseline, fails under the trait; gained: the reverse."""
    baseline: EpisodeRef
    trait: EpisodeRef


class Delta(_Model):
    """A trait arm against its paired baseline (same runs, tasks, trials and seeds)."""

    arm: str
    baseline: str
    paired_tasks: int
    """Tasks with at least one (trial) pair where both episodes completed."""
    paired_episodes: int
    """Pairs scored: (task, trial) completed in both arms."""
    excluded_infra: int
    """Pairs left out because either episode was an infrastructure error (both sides go)."""
    unpaired: int
    """Episodes whose counterpart is missing (e.g. an unfinished run); not scored."""
    trials: int
    """The most pairs any task has; 1 means single-trial (McNemar), more means sign test."""
    baseline_rate: float | None
    """Pass rate of the baseline on the paired episodes."""
    arm_rate: float | None
    """Pass rate of the trait arm on the paired episodes."""
    abs_delta: float | None
    """arm_rate - baseline_rate (a fraction; x100 for points)."""
    abs_ci: Interval | None
    """Paired bootstrap over tasks."""
    rel_delta_pct: float | None
    """(arm_rate - baseline_rate) / baseline_rate x 100; null when the baseline is 0."""
    rel_ci: Interval | None
    """Paired bootstrap over tasks, in percent."""
    test: TestName
    """mcnemar_exact for single-trial pass/fail, sign_test over tasks for several trials."""
    worse: int
    """Tasks whose pass share went down (McNemar's b)."""
    better: int
    """Tasks whose pass share went up (McNemar's c)."""
    p_value: float | None
    p_holm: float | None
    """Holm-adjusted across the deltas of the same row (or of the same comparison)."""
    significant: bool
    """p_holm < alpha."""
    min_detectable_delta: float | None
    """The smallest |abs_delta| that could reach p_holm < alpha at this size (best case:
    every changed task moves the same way by one trial); null when none could."""
    flips: list[Flip]


class DosePoint(_Model):
    """One intensity of a sweep (the baseline is its intensity 0)."""

    intensity: float
    """Calibrated units (1 = the trait's "medium")."""
    arm: str
    """The arm played at this intensity (``baseline`` at 0)."""
    pass_rate: float | None
    """Mean over the sweep's tasks of the task's share of passing trials."""
    abs_delta: float | None
    """pass_rate minus the baseline's, on the same (task, trial) units (0 at 0)."""
    abs_ci: Interval | None
    """Paired bootstrap over tasks of abs_delta (null at the baseline)."""


class DoseResponse(_Model):
    """One ``--sweep``: pass rate against intensity, and the fitted slope.

    Only (run, task, trial) units where the baseline and every point of the sweep
    completed are used, so every point is measured on the same episodes' seeds and an
    infrastructure error drops a unit from all points alike."""

    trait: str
    points: list[DosePoint]
    """By intensity, the baseline (0) included."""
    tasks: int
    """Tasks with at least one complete unit."""
    units: int
    """Complete (run, task, trial) units."""
    excluded: int
    """Units left out because some point of them did not complete (or is missing)."""
    slope: float | None
    """Least-squares slope of the pass rate (a fraction) per calibrated unit, over every
    (task, intensity) mean; null without a complete unit."""
    slope_ci: Interval | None
    """Percentile bootstrap over tasks (all points of a task resampled together); null
    with fewer than two tasks."""
    method: Literal["ols_task_bootstrap"] = "ols_task_bootstrap"


class EpisodeFault(_Model):
    """One failed episode's attribution (see :mod:`tautrait.evaluation.attribution`)."""

    ref: EpisodeRef
    kind: Literal["agent", "simulator", "both"]
    """Whose failure it is, by the deterministic checks."""
    simulator: list[str] = Field(default_factory=list)
    """Why the simulated user is at fault (empty: it did its part)."""
    agent: list[str] = Field(default_factory=list)
    """Why the agent is at fault (empty: only the user is)."""
    judge: str | None = None
    """The judge model's verdict (agent, simulator, both, none) when the run was judged;
    null when not judged, or when its answer was unparsable or the call failed."""


class ArmFaults(_Model):
    """One arm's failed episodes by whose fault they are."""

    arm: str
    failed: int
    """Completed episodes with a reward below 1 (infrastructure errors are never
    attributed)."""
    agent: int
    simulator: int
    both: int
    judged: dict[str, int] = Field(default_factory=dict)
    """The judge's verdicts, by kind, plus ``unparsable`` and ``error``; empty when the
    run was not judged."""


class AdjustedDelta(_Model):
    """A trait's delta recomputed without the pairs in which the simulator is at fault."""

    arm: str
    left_out: int
    """Pairs (task, trial) left out of both arms because either episode's failure is
    the simulator's (kind simulator or both)."""
    delta: Delta
    """The same statistics as the plain delta, on the remaining pairs; Holm across this
    row's adjusted deltas."""


class RowAttribution(_Model):
    """Fault attribution of a row's failed episodes."""

    checks: list[str]
    """The checks that ran on every run of the row (role, stop, errors, facts, writes,
    outputs); facts and writes need the run's task file and domain."""
    arms: list[ArmFaults]
    deltas: list[AdjustedDelta]
    episodes: list[EpisodeFault]
    notes: list[str] = Field(default_factory=list)


class ArmRealism(_Model):
    """Realism diagnostics of one arm's simulated users (see
    :mod:`tautrait.evaluation.realism`); infrastructure errors left out."""

    arm: str
    conversations: int
    user_turns: int
    words_mean: float | None
    """Words per user turn (runs of letters, digits and apostrophes)."""
    words_median: float | None
    words_p90: float | None
    mattr: float | None
    """Moving-average type-token ratio of each episode's user words, mean over episodes."""
    mattr_window: int
    front_loading: float | None
    """Mean share of the scenario's key facts (emails, values with a digit) in the first
    user turn; null without the run's task file."""
    front_loading_conversations: int
    role_break_turns: int
    role_break_share: float | None
    """Share of user turns that break role."""


class TurnExpression(_Model):
    """One user-turn index of a trait arm's manipulation check, over its pairs."""

    turn: int
    """The user turn, from 1."""
    pairs: int
    """Pairs where both episodes reached (and measured) this turn."""
    baseline: float
    arm: float


class TraitExpression(_Model):
    """The manipulation check of one trait in one trait arm against the baseline: how
    much the simulator's hidden states expressed the trait (see
    :mod:`tautrait.steering.expression`), on paired (task, trial) episodes."""

    arm: str
    trait: str
    paired_tasks: int
    paired_episodes: int
    baseline_mean: float | None
    """Mean over tasks of each episode's mean over its user turns."""
    arm_mean: float | None
    delta: float | None
    """arm_mean - baseline_mean."""
    delta_ci: Interval | None
    """Paired bootstrap over tasks, at 1 - alpha."""
    above_baseline: bool
    """The CI's lower bound is above 0."""
    per_turn: list[TurnExpression] = Field(default_factory=list)
    warning: str | None = None
    """Set when the arm's expression is not above the baseline's."""


class Row(_Model):
    """One row of the table: a domain x agent (and user simulator), pooling its runs."""

    domain: str
    agent: str
    """The agent model as given to ``--model``."""
    label: str
    """The row's display name: the agent, plus the settings that tell rows apart."""
    temperature: float | None
    user: str
    """User simulator: ``strategy:model``."""
    runs: list[str]
    """Run ids pooled in this row (trials of several runs pair within their own run)."""
    tasks: list[str]
    """Task ids analysed (the common tasks when runs were forced together)."""
    arms: list[ArmStats]
    deltas: list[Delta]
    average_rel_delta_pct: float | None
    """Mean of the row's rel_delta_pct (the paper's Average column)."""
    average_ci: Interval | None
    """Joint bootstrap of that mean, when every delta uses the same paired tasks."""
    dose: list[DoseResponse] = Field(default_factory=list)
    """One entry per swept trait (``--sweep``), empty without sweeps."""
    attribution: RowAttribution | None = None
    """Whose fault each failed episode is, per arm, and the deltas without the pairs the
    simulator failed; null when no episode failed."""
    realism: list[ArmRealism] = Field(default_factory=list)
    """Realism diagnostics of the simulated users, per arm."""
    expression: list[TraitExpression] = Field(default_factory=list)
    """The manipulation check per trait arm and trait (empty when no turn was measured)."""


class InfraLimit(_Model):
    """A run's infrastructure errors against its ``max_infra_errors``."""

    max_infra_errors: float
    """The run's setting: below 1 a fraction of its episodes, from 1 up a count."""
    allowed: int
    """The most infrastructure errors it allows for this run's episodes."""
    errors: int
    by_kind: dict[str, int] = Field(default_factory=dict)
    """Error kind (provider_transient, provider_error, user_model, ...) -> episodes."""
    over: bool
    """True when the run ended over its limit: its scores measure too few episodes, and
    ``tautrait compare`` refuses it unless ``--force``."""
    summary: str
    """One line saying all of the above."""


class RunInfo(_Model):
    """One input: a tautrait run folder or an imported tau-bench / tau-trait file."""

    run_id: str
    kind: SourceKind
    source: str
    domain: str
    agent: str
    temperature: float | None
    user: str
    arms: list[str]
    created_at: str | None
    domain_sha256: str | None
    tasks_sha256: str | None
    task_split: str | None
    task_ids: list[str]
    episodes: int
    git_commit: str | None = None
    notes: list[str] = Field(default_factory=list)
    """Anything skipped while reading (torn or unreadable lines)."""
    infra_limit: InfraLimit | None = None
    """The run's infrastructure errors against its limit (null for imported files)."""
    retries: dict[str, int] = Field(default_factory=dict)
    """Provider calls retried, by cause (rate_limit, server_error, timeout, connection,
    empty), over every episode: the faults the run survived."""
    requeued: int = 0
    """Times an episode was handed to another worker because its own was lost (a Ray
    actor or node), over every episode; each episode is still counted once."""


def over_limit_warnings(runs: list[RunInfo]) -> list[str]:
    """A warning per run that ended over its infrastructure-error limit (every report
    format shows them at the top)."""
    return [
        f"WARNING: run {r.run_id} ended over its infrastructure-error limit: "
        f"{r.infra_limit.summary}; its scores measure too few episodes"
        for r in runs
        if r.infra_limit is not None and r.infra_limit.over
    ]


class BootstrapSettings(_Model):
    resamples: int
    seed: int
    confidence: float


class Report(_Model):
    """``tautrait report --format json``."""

    schema_version: Literal[1] = 1
    generator: str
    """``tautrait <version>``."""
    alpha: float
    """Significance level of the Holm-corrected tests; intervals are at 1 - alpha."""
    bootstrap: BootstrapSettings
    forced: bool
    """True when runs over different task sets were analysed on their common tasks."""
    traits: list[str]
    """The table's columns, in order (every non-baseline arm name)."""
    runs: list[RunInfo]
    rows: list[Row]
    infra_errors: int
    """Infrastructure errors over every input (excluded from every score)."""
    notes: list[str] = Field(default_factory=list)


class ArmComparison(_Model):
    """One arm of ``tautrait compare``: run B against run A on paired tasks."""

    arm_a: str
    arm_b: str
    delta: Delta
    """``arm`` is arm_b and ``baseline`` is arm_a; lost flips pass in A and fail in B."""
    regression: bool
    reasons: list[str]
    """Why it counts as a regression (empty when it does not)."""


class Comparison(_Model):
    """``tautrait compare --format json``."""

    schema_version: Literal[1] = 1
    generator: str
    alpha: float
    max_drop: float
    """Points (x100 of a rate): a regression when the delta's upper bound is below -max_drop."""
    bootstrap: BootstrapSettings
    forced: bool
    run_a: RunInfo
    run_b: RunInfo
    tasks: list[str]
    """Task ids analysed."""
    arms: list[ArmComparison]
    regression: bool
    """True when any arm regressed: ``tautrait compare`` then exits 1."""
    notes: list[str] = Field(default_factory=list)


SCHEMA_FILES: dict[str, type[BaseModel]] = {
    "report.schema.json": Report,
    "compare.schema.json": Comparison,
}
"""The JSON Schema files under ``docs/``, generated from these models."""


def json_schema_text(model: type[BaseModel]) -> str:
    """The JSON Schema of ``model`` as the text checked in under ``docs/``."""
    schema = model.model_json_schema(mode="serialization")
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write_schema_files(folder: Path) -> list[Path]:
    """Regenerate ``docs/*.schema.json`` after changing a model (a test checks they match)."""
    paths = []
    for name, model in SCHEMA_FILES.items():
        path = folder / name
        path.write_text(json_schema_text(model), encoding="utf-8")
        paths.append(path)
    return paths
