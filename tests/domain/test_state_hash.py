"""The incremental state hash equals a full recomputation, whatever an episode writes.

Random write sequences in every domain: the domain's own tools called with the gold
actions of its tasks in random order (most are refused, some write), mixed with raw SQL
updates, deletes and REPLACEs of random rows (some violate a constraint and are rolled
back). After them, the hash computed from the rows written must equal the hash of every
row, re-read.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import exc

from tautrait.domain.database import state_hash
from tautrait.domain.environment import Environment
from tautrait.domain.loader import Domain, load_domain
from tautrait.domain.tasks import GoldAction, load_tasks

DOMAINS = ["retail", "airline", "telecom", "telehealth"]
SETTINGS = settings(
    max_examples=6,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@dataclass
class Sample:
    """What random writes draw from: the seed's rowids and each column's stored values."""

    domain: Domain
    actions: list[GoldAction]
    rowids: dict[str, list[int]]
    values: dict[tuple[str, str], list[Any]]
    free_columns: dict[str, list[str]]
    """Per table, the columns outside every key, unique or foreign-key constraint."""


@functools.cache
def _sample(name: str) -> Sample:
    domain = load_domain(name)
    actions = [
        a
        for split in ("dev", "test")
        for t in load_tasks(name, split).tasks
        for a in t.gold_actions
    ]
    env = Environment(domain)
    raw = env.engine.raw_connection().driver_connection
    rowids: dict[str, list[int]] = {}
    values: dict[tuple[str, str], list[Any]] = {}
    free: dict[str, list[str]] = {}
    for table_name, table in domain.spec.metadata.tables.items():
        rowids[table_name] = [r for (r,) in raw.execute(f'SELECT rowid FROM "{table_name}"')]
        keyed = {c.name for c in table.primary_key.columns}
        keyed |= {c.parent.name for c in table.foreign_keys}
        for constraint in table.constraints:
            if constraint.__class__.__name__ == "UniqueConstraint":
                keyed |= {c.name for c in constraint.columns}  # type: ignore[attr-defined]
        keyed |= {c.name for c in table.columns if c.unique}
        free[table_name] = sorted(c.name for c in table.columns if c.name not in keyed)
        for column in table.columns:
            stored = raw.execute(f'SELECT DISTINCT "{column.name}" FROM "{table_name}"')
            values[(table_name, column.name)] = [v for (v,) in stored][:50] or [None]
    env.close()
    return Sample(domain, actions, rowids, values, free)


def _write(env: Environment, sql: str, params: tuple[Any, ...]) -> None:
    """One raw statement in its own transaction; a constraint violation rolls it back."""
    try:
        with env.engine.begin() as conn:
            conn.exec_driver_sql(sql, params)
    except exc.IntegrityError:
        pass


@st.composite
def _operation(draw: st.DrawFn, sample: Sample) -> tuple[Any, ...]:
    kind = draw(st.sampled_from(["tool", "tool", "update", "delete", "replace"]))
    if kind == "tool":
        return ("tool", draw(st.sampled_from(sample.actions)))
    table = draw(st.sampled_from(sorted(t for t, ids in sample.rowids.items() if ids)))
    rowid = draw(st.sampled_from(sample.rowids[table]))
    columns = [c.name for c in sample.domain.spec.metadata.tables[table].columns]
    column = draw(st.sampled_from(columns))
    value = draw(st.sampled_from(sample.values[(table, column)]))
    return (kind, table, rowid, column, value)


def _apply(env: Environment, operation: tuple[Any, ...]) -> None:
    kind = operation[0]
    if kind == "tool":
        action: GoldAction = operation[1]
        env.execute(action.name, action.kwargs)
        return
    _, table, rowid, column, value = operation
    if kind == "update":
        _write(env, f'UPDATE "{table}" SET "{column}" = ? WHERE rowid = ?', (value, rowid))
    elif kind == "delete":
        _write(env, f'DELETE FROM "{table}" WHERE rowid = ?', (rowid,))
    else:  # a copy of the row with one value changed, replacing what it collides with
        _write(
            env,
            f'INSERT OR REPLACE INTO "{table}" SELECT * FROM "{table}" WHERE rowid = ?',
            (rowid,),
        )
        _write(env, f'UPDATE "{table}" SET "{column}" = ? WHERE rowid = ?', (value, rowid))


@pytest.mark.parametrize("name", DOMAINS)
@SETTINGS
@given(data=st.data())
def test_incremental_hash_equals_full_recomputation(name: str, data: st.DataObject) -> None:
    sample = _sample(name)
    operations = data.draw(st.lists(_operation(sample), min_size=1, max_size=12))
    env = Environment(sample.domain)
    try:
        for operation in operations:
            _apply(env, operation)
        assert env.state_hash() == state_hash(env.engine, sample.domain.spec.metadata)
    finally:
        env.close()


@pytest.mark.parametrize("name", DOMAINS)
@SETTINGS
@given(data=st.data())
def test_hash_does_not_depend_on_the_order_of_writes(name: str, data: st.DataObject) -> None:
    sample = _sample(name)
    cells = st.tuples(
        st.sampled_from(
            sorted(t for t, ids in sample.rowids.items() if ids and sample.free_columns[t])
        )
    ).flatmap(
        lambda t: st.tuples(
            st.just(t[0]),
            st.sampled_from(sample.rowids[t[0]]),
            st.sampled_from(sample.free_columns[t[0]]),
        )
    )
    chosen = data.draw(st.lists(cells, min_size=1, max_size=8, unique_by=lambda c: c[:3]))
    writes = [
        (*cell, data.draw(st.sampled_from(sample.values[(cell[0], cell[2])]))) for cell in chosen
    ]
    forward, backward = Environment(sample.domain), Environment(sample.domain)
    try:
        for env, order in ((forward, writes), (backward, writes[::-1])):
            for table, rowid, column, value in order:
                _write(env, f'UPDATE "{table}" SET "{column}" = ? WHERE rowid = ?', (value, rowid))
        assert forward.state_hash() == backward.state_hash()
        assert forward.state_hash() == state_hash(forward.engine, sample.domain.spec.metadata)
    finally:
        forward.close()
        backward.close()
