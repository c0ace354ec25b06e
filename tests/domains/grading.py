"""What grading asks of every domain, as checks the domain tests run.

- The tools refuse writes for a customer nobody verified in the episode. Tests of the
  other rules start from :func:`signed_in` (every customer verified);
  :func:`check_writes_need_authentication` tests the refusal itself, for every write tool.
- Free text a user dictates is stored in one form: :func:`check_typed_variants_reach_gold`
  replays gold actions with those values typed differently and requires the gold state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tautrait.domain.environment import Environment
from tautrait.domain.loader import Domain
from tautrait.domain.tasks import GoldAction, available_splits, load_tasks


def signed_in(domain: Domain, table: str, column: str) -> Environment:
    """A fresh episode in which every customer (``table.column``) is verified."""
    env = Environment(domain)
    with env.engine.connect() as conn:
        for (customer_id,) in conn.exec_driver_sql(f"SELECT {column} FROM {table}"):
            env.auth.grant(customer_id)
    return env


def check_writes_need_authentication(
    domain: Domain, auth_tools: tuple[str, ...], stranger: str
) -> None:
    """Every write tool refuses an unverified customer, and only that.

    For each write tool, in the first task whose gold actions use it, the gold actions
    before it run as written; then the call is made three times: with nobody verified (and
    then with only ``stranger``, another customer, verified) it is refused with a message
    naming every authentication tool, and the state is unchanged; with the verifications
    of the gold actions back, it succeeds.
    """
    first: dict[str, tuple[str, int]] = {}
    tasks = {}
    for split in sorted(available_splits(domain.name)):
        for task in load_tasks(domain.name, split).tasks:
            tasks[task.id] = task
            for index, action in enumerate(task.gold_actions):
                if domain.tools[action.name].writes:
                    first.setdefault(action.name, (task.id, index))
    writes = {name for name, spec in domain.tools.items() if spec.writes}
    assert set(first) == writes, f"write tools used by no task: {writes - set(first)}"
    for name, (task_id, index) in sorted(first.items()):
        task = tasks[task_id]
        env = Environment(domain)
        try:
            for action in task.gold_actions[:index]:
                result = env.execute(action.name, action.kwargs)
                assert result.outcome == "ok", (task_id, action.name, result.content)
            verified = env.auth.verified
            assert verified, f"{task_id}: nobody is verified before {name}"
            call = task.gold_actions[index]
            before = env.state_hash()
            for who in (frozenset(), frozenset({stranger})):
                env.auth.restore(who)
                refused = env.execute(call.name, call.kwargs)
                assert refused.outcome == "error", (task_id, name, refused.content)
                assert "authenticat" in refused.content or "verif" in refused.content
                for tool in auth_tools:
                    assert tool in refused.content, (name, tool, refused.content)
                assert env.state_hash() == before, (task_id, name)
                assert env.auth.verified == who  # a refused call grants nothing
            env.auth.restore(verified)
            result = env.execute(call.name, call.kwargs)
            assert result.outcome == "ok", (task_id, name, result.content)
        finally:
            env.close()


TYPINGS: dict[str, Callable[[str], str]] = {
    "lower case": str.lower,
    "upper case": str.upper,
    "loose spaces": lambda v: "  " + v.replace(" ", " \u00a0 ") + "\t",
    "full width": lambda v: "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in v),
}
"""Ways a user (or an agent passing their words on) may type the same value."""


def _retyped(value: Any, path: list[str], typing: Callable[[str], str]) -> Any:
    if not path:
        return typing(value) if isinstance(value, str) else value
    key, rest = path[0], path[1:]
    if key == "[]":
        return [_retyped(v, rest, typing) for v in value]
    if isinstance(value, dict) and key in value:
        return {**value, key: _retyped(value[key], rest, typing)}
    return value


def check_typed_variants_reach_gold(
    domain: Domain, fields: dict[str, list[str]], per_tool: int = 2
) -> list[str]:
    """Replay tasks that use a listed tool with its dictated fields retyped.

    ``fields`` maps a tool to the paths of its dictated values (``"city"``,
    ``"passengers.[].last_name"``). For the first ``per_tool`` tasks using each tool and
    each of :data:`TYPINGS`, the gold actions with those values retyped must succeed and
    end in the gold state. Returns the ids of the tasks checked.
    """
    checked: list[str] = []
    used: dict[str, int] = dict.fromkeys(fields, 0)
    for split in sorted(available_splits(domain.name)):
        for task in load_tasks(domain.name, split).tasks:
            names = {a.name for a in task.gold_actions} & set(fields)
            if not any(used[n] < per_tool for n in names):
                continue
            for name in names:
                used[name] += 1
            checked.append(task.id)
            gold = _final_hash(domain, task.gold_actions)
            for label, typing in TYPINGS.items():
                actions = [
                    GoldAction(name=a.name, kwargs=_retype_all(a, fields, typing))
                    for a in task.gold_actions
                ]
                assert _final_hash(domain, actions) == gold, (task.id, label)
    assert all(used.values()), f"tools used by no task: {[n for n, k in used.items() if not k]}"
    return checked


def _retype_all(action: GoldAction, fields: dict[str, list[str]], typing: Any) -> dict[str, Any]:
    kwargs = dict(action.kwargs)
    for path in fields.get(action.name, []):
        kwargs = _retyped(kwargs, path.split("."), typing)
    return kwargs


def _final_hash(domain: Domain, actions: list[GoldAction]) -> str:
    env = Environment(domain)
    try:
        for action in actions:
            result = env.execute(action.name, action.kwargs)
            assert result.outcome == "ok", (action.name, action.kwargs, result.content)
        return env.state_hash()
    finally:
        env.close()
