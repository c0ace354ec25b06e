"""Checks that grading fails only agents that did something wrong, and can fail them.

A steered user may be confused or impatient: it asks for things in another order, and
a correct agent must not score 0 for following it. An agent may skip a policy step: the
task must then be able to fail it. Per task, :func:`check_task` measures three things:

- **order**: every pair of independent write actions of the gold solution is replayed
  swapped (reads stay where they are). A pair the tools refuse in the other order
  depends on its first action and is skipped; a pair they accept must end in the gold
  state, unless the task says its scenario dictates the order (``order_stated``).
- **authentication**: the gold actions are replayed without the steps that
  authenticated a customer (observed, not named: the calls after which
  :attr:`Environment.auth <tautrait.domain.environment.Environment.auth>` grew); a
  write task must then end elsewhere than the gold state, because the tools refuse
  writes for unverified customers.
- **echoed outputs**: a required output that the scenario already contains can be
  satisfied by repeating the user.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Literal

from pydantic import BaseModel, Field

from tautrait.domain.environment import Environment
from tautrait.domain.loader import Domain
from tautrait.domain.tasks import GoldAction, Task
from tautrait.evaluation.reward import contains_output

OrderStatus = Literal["n/a", "dependent", "free", "stated", "sensitive"]
AuthStatus = Literal["no writes", "not required", "enforced", "not enforced"]


class TaskChecks(BaseModel):
    """What the fairness checks found for one task (part of ``validate --json``)."""

    order: OrderStatus
    """"n/a": fewer than two writes; "dependent": the tools accept the writes only in
    the gold order; "free": every accepted swap ends in the gold state; "stated": a swap
    changes the final state and the scenario dictates the order; "sensitive": a swap
    changes the final state and nothing tells the user the order (a problem)."""
    order_swaps: int = 0
    """Pairs of writes the tools accepted in the swapped order."""
    order_changed: list[tuple[int, int]] = Field(default_factory=list)
    """Gold action indices of the pairs whose swap changed the final state."""
    auth: AuthStatus
    """"enforced": without its authentication steps the gold solution ends elsewhere;
    "not enforced": it still reaches the gold state (a problem); "no writes" and "not
    required" (the domain has no customer identities): not applicable."""
    auth_steps: list[int] = Field(default_factory=list)
    """Gold action indices that authenticated a customer."""
    echoed_outputs: list[str] = Field(default_factory=list)
    """Required outputs found verbatim in the scenario (a problem)."""

    def problems(self) -> list[str]:
        found = []
        if self.order == "sensitive":
            pairs = ", ".join(f"#{i} and #{j}" for i, j in self.order_changed)
            found.append(
                f"swapping independent gold writes ({pairs}) changes the final state and the "
                "scenario does not state the order: derive ids from what they identify, or "
                "state the order and set order_stated"
            )
        if self.auth == "not enforced":
            found.append(
                "replaying the gold actions without authenticating the customer still reaches "
                "the gold state: the write tools must refuse an unverified customer"
            )
        if self.echoed_outputs:
            found.append(
                f"required output(s) {self.echoed_outputs} appear verbatim in the scenario: "
                "an agent could pass by repeating the user"
            )
        return found


@dataclass
class Replay:
    """The end of a replay that carries on past refused calls, as an agent would."""

    state_hash: str
    refused: list[int] = field(default_factory=list)
    """Indices of the actions the tools refused (or that crashed)."""
    auth_steps: list[int] = field(default_factory=list)
    """Indices of the actions after which one more customer was authenticated."""


def run_actions(env: Environment, actions: list[GoldAction]) -> Replay:
    """Run ``actions`` in ``env``, whatever each call returns; the hash is taken last."""
    refused: list[int] = []
    auth_steps: list[int] = []
    for index, action in enumerate(actions):
        before = len(env.auth.verified)
        if env.execute(action.name, action.kwargs).outcome != "ok":
            refused.append(index)
        elif len(env.auth.verified) > before:
            auth_steps.append(index)
    return Replay(env.state_hash(), refused, auth_steps)


def replay_actions(domain: Domain, actions: list[GoldAction]) -> Replay:
    """Run ``actions`` on a fresh copy, whatever each call returns."""
    env = Environment(domain)
    try:
        return run_actions(env, actions)
    finally:
        env.close()


def _is_write(domain: Domain, action: GoldAction) -> bool:
    spec = domain.tools.get(action.name)
    return spec is not None and spec.writes


def check_order(
    domain: Domain, task: Task, gold_hash: str
) -> tuple[OrderStatus, int, list[tuple[int, int]]]:
    """Swap every pair of gold writes (hand-offs stay last) and compare the final states."""
    writes = [
        i
        for i, a in enumerate(task.gold_actions)
        if _is_write(domain, a) and not domain.tools[a.name].ends_episode
    ]
    if len(writes) < 2:
        return "n/a", 0, []
    swaps = 0
    changed: list[tuple[int, int]] = []
    for i, j in combinations(writes, 2):
        actions = list(task.gold_actions)
        actions[i], actions[j] = actions[j], actions[i]
        replay = replay_actions(domain, actions)
        if replay.refused:
            continue  # only the gold order is possible: the second write needs the first
        swaps += 1
        if replay.state_hash != gold_hash:
            changed.append((i, j))
    if not swaps:
        return "dependent", 0, []
    if not changed:
        return "free", swaps, []
    return ("stated" if task.order_stated else "sensitive"), swaps, changed


def check_authentication(
    domain: Domain, task: Task, gold_hash: str, auth_steps: list[int]
) -> AuthStatus:
    """Replay without the authentication steps: a write task must miss the gold state."""
    if not any(_is_write(domain, a) for a in task.gold_actions):
        return "no writes"
    if not domain.spec.requires_authentication:
        return "not required"
    steps = set(auth_steps)
    skipped = [a for i, a in enumerate(task.gold_actions) if i not in steps]
    replay = replay_actions(domain, skipped)
    return "enforced" if replay.state_hash != gold_hash else "not enforced"


def scenario_text(task: Task) -> str:
    s = task.scenario
    return "\n".join((s.persona, s.goal, s.known_info, s.withheld))


def echoed_outputs(task: Task) -> list[str]:
    """The required outputs that the user's own scenario already contains."""
    text = scenario_text(task)
    return sorted({out for out in task.required_outputs if contains_output(text, out)})


def check_task(domain: Domain, task: Task, gold_hash: str, auth_steps: list[int]) -> TaskChecks:
    """All three checks, given the gold state and the gold replay's authentication steps."""
    order, swaps, changed = check_order(domain, task, gold_hash)
    return TaskChecks(
        order=order,
        order_swaps=swaps,
        order_changed=changed,
        auth=check_authentication(domain, task, gold_hash, auth_steps),
        auth_steps=auth_steps,
        echoed_outputs=echoed_outputs(task),
    )
