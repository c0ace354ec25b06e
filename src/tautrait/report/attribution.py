"""Fault attribution and realism diagnostics of a report row, recomputed from episodes.

Attribution runs at report time on the stored trajectories (so it works on any run, old
ones included, and is deterministic): each failed episode of a row is attributed by
:func:`tautrait.evaluation.attribution.attribute` against its task, read from the run's
task file (when its sha256 still matches ``run.json``) and the domain's write flags.
When either cannot be had (an imported file, a changed task file, a domain not
installed) the checks that need it are skipped and a note says so: the counts then
under-report the simulator, never over-report it.

A judge's verdicts (``attribution.jsonl``, written by ``tautrait run --judge-model``)
are shown beside the deterministic ones, never instead of them.

The adjusted delta leaves out of *both* arms every (task, trial) pair in which either
episode's failure involves the simulator (kind simulator or both), then computes the
same paired statistics as the plain delta.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from tautrait.domain.tasks import Task, load_tasks
from tautrait.errors import UserError
from tautrait.evaluation.attribution import FAULT_KINDS, Attribution, attribute, user_turns
from tautrait.evaluation.realism import UserSide, realism
from tautrait.records import ATTRIBUTION_FILE, FaultJudgeRecord
from tautrait.report.load import BASELINE, Episode, LoadedRun
from tautrait.report.paired import PairKey, apply_holm, paired_delta
from tautrait.report.schema import (
    AdjustedDelta,
    ArmFaults,
    ArmRealism,
    EpisodeFault,
    RowAttribution,
)

Keyed = Callable[[list[Episode]], dict[PairKey, Episode]]


@dataclass
class RunContext:
    """What the checks need from one run beside its episodes."""

    tasks: dict[str, Task] | None = None
    write_tools: frozenset[str] | None = None
    judged: dict[tuple[str, int, str], FaultJudgeRecord] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def run_context(run: LoadedRun) -> RunContext:
    """The run's tasks (when its task file is unchanged), its domain's write tools and
    its judge verdicts."""
    info = run.info
    ctx = RunContext()
    if info.kind == "tautrait" and info.task_split:
        try:
            task_file = load_tasks(info.domain, info.task_split)
        except UserError as exc:
            ctx.notes.append(f"{info.run_id}: no task file ({exc}); fact and write checks skipped")
        else:
            if info.tasks_sha256 and task_file.sha256 != info.tasks_sha256:
                ctx.notes.append(
                    f"{info.run_id}: the task file {task_file.path.name} changed since the "
                    "run; fact and write checks skipped"
                )
            else:
                ctx.tasks = {t.id: t for t in task_file.tasks}
        try:
            from tautrait.domain.loader import load_domain

            domain = load_domain(info.domain)
            ctx.write_tools = frozenset(n for n, t in domain.tools.items() if t.writes)
        except (UserError, ImportError, OSError, ValueError) as exc:
            ctx.notes.append(f"{info.run_id}: domain not loadable ({exc}); write checks skipped")
        ctx.judged = read_judged(Path(info.source), info.run_id)
    else:
        ctx.notes.append(f"{info.run_id}: an imported file; only the role and stop checks ran")
    return ctx


def read_judged(run_dir: Path, run_id: str) -> dict[tuple[str, int, str], FaultJudgeRecord]:
    """The judge's latest verdict per episode from ``attribution.jsonl`` (unreadable
    lines skipped: the deterministic attribution stands without them)."""
    path = run_dir / ATTRIBUTION_FILE
    if not path.is_file():
        return {}
    out: dict[tuple[str, int, str], FaultJudgeRecord] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            record = FaultJudgeRecord.model_validate_json(line)
        except ValidationError:
            continue
        if record.run_id == run_id:
            out[record.key()] = record
    return out


def attribute_episode(episode: Episode, ctx: RunContext) -> Attribution | None:
    """The attribution of a failed completed episode; None for a pass or an
    infrastructure error (never attributed)."""
    if episode.passed is not False:
        return None
    r = episode.record
    return attribute(
        r.messages,
        termination=r.termination,
        task=ctx.tasks.get(r.task_id) if ctx.tasks is not None else None,
        breakdown=r.reward_breakdown,
        write_tools=ctx.write_tools,
    )


def diagnose_row(
    runs: list[LoadedRun], arms: dict[str, list[Episode]], keyed: Keyed, alpha: float
) -> tuple[RowAttribution | None, list[ArmRealism]]:
    """A row's fault attribution and realism diagnostics (each run's task file and
    domain read once)."""
    contexts = {r.info.run_id: run_context(r) for r in runs}
    return row_attribution(contexts, arms, keyed, alpha), row_realism(contexts, arms)


def row_attribution(
    contexts: dict[str, RunContext],
    arms: dict[str, list[Episode]],
    keyed: Keyed,
    alpha: float,
) -> RowAttribution | None:
    """Counts per arm, each failed episode's reasons, and the adjusted deltas; None when
    no episode of the row failed."""
    checks: list[str] | None = None
    faults: list[EpisodeFault] = []
    counts: list[ArmFaults] = []
    simulated: set[tuple[str, str, int]] = set()
    for arm, episodes in arms.items():
        tally = dict.fromkeys(FAULT_KINDS, 0)
        judged: dict[str, int] = {}
        failed = 0
        for e in episodes:
            ctx = contexts[e.ref.run_id]
            verdict = attribute_episode(e, ctx)
            if verdict is None:
                continue
            failed += 1
            tally[verdict.kind] += 1
            checks = (
                verdict.checks if checks is None else [c for c in checks if c in verdict.checks]
            )
            if verdict.kind != "agent":
                simulated.add((e.ref.run_id, e.record.task_id, e.record.trial))
            judge = ctx.judged.get(e.record.key())
            if judge is not None:
                label = judge.verdict or ("error" if judge.call_error else "unparsable")
                judged[label] = judged.get(label, 0) + 1
            faults.append(
                EpisodeFault(
                    ref=e.ref,
                    kind=verdict.kind,
                    simulator=verdict.simulator,
                    agent=verdict.agent,
                    judge=judge.verdict if judge is not None else None,
                )
            )
        counts.append(ArmFaults(arm=arm, failed=failed, judged=judged, **tally))
    if not faults:
        return None
    deltas: list[AdjustedDelta] = []
    if BASELINE in arms:
        traits = [a for a in arms if a != BASELINE]
        for trait in traits:
            base = keyed(arms[BASELINE])
            other = keyed(arms[trait])
            out = {k for k in set(base) | set(other) if k in simulated}
            left_out = sum(1 for k in out if k in base and k in other)
            result = paired_delta(
                {k: v for k, v in base.items() if k not in out},
                {k: v for k, v in other.items() if k not in out},
                arm=trait,
                baseline=BASELINE,
                alpha=alpha,
                tests=len(traits),
            )
            deltas.append(AdjustedDelta(arm=trait, left_out=left_out, delta=result.delta))
        apply_holm([d.delta for d in deltas], alpha)
    notes = sorted({n for ctx in contexts.values() for n in ctx.notes})
    return RowAttribution(
        checks=checks or [], arms=counts, deltas=deltas, episodes=faults, notes=notes
    )


def row_realism(
    contexts: dict[str, RunContext], arms: dict[str, list[Episode]]
) -> list[ArmRealism]:
    """Realism diagnostics per arm, over its completed episodes."""
    out = []
    for arm, episodes in arms.items():
        sides = []
        for e in episodes:
            if not e.completed:
                continue
            tasks = contexts[e.ref.run_id].tasks
            task = tasks.get(e.record.task_id) if tasks is not None else None
            sides.append(
                UserSide(
                    turns=user_turns(e.record.messages),
                    scenario=task.scenario if task is not None else None,
                )
            )
        figures = realism(sides)
        out.append(ArmRealism(arm=arm, **figures.to_json()))
    return out
