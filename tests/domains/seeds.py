"""The seed rows of a domain, indexed for finding a situation by its properties.

Shared by each domain's tool and policy tests, so that the two files look the same
scenarios up the same way (never by hard-coded ids: the tests keep working when the
generator changes).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import timedelta
from functools import cache
from typing import Any

from tautrait.domain.environment import Environment
from tautrait.domain.loader import load_domain
from tests.domains.calls import rows
from tests.domains.grading import signed_in

Row = dict[str, Any]


def first(values: Iterable[Any], what: str) -> Any:
    """The first of ``values``; fails the test when the seed data has none."""
    for value in values:
        return value
    raise AssertionError(f"the seed data has no {what}")


# ----------------------------------------------------------------------------- airline


def airline_env() -> Environment:
    """A fresh airline episode with every account holder verified (authentication is
    tested in test_airline_policy.py)."""
    return signed_in(load_domain("airline"), "users", "user_id")


class AirlineSeed:
    """The airline seed rows, indexed, for finding a reservation, account or flight."""

    def __init__(self) -> None:
        self.now = load_domain("airline").spec.now
        self.today = self.now.date()
        env = airline_env()
        self.users = {u["user_id"]: u for u in rows(env, "users")}
        self.flights = {f["flight_id"]: f for f in rows(env, "flights")}
        self.reservations = {r["reservation_id"]: r for r in rows(env, "reservations")}
        self.methods: dict[str, list[Row]] = defaultdict(list)
        for m in sorted(rows(env, "payment_methods"), key=lambda m: m["payment_id"]):
            self.methods[m["user_id"]].append(m)
        self.segments: dict[str, list[Row]] = defaultdict(list)
        for s in sorted(rows(env, "segments"), key=lambda s: s["position"]):
            self.segments[s["reservation_id"]].append(s)
        self.passengers: dict[str, list[Row]] = defaultdict(list)
        for p in sorted(rows(env, "passengers"), key=lambda p: p["position"]):
            self.passengers[p["reservation_id"]].append(p)
        self.compensated = {
            (c["reservation_id"], c["flight_id"]) for c in rows(env, "compensations")
        }
        env.close()

    def flights_of(self, res: Row) -> list[Row]:
        return [self.flights[s["flight_id"]] for s in self.segments[res["reservation_id"]]]

    def departed(self, f: Row) -> bool:
        dep = f["departure"] + timedelta(minutes=f["delay_minutes"])
        return f["status"] != "cancelled" and (f["status"] == "landed" or dep <= self.now)

    def open(self, res: Row) -> bool:
        """Active, nothing departed or cancelled, first flight more than a day away."""
        fl = self.flights_of(res)
        return (
            res["status"] == "active"
            and all(f["status"] == "scheduled" for f in fl)
            and fl[0]["departure"] > self.now + timedelta(days=1)
        )

    def pax(self, res: Row) -> int:
        return len(self.passengers[res["reservation_id"]])

    def tier(self, res: Row) -> str:
        return str(self.users[res["user_id"]]["tier"])

    def card(self, user_id: str, valid: bool = True) -> Row | None:
        for m in self.methods[user_id]:
            if (
                m["kind"] in ("credit_card", "debit_card")
                and (m["expires_on"] >= self.today) == valid
            ):
                return m
        return None

    def find(self, pred: Callable[[Row], bool]) -> Row:
        for rid in sorted(self.reservations):
            if pred(self.reservations[rid]):
                return self.reservations[rid]
        raise LookupError("no reservation in the seed data matches")

    def find_user(self, pred: Callable[[Row], bool]) -> Row:
        for uid in sorted(self.users):
            if pred(self.users[uid]):
                return self.users[uid]
        raise LookupError("no user in the seed data matches")

    def scheduled(self, pred: Callable[[Row], bool]) -> Row:
        """The earliest scheduled flight more than two days ahead that ``pred`` accepts."""
        found = [
            f
            for f in self.flights.values()
            if f["status"] == "scheduled"
            and f["departure"] > self.now + timedelta(days=2)
            and pred(f)
        ]
        return min(found, key=lambda f: (f["departure"], f["flight_number"]))

    def bookable(self, origin: str, destination: str, cabin: str, n: int) -> Row:
        """A scheduled nonstop flight some days ahead with seats for ``n``."""
        return self.scheduled_after(
            timedelta(days=3),
            lambda f: (
                f["origin"] == origin
                and f["destination"] == destination
                and f[f"seats_{cabin}"] >= n
            ),
        )

    def scheduled_after(self, ahead: timedelta, pred: Callable[[Row], bool]) -> Row:
        found = [
            f
            for f in self.flights.values()
            if f["status"] == "scheduled" and f["departure"] > self.now + ahead and pred(f)
        ]
        return min(found, key=lambda f: (f["departure"], f["flight_number"]))


def flight_ref(f: Row) -> Row:
    """How a tool names a flight: its number and date."""
    return {"flight_number": f["flight_number"], "date": f["flight_date"].isoformat()}


def person(user: Row) -> Row:
    """A passenger record for an account holder."""
    return {
        "first_name": user["first_name"],
        "last_name": user["last_name"],
        "date_of_birth": user["date_of_birth"].isoformat(),
    }


# ----------------------------------------------------------------------------- retail


class RetailSeed:
    """The retail seed tables (read from the committed data files), indexed."""

    def __init__(self) -> None:
        domain = load_domain("retail")
        data = domain.path / "data"

        def load(name: str) -> list[Row]:
            found: list[Row] = json.loads((data / f"{name}.json").read_text(encoding="utf-8"))
            return found

        self.today = domain.spec.now.date()
        self.users = {u["user_id"]: u for u in load("users")}
        self.orders = sorted(load("orders"), key=lambda o: o["order_id"])
        self.items: dict[str, list[Row]] = {}
        for item in load("order_items"):
            self.items.setdefault(item["order_id"], []).append(item)
        self.shipments = {s["order_id"]: s for s in load("shipments")}
        self.methods = {m["payment_method_id"]: m for m in load("payment_methods")}
        self.products = {p["product_id"]: p for p in load("products")}
        self.variants = {v["variant_id"]: v for v in load("variants")}
        self.returns = load("return_requests")
        self.credits = {c["order_id"]: c for c in load("goodwill_credits")}


@cache
def retail_seed() -> RetailSeed:
    return RetailSeed()
