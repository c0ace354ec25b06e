"""Generating the conversations that ``traits eval`` measures.

**The plan.** For every method, every context and every *condition* (what the simulated
user expresses) one conversation is generated:

- single traits: each trait at low, medium and high. "low" is neutral by definition
  (the trait is absent), so every trait's low cell is the same neutral user and is
  generated once per method and context (the ``neutral`` condition);
- trait pairs (compositionality, seed paper RQ4): two traits active at once at
  (medium, high), (medium, medium), (high, medium) and (high, high).

**Sharing.** A conversation's seed depends only on the run seed and the context, so
every method, trait and intensity of a context shares the scenario (the simulator's
system prompt from ``user/templates/simulator.md.j2``), the agent and the seeds; only
the trait mechanism differs (vectors, mixture experts or the written style section).
The simulators are the harness's own (:func:`tautrait.user.side.simulator_for`).

**The turns.** The agent greets first with a fixed line; then the user and the agent
alternate until the user has spoken ``turns`` times (the agent does not answer the last
user turn). Conversations have a fixed length, as in the paper: a stop marker written
by the user is removed from the text, recorded as ``stop_turn``, and the conversation
goes on. The agent is a plain assistant (no tools) playing the context's professional
role, prompted by ``prompts/agent.md.j2``, through any litellm model.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from tautrait.errors import InfraError
from tautrait.llm import ContextOverflow, RetryPolicy, complete
from tautrait.steering.traits import load_trait_dict
from tautrait.traiteval.contexts import EvalContext
from tautrait.traiteval.settings import PAIR_LEVELS, EvalSettings
from tautrait.user.arms import Arm
from tautrait.user.base import Utterance, turn_seed
from tautrait.user.side import UserSide, make_user

NEUTRAL = "neutral"

templates = Environment(
    loader=FileSystemLoader(str(Path(__file__).parent / "prompts")),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=False,
    autoescape=False,
)


def condition_key(levels: dict[str, str]) -> str:
    """The canonical name of a condition (as trait dicts name their arms)."""
    if not levels:
        return NEUTRAL
    return load_trait_dict(json.dumps(levels)).canonical()


@dataclass(frozen=True)
class Condition:
    key: str
    levels: tuple[tuple[str, str], ...]
    """Active traits and their levels, in the order given."""

    @classmethod
    def of(cls, levels: dict[str, str]) -> Condition:
        active = {t: v for t, v in levels.items() if v != "low"}
        return cls(key=condition_key(active), levels=tuple(active.items()))

    def trait_dict(self) -> str:
        """Inline JSON for an arm."""
        return json.dumps(dict(self.levels))


def single_condition(trait: str, level: str) -> Condition:
    return Condition.of({trait: level})


def choose_pairs(traits: list[str], count: int) -> list[tuple[str, str]]:
    """``count`` trait pairs, each new pair taking the least-used traits first (so two
    pairs of four traits cover all four); ties go to the earlier pair in trait order."""
    candidates = [(a, b) for i, a in enumerate(traits) for b in traits[i + 1 :]]
    if count > len(candidates):
        raise ValueError(f"{len(traits)} traits make only {len(candidates)} pairs")
    used = dict.fromkeys(traits, 0)
    chosen: list[tuple[str, str]] = []
    for _ in range(count):
        best = min(
            (c for c in candidates if c not in chosen),
            key=lambda c: (max(used[c[0]], used[c[1]]), used[c[0]] + used[c[1]]),
        )
        chosen.append(best)
        used[best[0]] += 1
        used[best[1]] += 1
    return chosen


def pair_condition(pair: tuple[str, str], levels: tuple[str, str]) -> Condition:
    return Condition.of({pair[0]: levels[0], pair[1]: levels[1]})


@dataclass
class Plan:
    """Everything to generate: per method, per context, per condition."""

    methods: list[str]
    contexts: list[EvalContext]
    traits: list[str]
    pairs: list[tuple[str, str]]
    conditions: list[Condition]
    """Distinct conditions (neutral first), shared by every method and context."""

    def conversation_ids(self) -> list[tuple[str, EvalContext, Condition]]:
        return [(m, c, k) for m in self.methods for c in self.contexts for k in self.conditions]


def make_plan(settings: EvalSettings, contexts: list[EvalContext]) -> Plan:
    conditions: dict[str, Condition] = {}
    for trait in settings.traits:
        for level in ("low", "medium", "high"):
            condition = single_condition(trait, level)
            conditions.setdefault(condition.key, condition)
    pairs = choose_pairs(settings.traits, settings.pairs) if settings.pairs else []
    for pair in pairs:
        for levels in PAIR_LEVELS:
            condition = pair_condition(pair, levels)
            conditions.setdefault(condition.key, condition)
    return Plan(
        methods=list(settings.methods),
        contexts=contexts,
        traits=list(settings.traits),
        pairs=pairs,
        conditions=list(conditions.values()),
    )


def context_seed(seed: int, context_id: str) -> int:
    """The seed of every conversation of a context (shared by methods and conditions)."""
    digest = hashlib.sha256(f"traiteval:{seed}:{context_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


@dataclass
class Turn:
    speaker: str
    text: str


@dataclass
class Conversation:
    id: str
    method: str
    context: str
    condition: str
    levels: dict[str, str]
    seed: int
    turns: list[Turn] = field(default_factory=list)
    stop_turn: int | None = None
    """The first user turn (1-based) in which the user wrote the stop marker."""
    error: str | None = None
    """Why generation stopped early (an infrastructure failure), if it did."""

    def user_turns(self) -> list[tuple[str, str]]:
        """(the agent message it answers, the user's text) for every user turn."""
        out: list[tuple[str, str]] = []
        previous = ""
        for turn in self.turns:
            if turn.speaker == "user":
                out.append((previous, turn.text))
            else:
                previous = turn.text
        return out

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Conversation:
        data = dict(data)
        data["turns"] = [Turn(**t) for t in data["turns"]]
        return cls(**data)


def conversation_id(method: str, context: str, condition: str) -> str:
    return f"{method}/{context}/{condition}"


def agent_system_prompt(context: EvalContext) -> str:
    return templates.get_template("agent.md.j2").render(context=context).strip()


def greeting(context: EvalContext) -> str:
    return templates.get_template("greeting.md.j2").render(context=context).strip()


class Agent:
    """The plain assistant on the other side: any litellm model, no tools."""

    def __init__(self, settings: EvalSettings) -> None:
        self.model = settings.agent_model
        self.api_base = settings.agent_api_base
        self.temperature = settings.agent_temperature
        self.max_tokens = settings.agent_max_tokens
        self.retry = RetryPolicy(attempts=settings.retry_attempts)

    async def reply(self, context: EvalContext, transcript: list[Utterance], seed: int) -> str:
        messages = [{"role": "system", "content": agent_system_prompt(context)}]
        for utterance in transcript:
            role = "assistant" if utterance.speaker == "agent" else "user"
            messages.append({"role": role, "content": utterance.text})
        completion = await complete(
            self.model,
            messages,
            temperature=self.temperature,
            seed=turn_seed(seed, len(transcript)),
            max_tokens=self.max_tokens,
            api_base=self.api_base,
            retry=self.retry,
        )
        return completion.content.strip()


async def converse(
    side: UserSide,
    arm: Arm,
    agent: Agent,
    context: EvalContext,
    condition: Condition,
    method: str,
    *,
    turns: int,
    seed: int,
) -> Conversation:
    """One conversation of ``turns`` user turns (see the module docstring)."""
    conversation = Conversation(
        id=conversation_id(method, context.id, condition.key),
        method=method,
        context=context.id,
        condition=condition.key,
        levels=dict(condition.levels),
        seed=seed,
    )
    user = make_user(side, context.organization, context.scenario(), arm, seed)
    opening = greeting(context)
    transcript = [Utterance("agent", opening)]
    conversation.turns.append(Turn("agent", opening))
    try:
        for index in range(turns):
            reply = await user.reply(transcript)
            if reply.stop and conversation.stop_turn is None:
                conversation.stop_turn = index + 1
            conversation.turns.append(Turn("user", reply.text))
            transcript.append(Utterance("user", reply.text or "..."))
            if index == turns - 1:
                break
            answer = await agent.reply(context, transcript, seed)
            conversation.turns.append(Turn("agent", answer))
            transcript.append(Utterance("agent", answer or "..."))
    except (InfraError, ContextOverflow) as exc:
        conversation.error = f"{type(exc).__name__}: {exc}"
    return conversation


async def generate_all(
    plan: Plan,
    sides: dict[str, tuple[UserSide, dict[str, Arm]]],
    settings: EvalSettings,
    on_done: Callable[[Conversation], None] | None = None,
) -> list[Conversation]:
    """Every conversation of the plan, in plan order, ``max_concurrency`` at a time."""
    agent = Agent(settings)
    gate = asyncio.Semaphore(settings.max_concurrency)

    async def one(method: str, context: EvalContext, condition: Condition) -> Conversation:
        side, arms = sides[method]
        async with gate:
            result = await converse(
                side,
                arms[condition.key],
                agent,
                context,
                condition,
                method,
                turns=settings.turns,
                seed=context_seed(settings.seed, context.id),
            )
        if on_done is not None:
            on_done(result)
        return result

    return list(await asyncio.gather(*(one(m, c, k) for m, c, k in plan.conversation_ids())))


def write_jsonl(path: Path, conversations: list[Conversation]) -> None:
    path.write_text(
        "".join(json.dumps(c.to_json(), ensure_ascii=False) + "\n" for c in conversations),
        encoding="utf-8",
    )
