"""How episodes share the process: database work off the event loop, a lazy queue."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from tautrait.domain.loader import load_domain
from tautrait.domain.tasks import load_tasks
from tautrait.domain.tools import ToolContext, build_spec
from tautrait.llm import Completion
from tautrait.runner import run as run_module
from tautrait.runner.config import RunConfig
from tautrait.runner.episode import EpisodeSpec, run_episode
from tautrait.runner.results import read_episodes
from tautrait.runner.run import execute_run, prepare_run
from tautrait.user.base import UserReply, Utterance

SLOW_S = 1.0


class _Agent:
    """Calls one tool, then says it is done."""

    def __init__(self, tool: str, arguments: str) -> None:
        self.tool, self.arguments = tool, arguments

    def system_message(self) -> dict[str, Any]:
        return {"role": "system", "content": "policy"}

    async def act(self, messages: list[dict[str, Any]]) -> Completion:
        await asyncio.sleep(0)
        if any(m["role"] == "tool" for m in messages):
            return Completion(content="Done.")
        call = {
            "id": "c1",
            "type": "function",
            "function": {"name": self.tool, "arguments": self.arguments},
        }
        return Completion(content="", tool_calls=[call])


class _User:
    system_prompt = "customer"

    async def reply(self, transcript: list[Utterance]) -> UserReply:
        await asyncio.sleep(0)
        stop = len(transcript) > 1
        return UserReply(text="Thanks." if stop else "Help me.", stop=stop, raw="")


def test_a_slow_tool_does_not_hold_up_other_episodes(
    mock_data_path: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    domain = load_domain("mock")
    task = load_tasks("mock", "test").tasks[1]

    def slow_lookup(ctx: ToolContext, order_id: str) -> str:
        """Looks an order up, slowly.

        Args:
            order_id: An order.
        """
        time.sleep(SLOW_S)  # a blocking call, like a heavy query
        return "found"

    tools: dict[str, Any] = dict(domain.tools)
    tools["slow_lookup"] = build_spec(slow_lookup, writes=False)
    monkeypatch.setattr(type(domain), "tools", property(lambda self: tools))

    def spec(trial: int) -> EpisodeSpec:
        return EpisodeSpec("run", domain, task, trial, "baseline", seed=trial, max_steps=4)

    async def play() -> list[Any]:
        slow = run_episode(spec(0), _Agent("slow_lookup", '{"order_id": "O1"}'), _User())
        quick = [
            run_episode(spec(k), _Agent("get_order", '{"order_id": "O3"}'), _User())
            for k in range(1, 4)
        ]
        return await asyncio.gather(slow, *quick)

    slow, *quick = asyncio.run(play())
    assert slow.status == "completed" and slow.duration_s >= SLOW_S
    # The quick episodes started with the slow one and finished while its tool ran.
    assert all(r.status == "completed" and r.tool_calls == 1 for r in quick)
    assert max(r.duration_s for r in quick) < SLOW_S / 2


def test_queued_episodes_are_started_only_when_a_worker_is_free(
    mock_data_path: None, run_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_flight = {"now": 0, "most": 0, "tasks": 0}
    play = run_module.run_episode

    async def counting(*args: Any) -> Any:
        in_flight["now"] += 1
        in_flight["most"] = max(in_flight["most"], in_flight["now"])
        in_flight["tasks"] = max(in_flight["tasks"], len(asyncio.all_tasks()))
        try:
            return await play(*args)
        finally:
            in_flight["now"] -= 1

    monkeypatch.setattr(run_module, "run_episode", counting)
    config = RunConfig(
        env="mock",
        model="scripted/gold?latency_ms=1",
        user_strategy="llm",
        user_model="scripted/user?latency_ms=1",
        num_trials=40,
        max_concurrency=5,
        output_dir=run_env,
    )
    episodes = read_episodes(execute_run(prepare_run(config)))
    assert len(episodes) == 3 * 40 == len({e.key() for e in episodes})
    assert all(e.status == "completed" for e in episodes)
    assert in_flight["most"] == 5
    # Five workers (and the runner's own task), never a task per queued episode.
    assert in_flight["tasks"] <= 5 + 1
