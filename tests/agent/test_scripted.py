"""The built-in scripted agents, driven through their litellm provider."""

import json
from typing import Any

from tautrait.agent.scripted import ScriptedProvider

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
