"""Deterministic generator of Fernwick Market's seed data (``data/<table>.json``).

``tautrait domains generate retail`` writes :func:`tables` into ``data/`` (``--check``
compares instead). Everything derives from one ``random.Random(SEED)`` and the domain's
fixed time (``rules.NOW``); nothing reads the wall clock, and nothing iterates over a
set, so a re-run reproduces the files byte for byte.

The steps live in ``seed/``: ``world.py`` (the vocabulary and sizes), ``people.py`` (the
catalogue and the customers) and ``orders.py`` (the order history); they share one random
stream, so their order is part of the data.
"""

from __future__ import annotations

from .rules import NOW, REGIONS
from .seed.orders import Generator
from .seed.state import Row
from .seed.world import SEED, TOWNS

__all__ = ["NOW", "SEED", "tables"]


def tables() -> dict[str, list[Row]]:
    """Every table's rows."""
    for code, towns in TOWNS:
        if any(prefix[0] != REGIONS[code][1] for _, prefix in towns):
            raise ValueError(f"a town of {code} has a postal prefix of another region")
    return Generator().run()
