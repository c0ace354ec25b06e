"""A context overflow is the agent's once it has had a turn; before that, it is the setup's."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tautrait.domain.loader import load_domain
from tautrait.domain.tasks import load_tasks
from tautrait.llm import Completion, ContextOverflow
from tautrait.records import EpisodeRecord
from tautrait.runner.episode import EpisodeSpec, run_episode
from tautrait.user.base import UserReply, Utterance


class _Agent:
    """Overflows on call number ``overflow_at`` (1-based); asks a question before that."""

    def __init__(self, overflow_at: int) -> None:
        self.overflow_at = overflow_at
        self.calls = 0

    def system_message(self) -> dict[str, Any]:
        return {"role": "system", "content": "policy"}

    async def act(self, messages: list[dict[str, Any]]) -> Completion:
        self.calls += 1
        if self.calls >= self.overflow_at:
            raise ContextOverflow("9000 prompt tokens + 96 to generate exceed 8192")
        return Completion(content="Which order?")


class _User:
    system_prompt = "customer"

    async def reply(self, transcript: list[Utterance]) -> UserReply:
        return UserReply(text="Order O1, please.", stop=False, raw="")


def _play(agent: _Agent) -> EpisodeRecord:
    domain = load_domain("mock")
    task = load_tasks("mock", "test").tasks[0]
    spec = EpisodeSpec("run", domain, task, 0, "baseline", seed=0, max_steps=6)
    return asyncio.run(run_episode(spec, agent, _User()))


def test_a_first_prompt_that_does_not_fit_is_an_infrastructure_error(
    mock_data_path: None,
) -> None:
    record = _play(_Agent(overflow_at=1))
    assert record.status == "infra_error" and record.termination == "infra_error"
    assert record.reward is None
    assert record.error is not None and record.error.kind == "agent_context"
    assert "policy, tool list" in record.error.message and "8192" in record.error.message


@pytest.mark.parametrize("overflow_at", [2, 3])
def test_an_overflow_after_the_agents_first_turn_is_scored(
    mock_data_path: None, overflow_at: int
) -> None:
    record = _play(_Agent(overflow_at=overflow_at))
    assert record.status == "completed" and record.termination == "agent_context_overflow"
    assert record.reward == 0.0 and record.error is None
