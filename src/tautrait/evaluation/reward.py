"""The reward: did the agent leave the database right, and say what it had to say?

reward = [final state hash == hash after replaying the gold actions on a fresh copy]
       x [every required output appears in some agent message]
       x [the agent handed off to a human exactly when the gold actions do]

Required outputs are matched as a correct agent writes them: after Unicode NFKC, ASCII
dashes, quotes and spaces, case folding and dropping thousands separators; amounts as
numbers ("1234.5" = "1234.50" = "$1,234.50"; "40.00" = "$40"); anything else as a whole
token ("5.65" is not found in "15.65", nor "ready" in "already"). An output listed
twice must be said twice. The hand-off check exists because a transfer writes
nothing: without it, a task whose right answer is to transfer could be passed by an
agent that never does. The gold state's hash is computed once per process for each
domain version and list of gold actions, and shared by every episode of the task.
"""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from tautrait.domain.backend import EpisodeEnvironment, RewardBreakdown
from tautrait.domain.environment import Environment
from tautrait.domain.loader import Domain
from tautrait.domain.tasks import Task
from tautrait.domain.text import plain


class GoldReplayError(RuntimeError):
    """A task's gold actions do not run cleanly: the task is invalid, not the agent."""


_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
# A required output that is an amount: digits with decimals, or with a currency sign.
_AMOUNT = re.compile(r"[$€£]?\s?(\d+(?:\.\d+)?)")
# A number in a message, not part of an id, date or time ("KL-40", "2026-05-15",
# "10:40"); a sign or currency in front is fine.
_NUMBER = re.compile(r"(?<![\w.:/])(?<!\w-)\d+(?:\.\d+)?(?![\w:/]|[.,]\d|-\w)")


def normalise_text(text: str) -> str:
    """:func:`~tautrait.domain.text.plain` text, case-folded, no thousands separators."""
    return _THOUSANDS.sub("", plain(text).casefold())


def _amount(normalised: str) -> Decimal | None:
    """The value of an output that is an amount ("1234.50", "$40"), else None."""
    match = _AMOUNT.fullmatch(normalised)
    if match is None or ("." not in normalised and normalised[0].isdigit()):
        return None  # "0347" (a PIN) or "3" (a count) must be written as they are
    return Decimal(match.group(1))


def count_output(text: str, output: str) -> int:
    """How many times ``output`` occurs in ``text``, both normalised.

    An amount is compared as a number with every number of the text ("1234.5",
    "1234.50" and "$1,234.50" are one value); anything else must occur as a whole token:
    "5.65" is not in "15.65", nor "ready" in "already".
    """
    needle = normalise_text(output)
    if not needle:
        return 1
    haystack = normalise_text(text)
    value = _amount(needle)
    if value is not None:
        return sum(Decimal(n) == value for n in _NUMBER.findall(haystack))
    left = right = ""
    if needle[0].isalnum():  # a number must not continue one: "5.65" is not in "15.65"
        left = r"(?<![\w.])" if needle[0].isdigit() else r"(?<!\w)"
    if needle[-1].isalnum():  # "184" is not in "184.20", "ready" is not in "readying"
        right = r"(?!\w|[.,]\d)" if needle[-1].isdigit() else r"(?!\w)"
    return len(re.findall(left + re.escape(needle) + right, haystack))


def contains_output(text: str, output: str) -> bool:
    """Whether ``output`` occurs in ``text`` (see :func:`count_output`)."""
    return count_output(text, output) > 0


def outputs_found(required: Iterable[str], agent_messages: Iterable[str]) -> dict[str, bool]:
    """Each distinct required output -> whether the agent's messages hold it at least as
    many times as it is listed (two fees of 40.00 are two outputs)."""
    messages = list(agent_messages)
    needed = Counter(required)
    return {
        out: sum(count_output(m, out) for m in messages) >= times for out, times in needed.items()
    }


@dataclass(frozen=True)
class _ReplayFailure:
    index: int
    name: str
    content: str


