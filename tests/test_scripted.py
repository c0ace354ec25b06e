"""The built-in scripted agents, driven through their litellm provider."""

import json
import re
from typing import Any

import pytest

from tautrait.scripted import ScriptedProvider, parse_scripted_model

TASK = {
    "id": "t",
    "gold_actions": [
        {"name": "get_order", "kwargs": {"order_id": "A1"}},
        {"name": "transfer_to_human", "kwargs": {"summary": "A1 is unsafe"}},
    ],
    "required_outputs": ["A1"],
}


def _play(task: dict[str, Any], ending: list[str], turns: int = 6) -> list[dict[str, Any]]:
    """The gold agent's turns, with a tool result after each call; stops at an ending tool."""
    provider = ScriptedProvider()
    messages: list[dict[str, Any]] = [{"role": "system", "content": "policy"}]
    for _ in range(turns):
        response = provider.completion(
            "gold", messages, litellm_params={"metadata": {"task": task, "ending_tools": ending}}
        )
        message = response.choices[0].message  # type: ignore[union-attr]
        calls = [
            {"function": {"name": c.function.name, "arguments": c.function.arguments}}
            for c in message.tool_calls or []
        ]
        messages.append({"role": "assistant", "content": message.content, "tool_calls": calls})
        if not calls:
            messages.append({"role": "user", "content": "ok"})
            continue
        messages.append({"role": "tool", "content": "done"})
        if calls[-1]["function"]["name"] in ending:
            break
    return messages[1:]


def test_gold_states_outputs_before_an_action_that_ends_the_episode() -> None:
    turns = [m for m in _play(TASK, ["transfer_to_human"]) if m["role"] == "assistant"]
    assert [bool(m["tool_calls"]) for m in turns] == [True, False, True]
    assert "A1" in turns[1]["content"]
    assert json.loads(turns[2]["tool_calls"][0]["function"]["arguments"]) == {
        "summary": "A1 is unsafe"
    }


def test_gold_states_outputs_last_when_no_action_ends_the_episode() -> None:
    turns = [m for m in _play(TASK, [], turns=3) if m["role"] == "assistant"]
    assert [bool(m["tool_calls"]) for m in turns] == [True, True, False]
    assert "A1" in turns[2]["content"]


def test_scripted_user_states_the_goal_then_thanks_and_stops() -> None:
    from tautrait.domain.tasks import UserScenario
    from tautrait.records import STOP_MARKER
    from tautrait.user.base import render_system_prompt, split_stop

    scenario = UserScenario(
        persona="You are Ada.",
        goal="Cancel order A1 because it was ordered by mistake.\nKeep the refund.",
        known_info="Your email is ada@example.com.",
    )
    system = {"role": "system", "content": render_system_prompt(scenario, company="Shop")}
    provider = ScriptedProvider()

    def say(messages: list[dict[str, Any]]) -> str:
        return provider.completion("user", messages).choices[0].message.content  # type: ignore[union-attr]

    first = say([system, {"role": "user", "content": "Hi! How can I help?"}])
    assert first == scenario.goal
    second = say(
        [
            system,
            {"role": "user", "content": "Hi! How can I help?"},
            {"role": "assistant", "content": first},
            {"role": "user", "content": "Done: A1 is cancelled."},
        ]
    )
    text, stop = split_stop(second)
    assert stop and STOP_MARKER in second and text


def test_latency_option_sleeps_without_blocking_the_loop() -> None:
    import asyncio
    import time

    provider = ScriptedProvider()
    messages = [{"role": "system", "content": "policy"}, {"role": "user", "content": "hi"}]

    async def ten() -> float:
        started = time.monotonic()
        await asyncio.gather(
            *(provider.acompletion("null?latency_ms=300", messages) for _ in range(10))
        )
        return time.monotonic() - started

    # Ten concurrent calls of 300 ms each overlap: about 0.3 s, never 3 s.
    assert 0.29 <= asyncio.run(ten()) < 1.5


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("nope", "no script named 'nope'"),
        ("gold?latency=5", "unknown option 'latency'"),
        ("gold?latency_ms=-1", "latency_ms must be a number >= 0"),
        ("gold?latency_ms=fast", "latency_ms must be a number >= 0"),
        ("gold?latency_ms=nan", "latency_ms must be a number >= 0"),
    ],
)
def test_scripted_model_names_are_checked(name: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_scripted_model(name)
    assert parse_scripted_model("gold?latency_ms=12.5") == ("gold", 0.0125)
    assert parse_scripted_model("user") == ("user", 0.0)
