"""The call memo: repeated calls give what running the tools gives, in every domain.

Every task's gold actions (its reads, writes and refusals) are run three ways: without a
memo, with a memo that is empty (it records), and with the filled memo (it answers). The
results, the callers verified and the final state (incremental and fully recomputed) must
be the same; a memo that answers everything must never make a database, and one that
lacks a later call must make the right one (from recorded rows, or by running the tools
again where the records were dropped).
"""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from tautrait.domain import callmemo
from tautrait.domain.database import WRITE_LOG, state_hash
from tautrait.domain.environment import Environment
from tautrait.domain.loader import Domain, load_domain
from tautrait.domain.tasks import Task, load_tasks

DOMAINS = ["retail", "airline", "telecom", "telehealth"]


def _run(env: Environment, task: Task) -> tuple[Any, ...]:
    results = [env.execute(a.name, a.kwargs) for a in task.gold_actions]
    return ([(r.content, r.outcome, r.ends_episode) for r in results], env.auth.verified)


def _full(env: Environment, domain: Domain) -> str:
    return state_hash(env.engine, domain.spec.metadata)


@pytest.fixture(scope="module", params=DOMAINS)
def loaded(request: pytest.FixtureRequest) -> tuple[Domain, list[Task]]:
    return load_domain(request.param), load_tasks(request.param, "test").tasks


def test_memo_answers_exactly_what_the_tools_answer(loaded: tuple[Domain, list[Task]]) -> None:
    domain, tasks = loaded
    writing = 0
    for task in tasks[::4]:  # a quarter of each split: sized for two shared cores
        plain = Environment(domain)
        expected = _run(plain, task)
        expected_hash = plain.state_hash()
        assert expected_hash == _full(plain, domain)
        plain.close()
        recording = Environment(domain, share_calls=True)
        assert _run(recording, task) == expected
        assert recording.state_hash() == expected_hash
        recording.close()
        answered = Environment(domain, share_calls=True)
        assert _run(answered, task) == expected
        assert answered.state_hash() == expected_hash
        assert not answered.materialised  # no copy, no write, no hash: all from the memo
        writing += any(domain.tools[a.name].writes for a in task.gold_actions)
    assert writing  # the writes were exercised, not only reads


def test_a_call_the_memo_lacks_makes_the_database_from_recorded_rows(
    loaded: tuple[Domain, list[Task]],
) -> None:
    domain, tasks = loaded
    for task in tasks[:6]:
        plain = Environment(domain)
        _run(plain, task)
        expected = _full(plain, domain)
        plain.close()
        warm = Environment(domain, share_calls=True)
        _run(warm, task)
        warm.close()
        env = Environment(domain, share_calls=True)
        _run(env, task)
        # A call no episode made in this state: the memo lacks it, so the tools run.
        env.execute("no_such_tool", {})  # answered without the memo or a database
        assert not env.materialised
        unknown = {"not_an_argument": task.id}
        assert env.execute(task.gold_actions[0].name, unknown).outcome == "error"
        assert env.materialised
        assert _full(env, domain) == expected
        assert env.state_hash() == expected
        env.close()


def test_dropped_records_are_made_by_running_the_tools_again(
    loaded: tuple[Domain, list[Task]], monkeypatch: pytest.MonkeyPatch
) -> None:
    domain, tasks = loaded
    task = next(t for t in tasks if any(domain.tools[a.name].writes for a in t.gold_actions))
    plain = Environment(domain)
    _run(plain, task)
    expected = _full(plain, domain)
    plain.close()
    warm = Environment(domain, share_calls=True)
    _run(warm, task)
    warm.close()
    env = Environment(domain, share_calls=True)
    _run(env, task)
    assert not env.materialised
    # The recorded rows of every write are gone (evicted): materialising runs them again.
    memo = callmemo.memo_for(domain.seed)
    for key, value in list(memo._entries.items()):
        if value.changes:
            del memo._entries[key]
    assert _full(env, domain) == expected


def test_recorded_rows_are_checked_before_they_commit() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA recursive_triggers = ON")
    conn.executescript(
        f"""
        CREATE TABLE parent (id TEXT PRIMARY KEY);
        CREATE TABLE child (id TEXT PRIMARY KEY,
                            parent_id TEXT REFERENCES parent(id) ON DELETE CASCADE);
        CREATE TABLE "{WRITE_LOG.name}" (tbl TEXT NOT NULL, rid INTEGER NOT NULL);
        CREATE TRIGGER p_del AFTER DELETE ON parent BEGIN
            INSERT INTO "{WRITE_LOG.name}" VALUES ('parent', OLD.rowid); END;
        CREATE TRIGGER c_del AFTER DELETE ON child BEGIN
            INSERT INTO "{WRITE_LOG.name}" VALUES ('child', OLD.rowid); END;
        CREATE TRIGGER c_ins AFTER INSERT ON child BEGIN
            INSERT INTO "{WRITE_LOG.name}" VALUES ('child', NEW.rowid); END;
        INSERT INTO parent VALUES ('p');
        INSERT INTO child VALUES ('c', 'p');
        """
    )
    conn.commit()
    # A record that deletes the parent but not the child it cascades to: refused.
    bad = (("parent", 1, ("id",), None),)
    assert not callmemo.apply_changes(conn, WRITE_LOG.name, bad)
    assert conn.execute("SELECT count(*) FROM child").fetchone() == (1,)
    # A row that references nothing that exists: refused at commit, nothing written.
    orphan = (("child", 2, ("id", "parent_id"), ("d", "nobody")),)
    assert not callmemo.apply_changes(conn, WRITE_LOG.name, orphan)
    assert conn.execute("SELECT count(*) FROM child").fetchone() == (1,)
    # The complete record (the cascade included) is set.
    good = (("parent", 1, ("id",), None), ("child", 1, ("id", "parent_id"), None))
    assert callmemo.apply_changes(conn, WRITE_LOG.name, good)
    assert conn.execute("SELECT count(*) FROM parent").fetchone() == (0,)


def test_the_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(callmemo, "CAPACITY", 3)
    memo = callmemo.CallMemo()
    value = callmemo.Recalled("x", "ok", False, frozenset())
    for n in range(5):
        memo.put((), (f"tool{n}", "{}", ()), value)
    assert len(memo) == 3
    assert memo.get((), ("tool0", "{}", ())) is None
    assert memo.get((), ("tool4", "{}", ())) is value
