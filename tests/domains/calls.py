"""Calling a domain's tools in a test, shared by every domain's tool and policy tests.

The environment knows its domain, so these take only the episode: :func:`ok` and
:func:`refused` assert the outcome of one call, :func:`rows` reads a table,
:func:`unchanged` says whether the episode's database is still the seed.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select, update

from tautrait.domain.environment import Environment
from tautrait.domain.loader import Domain
from tests.domains.grading import signed_in

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


class Probe:
    """One fresh episode in which every holder of ``table.column`` is verified (nobody
    without a table: for tests of authentication); ``refused`` also proves that the
    refusal changed nothing, by the state hash (taken only when a write tool refuses)."""

    def __init__(self, domain: Domain, table: str | None = None, column: str = "") -> None:
        self.domain = domain
        self.env = signed_in(domain, table, column) if table else Environment(domain)
        self._hash: str | None = domain.seed.seed_hash  # known until something writes

    def ok(self, name: str, **kwargs: Any) -> Any:
        """Call a tool that must succeed; its JSON answer, decoded (a text answer as is)."""
        result = self.env.execute(name, kwargs)
        assert result.outcome == "ok", result.content
        if self.domain.tools[name].writes:
            self._hash = None
        return json.loads(result.content) if result.content[:1] in "[{" else result.content

    def refused(self, name: str, *fragments: str, **kwargs: Any) -> str:
        """The call is refused with a message containing every fragment (any case) and
        changes nothing."""
        writes = name in self.domain.tools and self.domain.tools[name].writes
        before = (self._hash or self.env.state_hash()) if writes else None
        result = self.env.execute(name, kwargs)
        assert result.outcome == "error", result.content
        for fragment in fragments:
            assert fragment.lower() in result.content.lower(), (fragment, result.content)
        if writes:  # read tools cannot write at all: the environment checks that itself
            self._hash = self.env.state_hash()
            assert self._hash == before
        return result.content

    def rows(self, table: str, **where: Any) -> list[Row]:
        return rows(self.env, table, **where)

    def row(self, table: str, **where: Any) -> Row:
        found = self.rows(table, **where)
        assert len(found) == 1, found
        return found[0]

    def value(self, table: str, column: str, **where: Any) -> Any:
        return self.row(table, **where)[column]

    def set(self, table: str, where: dict[str, Any], **values: Any) -> None:
        """Arrange a state for a test (a direct write, outside any tool)."""
        t = self.domain.spec.metadata.tables[table]
        with self.env.engine.begin() as conn:
            conn.execute(update(t).where(*[t.c[k] == v for k, v in where.items()]).values(values))
        self._hash = None
