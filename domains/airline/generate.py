"""Deterministic generator of the Larkline Air seed data (``data/<table>.json``).

``tautrait domains generate airline`` writes :func:`tables` into ``data/`` (``--check``
compares instead). Everything comes from one ``random.Random`` with a fixed seed and from
the domain's fixed time (``rules.NOW``); nothing reads the wall clock or depends on set or
dict iteration order, so a re-run reproduces the committed files byte for byte.

The steps live in ``seed/``: ``world.py`` (the vocabulary and sizes), ``flights.py``,
``people.py`` and ``reservations.py``; they share one random stream, so their order here
is part of the data.
"""

from __future__ import annotations

import random

from .rules import NOW
from .seed.flights import make_airports, make_flights
from .seed.people import make_users
from .seed.reservations import make_reservations
from .seed.state import Ctx, Row
from .seed.world import SEED

__all__ = ["NOW", "SEED", "tables"]


def tables() -> dict[str, list[Row]]:
    """Every table's rows."""
    ctx = Ctx(rng=random.Random(SEED))
    found: dict[str, list[Row]] = {"airports": make_airports()}
    found["flights"] = make_flights(ctx)
    make_users(ctx)
    found["users"] = ctx.users
    found.update(make_reservations(ctx))
    found["payment_methods"] = ctx.methods
    return found
