"""Whose fault is a failed episode: the agent's, the simulated user's, or both?

An analysis of tau2-bench's retail failures found up to 30% of failed trajectories were
the simulated user's doing. :func:`attribute` reads one failed episode's trajectory (the
messages of its record) against its task and names the side at fault, each with the
reasons found, by deterministic checks only:

**Simulator** (the user did not do its part):

- *broke role*: a user turn matches :func:`~tautrait.evaluation.roleplay.role_breaks`
  (spoke as the agent, offered help, claimed to be an assistant...);
- *withheld a needed fact*: a value a gold action's arguments need (an email, an order
  id, a postal code, a name, an address line) that the task's scenario gives the user
  was never said by the user *and* never used by the agent (an agent that found it by
  itself was not held up), although the scenario's goal states it or the agent asked
  for it (:func:`asked_for`; a value only in ``known_info`` is the user's to give when
  asked, as a customer would);
- *stopped early*: the user ended the conversation while gold writes or required outputs
  were still missing and the agent's last message was waiting on the user (a question),
  or in its very first turn.

**Agent** (a failure that stands even where the user did its part):

- a write that is no gold action (wrong arguments, wrong tool), a tool call the domain
  refused (a tool that crashed is the domain's bug, counted for no one), a hand-off
  the task does not expect;
- running out of steps (``max_steps``) with gold writes or outputs still missing;
- a fact the user knew only "when asked" that the agent never asked for; a gold write
  not made although the user gave every fact asked of it and did not stop early; a
  required output not said when the user has no fault at all.

An episode with simulator reasons only is ``simulator``; with both kinds, ``both``;
otherwise ``agent`` (with at least one reason, the residual one being that the user did
its part). The checks under-report rather than guess: a fact is only a value with a
digit or an ``@``, or a name argument, that occurs in the scenario (never one it only
``withheld``); without the task (an imported file, a task set that changed) only the
role check and the stop check run; without the domain's write flags the write checks
are skipped. Infrastructure errors are never attributed: they are nobody's fault here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from tautrait.domain.backend import RewardBreakdown
from tautrait.domain.tasks import Task, UserScenario
from tautrait.evaluation.roleplay import role_breaks

FaultKind = Literal["agent", "simulator", "both"]
FAULT_KINDS: tuple[FaultKind, ...] = ("agent", "simulator", "both")

NAME_ARGUMENTS = frozenset({"first_name", "last_name", "name", "full_name"})
"""Gold arguments that are facts even without a digit (what the user is called)."""


@dataclass(frozen=True)
class Fact:
    """A value the task needs from the user: where a gold action uses it, and what it is."""

    value: str
    where: str
    """``tool.argument`` of the first gold action using it."""
    volunteered: bool = False
    """The scenario's persona or goal holds it, so the user should say it unasked; a
    value only in ``known_info`` is said when the agent asks for it."""

    @property
    def argument(self) -> str:
        return self.where.rpartition(".")[2]


@dataclass
class Attribution:
    """One failed episode's verdict, with the reasons behind it."""

    kind: FaultKind
    simulator: list[str] = field(default_factory=list)
    agent: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    """The checks that ran ("role", "facts", "stop", "writes", "errors", "outputs")."""

    def reasons(self) -> list[str]:
        return [f"simulator: {r}" for r in self.simulator] + [f"agent: {r}" for r in self.agent]


# --- text matching ----------------------------------------------------------------------


def normalise(text: str) -> str:
    """Lower case, letters, digits and ``@`` only: "KL-201153" matches "kl 201153"."""
    return re.sub(r"[^0-9a-z@]+", "", text.lower())


def mentions(text: str, value: str) -> bool:
    """Whether ``text`` contains ``value``, ignoring case, spaces and punctuation."""
    needle = normalise(value)
    return bool(needle) and needle in normalise(text)


def scenario_text(scenario: UserScenario) -> str:
    """What the user may say of its own accord (the withheld part is left out)."""
    return "\n".join((scenario.persona, scenario.goal, scenario.known_info))


_VALUE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|[A-Za-z0-9][\w/-]*\d[\w/-]*")


