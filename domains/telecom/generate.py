"""Deterministic generator of the Larkspur Telecom seed data (``data/<table>.json``).

``tautrait domains generate telecom`` writes :func:`tables` into ``data/`` (``--check``
compares instead). Every choice comes from ``random.Random(SEED)`` (ids from one
``random.Random`` per id prefix, seeded from SEED) and the domain's fixed time
(``rules.NOW``); nothing reads the wall clock and no set is ever iterated, so two runs
write identical bytes. Money is handled in integer cents and written as floats rounded
to cents.

The tasks in tasks/telecom/ name rows of this data: after changing the generator, run
``tautrait tasks build --env telecom``; it stops on every task the new data breaks.

The steps live in ``seed/``: ``world.py`` (the vocabulary and sizes), ``accounts.py``,
``billing.py`` and ``support.py``; they share one random stream, so their order is part
of the data.
"""

from __future__ import annotations

from .rules import NOW
from .seed.state import Row
from .seed.support import Generator
from .seed.world import SEED

__all__ = ["NOW", "SEED", "tables"]


def tables() -> dict[str, list[Row]]:
    """Every table's rows."""
    return Generator().run()