# (domain content hash, gold actions as canonical JSON) -> the gold state's hash, or why
# the replay failed. Computed once per process: every arm and trial of a task shares it.
_gold_states: dict[tuple[str, str], str | _ReplayFailure] = {}
_gold_locks: dict[tuple[str, str], threading.Lock] = {}
_gold_lock = threading.Lock()


def replay_gold(domain: Domain, task: Task) -> Environment:
    """A fresh environment with the task's gold actions applied.

    Raises:
        GoldReplayError: a gold action returned an error or crashed.
    """
    env = Environment(domain)
    failure = _apply_gold(env, task)
    if failure is not None:
        env.close()
        raise _replay_error(task, failure)
    return env


def _apply_gold(env: EpisodeEnvironment, task: Task) -> _ReplayFailure | None:
    for index, action in enumerate(task.gold_actions):
        result = env.execute(action.name, action.kwargs)
        if result.outcome != "ok":
            return _ReplayFailure(index, action.name, result.content)
    return None


def _replay_error(task: Task, failure: _ReplayFailure) -> GoldReplayError:
    return GoldReplayError(
        f"task {task.id}: gold action #{failure.index} {failure.name} failed: {failure.content}"
    )


def _gold_key(domain: Domain, task: Task) -> tuple[str, str]:
    actions = json.dumps([a.model_dump(mode="json") for a in task.gold_actions], sort_keys=True)
    return (domain.content_hash, actions)


def known_gold(domain: Domain, task: Task) -> bool:
    """Whether the task's gold state is computed already (:func:`gold_hash` is then
    microseconds of work)."""
    return _gold_key(domain, task) in _gold_states


def gold_hash(domain: Domain, task: Task) -> str:
    """The state hash after replaying the gold actions.

    Computed once per process for a domain version and a list of gold actions (the
    only inputs of the gold state), however many episodes, arms or threads ask for it at
    once: the first caller replays, the others wait for its result.

    Raises:
        GoldReplayError: a gold action returned an error or crashed.
    """
    key = _gold_key(domain, task)
    with _gold_lock:
        state = _gold_states.get(key)
        once = _gold_locks.setdefault(key, threading.Lock())
    if state is None:
        with once:
            state = _gold_states.get(key) or _replay_once(domain, task, key)
    if isinstance(state, _ReplayFailure):
        raise _replay_error(task, state)
    return state


def _replay_once(domain: Domain, task: Task, key: tuple[str, str]) -> str | _ReplayFailure:
    env = domain.new_environment(share_calls=True)
    try:
        state = _apply_gold(env, task) or env.state_hash()
    finally:
        env.close()
    with _gold_lock:
        _gold_states[key] = state
    return state


def expects_transfer(domain: Domain, task: Task) -> bool:
    return any(
        domain.tools[a.name].ends_episode for a in task.gold_actions if a.name in domain.tools
    )


def compute_reward(
    domain: Domain,
    task: Task,
    final_hash: str,
    agent_messages: Iterable[str],
    *,
    transferred: bool = False,
) -> RewardBreakdown:
    """The episode's reward: the domain's own rule where it has one (a foreign
    benchmark's, :meth:`~tautrait.domain.loader.Domain.grade`), else the one above."""
    agent_messages = list(agent_messages)
    own = domain.grade(task, final_hash, agent_messages, transferred=transferred)
    if own is not None:
        return own
    expected = gold_hash(domain, task)
    outputs = outputs_found(task.required_outputs, agent_messages)
    db_match = final_hash == expected
    transfer_expected = expects_transfer(domain, task)
    passed = db_match and all(outputs.values()) and transferred == transfer_expected
    return RewardBreakdown(
        reward=1.0 if passed else 0.0,
        db_match=db_match,
        final_hash=final_hash,
        gold_hash=expected,
        outputs=outputs,
        transfer_expected=transfer_expected,
        transferred=transferred,
    )
