"""From loaded runs to a :class:`~tautrait.report.schema.Report` in the paper's Table 4 shape.

Runs are grouped into rows by domain x agent (and its temperature and user simulator, so
two settings of one model stay apart); the columns are the trait arms. A row pools its
runs: each trait arm is paired with the baseline *of its own run* by (run, task, trial),
so repeated runs add trials without ever pairing episodes that did not share a seed.

Runs pooled into one row must cover the same tasks of the same domain version; otherwise
building the report raises a :class:`~tautrait.errors.UserError`, unless ``force`` is
set, which restricts the row to the tasks all its runs have (and says so in the notes).
Holm's correction runs across the traits of a row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tautrait import __version__
from tautrait.errors import UserError
from tautrait.report import stats
from tautrait.report.attribution import diagnose_row
from tautrait.report.dose import build_dose
from tautrait.report.expression import arm_expression
from tautrait.report.expression import warnings as expression_warnings
from tautrait.report.load import BASELINE, ArmMeta, Episode, LoadedRun
from tautrait.report.paired import PairedResult, apply_holm, arm_stats, paired_delta
from tautrait.report.schema import BootstrapSettings, Interval, Report, Row

RowKey = tuple[str, str, float | None, str]


@dataclass
class RowRuns:
    key: RowKey
    runs: list[LoadedRun]
    tasks: list[str]


def bootstrap_settings(alpha: float) -> BootstrapSettings:
    return BootstrapSettings(
        resamples=stats.BOOTSTRAP_RESAMPLES, seed=stats.BOOTSTRAP_SEED, confidence=1 - alpha
    )


def check_alpha(alpha: float) -> None:
    if not 0 < alpha < 1:
        raise UserError(f"--alpha must be between 0 and 1 (got {alpha}); 0.05 is usual")


def task_set_problems(a: LoadedRun, b: LoadedRun) -> list[str]:
    """Why two runs are not over the same tasks of the same domain version (empty: they are)."""
    problems = []
    ia, ib = a.info, b.info
    if ia.domain != ib.domain:
        problems.append(f"domains differ ({ia.domain} vs {ib.domain})")
    elif ia.domain_sha256 and ib.domain_sha256 and ia.domain_sha256 != ib.domain_sha256:
        problems.append(
            f"domain versions differ (content sha256 {ia.domain_sha256[:12]} vs "
            f"{ib.domain_sha256[:12]})"
        )
    if ia.tasks_sha256 and ib.tasks_sha256 and ia.tasks_sha256 != ib.tasks_sha256:
        problems.append(
            f"task files differ ({ia.task_split} {ia.tasks_sha256[:12]} vs "
            f"{ib.task_split} {ib.tasks_sha256[:12]})"
        )
    only_a = set(ia.task_ids) - set(ib.task_ids)
    only_b = set(ib.task_ids) - set(ia.task_ids)
    if only_a or only_b:
        problems.append(
            f"task sets differ ({len(only_a)} only in the first, {len(only_b)} only in the second)"
        )
    return problems


def common_tasks(runs: list[LoadedRun]) -> list[str]:
    common = set(runs[0].info.task_ids)
    for run in runs[1:]:
        common &= set(run.info.task_ids)
    return [t for t in runs[0].info.task_ids if t in common]


def _row_key(run: LoadedRun) -> RowKey:
    return (run.info.domain, run.info.agent, run.info.temperature, run.info.user)


def _group(runs: list[LoadedRun], force: bool, notes: list[str]) -> list[RowRuns]:
    grouped: dict[RowKey, list[LoadedRun]] = {}
    for run in runs:
        grouped.setdefault(_row_key(run), []).append(run)
    rows = []
    for key, members in grouped.items():
        tasks = list(members[0].info.task_ids)
        for other in members[1:]:
            problems = task_set_problems(members[0], other)
            if problems and not force:
                shared = len(common_tasks([members[0], other]))
                raise UserError(
                    f"runs {members[0].info.run_id} and {other.info.run_id} ({key[0]} / "
                    f"{key[1]}) are not over the same tasks: {'; '.join(problems)}; pass "
                    f"--force to analyse their {shared} common task(s) only"
                )
        if len(members) > 1:
            tasks = common_tasks(members)
            if not tasks:
                raise UserError(
                    f"runs {', '.join(r.info.run_id for r in members)} ({key[0]} / {key[1]}) "
                    "have no task in common; report them separately"
                )
            dropped = len(set().union(*(set(r.info.task_ids) for r in members))) - len(tasks)
            if dropped:
                notes.append(
                    f"{key[0]} / {key[1]}: --force analysed the {len(tasks)} tasks common to "
                    f"runs {', '.join(r.info.run_id for r in members)} ({dropped} left out)"
                )
        rows.append(RowRuns(key=key, runs=members, tasks=tasks))
    return rows


def _labels(rows: list[RowRuns]) -> dict[RowKey, str]:
    """The agent, plus whichever of temperature and user tells rows of it apart."""
    labels = {}
    for row in rows:
        domain, agent, temperature, user = row.key
        same = [r.key for r in rows if r.key[0] == domain and r.key[1] == agent]
        label = agent
        if len({k[2] for k in same}) > 1:
            label += f" (T={temperature:g})" if temperature is not None else " (T=?)"
        if len({k[3] for k in same}) > 1:
            label += f" [user {user}]"
        labels[row.key] = label
    return labels


def _arm_meta(row: RowRuns) -> dict[str, ArmMeta]:
    metas: dict[str, tuple[ArmMeta, str]] = {}
    for run in row.runs:
        for name, meta in run.arms.items():
            if name in metas and metas[name][0].trait_dict != meta.trait_dict:
                raise UserError(
                    f"arm {name!r} is a different trait dict in runs {metas[name][1]} and "
                    f"{run.info.run_id}; report those runs separately"
                )
            metas.setdefault(name, (meta, run.info.run_id))
    order = sorted(metas, key=lambda a: (a != BASELINE, list(metas).index(a)))
    return {name: metas[name][0] for name in order}


def _episodes(row: RowRuns, arm: str, runs: list[LoadedRun] | None = None) -> list[Episode]:
    keep = set(row.tasks)
    return [
        e
        for run in runs or row.runs
        for e in run.episodes
        if e.record.arm == arm and e.record.task_id in keep
    ]


def _keyed(episodes: list[Episode]) -> dict[tuple[str, str, int], Episode]:
    return {(e.ref.run_id, e.record.task_id, e.record.trial): e for e in episodes}


def _average(results: list[PairedResult], alpha: float) -> tuple[float | None, Interval | None]:
    values = [r.delta.rel_delta_pct for r in results if r.delta.rel_delta_pct is not None]
    if not values:
        return None, None
    mean = sum(values) / len(values)
    joint = [r for r in results if r.rel_samples is not None]
    if len(joint) == len(results) and all(r.tasks == results[0].tasks for r in joint):
        ci = stats.mean_interval_of_samples([np.asarray(r.rel_samples) for r in joint], 1 - alpha)
        if ci is not None:
            return mean, Interval(
                low=None if ci.low is None else ci.low * 100,
                high=None if ci.high is None else ci.high * 100,
            )
    return mean, None


def build_row(row: RowRuns, label: str, alpha: float) -> Row:
    metas = _arm_meta(row)
    arms = [arm_stats(name, meta, _episodes(row, name), alpha) for name, meta in metas.items()]
    paired = {
        trait: [r for r in row.runs if trait in r.arms and BASELINE in r.arms]
        for trait in metas
        if trait != BASELINE
    }
    paired = {trait: runs for trait, runs in paired.items() if runs}
    results: list[PairedResult] = [
        paired_delta(
            _keyed(_episodes(row, BASELINE, runs)),
            _keyed(_episodes(row, trait, runs)),
            arm=trait,
            baseline=BASELINE,
            alpha=alpha,
            tests=len(paired),
        )
        for trait, runs in paired.items()
    ]
    deltas = [r.delta for r in results]
    apply_holm(deltas, alpha)
    average, average_ci = _average(results, alpha)
    expression = [
        e
        for trait, runs in paired.items()
        for e in arm_expression(
            _keyed(_episodes(row, BASELINE, runs)),
            _keyed(_episodes(row, trait, runs)),
            arm=trait,
            alpha=alpha,
        )
    ]
    domain, agent, temperature, user = row.key
    dose = build_dose(metas, lambda arm: _episodes(row, arm), alpha)
    attribution, realism = diagnose_row(
        row.runs, {name: _episodes(row, name) for name in metas}, _keyed, alpha
    )
    return Row(
        domain=domain,
        agent=agent,
        label=label,
        temperature=temperature,
        user=user,
        runs=[r.info.run_id for r in row.runs],
        tasks=row.tasks,
        arms=arms,
        deltas=deltas,
        average_rel_delta_pct=average,
        average_ci=average_ci,
        dose=dose,
        attribution=attribution,
        realism=realism,
        expression=expression,
    )


def build_report(runs: list[LoadedRun], *, alpha: float = 0.05, force: bool = False) -> Report:
    """The report over any number of runs (different domains, agents, traits)."""
    check_alpha(alpha)
    notes: list[str] = []
    grouped = _group(runs, force, notes)
    labels = _labels(grouped)
    rows = [build_row(g, labels[g.key], alpha) for g in grouped]
    traits: list[str] = []
    for row in rows:
        for arm in row.arms:
            if arm.arm != BASELINE and arm.arm not in traits:
                traits.append(arm.arm)
    for row in rows:
        if BASELINE not in [a.arm for a in row.arms]:
            notes.append(
                f"{row.domain} / {row.label} has no baseline arm, so no trait delta; run it "
                "without --no-baseline (or import its baseline file too)"
            )
    for run in runs:
        notes.extend(f"{run.info.run_id}: {n}" for n in run.info.notes)
        if run.info.requeued:
            notes.append(
                f"{run.info.run_id}: {run.info.requeued} episode(s) re-queued after their "
                "worker was lost (see `requeued` in the episodes); each is counted once"
            )
    notes += expression_warnings(rows)
    return Report(
        generator=f"tautrait {__version__}",
        alpha=alpha,
        bootstrap=bootstrap_settings(alpha),
        forced=force,
        traits=traits,
        runs=[r.info for r in runs],
        rows=rows,
        infra_errors=sum(a.infra_errors for row in rows for a in row.arms),
        notes=notes,
    )
