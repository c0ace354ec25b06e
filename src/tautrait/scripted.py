"""The ``scripted/<script>`` provider: deterministic participants without a model.

Registered with litellm like any provider, so a scripted agent runs the very code path a
real one does (the provider call, tool-call parsing, execution, grading). Built in:

- ``scripted/gold`` performs the task's gold actions one call per turn, then states
  every required output (before the last action when that one ends the episode, such
  as a transfer to a human agent). On a valid task it must earn reward 1: ``tautrait run --model
  scripted/gold`` is an end-to-end check of a domain and of the harness.
- ``scripted/null`` never calls a tool and only says it cannot help: it must earn 0 on
  every task (the do-nothing baseline).
- ``scripted/user`` plays the customer (``--user-strategy llm --user-model
  scripted/user``): it states the scenario's goal, answers the agent once more with the
  stop marker, and so ends the conversation. With ``scripted/gold`` as the agent it
  measures the harness itself, since no second is spent in a model.

Any scripted model takes a latency, ``scripted/gold?latency_ms=200``: each call then
waits that long (an ``asyncio.sleep``, so other episodes run meanwhile), like a remote
model would. Tests register their own scripts with :func:`register_script`. The task
reaches the script through litellm's ``metadata`` (which tautrait passes to this
provider only).
"""

from __future__ import annotations

import asyncio
import functools
import json
import time
from collections.abc import Callable
from typing import Any

from litellm import CustomLLM
from litellm.types.utils import (
    ChatCompletionMessageToolCall,
    Choices,
    Function,
    Message,
    ModelResponse,
    Usage,
)

from tautrait.records import STOP_MARKER

# (messages, the task as a dict plus "ending_tools" (names of tools that end the episode),
#  or None) -> {"content": str | None, "tool_calls": [(name, kwargs)]}
Script = Callable[[list[dict[str, Any]], dict[str, Any] | None], dict[str, Any]]

_scripts: dict[str, Script] = {}

_GOAL_HEADING = "What you want from this conversation:"  # in user/templates/simulator.md.j2


def register_script(name: str, script: Script) -> None:
    """Make ``scripted/<name>`` available (tests use this for custom behaviours)."""
    _scripts[name] = script


def known_scripts() -> list[str]:
    """The names ``scripted/<name>`` accepts."""
    return sorted(_scripts)


def gold_script(messages: list[dict[str, Any]], task: dict[str, Any] | None) -> dict[str, Any]:
    if task is None:
        raise ValueError("scripted/gold needs the task (metadata['task'])")
    done = sum(len(m.get("tool_calls") or []) for m in messages if m["role"] == "assistant")
    actions = task.get("gold_actions", [])
    outputs = task.get("required_outputs", [])
    stated = "All done. For your records: " + "; ".join(outputs) + "."
    if done < len(actions):
        action = actions[done]
        ends = done == len(actions) - 1 and action["name"] in task.get("ending_tools", [])
        said = any(m["role"] == "assistant" and m.get("content") == stated for m in messages)
        if ends and outputs and not said:
            # The episode ends with this call: state the outputs while there is a turn.
            return {"content": stated}
        return {"content": None, "tool_calls": [(action["name"], action.get("kwargs", {}))]}
    if outputs:
        return {"content": stated}
    return {"content": "All done. Is there anything else I can help with?"}


def null_script(messages: list[dict[str, Any]], task: dict[str, Any] | None) -> dict[str, Any]:
    return {"content": "I'm sorry, I can't help with that."}


def user_script(messages: list[dict[str, Any]], task: dict[str, Any] | None) -> dict[str, Any]:
    """The customer: the scenario's goal (read from its system prompt), then a thank-you
    that ends the conversation. Its own earlier messages are the "assistant" ones."""
    if any(m["role"] == "assistant" for m in messages):
        return {"content": f"Thank you, that is all I needed. {STOP_MARKER}"}
    system = str(messages[0].get("content") or "") if messages else ""
    _, found, rest = system.partition(_GOAL_HEADING)
    goal = rest.strip().split("\n\n", 1)[0].strip() if found else ""
    return {"content": goal or "Hello, I need some help with my account."}


register_script("gold", gold_script)
register_script("null", null_script)
register_script("user", user_script)


@functools.lru_cache(maxsize=4096)
def _words(text: str) -> int:
    """Whitespace-separated words: a scripted model's token count (the policy is counted
    on every call of every episode, so each distinct text is split once)."""
    return len(text.split())


def parse_scripted_model(name: str) -> tuple[str, float]:
    """``"gold?latency_ms=200"`` -> ``("gold", 0.2)``: the script and its latency (s).

    Raises:
        ValueError: an unknown script, an unknown option or a latency that is not a
            non-negative number.
    """
    script, _, query = name.partition("?")
    if script not in _scripts:
        raise ValueError(
            f"no script named {script!r}; known: "
            + ", ".join(f"scripted/{s}" for s in sorted(_scripts))
            + " (each takes ?latency_ms=N)"
        )
    latency = 0.0
    for option in filter(None, query.split("&")):
        key, _, value = option.partition("=")
        if key != "latency_ms":
            raise ValueError(f"scripted/{name}: unknown option {key!r} (known: latency_ms)")
        try:
            latency = float(value) / 1000
        except ValueError:
            latency = -1.0
        if not latency >= 0:  # also refuses nan
            raise ValueError(f"scripted/{name}: latency_ms must be a number >= 0, got {value!r}")
    return script, latency


class ScriptedProvider(CustomLLM):
    """litellm custom handler for ``scripted/<name>``."""

    async def acompletion(
        self, model: str, messages: list[dict[str, Any]], *args: Any, **kwargs: Any
    ) -> ModelResponse:
        _, latency = parse_scripted_model(model)
        if latency:
            await asyncio.sleep(latency)
        return self._respond(model, messages, kwargs)

    def completion(
        self, model: str, messages: list[dict[str, Any]], *args: Any, **kwargs: Any
    ) -> ModelResponse:
        _, latency = parse_scripted_model(model)
        if latency:
            time.sleep(latency)
        return self._respond(model, messages, kwargs)

    def _respond(
        self, model: str, messages: list[dict[str, Any]], kwargs: dict[str, Any]
    ) -> ModelResponse:
        script, _ = parse_scripted_model(model)
        metadata = (kwargs.get("litellm_params") or {}).get("metadata") or {}
        task = metadata.get("task")
        if task is not None:
            task = {**task, "ending_tools": metadata.get("ending_tools", [])}
        step = _scripts[script](messages, task)
        calls = [
            ChatCompletionMessageToolCall(
                id=f"call_{len(messages)}_{i}",
                type="function",
                function=Function(name=name, arguments=json.dumps(args)),
            )
            for i, (name, args) in enumerate(step.get("tool_calls") or [])
        ] or None
        message = Message(content=step.get("content"), tool_calls=calls)
        prompt_tokens = sum(_words(str(m.get("content") or "")) for m in messages)
        completion_tokens = _words(str(step.get("content") or "")) + 8 * len(calls or [])
        return ModelResponse(
            model=f"scripted/{model}",
            choices=[
                Choices(index=0, message=message, finish_reason="tool_calls" if calls else "stop")
            ],
            usage=Usage(
                prompt_tokens=prompt_tokens,
                completion_tokens=completion_tokens,
                total_tokens=prompt_tokens + completion_tokens,
            ),
        )
