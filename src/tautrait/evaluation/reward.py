"""The reward: did the agent leave the database right, and say what it had to say?

reward = [final state hash == hash after replaying the gold actions on a fresh copy]
       x [every required output appears in some agent message]

Required outputs are matched after normalising case, whitespace and thousands
separators ("$1,234.50" matches "1234.50"), so a correct agent is not failed for
formatting. The gold hash is computed once per task and cached.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

from pydantic import BaseModel

from tautrait.domain.environment import Environment
from tautrait.domain.loader import Domain
from tautrait.domain.tasks import Task


class GoldReplayError(RuntimeError):
    """A task's gold actions do not run cleanly: the task is invalid, not the agent."""


class RewardBreakdown(BaseModel):
    """Every part of the reward, as stored with each episode."""

    reward: float
    """1.0 when both checks pass, else 0.0."""
    db_match: bool
    """The final database equals the gold replay's."""
    final_hash: str
    gold_hash: str
    outputs: dict[str, bool]
    """Each required output -> whether some agent message contains it."""


_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_SPACES = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Lower-case, drop thousands separators, collapse whitespace."""
    return _SPACES.sub(" ", _THOUSANDS.sub("", text.lower())).strip()


def outputs_found(required: Iterable[str], agent_messages: Iterable[str]) -> dict[str, bool]:
    haystack = [normalise_text(m) for m in agent_messages]
    return {out: any(normalise_text(out) in text for text in haystack) for out in required}


_gold_cache: dict[tuple[str, str, str], str] = {}
_gold_lock = threading.Lock()


def replay_gold(domain: Domain, task: Task) -> Environment:
    """A fresh environment with the task's gold actions applied.

    Raises:
        GoldReplayError: a gold action returned an error or crashed.
    """
    env = Environment(domain)
    for index, action in enumerate(task.gold_actions):
        result = env.execute(action.name, action.kwargs)
        if result.outcome != "ok":
            env.close()
            raise GoldReplayError(
                f"task {task.id}: gold action #{index} {action.name} failed: {result.content}"
            )
    return env


def gold_hash(domain: Domain, task: Task) -> str:
    """The state hash after replaying the gold actions (cached per domain version)."""
    key = (domain.content_hash, task.id, task.model_dump_json())
    with _gold_lock:
        if key in _gold_cache:
            return _gold_cache[key]
    env = replay_gold(domain, task)
    try:
        value = env.state_hash()
    finally:
        env.close()
    with _gold_lock:
        _gold_cache[key] = value
    return value


def compute_reward(
    domain: Domain, task: Task, final_hash: str, agent_messages: Iterable[str]
) -> RewardBreakdown:
    expected = gold_hash(domain, task)
    outputs = outputs_found(task.required_outputs, agent_messages)
    db_match = final_hash == expected
    passed = db_match and all(outputs.values())
    return RewardBreakdown(
        reward=1.0 if passed else 0.0,
        db_match=db_match,
        final_hash=final_hash,
        gold_hash=expected,
        outputs=outputs,
    )
