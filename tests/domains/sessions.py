"""Authentication in domain tests: signed-in episodes, and the check every domain passes.

The tools refuse writes for a customer nobody verified in the episode. Tests of the other
rules start from :func:`signed_in` (every customer verified); :func:`check_writes_need_
authentication` tests the refusal itself, for every write tool of a domain.
"""

from __future__ import annotations

from tautrait.domain.environment import Environment
from tautrait.domain.loader import Domain
from tautrait.domain.tasks import available_splits, load_tasks


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
