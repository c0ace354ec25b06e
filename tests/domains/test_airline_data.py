"""The Larkline Air seed data: big and varied enough (tests/domains/test_generators.py
checks that its generator reproduces it)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime
from typing import Any

from tautrait.domains.airline import rules

from tautrait.domain.loader import load_domain

DOMAIN = load_domain("airline")
DATA = DOMAIN.path / "data"
TASKS = DOMAIN.path.parent.parent / "tasks" / "airline"
NOW = DOMAIN.spec.now


def load(table: str) -> list[dict[str, Any]]:
    data = json.loads((DATA / f"{table}.json").read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


def test_every_table_has_a_file_with_uniform_sorted_rows() -> None:
    assert {p.stem for p in DATA.glob("*.json")} == set(DOMAIN.spec.metadata.tables)
    for path in sorted(DATA.glob("*.json")):
        text = path.read_text(encoding="utf-8")
        assert text.endswith("]\n")
        rows = json.loads(text)
        keys = list(rows[0])
        assert keys == sorted(keys), path.name
        assert all(list(row) == keys for row in rows), f"{path.name}: rows differ in keys"


def test_users_minimums_and_variety() -> None:
    users = load("users")
    assert len(users) >= 500
    tiers = Counter(u["tier"] for u in users)
    assert set(tiers) == {"none", "silver", "gold", "platinum"}
    assert len({u["last_name"] for u in users}) >= 100
    assert len({u["email"] for u in users}) == len(users)
    methods = load("payment_methods")
    kinds = Counter(m["kind"] for m in methods)
    assert {"credit_card", "debit_card", "gift_card", "travel_certificate"} <= set(kinds)
    owners = {m["user_id"] for m in methods}
    assert owners == {u["user_id"] for u in users}, "every account has a saved payment method"
    certs = [m for m in methods if m["kind"] == "travel_certificate"]
    assert any(c["expires_on"] < NOW.date().isoformat() for c in certs)
    assert any(c["expires_on"] >= NOW.date().isoformat() for c in certs)


def test_flights_minimums_and_variety() -> None:
    flights = load("flights")
    airports = load("airports")
    assert len(flights) >= 300
    assert len({f["flight_date"] for f in flights}) >= 30
    assert len(airports) >= 15
    routes = {(f["origin"], f["destination"]) for f in flights}
    assert len({a for r in routes for a in r}) >= 15
    statuses = Counter(f["status"] for f in flights)
    assert set(statuses) == {"scheduled", "delayed", "cancelled", "landed"}
    for f in flights:
        dep, arr = datetime.fromisoformat(f["departure"]), datetime.fromisoformat(f["arrival"])
        assert dep < arr and dep.date() == date.fromisoformat(f["flight_date"])
        assert f["price_basic_economy"] < f["price_economy"] < f["price_business"]
        assert round(f["price_economy"], 2) == f["price_economy"]
        if f["status"] == "landed":
            assert dep < NOW
        if f["status"] == "scheduled":
            assert dep > NOW
    assert any(not float(f["price_economy"]).is_integer() for f in flights)


def test_reservations_minimums_and_consistency() -> None:
    reservations = load("reservations")
    assert len(reservations) >= 2000
    assert set(Counter(r["cabin"] for r in reservations)) == {
        "basic_economy",
        "economy",
        "business",
    }
    assert set(Counter(r["status"] for r in reservations)) == {"active", "cancelled"}
    assert set(Counter(r["trip_type"] for r in reservations)) == {"one_way", "round_trip"}
    assert any(r["insurance"] for r in reservations) and not all(
        r["insurance"] for r in reservations
    )
    ids = {r["reservation_id"] for r in reservations}
    passengers = Counter(p["reservation_id"] for p in load("passengers"))
    segments = Counter(s["reservation_id"] for s in load("segments"))
    payments = Counter(p["reservation_id"] for p in load("payments"))
    assert set(passengers) == ids and set(segments) == ids
    assert max(passengers.values()) <= 6
    assert len(set(payments)) >= 0.95 * len(ids)
    assert all(r["created_at"] < NOW.isoformat() for r in reservations)


def test_task_splits_sizes_and_write_mix() -> None:
    writes = {name for name, spec in DOMAIN.tools.items() if spec.writes}
    ids: set[str] = set()
    for split, minimum in (("test", 50), ("dev", 12)):
        tasks = json.loads((TASKS / f"{split}.json").read_text(encoding="utf-8"))
        assert len(tasks) >= minimum
        multi = 0
        for task in tasks:
            assert task["id"] not in ids
            ids.add(task["id"])
            n_writes = sum(a["name"] in writes for a in task["gold_actions"])
            multi += n_writes >= 2
            if n_writes == 0:
                assert task["required_outputs"], f"{task['id']}: read-only without an output"
            for action in task["gold_actions"]:
                DOMAIN.tools[action["name"]].validate(action["kwargs"])
        assert multi >= 0.35 * len(tasks), f"{split}: only {multi} tasks with >= 2 writes"


def test_policy_quotes_the_domain_time_and_the_rule_constants() -> None:
    policy = DOMAIN.policy
    assert NOW.strftime("%Y-%m-%d %H:%M") in policy
    for amount in (
        rules.INSURANCE_PER_PASSENGER,
        rules.EXTRA_BAG_FEE,
        rules.CERTIFICATE_CANCEL_FEE,
        rules.CHANGE_FEE,
        rules.COMPENSATION_CANCELLED,
        rules.COMPENSATION_DELAYED,
    ):
        assert f"{amount:.2f}" in policy
    assert f"1 to {rules.MAX_PASSENGERS} passengers" in policy
    assert f"{rules.MAX_BAGS_PER_PASSENGER} checked bags per passenger" in policy
    assert f"{rules.COMPENSATION_MIN_DELAY_MINUTES} minutes" in policy
    table = {}
    for line in policy.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] in rules.FREE_BAGS:
            table[cells[0]] = dict(zip(rules.TIERS, (int(c) for c in cells[1:]), strict=True))
    assert table == rules.FREE_BAGS
