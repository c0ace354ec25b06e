"""What the Fernwick Market generator's steps share: the random stream, ids, small helpers."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from .world import SEED

Row = dict[str, Any]


def cents(value: float) -> float:
    return round(value + 1e-9, 2)


def ascii_fold(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalnum())


def weighted(rng: random.Random, pairs: list[tuple[Any, float]]) -> Any:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()


def random_time(rng: random.Random, base: datetime, min_hours: float, max_hours: float) -> datetime:
    """``base`` plus a random span, rounded down to the minute."""
    moment = base + timedelta(minutes=rng.randint(int(min_hours * 60), int(max_hours * 60)))
    return moment.replace(second=0, microsecond=0)


class State:
    """The one random stream, the tables made so far and every id issued."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.tables: dict[str, list[Row]] = {}
        self.used_ids: set[str] = set()

    # -- ids --------------------------------------------------------------------------

    def unique(self, make: Callable[[], str]) -> str:
        """A fresh value of ``make()``, unique across every table."""
        while True:
            value = make()
            if value not in self.used_ids:
                self.used_ids.add(value)
                return value

    def digits(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789") for _ in range(n))