def scenario_facts(scenario: UserScenario) -> list[str]:
    """The identifiers and values the scenario gives the user: emails and every token
    with a digit of at least three letters and digits (order ids, postal codes, card
    endings, amounts, street numbers), in order, once each."""
    found: list[str] = []
    seen: set[str] = set()
    for match in _VALUE.finditer(scenario_text(scenario)):
        value = match.group(0).rstrip(".-/")
        key = normalise(value)
        if len(key) >= 3 and key not in seen:
            seen.add(key)
            found.append(value)
    return found


def _values(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        yield str(value)
    elif isinstance(value, list):
        for item in value:
            yield from _values(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _values(item)


def needed_facts(task: Task) -> list[Fact]:
    """The gold actions' argument values that the scenario holds (see the module doc)."""
    held = normalise(scenario_text(task.scenario))
    told = normalise(task.scenario.persona + "\n" + task.scenario.goal)
    facts: dict[str, Fact] = {}
    for action in task.gold_actions:
        for argument, raw in action.kwargs.items():
            for value in _values(raw):
                key = normalise(value)
                is_name = argument in NAME_ARGUMENTS and len(key) >= 2
                identifier = len(key) >= 4 and (any(c.isdigit() for c in key) or "@" in key)
                if (is_name or identifier) and key in held and key not in facts:
                    facts[key] = Fact(
                        value=value, where=f"{action.name}.{argument}", volunteered=key in told
                    )
    return list(facts.values())


_SYNONYMS = {"postal": ("zip", "postal"), "zip": ("zip", "postal"), "email": ("mail",)}
_VAGUE = frozenset({"id", "line1", "line2", "code", "first", "last", "number"})


def asked_for(argument: str, agent_text: str) -> bool:
    """Whether the agent's messages ask about an argument, by its name's words ("order"
    for ``order_id``, "zip" or "postal" for ``postal_code``, "mail" for ``email``):
    lenient on purpose, so a fact the agent may have asked for counts as asked."""
    words = [w for w in argument.lower().split("_") if w and w not in _VAGUE] or [argument]
    keys = {k for w in words for k in _SYNONYMS.get(w, (w,))}
    text = agent_text.lower()
    return any(k in text for k in keys)


# --- the trajectory ---------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    name: str
    arguments: Any
    """Parsed JSON arguments (the raw string when they are not JSON)."""
    outcome: str | None


def _content(message: dict[str, Any]) -> str:
    content = message.get("content")
    return content if isinstance(content, str) else ""


def user_turns(messages: Sequence[dict[str, Any]]) -> list[str]:
    """The user's messages, in order (as the agent saw them: stop marker removed)."""
    return [_content(m) for m in messages if m.get("role") == "user"]


def agent_calls(messages: Sequence[dict[str, Any]]) -> list[Call]:
    """Every tool call the agent made, with its outcome from the tool message."""
    outcomes = {
        m.get("tool_call_id"): m.get("outcome") for m in messages if m.get("role") == "tool"
    }
    calls = []
    for message in messages:
        if message.get("role") != "assistant":
            continue
        for call in message.get("tool_calls") or []:
            function = call.get("function") or {}
            raw = function.get("arguments")
            try:
                arguments = json.loads(raw) if isinstance(raw, str) else raw
            except ValueError:
                arguments = raw
            calls.append(
                Call(
                    name=str(function.get("name")),
                    arguments=arguments,
                    outcome=outcomes.get(call.get("id")),
                )
            )
    return calls


def _same(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)


def _is_gold(call: Call, task: Task) -> bool:
    return any(a.name == call.name and _same(a.kwargs, call.arguments) for a in task.gold_actions)


def _short(call: Call) -> str:
    text = json.dumps(call.arguments, sort_keys=True, default=str)
    return f"{call.name}({text[:80]}{'...' if len(text) > 80 else ''})"


# --- attribution ------------------------------------------------------------------------


def attribute(
    messages: Sequence[dict[str, Any]],
    *,
    termination: str,
    task: Task | None = None,
    breakdown: RewardBreakdown | None = None,
    write_tools: frozenset[str] | None = None,
) -> Attribution:
    """Attribute one *failed, completed* episode (the caller skips passes and
    infrastructure errors). ``task`` and ``write_tools`` (the domain's tools that write)
    enable the fact and write checks; ``breakdown`` the output and hand-off checks."""
    simulator: list[str] = []
    agent: list[str] = []
    checks = ["role", "stop", "errors"]
    turns = user_turns(messages)
    calls = agent_calls(messages)
    said = "\n".join(turns)

    broken: dict[str, list[int]] = {}
    for index, turn in enumerate(turns, start=1):
        for reason in role_breaks(turn):
            broken.setdefault(reason, []).append(index)
    for reason, where in broken.items():
        plural = "s" if len(where) > 1 else ""
        simulator.append(f"broke role ({reason}) in user turn{plural} {', '.join(map(str, where))}")

    withheld: list[Fact] = []
    unasked: list[Fact] = []
    if task is not None:
        checks.append("facts")
        used = json.dumps([c.arguments for c in calls], default=str)
        asked = "\n".join(_content(m) for m in messages if m.get("role") == "assistant")
        for fact in needed_facts(task):
            if mentions(said, fact.value) or mentions(used, fact.value):
                continue
            if fact.volunteered or asked_for(fact.argument, asked):
                withheld.append(fact)
                how = "its goal states it" if fact.volunteered else "the agent asked for it"
                simulator.append(f"never gave {fact.value!r} (needed by {fact.where}; {how})")
            else:
                unasked.append(fact)

    missing_writes: list[str] = []
    if task is not None and write_tools is not None:
        checks.append("writes")
        done = [c for c in calls if c.name in write_tools and c.outcome not in ("error", "crash")]
        for action in task.gold_actions:
            if action.name in write_tools and not any(
                c.name == action.name and _same(action.kwargs, c.arguments) for c in done
            ):
                missing_writes.append(action.name)
        for call in done:
            if not _is_gold(call, task):
                agent.append(f"made a write that is no gold action: {_short(call)}")
    missing_outputs = [o for o, ok in (breakdown.outputs if breakdown else {}).items() if not ok]

    stopped_early = False
    if termination == "user_stop":
        replies = [_content(m) for m in messages if m.get("role") == "assistant"]
        last_agent = next((text for text in reversed(replies) if text), "")
        mismatch = breakdown is not None and not breakdown.db_match
        pending = missing_writes or missing_outputs or mismatch
        if len(turns) <= 1:
            stopped_early = True
            simulator.append("stopped in its first turn")
        elif pending and "?" in last_agent:
            stopped_early = True
            what = ", ".join(
                [f"write {w}" for w in missing_writes] + [f"output {o!r}" for o in missing_outputs]
            )
            simulator.append(
                "stopped while the agent waited on its answer"
                + (f" ({what} not done)" if what else "")
            )

    for call in calls:
        if call.outcome == "error":
            agent.append(f"a tool call failed: {_short(call)}")
    if breakdown is not None:
        checks.append("outputs")
        if breakdown.transferred and not breakdown.transfer_expected:
            agent.append("handed off to a human, which the task does not expect")
    if not stopped_early:
        # A user who left before being asked held nobody up by not saying it.
        for fact in unasked:
            agent.append(
                f"never asked for the {fact.argument} {fact.value!r} (needed by "
                f"{fact.where}), which the user knew"
            )
    pending_what = [f"write {w}" for w in missing_writes] + [
        f"output {o!r}" for o in missing_outputs
    ]
    if termination == "max_steps" and (pending_what or (breakdown and not breakdown.db_match)):
        # The step budget is the agent's to spend, whatever the user said meanwhile.
        agent.append(
            "ran out of steps (max_steps)"
            + (f" with {', '.join(pending_what)} not done" if pending_what else "")
        )
    else:
        if not withheld and not stopped_early:
            # The user gave every fact asked of it and stayed: a missing write is the
            # agent's.
            for name in missing_writes:
                agent.append(f"did not make the gold write {name}")
        if not simulator:
            # An output depends on the whole conversation: only the agent's when the
            # user did all of its part.
            for output in missing_outputs:
                agent.append(f"did not say the required output {output!r}")

    if simulator and agent:
        kind: FaultKind = "both"
    elif simulator:
        kind = "simulator"
    else:
        kind = "agent"
        if not agent:
            what = (
                f"the conversation ended by {termination}"
                if breakdown is None or breakdown.db_match
                else f"the final state differs from the gold one (ended by {termination})"
            )
            agent.append(f"the user did its part; {what}")
    return Attribution(kind=kind, simulator=simulator, agent=agent, checks=checks)
