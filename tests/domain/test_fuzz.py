"""Hostile tool calls (hypothesis): bad JSON, wrong types, unknown tools and arguments,
huge and unicode strings, SQL-injection strings, across all four domains.

Every call must come back as a result (never an exception, never a crash), and a call
that fails must leave the database exactly as it was: the episode's state hash (which
re-reads every table a statement touched, rolled back or not) is compared before and
after each call, and the full recomputation (:func:`~tautrait.domain.database.state_hash`,
every table re-read) must agree with it at the end. 1,000+ calls in all, sized for two
cores.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import String, select

from tautrait.domain.database import state_hash
from tautrait.domain.environment import Environment
from tautrait.domain.loader import Domain, load_domain

DOMAINS = ("retail", "airline", "telecom", "telehealth")
CALLS_PER_DOMAIN = 260
INJECTIONS = [
    "'; DROP TABLE orders; --",
    "' OR '1'='1",
    '" OR 1=1 --',
    "1; DELETE FROM users WHERE 1=1",
    "Robert'); DROP TABLE students;--",
    "%' UNION SELECT * FROM sqlite_master --",
    "\x00",
    "\\",
]
CALLS: dict[str, int] = {}


def _seed_strings(domain: Domain, limit: int = 200) -> list[str]:
    """Real ids and values from the seed data, so some calls get past validation and
    reach the tools' write paths (whose failures must roll back)."""
    env = Environment(domain)
    values: list[str] = []
    with env.engine.connect() as conn:
        for table in domain.spec.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, String):
                    rows = conn.execute(select(column).distinct().limit(8)).scalars()
                    values += [v for v in rows if isinstance(v, str)]
    env.close()
    return values[:limit] or ["x"]


def _value(strings: list[str]) -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.sampled_from(strings),
        st.sampled_from(INJECTIONS),
        st.text(max_size=40),
        st.text(min_size=5_000, max_size=20_000, alphabet=st.characters(codec="utf-8")),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.none(),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=6,
    )


def _call(domain: Domain, strings: list[str]) -> st.SearchStrategy[tuple[str, Any]]:
    names = sorted(domain.tools)
    params = {n: sorted(domain.tools[n].arguments.model_fields) for n in names}

    @st.composite
    def make(draw: st.DrawFn) -> tuple[str, Any]:
        name = draw(st.one_of(st.sampled_from(names), st.sampled_from(names), st.text()))
        keys = params.get(name, [])
        kwargs: dict[str, Any] = {}
        for key in keys:
            if draw(st.booleans()) or draw(st.booleans()):
                kwargs[key] = draw(_value(strings))
        if draw(st.integers(0, 4)) == 0:
            kwargs[draw(st.text(max_size=12))] = draw(_value(strings))
        shape = draw(st.integers(0, 9))
        if shape == 0:  # bad JSON text
            return name, draw(st.text(max_size=60))
        if shape == 1:  # JSON that is not an object
            return name, json.dumps(draw(_value(strings)))
        if shape == 2:  # NaN / Infinity constants
            return name, '{"amount": NaN, "x": Infinity}'
        if shape <= 5:
            return name, json.dumps(kwargs, allow_nan=True)
        return name, kwargs

    return make()


@pytest.mark.parametrize("name", DOMAINS)
def test_hostile_tool_calls_never_crash_and_failures_roll_back(name: str) -> None:
    domain = load_domain(name)
    env = Environment(domain)
    strings = _seed_strings(domain)
    metadata = domain.spec.metadata
    count = 0

    @settings(
        max_examples=CALLS_PER_DOMAIN,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(call=_call(domain, strings))
    def one(call: tuple[str, Any]) -> None:
        nonlocal count
        tool, arguments = call
        before = env.state_hash()
        result = env.execute(tool, arguments)
        count += 1
        assert result.outcome in ("ok", "error"), (tool, arguments, result.content)
        assert isinstance(result.content, str) and result.content
        spec = domain.tools.get(tool)
        if result.outcome != "ok" or (spec is not None and not spec.writes):
            assert env.state_hash() == before, (tool, arguments)

    one()
    assert env.state_hash() == state_hash(env.engine, metadata)
    env.close()
    CALLS[name] = count
    assert count >= CALLS_PER_DOMAIN - 10


def test_at_least_a_thousand_calls_were_fuzzed() -> None:
    if set(CALLS) != set(DOMAINS):
        pytest.skip("run with the per-domain fuzz tests")
    assert sum(CALLS.values()) >= 1000
