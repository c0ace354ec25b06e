"""Calling a domain's tools in a test, shared by every domain's tool and policy tests.

The environment knows its domain, so these take only the episode: :func:`ok` and
:func:`refused` assert the outcome of one call, :func:`rows` reads a table,
:func:`unchanged` says whether the episode's database is still the seed.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from tautrait.domain.environment import Environment

Row = dict[str, Any]


def ok(env: Environment, name: str, **kwargs: Any) -> Any:
    """Call a tool that must succeed; its JSON answer, decoded."""
    result = env.execute(name, kwargs)
    assert result.outcome == "ok", result.content
    return json.loads(result.content)


def refused(env: Environment, name: str, **kwargs: Any) -> str:
    """Call a tool that must refuse; its message."""
    result = env.execute(name, kwargs)
    assert result.outcome == "error", result.content
    return result.content


def rows(env: Environment, table: str, **equal: Any) -> list[Row]:
    """The rows of ``table`` whose columns equal the given values."""
    t = env.domain.spec.metadata.tables[table]
    query = select(t).where(*(t.c[k] == v for k, v in equal.items()))
    with env.engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def unchanged(env: Environment) -> bool:
    """The episode's database still holds the seed (a refused write changed nothing)."""
    return env.state_hash() == env.domain.seed.seed_hash


def luhn(body: str) -> str:
    """``body`` with the check digit that makes it pass the Luhn check (SIM ICCIDs)."""
    for digit in "0123456789":
        number = body + digit
        total = 0
        for i, ch in enumerate(reversed(number)):
            d = int(ch) * (2 if i % 2 else 1)
            total += d - 9 if d > 9 else d
        if total % 10 == 0:
            return number
    raise AssertionError(f"no check digit makes {body} valid")
