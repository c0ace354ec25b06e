"""Task validity gates: a benchmark is only as good as its tasks.

For every task of a domain, :func:`validate_domain` checks that

- every gold action names a registered tool with schema-valid arguments;
- replaying the gold actions on a fresh copy succeeds and an oracle that then states
  the required outputs earns reward 1.0;
- a do-nothing agent earns 0 (for tasks whose gold actions write, and for read-only
  tasks, which must therefore require an output);
- two replays give identical state hashes (no wall clock, no randomness in tools);
- no two tasks are duplicates (same scenario and same gold actions);

and runs the fairness checks of :mod:`tautrait.evaluation.fairness` (order of
independent writes, authentication enforced, required outputs not echoed from the
scenario), reported per task.
"""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel, Field

from tautrait.domain.database import state_hash
from tautrait.domain.environment import Environment
from tautrait.domain.loader import Domain
from tautrait.domain.tasks import Task, TaskFile
from tautrait.domain.tools import ToolError
from tautrait.evaluation.fairness import TaskChecks, check_task, run_actions
from tautrait.evaluation.reward import (
    GoldReplayError,
    compute_reward,
    expects_transfer,
    gold_hash,
)


class DomainValidation(BaseModel):
    """Gate counts for one domain (the shape of ``tautrait validate --json``)."""

    tasks: int = 0
    oracle_pass: int = 0
    null_fail: int = 0
    writes: int = 0
    deterministic: int = 0
    order_sensitive: int = 0
    """Tasks where swapping independent writes changes the final state, unstated."""
    order_stated: int = 0
    """Tasks where it does, and the scenario dictates the order."""
    auth_enforced: int = 0
    """Write tasks that fail without their authentication steps."""
    echoed: int = 0
    """Tasks with a required output that the scenario already contains."""
    problems: list[str] = Field(default_factory=list)
    checks: dict[str, TaskChecks] = Field(default_factory=dict)
    """Task id -> what the fairness checks found."""
    invalid: dict[str, list[str]] = Field(default_factory=dict)
    """A foreign benchmark's tasks that fail the gates ("domain/split/id" -> reasons,
    each "<kind>: <detail>"): listed, never edited."""


def task_writes(domain: Domain, task: Task) -> bool:
    return any(domain.tools[a.name].writes for a in task.gold_actions if a.name in domain.tools)


def oracle_messages(task: Task) -> list[str]:
    """What an oracle agent says: every required output, once."""
    return [f"Here is what you asked for: {out}." for out in task.required_outputs]


def validate_task(domain: Domain, task: Task, report: DomainValidation, where: str) -> None:
    report.tasks += 1
    problems = report.problems
    schema_ok = True
    for index, action in enumerate(task.gold_actions):
        spec = domain.tools.get(action.name)
        if spec is None:
            problems.append(f"{where}: gold action #{index} names unknown tool {action.name!r}")
            schema_ok = False
            continue
        try:
            spec.validate(action.kwargs)
        except ToolError as exc:
            problems.append(f"{where}: gold action #{index}: {exc}")
            schema_ok = False
    if not schema_ok:
        return
    writes = task_writes(domain, task)
    report.writes += writes

    try:
        first = gold_hash(domain, task)  # replay 1 (cached for the oracle's reward)
    except GoldReplayError as exc:
        problems.append(f"{where}: {exc}")
        return
    env = Environment(domain)  # replay 2, noting which calls authenticated someone
    try:
        replay = run_actions(env, task.gold_actions)
        second = replay.state_hash
        full = state_hash(env.engine, domain.spec.metadata)
    finally:
        env.close()
    if replay.refused:
        problems.append(f"{where}: a second gold replay refused action(s) {replay.refused}")
        return
    if second != full:
        problems.append(
            f"{where}: the incremental state hash differs from a full recomputation "
            "(a write the write log missed); report this as a tautrait bug"
        )
        return
    if first == second:
        report.deterministic += 1
    else:
        problems.append(f"{where}: two gold replays gave different state hashes")
        return

    oracle = compute_reward(
        domain,
        task,
        second,
        oracle_messages(task),
        transferred=expects_transfer(domain, task),
    )
    if oracle.reward == 1.0:
        report.oracle_pass += 1
    else:
        problems.append(f"{where}: the oracle (gold actions + required outputs) scores 0")

    # A do-nothing agent leaves the seed state: its hash is the seed's.
    null = compute_reward(domain, task, domain.seed.seed_hash, [domain.spec.greeting])
    if null.reward == 0.0:
        report.null_fail += 1
    elif writes:
        problems.append(
            f"{where}: a do-nothing agent passes although the gold actions write "
            "(they leave the database unchanged)"
        )
    else:
        problems.append(
            f"{where}: a do-nothing agent passes (no write action and no required output)"
        )

    checks = check_task(domain, task, first, replay.auth_steps)
    report.checks[task.id] = checks
    report.order_sensitive += checks.order == "sensitive"
    report.order_stated += checks.order == "stated"
    report.auth_enforced += checks.auth == "enforced"
    report.echoed += bool(checks.echoed_outputs)
    problems.extend(f"{where}: {problem}" for problem in checks.problems())
    if task.order_stated and checks.order != "stated":
        problems.append(
            f"{where}: order_stated is set, but no accepted swap of its writes changes the "
            "final state: drop it (and the order from the scenario)"
        )


def validate_foreign(domain: Domain, task_files: list[TaskFile]) -> DomainValidation:
    """The gates of a foreign benchmark's tasks (:meth:`Domain.invalid_tasks
    <tautrait.domain.loader.Domain.invalid_tasks>`): its tasks are listed with their
    reasons, never edited, and the fairness checks do not apply."""
    report = DomainValidation()
    for task_file in task_files:
        invalid = domain.invalid_tasks(task_file.tasks)
        for task in task_file.tasks:
            where = f"{domain.name}/{task_file.split}/{task.id}"
            reasons = invalid.get(task.id, [])
            kinds = {r.split(":")[0] for r in reasons}
            report.tasks += 1
            report.oracle_pass += not kinds & {"oracle scores 0", "gold action errors"}
            report.null_fail += "do-nothing agent passes" not in kinds
            report.deterministic += "non-deterministic" not in kinds
            if reasons:
                report.invalid[where] = reasons
                report.problems.extend(f"{where}: {r}" for r in reasons)
    return report


def validate_domain(domain: Domain, task_files: list[TaskFile]) -> DomainValidation:
    if domain.foreign:
        return validate_foreign(domain, task_files)
    report = DomainValidation()
    seen: dict[str, str] = {}
    for task_file in task_files:
        for task in task_file.tasks:
            where = f"{domain.name}/{task_file.split}/{task.id}"
            validate_task(domain, task, report, where)
            key = task.scenario.model_dump_json() + task.model_dump_json(include={"gold_actions"})
            if key in seen:
                report.problems.append(f"{where}: duplicate of {seen[key]}")
            else:
                seen[key] = where
    ids: dict[str, list[str]] = defaultdict(list)
    for task_file in task_files:
        for task in task_file.tasks:
            ids[task.id].append(task_file.split)
    for task_id, splits in sorted(ids.items()):
        if len(splits) > 1:
            report.problems.append(
                f"{domain.name}: task id {task_id} appears in several splits ({', '.join(splits)})"
            )
    return report
