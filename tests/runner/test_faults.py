"""Runs survive provider faults: retried and counted, never scored against the agent."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from tautrait import faults
from tautrait.errors import InfraError, UserError
from tautrait.llm import RetryPolicy, complete
from tautrait.report.infra import summarize
from tautrait.runner.config import RunConfig
from tautrait.runner.results import read_episodes
from tautrait.runner.run import execute_run, prepare_run

# 30% of calls faulted: every kind the issue names.
SPEC = (
    "429=0.04,429-retry-after=0.03,500=0.04,503=0.03,timeout=0.03,reset=0.03,"
    "empty=0.03,malformed=0.07"
)


def _scripted(out: Path, **kw: Any) -> RunConfig:
    base: dict[str, Any] = {
        "env": "mock",
        "model": "scripted/gold",
        "user_strategy": "llm",
        "user_model": "scripted/null",
        "output_dir": out,
        "max_steps": 5,
        "num_trials": 3,
        "retry_attempts": 10,
        "retry_initial_s": 0.001,
    }
    base.update(kw)
    return RunConfig(**base)


@pytest.fixture
def injectors(monkeypatch: pytest.MonkeyPatch) -> list[faults.FaultInjector]:
    made: list[faults.FaultInjector] = []
    real = faults.configure

    def capture(spec: str | None, *, seed: int = 0) -> faults.FaultInjector | None:
        injector = real(spec, seed=seed)
        if injector is not None:
            made.append(injector)
        return injector

    monkeypatch.setattr(faults, "configure", capture)
    return made


def test_a_run_with_30_percent_of_calls_faulted_completes(
    run_env: Path, injectors: list[faults.FaultInjector]
) -> None:
    run_dir = execute_run(prepare_run(_scripted(run_env, faults=SPEC)))
    [injector] = injectors
    episodes = read_episodes(run_dir)
    assert len(episodes) == 9
    # Every provider fault was survived: no episode is an infrastructure error.
    assert all(e.status == "completed" for e in episodes)
    raised = sum(n for k, n in injector.injected.items() if k in faults.RAISED)
    assert raised >= 8 and injector.injected["malformed"] >= 1
    assert sum(injector.injected.values()) / injector.calls > 0.15
    # Every retry is counted, by cause, in the episode records.
    retries: dict[str, int] = {}
    for e in episodes:
        for usage in (e.agent_usage, e.user_usage):
            for cause, n in usage.retries.items():
                retries[cause] = retries.get(cause, 0) + n
    assert retries.get("rate_limit", 0) == (
        injector.injected["429"] + injector.injected["429-retry-after"]
    )
    assert retries.get("timeout", 0) == injector.injected["timeout"]
    assert retries.get("connection", 0) == injector.injected["reset"]
    assert retries.get("server_error", 0) == injector.injected["500"] + injector.injected["503"]
    assert retries.get("empty", 0) == injector.injected["empty"]
    # A malformed tool call is the agent's: it went back to it as a tool error, scored.
    malformed = [
        e
        for e in episodes
        if any(
            m.get("role") == "tool" and "not valid JSON" in str(m.get("content"))
            for m in e.messages
        )
    ]
    assert len(malformed) >= 1
    assert all(e.tool_errors >= 1 and e.reward is not None for e in malformed)
    # Only malformed calls cost the gold agent its reward; transient faults never do.
    assert all(e.reward == 1.0 for e in episodes if e not in malformed)
    assert summarize(episodes, 0.1).errors == 0


def test_persistent_faults_are_infra_errors_never_scored(
    run_env: Path, injectors: list[faults.FaultInjector]
) -> None:
    config = _scripted(run_env, faults="500=1", num_trials=1, retry_attempts=3)
    run_dir = execute_run(prepare_run(config))
    episodes = read_episodes(run_dir)
    assert len(episodes) == 3
    assert all(e.status == "infra_error" and e.reward is None for e in episodes)
    assert all(e.error and e.error.retries == {"server_error": 2} for e in episodes)
    summary = summarize(episodes, config.max_infra_errors)
    assert summary.over and summary.by_kind == {"provider_transient": 3}
    assert "3 of 3 episodes (100%)" in summary.line() and "over the limit of 0" in summary.line()
    assert "WARNING: run" in (run_dir / "report.md").read_text()


def test_retries_are_bounded_in_total_time() -> None:
    faults.configure("429=1")
    try:
        policy = RetryPolicy(attempts=1000, initial_s=0.01, max_s=0.05, max_total_s=0.3)
        loop = asyncio.new_event_loop()
        started = loop.time()
        with pytest.raises(InfraError) as err:
            loop.run_until_complete(
                complete("scripted/null", [{"role": "user", "content": "hi"}], retry=policy)
            )
        elapsed = loop.time() - started
        loop.close()
    finally:
        faults.configure(None)
    assert elapsed < 1.0 and err.value.attempts < 1000
    assert err.value.retries["rate_limit"] == err.value.attempts - 1


def test_retry_after_is_honoured() -> None:
    faults.configure("429-retry-after=1", seed=1)
    try:
        policy = RetryPolicy(attempts=3, initial_s=10.0, max_s=60.0, max_total_s=30)
        loop = asyncio.new_event_loop()
        started = loop.time()
        with pytest.raises(InfraError):
            loop.run_until_complete(
                complete("scripted/null", [{"role": "user", "content": "hi"}], retry=policy)
            )
        elapsed = loop.time() - started
        loop.close()
    finally:
        faults.configure(None)
    # Two waits of the asked-for 0.05 s, not the 10 s backoff.
    assert elapsed < 2.0


@pytest.mark.parametrize(
    "spec", ["429=2", "bogus=0.1", "500", "429=0.6,500=0.6", "timeout=-1", "reset=x"]
)
def test_bad_fault_specs_are_refused(spec: str) -> None:
    with pytest.raises(UserError, match="faults"):
        faults.parse_faults(spec)
