"""The telehealth generator's providers step (``generate.py`` runs the steps in order)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from ..rules import NOW
from .state import STATE_CODES, TODAY, Clinic, cents, iso, weekdays
from .world import POOL_LANGUAGE, SPECIALTIES, Row


def make_providers(clinic: Clinic) -> None:
    """Providers, their state licences and their open future slots."""
    rng, ids, tables = clinic.rng, clinic.ids, clinic.tables
    # ---- providers and licences
    providers: list[Row] = []
    licenses: list[Row] = []
    provider_specialty: dict[str, str] = {}
    pid = 3101
    for specialty, count, (lo, hi) in SPECIALTIES:
        group = []
        for _ in range(count):
            first, last, _sex, idx = clinic.person()
            langs = ["English"]
            if (lang := POOL_LANGUAGE[idx]) and rng.random() < 0.6:
                langs.append(lang)
            fee = cents(rng.randint(lo, hi) + rng.choice([0, 0.25, 0.5, 0.75, 0.4, 0.9]))
            cred = rng.choice(
                ["MD", "MD", "DO", "NP", "PA"]
                if specialty == "family medicine"
                else ["MD", "MD", "DO", "NP"]
            )
            row: Row = {
                "provider_id": f"DR-{pid}",
                "first_name": first,
                "last_name": last,
                "credential": cred,
                "specialty": specialty,
                "visit_fee": fee,
                "languages": langs,
            }
            pid += rng.randint(1, 9)
            providers.append(row)
            group.append(row)
            provider_specialty[row["provider_id"]] = specialty
        # every state covered by someone in the specialty, plus extra states
        states = STATE_CODES[:]
        rng.shuffle(states)
        assigned: dict[str, list[str]] = {p["provider_id"]: [] for p in group}
        for k, st in enumerate(states):
            assigned[group[k % len(group)]["provider_id"]].append(st)
        for p in group:
            for st in STATE_CODES:
                if st not in assigned[p["provider_id"]] and rng.random() < 0.25:
                    assigned[p["provider_id"]].append(st)
            for st in sorted(assigned[p["provider_id"]], key=STATE_CODES.index):
                roll = rng.random()
                if roll < 0.07:
                    expires = TODAY + timedelta(days=rng.randint(3, 12))  # lapses soon
                elif roll < 0.11:
                    expires = TODAY - timedelta(days=rng.randint(10, 90))  # lapsed
                else:
                    expires = date(rng.choice([2027, 2027, 2028]), rng.randint(1, 12), 28)
                licenses.append(
                    {
                        "license_id": ids.next("LIC-", 4001),
                        "provider_id": p["provider_id"],
                        "state": st,
                        "license_number": f"{st}{rng.randint(100000, 999999)}",
                        "expires_on": iso(expires),
                    }
                )
    tables["providers"] = providers
    tables["provider_licenses"] = licenses

    # ---- schedules: future open slots (today after NOW through 17 days out)
    slots: list[Row] = []
    future_slots: dict[str, list[Row]] = {}
    days = weekdays(TODAY, TODAY + timedelta(days=17))
    for p in providers:
        workdays = sorted(rng.sample(range(5), 3))
        block_start = rng.choice([8, 9, 10, 13, 14])
        future_slots[p["provider_id"]] = []
        for day in days:
            if day.weekday() not in workdays:
                continue
            for k in range(6):
                start = datetime.combine(day, time(block_start)) + timedelta(minutes=30 * k)
                if start <= NOW:
                    continue
                row = {
                    "slot_id": ids.next("S-", 250001),
                    "provider_id": p["provider_id"],
                    "start_at": iso(start),
                    "duration_min": 30,
                    "status": "blocked" if rng.random() < 0.05 else "open",
                }
                slots.append(row)
                future_slots[p["provider_id"]].append(row)
    clinic.future_slots = future_slots
    clinic.provider_specialty = provider_specialty
    clinic.providers = providers
    clinic.slots = slots
    clinic.licenses = licenses
