"""What the Larkline Air generator's steps share: the random stream, the rows made so far."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from ..rules import CERTIFICATE_VALIDITY, LOCATOR_CHARS
from .world import AIRPORTS

Row = dict[str, Any]

AIRPORT_POS = {a[0]: (a[5], a[6]) for a in AIRPORTS}
HUBS = [a[0] for a in AIRPORTS if a[4]]


def dist(a: str, b: str) -> float:
    """Great-plane distance in km between two airports (the map is flat)."""
    pa, pb = AIRPORT_POS[a], AIRPORT_POS[b]
    return math.hypot(pa[0] - pb[0], pa[1] - pb[1])


@dataclass
class FlightRow:
    """A flight row with its departure and arrival as datetimes."""

    row: Row
    dep: datetime
    arr: datetime


@dataclass
class Ctx:
    """The one random stream and the rows every later step reads."""

    rng: random.Random
    users: list[Row] = field(default_factory=list)
    methods: list[Row] = field(default_factory=list)
    flights: list[FlightRow] = field(default_factory=list)
    by_origin_date: dict[tuple[str, date], list[FlightRow]] = field(default_factory=dict)
    used_ids: set[str] = field(default_factory=set)

    def new_id(self, prefix: str, digits: int = 6, low: int = 100000) -> str:
        """A fresh ``prefix`` + number id, unique across every table."""
        while True:
            value = f"{prefix}{self.rng.randint(low, 10**digits - 1)}"
            if value not in self.used_ids:
                self.used_ids.add(value)
                return value

    def new_locator(self) -> str:
        """A fresh six-character reservation locator."""
        while True:
            value = "".join(self.rng.choice(LOCATOR_CHARS) for _ in range(6))
            if value not in self.used_ids:
                self.used_ids.add(value)
                return value


def iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def month_end(year: int, month: int) -> date:
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def method(
    payment_id: str,
    user_id: str,
    kind: str,
    *,
    brand: str | None = None,
    last_four: str | None = None,
    expires_on: str | None = None,
    balance: float | None = None,
    issued_at: str | None = None,
    note: str | None = None,
) -> Row:
    """A ``payment_methods`` row (the fields a kind does not use stay None)."""
    return {
        "payment_id": payment_id,
        "user_id": user_id,
        "kind": kind,
        "brand": brand,
        "last_four": last_four,
        "expires_on": expires_on,
        "balance": balance,
        "issued_at": issued_at,
        "note": note,
    }


def certificate(payment_id: str, user_id: str, issued: datetime, value: float, note: str) -> Row:
    """A travel certificate issued at ``issued``, valid for ``CERTIFICATE_VALIDITY``."""
    return method(
        payment_id,
        user_id,
        "travel_certificate",
        expires_on=(issued + CERTIFICATE_VALIDITY).date().isoformat(),
        balance=value,
        issued_at=issued.isoformat(),
        note=note,
    )
