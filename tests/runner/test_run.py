"""End-to-end runs: scripted agents through litellm, a tiny steered user, real results."""

import json
from pathlib import Path
from typing import Any

import pytest

from tautrait.runner.config import RunConfig
from tautrait.runner.results import read_episodes
from tautrait.runner.run import execute_run, prepare_run
from tautrait.scripted import register_script


def _config(out: Path, user: Path, **kw: Any) -> RunConfig:
    base: dict[str, Any] = {
        "env": "mock",
        "model": "scripted/gold",
        "user_model": str(user),
        "output_dir": out,
        "max_steps": 5,
        "user_max_tokens": 6,
        "trait_dicts": ["skeptical.json"],
    }
    base.update(kw)
    return RunConfig(**base)


def _run(config: RunConfig, resume: Path | None = None) -> Path:
    return execute_run(prepare_run(config, resume=resume))


def test_gold_agent_passes_every_task_in_both_arms(run_env: Path, tiny_checkpoint: Path) -> None:
    run_dir = _run(_config(run_env, tiny_checkpoint, num_trials=2))
    episodes = read_episodes(run_dir)
    assert len(episodes) == 3 * 2 * 2
    assert all(e.status == "completed" and e.reward == 1.0 for e in episodes)
    assert {e.arm for e in episodes} == {"baseline", "skeptical"}
    # Arms share seeds; only the steering differs.
    seeds = {(e.task_id, e.trial): set() for e in episodes}
    for e in episodes:
        seeds[(e.task_id, e.trial)].add(e.seed)
    assert all(len(s) == 1 for s in seeds.values())
    steered = [e for e in episodes if e.arm == "skeptical"]
    assert steered[0].steering.coefficients == {
        "skepticism": pytest.approx(0.3),
        "impatience": 0.0,
        "confusion": 0.0,
        "incoherence": 0.0,
    }
    assert steered[0].steering.blocks == [2]
    baseline = [e for e in episodes if e.arm == "baseline"]
    assert baseline[0].steering.coefficients == {}
    first = next(e for e in episodes if e.task_id == "mock-0")
    roles = [m["role"] for m in first.messages]
    assert roles[:4] == ["system", "assistant", "user", "assistant"]
    assert any(m["role"] == "tool" and m["outcome"] == "ok" for m in first.messages)
    assert first.agent_usage.calls >= 3 and first.user_usage.completion_tokens > 0
    manifest = json.loads((run_dir / "run.json").read_text())
    assert manifest["config"]["env"] == "mock"
    assert manifest["grid"] == {"tasks": 3, "trials": 2, "arms": 2, "episodes": 12}
    assert manifest["tasks"]["task_ids"] == ["mock-0", "mock-1", "mock-2"]
    assert len(manifest["domain"]["content_sha256"]) == 64
    assert manifest["user"]["fingerprint"] and manifest["basis"]["traits"]["skepticism"]
    assert manifest["arms"][1]["trait_dict"]["skepticism"] == "medium"
    report = (run_dir / "report.md").read_text()
    assert (
        "| skeptical | 3 | 6 | 0 | 100.0% | 100.0% | +0.0 [+0.0, +0.0] | +0.0% [+0.0, +0.0] |"
        in report
    )
    assert (
        "| baseline | 3 | 6 | 6 | 0 | 100.0% | [100.0%, 100.0%] bootstrap | 1.000 | 100.0% | 100.0% |"
        in report
    )


def test_null_agent_fails_every_task(run_env: Path, tiny_checkpoint: Path) -> None:
    run_dir = _run(_config(run_env, tiny_checkpoint, model="scripted/null", trait_dicts=[]))
    episodes = read_episodes(run_dir)
    assert [e.reward for e in episodes] == [0.0, 0.0, 0.0]
    assert all(e.status == "completed" and e.termination == "max_steps" for e in episodes)


def test_provider_outage_is_an_infra_error_not_a_failure(
    run_env: Path, tiny_checkpoint: Path
) -> None:
    from tautrait.llm import litellm_module

    litellm = litellm_module()

    def down(messages: list[dict[str, Any]], task: dict[str, Any] | None) -> dict[str, Any]:
        if task and task["id"] == "mock-1":
            raise litellm.ServiceUnavailableError("down", llm_provider="x", model="m")
        from tautrait.scripted import gold_script

        return gold_script(messages, task)

    register_script("half-down", down)
    run_dir = _run(
        _config(
            run_env, tiny_checkpoint, model="scripted/half-down", trait_dicts=[], retry_attempts=2
        )
    )
    by_task = {e.task_id: e for e in read_episodes(run_dir)}
    assert by_task["mock-1"].status == "infra_error" and by_task["mock-1"].reward is None
    assert by_task["mock-1"].error is not None and by_task["mock-1"].error.attempts == 2
    assert by_task["mock-0"].reward == 1.0
    report = (run_dir / "report.md").read_text()
    assert "| baseline | 2 | 3 | 2 | 1 | 100.0% |" in report
    assert "**Infrastructure errors: 1**" in report


def test_resume_finishes_without_repeating_or_losing(run_env: Path, tiny_checkpoint: Path) -> None:
    run_dir = _run(_config(run_env, tiny_checkpoint))
    path = run_dir / "episodes.jsonl"
    lines = path.read_text().splitlines()
    assert len(lines) == 6
    # Simulate a kill: two finished episodes and half of a third.
    path.write_text(lines[0] + "\n" + lines[1] + "\n" + lines[2][: len(lines[2]) // 2])
    kept = {json.loads(line)["started_at"] + json.loads(line)["task_id"] for line in lines[:2]}
    _run(RunConfig(), resume=run_dir)
    episodes = read_episodes(run_dir)
    assert len(episodes) == 6 and len(path.read_text().splitlines()) == 6
    assert len({e.key() for e in episodes}) == 6
    assert kept <= {e.started_at + e.task_id for e in episodes}
    assert all(e.reward == 1.0 for e in episodes)


def test_infra_errors_are_retried_on_resume(run_env: Path, tiny_checkpoint: Path) -> None:
    from tautrait.llm import litellm_module

    litellm = litellm_module()
    state = {"down": True}

    def flaky(messages: list[dict[str, Any]], task: dict[str, Any] | None) -> dict[str, Any]:
        if state["down"]:
            raise litellm.ServiceUnavailableError("down", llm_provider="x", model="m")
        from tautrait.scripted import gold_script

        return gold_script(messages, task)

    register_script("flaky-run", flaky)
    run_dir = _run(
        _config(
            run_env, tiny_checkpoint, model="scripted/flaky-run", trait_dicts=[], retry_attempts=1
        )
    )
    assert all(e.status == "infra_error" for e in read_episodes(run_dir))
    state["down"] = False
    _run(RunConfig(), resume=run_dir)
    episodes = read_episodes(run_dir)
    assert len(episodes) == 3 and all(e.reward == 1.0 for e in episodes)
