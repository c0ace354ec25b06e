"""Reward parity with the original tau-Trait package, on every task of every split.

For each task, the original's own ``Env.calculate_reward`` (imported from the package,
not re-implemented) and tautrait's reward agree on two agents: one that does nothing, and
one that makes the gold actions and then says every required output (the full
solution; for a task without outputs, the gold actions alone). The original ``Env`` is
built without its constructor, which would start its LLM user simulator; its
``data_load_func``, tools, ending tools and task are the package's own.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from types import ModuleType
from typing import Any

import pytest

from tautrait.domain.foreign import tau

# find_spec, not importorskip: importing the package would run its __init__.py.
if importlib.util.find_spec("tau_trait") is None:
    pytest.skip(
        "tau-trait is not installed (pip install --no-deps -c constraints.txt tau-trait==0.1.1)",
        allow_module_level=True,
    )

FORMAT = tau.TAU_FORMATS["tau-trait"]
# The original hashes the whole data twice per reward (airline: about a second each on a
# busy CPU): the suite checks an evenly spaced sample of each split, always including its
# first and last task; TAUTRAIT_FULL_PARITY=1 checks every task (725 of them, minutes).
SAMPLE = 6
FULL = os.environ.get("TAUTRAIT_FULL_PARITY") == "1"
DOMAINS = ["retail", "airline", "telecom", "telehealth"]


def _original_base() -> ModuleType:
    """``tau_trait.envs.base``, whose ``calculate_reward`` is the original reward.

    It imports the user simulator (litellm, an OpenAI client): for this module only, a
    placeholder stands in for ``tau_trait.envs.user``; the reward never calls the user.
    """
    root = tau.package_root(FORMAT)
    tau._placeholder("tau_trait", root)
    tau._placeholder("tau_trait.envs", root / "envs")
    name = "tau_trait.envs.user"
    saved = sys.modules.get(name)
    stand_in = ModuleType(name)
    stand_in.load_user = None  # type: ignore[attr-defined]
    stand_in.UserStrategy = str  # type: ignore[attr-defined]
    sys.modules[name] = stand_in
    try:
        import tau_trait.envs.base as base

        return base
    finally:
        if saved is None:
            del sys.modules[name]
        else:
            sys.modules[name] = saved


class _SilentUser:
    def step(self, content: str) -> str:
        return ""

    def get_total_cost(self) -> float:
        return 0.0


def _original_reward(
    base: ModuleType, domain: tau.TauDomain, original: Any, actions: list[Any]
) -> float:
    """The original ``Env`` plays ``actions`` (tool calls and respond actions) with its
    ``step``; its reward is ``calculate_reward``'s, as when the episode ends."""
    env = object.__new__(base.Env)
    env.data_load_func = sys.modules[f"tau_trait.envs.{domain.short_name}.data"].load_data
    env.data = env.data_load_func()
    tool_classes = _tools_module(domain).ALL_TOOLS
    env.tools_map = {t.get_info()["function"]["name"]: t for t in tool_classes}
    env.terminate_tools = [n for n, s in domain.tools.items() if s.ends_episode]
    env.task = original
    env.actions = []
    env.user = _SilentUser()
    for action in actions:
        response = env.step(action)
        if response.done:
            return float(response.reward)
    return float(env.calculate_reward().reward)


def _tools_module(domain: tau.TauDomain) -> ModuleType:
    return sys.modules[f"tau_trait.envs.{domain.short_name}.tools"]


def _tautrait_reward(domain: tau.TauDomain, task: Any, say_outputs: bool) -> float:
    env = domain.new_environment()
    messages: list[str] = []
    transferred = False
    if say_outputs:
        for action in task.gold_actions:
            result = env.execute(action.name, action.kwargs)
            transferred = transferred or result.ends_episode
        if task.required_outputs:
            messages.append(" ".join(task.required_outputs))
    final = env.state_hash()
    env.close()
    return domain.grade(task, final, messages, transferred=transferred).reward


def _cases() -> list[tuple[str, str]]:
    try:
        return [(d, s) for d in DOMAINS for s in tau.available_splits("tau-trait", d)]
    except Exception:  # not installed: the module is skipped above
        return []


@pytest.mark.parametrize(("name", "split"), _cases())
def test_reward_parity_with_the_original(name: str, split: str) -> None:
    base = _original_base()
    domain = tau.load_domain("tau-trait", name)
    task_file = tau.load_tasks("tau-trait", name, split)
    module = sys.modules[f"tau_trait.envs.{name}.tasks_{split}"]
    types = sys.modules["tau_trait.types"]
    originals = tau._task_list(module, types.Task, split)
    assert len(originals) == len(task_file.tasks) > 0
    pairs = list(zip(originals, task_file.tasks, strict=True))
    if not FULL and len(pairs) > SAMPLE:
        step = (len(pairs) - 1) / (SAMPLE - 1)
        pairs = [pairs[round(i * step)] for i in range(SAMPLE)]
    mismatches = []
    for original, task in pairs:
        full = list(original.actions)
        if original.outputs:
            full.append(
                types.Action(name="respond", kwargs={"content": " ".join(original.outputs)})
            )
        ours = (_tautrait_reward(domain, task, False), _tautrait_reward(domain, task, True))
        theirs = (
            _original_reward(base, domain, original, []),
            _original_reward(base, domain, original, full),
        )
        if ours != theirs:
            mismatches.append(f"task {task.id}: tautrait {ours}, original {theirs}")
    assert not mismatches, mismatches
