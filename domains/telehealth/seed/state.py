"""What the telehealth generator's steps share: the random stream, the ids, the rows made
so far that later steps read, and small helpers."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ..rules import NOW
from .world import DEVICE_MODELS, DRUGS, NAME_POOLS, SEED, STATES, Row

TODAY = NOW.date()

STATE_CODES = list(STATES)
DRUG_BY_NAME = {d[1]: d for d in DRUGS}
MODELS_BY_KIND: dict[str, list[str]] = {}
for _m in DEVICE_MODELS:
    MODELS_BY_KIND.setdefault(_m["kind"], []).append(_m["model_id"])


def cents(x: float) -> float:
    return round(x + 1e-9, 2)


def iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def weekdays(start: date, end: date) -> list[date]:
    out = []
    d = start
    while d <= end:
        if d.weekday() < 5:
            out.append(d)
        d += timedelta(days=1)
    return out


def slots_start(slots: list[Row], slot_id: str) -> str:
    for s in slots:
        if s["slot_id"] == slot_id:
            return str(s["start_at"])
    raise KeyError(slot_id)


class Ids:
    """Sequential ids per prefix, e.g. ``A-60001``."""

    def __init__(self) -> None:
        self.counters: dict[str, int] = {}

    def next(self, prefix: str, start: int) -> str:
        value = self.counters.get(prefix, start)
        self.counters[prefix] = value + 1
        return f"{prefix}{value}"


@dataclass
class Clinic:
    """The one random stream, the tables, and the rows a later step reads again."""

    rng: random.Random = field(default_factory=lambda: random.Random(SEED))
    ids: Ids = field(default_factory=Ids)
    tables: dict[str, list[Row]] = field(default_factory=dict)
    used_names: list[tuple[str, str]] = field(default_factory=list)
    # catalogue
    device_suppliers: list[tuple[str, str, str]] = field(default_factory=list)
    pharmacies: list[Row] = field(default_factory=list)
    local_pharmacies: dict[str, list[Row]] = field(default_factory=dict)
    severe_pairs: list[tuple[str, str]] = field(default_factory=list)
    stock: list[Row] = field(default_factory=list)
    stock_index: dict[tuple[str, str], Row] = field(default_factory=dict)
    # providers
    providers: list[Row] = field(default_factory=list)
    licenses: list[Row] = field(default_factory=list)
    provider_specialty: dict[str, str] = field(default_factory=dict)
    slots: list[Row] = field(default_factory=list)
    future_slots: dict[str, list[Row]] = field(default_factory=dict)
    # patients and their care
    patients: list[Row] = field(default_factory=list)
    patient_conditions: dict[str, list[str]] = field(default_factory=dict)
    records: list[Row] = field(default_factory=list)
    invoices: list[Row] = field(default_factory=list)
    plan_by_id: dict[str, Row] = field(default_factory=dict)

    def person(self, pool_index: int | None = None) -> tuple[str, str, str, int]:
        """A new (first, last, sex, name pool) whose full name nobody has yet."""
        rng = self.rng
        while True:
            idx = rng.randrange(len(NAME_POOLS)) if pool_index is None else pool_index
            female, male, last = NAME_POOLS[idx]
            sex = rng.choice(["F", "M"])
            first = rng.choice(female if sex == "F" else male)
            surname = rng.choice(last)
            if (first, surname) not in self.used_names:
                self.used_names.append((first, surname))
                return first, surname, sex, idx

    def licensed(self, provider_id: str, state: str, on: date) -> bool:
        return any(
            lic["provider_id"] == provider_id
            and lic["state"] == state
            and lic["expires_on"] >= on.isoformat()
            for lic in self.licenses
        )

    def pick_provider(self, specialty: str, state: str, on: date) -> Row | None:
        """A provider of ``specialty`` (else family medicine) licensed in ``state``."""
        cands = [
            p
            for p in self.providers
            if p["specialty"] == specialty and self.licensed(p["provider_id"], state, on)
        ]
        if not cands:
            cands = [
                p
                for p in self.providers
                if p["specialty"] == "family medicine"
                and self.licensed(p["provider_id"], state, on)
            ]
        return self.rng.choice(cands) if cands else None
