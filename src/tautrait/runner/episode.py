"""One episode: a simulated user and an agent, a private database, a reward.

Flow: the agent's fixed greeting -> the user's first message -> the agent acts (each
tool call it makes runs against the episode's database and its result goes back to it)
until it writes a message for the user -> the user answers -> ... until the user writes
the stop marker, the agent transfers to a human, or the agent has used ``max_steps``
model calls. The reward is then computed from the final database and the agent's
messages. Infrastructure failures (provider, local model, invalid task, a bug here)
produce a record with ``status="infra_error"`` and no reward: never an agent failure.

Database work (the episode's copy, each tool call, the final hash and the gold state)
runs in a worker thread, never on the event loop: a slow tool or a first gold replay
holds up its own episode only, while the others keep talking to their models. What the
process's call memo already holds (a call made before in the same state, a known hash;
see :mod:`tautrait.domain.callmemo`) is answered on the loop: microseconds, and a
thread hop would cost more than the work.
"""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tautrait.agent.tool_calling import Agent
from tautrait.domain.backend import EpisodeEnvironment
from tautrait.domain.loader import Domain
from tautrait.domain.tasks import Task
from tautrait.errors import InfraError
from tautrait.evaluation.reward import (
    GoldReplayError,
    RewardBreakdown,
    compute_reward,
    known_gold,
)
from tautrait.llm import ContextOverflow
from tautrait.records import ArmRecord, EpisodeError, EpisodeRecord, Termination, Usage
from tautrait.user.base import UserSimulator, Utterance

log = logging.getLogger(__name__)


@dataclass
class EpisodeSpec:
    """Everything that identifies one episode of a run."""

    run_id: str
    domain: Domain
    task: Task
    trial: int
    arm: str
    seed: int
    max_steps: int
    steering: ArmRecord = field(default_factory=ArmRecord)


@dataclass
class _State:
    messages: list[dict[str, Any]] = field(default_factory=list)
    transcript: list[Utterance] = field(default_factory=list)
    agent_usage: Usage = field(default_factory=Usage)
    user_usage: Usage = field(default_factory=Usage)
    steps: int = 0
    tool_calls: int = 0
    tool_errors: int = 0
    tool_crashes: int = 0
    expression: list[dict[str, float] | None] = field(default_factory=list)


async def run_episode(spec: EpisodeSpec, agent: Agent, user: UserSimulator) -> EpisodeRecord:
    """Play one episode to the end and return its record (never raises for infra errors)."""
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    clock = time.monotonic()
    state = _State()
    # No database yet: it is made (in a worker thread) by the first call the memo lacks.
    # Only the process's first episode builds the domain's seed (seconds): in a thread.
    if spec.domain.seed_ready:
        env = spec.domain.new_environment(share_calls=True)
    else:
        env = await asyncio.to_thread(lambda: spec.domain.new_environment(share_calls=True))
    termination: Termination
    error: EpisodeError | None = None
    try:
        termination = await _play(spec, agent, user, env, state)
    except InfraError as exc:
        termination = "infra_error"
        error = EpisodeError(
            kind=exc.kind, message=exc.message, attempts=exc.attempts, retries=exc.retries
        )
    except Exception as exc:  # a bug in tautrait must not look like an agent failure
        log.exception("episode %s/%s/%s crashed", spec.task.id, spec.trial, spec.arm)
        termination = "infra_error"
        error = EpisodeError(
            kind="internal",
            message="".join(traceback.format_exception_only(type(exc), exc)).strip(),
        )
    reward_breakdown = None
    if error is None:
        agent_texts = [
            m["content"] for m in state.messages if m["role"] == "assistant" and m.get("content")
        ]
        final_hash = env.recalled_hash()

        def reward() -> RewardBreakdown:
            return compute_reward(
                spec.domain,
                spec.task,
                final_hash or env.state_hash(),
                agent_texts,
                transferred=termination == "transfer",
            )

        try:
            # Known hashes (this state's and the gold state's) make the reward
            # microseconds of work: no thread for it then.
            known = final_hash is not None and known_gold(spec.domain, spec.task)
            reward_breakdown = reward() if known else await asyncio.to_thread(reward)
        except GoldReplayError as exc:
            termination = "infra_error"
            error = EpisodeError(kind="invalid_task", message=str(exc))
    if env.materialised:
        await asyncio.to_thread(env.close)
    completed = error is None and reward_breakdown is not None
    return EpisodeRecord(
        run_id=spec.run_id,
        domain=spec.domain.name,
        task_id=spec.task.id,
        trial=spec.trial,
        arm=spec.arm,
        seed=spec.seed,
        status="completed" if completed else "infra_error",
        reward=reward_breakdown.reward if completed and reward_breakdown else None,
        reward_breakdown=reward_breakdown if completed else None,
        termination=termination,
        error=error,
        steps=state.steps,
        messages=state.messages,
        steering=spec.steering,
        agent_usage=state.agent_usage,
        user_usage=state.user_usage,
        tool_calls=state.tool_calls,
        tool_errors=state.tool_errors,
        tool_crashes=state.tool_crashes,
        expression=state.expression if any(e is not None for e in state.expression) else None,
        started_at=started_at,
        duration_s=round(time.monotonic() - clock, 3),
    )


