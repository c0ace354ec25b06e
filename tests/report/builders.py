"""Hand-made run folders with exactly the pass/fail pattern a test needs.

A pattern maps arm -> task -> one outcome per trial: True (pass), False (fail) or None
(an infrastructure error). The files are written through the runner's own records
(:mod:`tautrait.records`): ``run.json`` a :class:`RunManifest`, ``episodes.jsonl`` lines
:class:`EpisodeRecord` dumps.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tautrait.domain.backend import RewardBreakdown
from tautrait.records import (
    ArmRecord,
    EpisodeError,
    EpisodeRecord,
    RunManifest,
    Usage,
    write_json,
)

Pattern = dict[str, dict[str, list[bool | None]]]


def messages(task: str, arm: str, trial: int, passed: bool | None) -> list[dict[str, Any]]:
    """A small trajectory: system, greeting, user, a tool call and its result, a reply."""
    return [
        {"role": "system", "content": "# Retail agent policy"},
        {"role": "assistant", "content": "Hi! How can I help you today?"},
        {"role": "user", "content": f"Please help with {task} ({arm}, trial {trial})."},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": f"call_{task}_{trial}",
                    "type": "function",
                    "function": {"name": "get_order", "arguments": json.dumps({"order_id": task})},
                }
            ],
        },
        {
            "role": "tool",
            "tool_call_id": f"call_{task}_{trial}",
            "name": "get_order",
            "content": json.dumps({"order_id": task, "status": "delivered"}),
            "outcome": "ok",
        },
        {"role": "assistant", "content": "Done." if passed else "I cannot do that."},
        {"role": "user", "content": "Thanks, bye.", "stop": True},
    ]


def record(
    run_id: str, domain: str, task: str, trial: int, arm: str, passed: bool | None, **kw: Any
) -> EpisodeRecord:
    steering = arm_record(arm).model_copy(update={"name": None, "blocks": [2]})
    base: dict[str, Any] = {
        "run_id": run_id,
        "domain": domain,
        "task_id": task,
        "trial": trial,
        "arm": arm,
        "seed": 1000 + trial,
        "messages": messages(task, arm, trial, passed),
        "steering": steering,
        "agent_usage": Usage(prompt_tokens=100, completion_tokens=10, cost=0.001, calls=3),
        "user_usage": Usage(prompt_tokens=50, completion_tokens=5, cost=0.0, calls=2),
        "tool_calls": 1,
        "steps": 3,
        "started_at": "2026-01-01T00:00:00+00:00",
        "duration_s": 1.5,
    }
    if passed is None:
        base.update(
            status="infra_error",
            reward=None,
            termination="infra_error",
            error=EpisodeError(kind="provider_transient", message="503 from provider", attempts=3),
        )
    else:
        base.update(
            status="completed",
            reward=1.0 if passed else 0.0,
            termination="user_stop",
            reward_breakdown=RewardBreakdown(
                reward=1.0 if passed else 0.0,
                db_match=bool(passed),
                final_hash="f" * 8,
                gold_hash="f" * 8 if passed else "g" * 8,
                outputs={},
            ),
        )
    base.update(kw)
    return EpisodeRecord(**base)


def make_run(
    root: Path,
    run_id: str,
    pattern: Pattern,
    *,
    domain: str = "retail",
    model: str = "openai/gpt-4o",
    temperature: float = 0.0,
    user_model: str = "embedded",
    domain_sha: str = "d" * 64,
    tasks_sha: str = "t" * 64,
    task_ids: list[str] | None = None,
) -> Path:
    run_dir = root / run_id
    run_dir.mkdir(parents=True)
    tasks = task_ids or list(dict.fromkeys(t for arm in pattern.values() for t in arm))
    trials = max(len(v) for arm in pattern.values() for v in arm.values())
    manifest = RunManifest.model_validate(
        {
            "run_id": run_id,
            "created_at": "2026-01-01T00:00:00+00:00",
            "tautrait_version": "0.0.0",
            "git": {"commit": "abc123", "dirty": False},
            "command": ["tautrait", "run", "--env", domain],
            "config": {"env": domain, "model": model, "temperature": temperature},
            "environment": {
                "python": "3.11.0",
                "platform": "test",
                "packages": {},
                "device": "cpu",
            },
            "domain": {
                "name": domain,
                "content_sha256": domain_sha,
                "seed_state_sha256": "s" * 64,
            },
            "tasks": {
                "split": "test",
                "file": f"tasks/{domain}/test.json",
                "sha256": tasks_sha,
                "count": len(tasks),
                "task_ids": tasks,
            },
            "arms": [arm_record(arm) for arm in pattern],
            "agent": {
                "model": model,
                "api_base": None,
                "temperature": temperature,
                "max_steps": 30,
            },
            "user": {"strategy": "steered", "model": user_model},
            "grid": {
                "tasks": len(tasks),
                "trials": trials,
                "arms": len(pattern),
                "episodes": len(tasks) * trials * len(pattern),
            },
        }
    )
    write_json(run_dir / "run.json", manifest)
    lines = []
    for trial in range(trials):
        for task in tasks:
            for arm, by_task in pattern.items():
                outcomes = by_task.get(task, [])
                if trial < len(outcomes):
                    rec = record(run_id, domain, task, trial, arm, outcomes[trial])
                    lines.append(rec.model_dump_json())
    (run_dir / "episodes.jsonl").write_text("\n".join(lines) + "\n")
    return run_dir


def arm_record(arm: str) -> ArmRecord:
    """The baseline (no traits), or a trait arm named after its one trait at medium."""
    if arm == "baseline":
        return ArmRecord(name=arm, trait_dict=None, coefficients={}, blocks=[])
    if arm.startswith("sweep:"):  # a --sweep point: sweep:<trait>=<intensity>
        trait, _, x = arm.removeprefix("sweep:").partition("=")
        return ArmRecord(
            name=arm,
            trait_dict={trait: float(x)},
            coefficients={trait: 0.3 * float(x)},
            sweep={"trait": trait, "intensity": float(x)},
        )
    return ArmRecord(name=arm, trait_dict={arm: "medium"}, coefficients={arm: 0.3})


def single(passes: str) -> dict[str, list[bool | None]]:
    """'PPF.' -> task t0 pass, t1 pass, t2 fail, t3 infra error (one trial each)."""
    code = {"P": True, "F": False, ".": None}
    return {f"t{i}": [code[c]] for i, c in enumerate(passes)}


def multi(rows: list[str]) -> dict[str, list[bool | None]]:
    """['PPF', 'FFF'] -> t0 trials pass, pass, fail; t1 fails three times."""
    code = {"P": True, "F": False, ".": None}
    return {f"t{i}": [code[c] for c in row] for i, row in enumerate(rows)}