async def _play(
    spec: EpisodeSpec, agent: Agent, user: UserSimulator, env: EpisodeEnvironment, state: _State
) -> Termination:
    greeting = spec.domain.spec.greeting
    state.messages.append(agent.system_message())
    state.messages.append({"role": "assistant", "content": greeting})
    state.transcript.append(Utterance("agent", greeting))
    if await _user_turn(user, state):
        return "user_stop"
    while True:
        if state.steps >= spec.max_steps:
            return "max_steps"
        state.steps += 1
        try:
            completion = await agent.act([_wire(m) for m in state.messages])
        except ContextOverflow as exc:
            if state.steps == 1:
                # Only the policy, the tools and the opening in the prompt: the run's setup
                # does not fit the agent's model, so the agent never had a turn to fail.
                raise InfraError(
                    "agent_context",
                    "the agent's first prompt (policy, tool list, greeting and the user's "
                    f"opening) does not fit its model's context: {exc}",
                ) from None
            return "agent_context_overflow"
        state.agent_usage.add(
            completion.prompt_tokens,
            completion.completion_tokens,
            completion.cost,
            completion.latency_s,
            completion.retries,
        )
        message: dict[str, Any] = {"role": "assistant", "content": completion.content or None}
        if completion.tool_calls:
            message["tool_calls"] = completion.tool_calls
        state.messages.append(message)
        if completion.tool_calls:
            transferred = False
            for call in completion.tool_calls:
                name, arguments = call["function"]["name"], call["function"]["arguments"]
                # A call the memo holds costs microseconds: no thread hop for it.
                result = env.recall(name, arguments)
                if result is None:
                    result = await asyncio.to_thread(env.execute, name, arguments)
                state.tool_calls += 1
                state.tool_errors += result.outcome == "error"
                state.tool_crashes += result.outcome == "crash"
                state.messages.append(
                    {
                        "role": "tool",
                        "tool_call_id": call["id"],
                        "name": call["function"]["name"],
                        "content": result.content,
                        "outcome": result.outcome,
                    }
                )
                transferred = transferred or result.ends_episode
            if transferred:
                return "transfer"
            continue
        text = completion.content.strip() or "..."
        state.transcript.append(Utterance("agent", text))
        if await _user_turn(user, state):
            return "user_stop"


async def _user_turn(user: UserSimulator, state: _State) -> bool:
    """Ask the user for a message; True when the user ended the conversation."""
    reply = await user.reply(state.transcript)
    state.user_usage.add(
        reply.prompt_tokens, reply.completion_tokens, reply.cost, reply.latency_s, reply.retries
    )
    state.expression.append(reply.expression)
    text = reply.text or ("(ends the conversation)" if reply.stop else "...")
    state.transcript.append(Utterance("user", text))
    entry: dict[str, Any] = {"role": "user", "content": text}
    if reply.raw != text:
        entry["raw"] = reply.raw
    if reply.stop:
        entry["stop"] = True
    if reply.intensities is not None:
        entry["intensities"] = reply.intensities
    state.messages.append(entry)
    return reply.stop


_WIRE_KEYS = ("role", "content", "tool_calls", "tool_call_id", "name")


def _wire(message: dict[str, Any]) -> dict[str, Any]:
    """The message as sent to a provider: the trajectory's own annotations (a tool call's
    outcome, the user's raw text) stay out, since providers reject unknown keys."""
    return {k: message[k] for k in _WIRE_KEYS if k in message}
