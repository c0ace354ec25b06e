"""Build ``tasks/airline/{test,dev}.json`` from the scenarios below and the committed data.

Usage (from the repository root)::

    PYTHONPATH=src python domains/airline/build_tasks.py

Every scenario is written by hand; this script only picks the accounts, reservations and
flights each scenario needs from ``data/`` (first match in a fixed order, never reusing an
account), fills their identifiers into the text, and replays the gold actions on a fresh
environment to read the amounts the agent must state. It fails loudly if a gold action is
refused, so the task files always match the data.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
NOW = datetime(2026, 5, 14, 6, 0)
TODAY = NOW.date()

Row = dict[str, Any]


def _load_rules() -> Any:
    spec = importlib.util.spec_from_file_location("larkline_rules", HERE / "rules.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RULES = _load_rules()


def money(x: float) -> str:
    return f"{x:.2f}"


def hm(value: datetime) -> str:
    return value.strftime("%H:%M")


def long_date(day: date | str) -> str:
    d = date.fromisoformat(day) if isinstance(day, str) else day
    return f"{d.strftime('%A')} {d.day} {d.strftime('%B')} ({d.isoformat()})"


class World:
    """The seed data, indexed for picking scenarios."""

    def __init__(self, data_dir: Path) -> None:
        def load(name: str) -> list[Row]:
            return json.loads((data_dir / f"{name}.json").read_text(encoding="utf-8"))

        self.airports = {a["code"]: a for a in load("airports")}
        self.users = {u["user_id"]: u for u in load("users")}
        self.flights = {f["flight_id"]: f for f in load("flights")}
        self.reservations = {r["reservation_id"]: r for r in load("reservations")}
        self.segs: dict[str, list[Row]] = defaultdict(list)
        for s in load("segments"):
            self.segs[s["reservation_id"]].append(s)
        for segs in self.segs.values():
            segs.sort(key=lambda s: s["position"])
        self.pax: dict[str, list[Row]] = defaultdict(list)
        for p in load("passengers"):
            self.pax[p["reservation_id"]].append(p)
        for pax in self.pax.values():
            pax.sort(key=lambda p: p["position"])
        self.methods: dict[str, list[Row]] = defaultdict(list)
        for m in load("payment_methods"):
            self.methods[m["user_id"]].append(m)
        for ms in self.methods.values():
            ms.sort(key=lambda m: m["payment_id"])
        self.pays: dict[str, list[Row]] = defaultdict(list)
        for p in load("payments"):
            self.pays[p["reservation_id"]].append(p)
        self.compensated = {(c["reservation_id"], c["flight_id"]) for c in load("compensations")}
        self.compensations = load("compensations")
        self.res_by_user: dict[str, list[Row]] = defaultdict(list)
        for r in sorted(self.reservations.values(), key=lambda r: r["created_at"]):
            self.res_by_user[r["user_id"]].append(r)
        self.used_users: set[str] = set()
        self.used_names: set[tuple[str, str]] = set()

    # -- basic facts
    def city(self, code: str) -> str:
        return self.airports[code]["city"]

    def user_of(self, res: Row) -> Row:
        return self.users[res["user_id"]]

    def flights_of(self, res: Row) -> list[Row]:
        return [self.flights[s["flight_id"]] for s in self.segs[res["reservation_id"]]]

    @staticmethod
    def dep(f: Row) -> datetime:
        return datetime.fromisoformat(f["departure"]) + timedelta(minutes=f["delay_minutes"])

    @staticmethod
    def arr(f: Row) -> datetime:
        return datetime.fromisoformat(f["arrival"]) + timedelta(minutes=f["delay_minutes"])

    def departed(self, f: Row) -> bool:
        return f["status"] != "cancelled" and (f["status"] == "landed" or self.dep(f) <= NOW)

    def hours_since_booking(self, res: Row) -> float:
        return (NOW - datetime.fromisoformat(res["created_at"])).total_seconds() / 3600

    def modifiable(self, res: Row) -> bool:
        """Active, nothing departed, every flight operating."""
        fl = self.flights_of(res)
        return (
            res["status"] == "active"
            and not any(self.departed(f) for f in fl)
            and all(f["status"] != "cancelled" for f in fl)
            and self.dep(fl[0]) - NOW > timedelta(hours=3)
        )

    def n_pax(self, res: Row) -> int:
        return len(self.pax[res["reservation_id"]])

    def free_bags(self, res: Row, cabin: str | None = None) -> int:
        """The free checked bags of a whole reservation (optionally in another cabin)."""
        tier = self.user_of(res)["tier"]
        per = RULES.free_bags_per_passenger(cabin or res["cabin"], tier)
        return int(per * self.n_pax(res))

    def cards(self, user: Row, valid: bool = True) -> list[Row]:
        return [
            m
            for m in self.methods[user["user_id"]]
            if m["kind"] in ("credit_card", "debit_card")
            and (m["expires_on"] >= TODAY.isoformat()) == valid
        ]

    def gift_cards(self, user: Row) -> list[Row]:
        return [m for m in self.methods[user["user_id"]] if m["kind"] == "gift_card"]

    def certificates(self, user: Row, valid: bool = True) -> list[Row]:
        return [
            m
            for m in self.methods[user["user_id"]]
            if m["kind"] == "travel_certificate"
            and (m["expires_on"] >= TODAY.isoformat() and m["balance"] > 0) == valid
        ]

    @staticmethod
    def card_words(m: Row) -> str:
        brand = {"visa": "Visa", "mastercard": "Mastercard", "amex": "Amex", "discover": "Discover"}
        kind = "credit card" if m["kind"] == "credit_card" else "debit card"
        return f"{brand[m['brand']]} {kind} ending in {m['last_four']}"

    def search(self, origin: str, dest: str, day: date | str) -> list[Row]:
        d = day.isoformat() if isinstance(day, date) else day
        found = [
            f
            for f in self.flights.values()
            if f["origin"] == origin and f["destination"] == dest and f["flight_date"] == d
        ]
        return sorted(found, key=lambda f: (f["departure"], f["flight_number"]))

    def bookable(self, f: Row, cabin: str, n: int) -> bool:
        return (
            f["status"] in ("scheduled", "delayed")
            and self.dep(f) - NOW >= timedelta(hours=2)
            and f[f"seats_{cabin}"] >= n
        )

    def onestop(self, origin: str, dest: str, day: date | str) -> list[list[Row]]:
        out = []
        for f in self.search_from(origin, day):
            if f["destination"] == dest or f["status"] == "cancelled":
                continue
            for g in self.search_from(f["destination"], day):
                gap = datetime.fromisoformat(g["departure"]) - datetime.fromisoformat(f["arrival"])
                if (
                    g["destination"] == dest
                    and g["status"] != "cancelled"
                    and timedelta(minutes=45) <= gap <= timedelta(hours=6)
                ):
                    out.append([f, g])
        return out

    def search_from(self, origin: str, day: date | str) -> list[Row]:
        d = day.isoformat() if isinstance(day, date) else day
        found = [
            f for f in self.flights.values() if f["origin"] == origin and f["flight_date"] == d
        ]
        return sorted(found, key=lambda f: (f["departure"], f["flight_number"]))

    def first_bookable(self, flights: list[Row], cabin: str, n: int) -> Row | None:
        """The first flight of the list, if it can be booked (else None: ambiguous)."""
        return flights[0] if flights and self.bookable(flights[0], cabin, n) else None

    # -- picking
    def free(self, user: Row) -> bool:
        """Not used by another task yet (neither the account nor the person's name)."""
        name = (user["first_name"], user["last_name"])
        return user["user_id"] not in self.used_users and name not in self.used_names

    def claim(self, user: Row) -> None:
        self.used_users.add(user["user_id"])
        self.used_names.add((user["first_name"], user["last_name"]))

    def pick_reservation(self, pred: Callable[[Row], bool]) -> Row:
        for rid in sorted(self.reservations):
            res = self.reservations[rid]
            if self.free(self.user_of(res)) and pred(res):
                self.claim(self.user_of(res))
                return res
        raise LookupError("no reservation matches")

    def pick_user(self, pred: Callable[[Row], bool]) -> Row:
        for uid in sorted(self.users):
            user = self.users[uid]
            if self.free(user) and pred(user):
                self.claim(user)
                return user
        raise LookupError("no user matches")


# ----------------------------------------------------------------------------- actions


def act(name: str, **kwargs: Any) -> Row:
    return {"name": name, "kwargs": kwargs}


def auth(user: Row, by: str = "email") -> Row:
    ident = user["email"] if by == "email" else user["user_id"]
    return act("authenticate_customer", identifier=ident, date_of_birth=user["date_of_birth"])


def user_details(user: Row) -> Row:
    return act("get_user_details", user_id=user["user_id"])


def res_details(res: Row | str) -> Row:
    rid = res if isinstance(res, str) else res["reservation_id"]
    return act("get_reservation_details", reservation_id=rid)


def ref(f: Row) -> Row:
    return {"flight_number": f["flight_number"], "date": f["flight_date"]}


def pax_of(people: list[Row]) -> list[Row]:
    return [
        {
            "first_name": p["first_name"],
            "last_name": p["last_name"],
            "date_of_birth": p["date_of_birth"],
        }
        for p in people
    ]


WRITE_TOOLS = {
    "book_reservation",
    "cancel_reservation",
    "change_flights",
    "change_cabin",
    "update_checked_bags",
    "update_passengers",
    "add_travel_insurance",
    "issue_compensation_certificate",
}


class Replayer:
    """Runs gold actions on a fresh environment and returns their parsed results."""

    def __init__(self) -> None:
        sys.path.insert(0, str(ROOT / "src"))
        from tautrait.domain.environment import Environment
        from tautrait.domain.loader import load_domain_from

        self._env_cls = Environment
        self.domain = load_domain_from(HERE)

    def run(self, actions: list[Row]) -> list[Any]:
        env = self._env_cls(self.domain)
        results = []
        try:
            for a in actions:
                r = env.execute(a["name"], a["kwargs"])
                if r.outcome != "ok":
                    raise RuntimeError(f"gold action {a['name']} {a['kwargs']} failed: {r.content}")
                results.append(json.loads(r.content))
        finally:
            env.close()
        return results

    def refused(self, actions: list[Row], attempt: Row) -> str:
        """Replay ``actions`` then check that ``attempt`` is refused by a rule; return the
        message. Every account holder counts as verified here, so that the refusal checked
        is the rule's, never the missing authentication's."""
        env = self._env_cls(self.domain)
        for user_id in self._user_ids(env):
            env.auth.grant(user_id)
        try:
            for a in actions:
                r = env.execute(a["name"], a["kwargs"])
                if r.outcome != "ok":
                    raise RuntimeError(f"gold action {a['name']} failed: {r.content}")
            r = env.execute(attempt["name"], attempt["kwargs"])
        finally:
            env.close()
        if r.outcome != "error":
            raise RuntimeError(f"expected {attempt['name']} to be refused, got {r.outcome}")
        return r.content

    @staticmethod
    def _user_ids(env: Any) -> list[str]:
        with env.engine.connect() as conn:
            return [row[0] for row in conn.exec_driver_sql("SELECT user_id FROM users")]


@dataclass
class Spec:
    persona: str
    goal: str
    known_info: str
    withheld: str
    gold: list[Row]
    outputs: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    order_stated: bool = False
    """The goal dictates the order of writes whose final state depends on it."""


@dataclass
class Ctx:
    w: World
    rp: Replayer


Builder = Callable[[Ctx], Spec]
REGISTRY: dict[str, list[tuple[str, Builder]]] = {"test": [], "dev": []}


def task(split: str, task_id: str) -> Callable[[Builder], Builder]:
    def register(fn: Builder) -> Builder:
        REGISTRY[split].append((task_id, fn))
        return fn

    return register


# ============================================================================= test split


@task("test", "airline-001")
def flight_status_pickup(c: Ctx) -> Spec:
    w = c.w
    delayed = sorted(
        (
            f
            for f in w.flights.values()
            if f["status"] == "delayed" and f["flight_date"] == TODAY.isoformat()
        ),
        key=lambda f: (-f["delay_minutes"], f["flight_number"]),
    )
    f = delayed[0]
    return Spec(
        persona=(
            "You are Farah, picking up your younger brother at the airport in "
            f"{w.city(f['destination'])} tonight. You are practical and a little hurried, "
            "typing on your phone between errands."
        ),
        goal=(
            f"Find out what time flight {f['flight_number']} (today, {f['flight_date']}) from "
            f"{w.city(f['origin'])} is now expected to land, so you know when to leave the "
            "house. You are not the passenger and have no booking details; you only want the "
            "flight information. Once you have the expected arrival time, thank the agent and "
            "end the conversation."
        ),
        known_info=(
            f"The flight number is {f['flight_number']} and it flies today, {f['flight_date']}."
        ),
        withheld="You do not know your brother's reservation code or account details.",
        gold=[act("get_flight_status", flight_number=f["flight_number"], date=f["flight_date"])],
        outputs=[hm(w.arr(f))],
        tags=["flight-status", "read-only", "no-auth", "easy"],
    )


@task("test", "airline-002")
def gift_card_balance(c: Ctx) -> Spec:
    w = c.w
    user = w.pick_user(
        lambda u: (
            len(w.gift_cards(u)) == 1
            and not float(w.gift_cards(u)[0]["balance"]).is_integer()
            and u["tier"] == "none"
        )
    )
    gc = w.gift_cards(user)[0]
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, who received a Larkline gift "
            "card as a birthday present and has never used the airline's website. You are "
            "polite and slightly unsure of yourself."
        ),
        goal=(
            "Find out how much money is left on your Larkline gift card before you plan a "
            "trip. You do not want to book anything today. When the agent tells you the "
            "balance, repeat it back to check you heard right, then say goodbye."
        ),
        known_info=(
            f"Your email is {user['email']} and your date of birth is {user['date_of_birth']}."
        ),
        withheld="You do not know your member number; give your email when asked to identify.",
        gold=[auth(user), user_details(user)],
        outputs=[money(gc["balance"])],
        tags=["account", "read-only", "easy"],
    )


@task("test", "airline-003")
def certificate_expiry(c: Ctx) -> Spec:
    w = c.w
    user = w.pick_user(
        lambda u: (
            len(w.certificates(u)) == 1
            and len(w.certificates(u, valid=False)) >= 1
            and not w.gift_cards(u)
        )
    )
    cert = w.certificates(user)[0]
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, an organised person who keeps "
            "a spreadsheet of every voucher you own. You speak in short, precise sentences."
        ),
        goal=(
            "You remember Larkline gave you some travel certificates over the past year. Ask "
            "which of them can still be used, how much is left on it and on what date it "
            "expires. You are only collecting information for your spreadsheet; do not book "
            "or change anything."
        ),
        known_info=(
            f"Your member number is {user['user_id']}; your date of birth is "
            f"{user['date_of_birth']}."
        ),
        withheld="",
        gold=[auth(user, by="id"), user_details(user)],
        outputs=[cert["payment_id"], money(cert["balance"]), cert["expires_on"]],
        tags=["account", "certificates", "read-only"],
    )


@task("test", "airline-004")
def cheapest_direct_fare(c: Ctx) -> Spec:
    w = c.w
    day = (TODAY + timedelta(days=8)).isoformat()
    options = [f for f in w.search("PAV", "BLH", day) if w.bookable(f, "economy", 1)]
    best = min(options, key=lambda f: (f["price_economy"], f["departure"]))
    return Spec(
        persona=(
            "You are Tomasz, a freelance photographer comparing travel costs for a client "
            "quote. You are friendly but want numbers, not sales talk."
        ),
        goal=(
            f"Ask for the cheapest nonstop economy fare from Port Averne to Bellhaven on "
            f"{day}, for one adult, and which flight it is. You are only gathering a price "
            "for a quote: do not book, and decline politely if the agent offers to book."
        ),
        known_info=f"Route: Port Averne to Bellhaven, one adult, economy, on {day}.",
        withheld="You do not want to share any account details; you are not booking today.",
        gold=[act("search_direct_flights", origin="PAV", destination="BLH", date=day)],
        outputs=[money(best["price_economy"]), best["flight_number"]],
        tags=["search", "read-only", "no-auth", "easy"],
    )


@task("test", "airline-005")
def expense_report_total(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        pays = w.pays[r["reservation_id"]]
        return (
            r["status"] == "active"
            and len(pays) == 2
            and {p["purpose"] for p in pays} == {"booking", "baggage"}
            and all(w.departed(f) for f in w.flights_of(r))
            and w.user_of(r)["tier"] in ("gold", "platinum")
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    total = sum(p["amount"] for p in w.pays[res["reservation_id"]])
    fl = w.flights_of(res)
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, a consultant filing an "
            "expense report late on a Friday. You are courteous but want to finish quickly."
        ),
        goal=(
            f"For your expense report, find out the total amount you were charged for your "
            f"trip from {w.city(res['origin'])} to {w.city(res['destination'])} that started "
            f"on {fl[0]['flight_date']} (reservation {res['reservation_id']}), including the "
            "extra bag you added later. You need one total figure. Do not change anything."
        ),
        known_info=(
            f"Member number {user['user_id']}, date of birth {user['date_of_birth']}, "
            f"reservation code {res['reservation_id']}."
        ),
        withheld="",
        gold=[auth(user, by="id"), res_details(res)],
        outputs=[money(total)],
        tags=["payments", "read-only"],
    )


@task("test", "airline-006")
def delay_under_threshold(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        fl = w.flights_of(r)
        return (
            r["status"] == "active"
            and len(fl) == 1
            and fl[0]["status"] == "landed"
            and 90 <= fl[0]["delay_minutes"] < 180
            and w.user_of(r)["tier"] == "silver"
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    f = w.flights_of(res)[0]
    attempt = act(
        "issue_compensation_certificate",
        reservation_id=res["reservation_id"],
        flight_number=f["flight_number"],
        date=f["flight_date"],
    )
    c.rp.refused([], attempt)
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, a silver Skylark Club member "
            "who missed a dinner because of a late flight. You are irritated but stay civil."
        ),
        goal=(
            f"Your flight {f['flight_number']} on {f['flight_date']} from "
            f"{w.city(f['origin'])} to {w.city(f['destination'])} was late. Ask for "
            "compensation. If the agent explains you do not qualify, ask at what time the "
            "flight actually landed (you want it for a complaint to your restaurant). Accept "
            "the answer and end the call; do not ask for anything else."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservation "
            f"{res['reservation_id']}."
        ),
        withheld="You do not remember exactly how late the flight was.",
        gold=[auth(user), res_details(res)],
        outputs=[hm(w.arr(f))],
        tags=["compensation", "refusal", "read-only"],
    )


@task("test", "airline-007")
def book_cheapest_afternoon(c: Ctx) -> Spec:
    w = c.w
    day = (TODAY + timedelta(days=11)).isoformat()
    user = w.pick_user(
        lambda u: u["tier"] == "silver" and len(w.cards(u)) == 2 and not w.gift_cards(u)
    )
    options = [
        f
        for f in w.search("KSN", "LDX", day)
        if w.bookable(f, "economy", 1) and f["departure"][11:16] >= "12:00"
    ]
    best = min(options, key=lambda f: f["price_economy"])
    card = w.cards(user)[1]
    me = [
        {
            "first_name": user["first_name"],
            "last_name": user["last_name"],
            "date_of_birth": user["date_of_birth"],
        }
    ]
    book = act(
        "book_reservation",
        user_id=user["user_id"],
        outbound_flights=[ref(best)],
        cabin="economy",
        passengers=me,
        payment_id=card["payment_id"],
    )
    gold = [
        auth(user, by="id"),
        user_details(user),
        act("search_direct_flights", origin="KSN", destination="LDX", date=day),
        book,
    ]
    total = c.rp.run(gold)[-1]["total"]
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, a hospital pharmacist going "
            "to a training day. You are methodical and like to hear the price before agreeing."
        ),
        goal=(
            f"Book a one-way economy ticket for yourself only from Kessington to Lyndale Cross "
            f"on {day}. You cannot leave before noon: you want the cheapest nonstop flight "
            "departing at 12:00 or later. No checked bags, no travel insurance. Pay with your "
            f"{w.card_words(card)}. Confirm once the agent tells you the flight and total."
        ),
        known_info=(
            f"Member number {user['user_id']}, date of birth {user['date_of_birth']}. You "
            "travel alone; your name is on the account."
        ),
        withheld="Only mention the card ending when the agent asks how you want to pay.",
        gold=gold,
        outputs=[money(total)],
        tags=["booking", "search", "single-write"],
    )


@task("test", "airline-008")
def book_business_round_trip_with_certificate(c: Ctx) -> Spec:
    w = c.w
    out_day = (TODAY + timedelta(days=15)).isoformat()
    back_day = (TODAY + timedelta(days=19)).isoformat()

    def ok(u: Row) -> bool:
        certs = w.certificates(u)
        return (
            u["tier"] == "gold"
            and len(certs) == 1
            and certs[0]["balance"] >= 100
            and len(w.cards(u)) == 1
        )

    user = w.pick_user(ok)
    cert = w.certificates(user)[0]
    card = w.cards(user)[0]
    out = w.first_bookable(w.search("PAV", "KSN", out_day), "business", 2)
    back = w.first_bookable(w.search("KSN", "PAV", back_day)[::-1], "business", 2)
    assert out is not None and back is not None
    partner = {"first_name": "Ines", "last_name": user["last_name"], "date_of_birth": "1986-02-17"}
    people = [
        {
            "first_name": user["first_name"],
            "last_name": user["last_name"],
            "date_of_birth": user["date_of_birth"],
        },
        partner,
    ]
    book = act(
        "book_reservation",
        user_id=user["user_id"],
        outbound_flights=[ref(out)],
        return_flights=[ref(back)],
        cabin="business",
        passengers=people,
        payment_id=card["payment_id"],
        certificate_id=cert["payment_id"],
        checked_bags=2,
    )
    gold = [
        auth(user),
        user_details(user),
        act("search_direct_flights", origin="PAV", destination="KSN", date=out_day),
        act("search_direct_flights", origin="KSN", destination="PAV", date=back_day),
        book,
    ]
    result = c.rp.run(gold)[-1]
    on_card = next(ch for ch in result["charges"] if ch["payment_id"] == card["payment_id"])
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, planning an anniversary "
            "weekend in Kessington with your wife Ines. You are warm and chatty, and you like "
            "to double-check details."
        ),
        goal=(
            f"Book a round trip in business class from Port Averne to Kessington for you and "
            f"Ines: leave on {out_day} on the earliest nonstop flight of the day, and come "
            f"back on {back_day} on the last nonstop flight of the day. You each bring one "
            "checked bag (2 in total). No travel insurance. Use your travel certificate "
            f"first and put the rest on your {w.card_words(card)}. Before saying yes, ask how "
            "much will go on the card."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}. Ines "
            f"{user['last_name']}, born 1986-02-17."
        ),
        withheld="You do not know the certificate code; the agent can see it on your account.",
        gold=gold,
        outputs=[money(on_card["amount"])],
        tags=["booking", "round-trip", "certificate", "single-write"],
    )


@task("test", "airline-009")
def cancel_within_24h(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        return (
            w.modifiable(r)
            and w.hours_since_booking(r) < 20
            and not r["insurance"]
            and r["cabin"] == "basic_economy"
            and r["trip_type"] == "round_trip"
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    cancel = act(
        "cancel_reservation",
        reservation_id=res["reservation_id"],
        reason="change of plans",
        refund_to="original_payment",
    )
    gold = [auth(user), res_details(res), cancel]
    refund = c.rp.run(gold)[-1]["refund_total"]
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}. You booked a trip late "
            "yesterday on impulse, slept on it, and changed your mind. You are a bit "
            "embarrassed and apologise a lot."
        ),
        goal=(
            f"Cancel your round trip from {w.city(res['origin'])} to "
            f"{w.city(res['destination'])} (reservation {res['reservation_id']}) and get your "
            "money back. The reason is simply that your plans changed. Ask how much will be "
            "refunded before you confirm."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservation "
            f"{res['reservation_id']}, booked yesterday."
        ),
        withheld="",
        gold=gold,
        outputs=[money(refund)],
        tags=["cancel", "24h-window", "single-write", "easy"],
    )


@task("test", "airline-010")
def cancel_insured_illness(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        return (
            w.modifiable(r)
            and w.hours_since_booking(r) > 72
            and r["insurance"]
            and r["cabin"] == "economy"
            and w.n_pax(r) == 1
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    fl = w.flights_of(res)
    cancel = act(
        "cancel_reservation",
        reservation_id=res["reservation_id"],
        reason="illness or injury",
        refund_to="original_payment",
    )
    gold = [auth(user, by="id"), res_details(res), cancel]
    refund = c.rp.run(gold)[-1]["refund_total"]
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, calling from home with a "
            "broken ankle after a cycling accident. You sound tired and speak slowly."
        ),
        goal=(
            f"You cannot travel on {fl[0]['flight_date']} because you broke your ankle. Cancel "
            f"reservation {res['reservation_id']}. You bought travel insurance when you booked "
            "and expect a full refund. If the agent asks why you cancel, explain the injury. "
            "Confirm once you hear the refund amount."
        ),
        known_info=(
            f"Member number {user['user_id']}, date of birth {user['date_of_birth']}, "
            f"reservation {res['reservation_id']}."
        ),
        withheld="You do not mention the injury until the agent asks for the reason.",
        gold=gold,
        outputs=[money(refund)],
        tags=["cancel", "insurance", "single-write"],
    )


@task("test", "airline-011")
def cancel_airline_cancelled(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        fl = w.flights_of(r)
        return (
            r["status"] == "active"
            and not any(w.departed(f) for f in fl)
            and any(f["status"] == "cancelled" for f in fl)
            and not r["insurance"]
            and w.hours_since_booking(r) > 48
            and w.user_of(r)["tier"] == "none"
            and r["trip_type"] == "round_trip"
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    gone = next(f for f in w.flights_of(res) if f["status"] == "cancelled")
    cancel = act(
        "cancel_reservation",
        reservation_id=res["reservation_id"],
        reason="airline cancelled flight",
        refund_to="original_payment",
    )
    gold = [auth(user), res_details(res), cancel]
    refund = c.rp.run(gold)[-1]["refund_total"]
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, a secondary-school teacher "
            "who just got a text saying your flight was cancelled. You are annoyed and direct."
        ),
        goal=(
            f"Larkline cancelled your flight {gone['flight_number']} on {gone['flight_date']}. "
            "You no longer want to travel at all: cancel the whole reservation and get a full "
            "refund to your original payment. You are not interested in vouchers or "
            "compensation, just your money back. If asked why you cancel, say it is because "
            "Larkline cancelled your flight. Ask for the refund amount."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservation "
            f"{res['reservation_id']}."
        ),
        withheld="",
        gold=gold,
        outputs=[money(refund)],
        tags=["cancel", "airline-cancelled", "single-write"],
    )


@task("test", "airline-012")
def cancel_for_certificate_then_rebook(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        fl = w.flights_of(r)
        return (
            w.modifiable(r)
            and r["cabin"] == "economy"
            and not r["insurance"]
            and w.hours_since_booking(r) > 72
            and r["trip_type"] == "one_way"
            and len(fl) == 1
            and w.n_pax(r) == 1
            and w.user_of(r)["tier"] == "none"
            and len(w.cards(w.user_of(r))) >= 1
            and r["origin"] in ("PAV", "KSN")
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    old = w.flights_of(res)[0]
    card = w.cards(user)[0]
    cancel = act(
        "cancel_reservation",
        reservation_id=res["reservation_id"],
        reason="change of plans",
        refund_to="travel_certificate",
    )
    first = c.rp.run([auth(user), res_details(res), cancel])[-1]
    cert_id = first["certificate"]["certificate_id"]
    value = first["certificate"]["amount"]
    day = (TODAY + timedelta(days=20)).isoformat()
    new_dest, flight = next(
        (code, first)
        for code in sorted(w.airports)
        if code not in (res["origin"], res["destination"])
        for first in [w.first_bookable(w.search(res["origin"], code, day), "economy", 1)]
        if first is not None
    )
    me = [
        {
            "first_name": user["first_name"],
            "last_name": user["last_name"],
            "date_of_birth": user["date_of_birth"],
        }
    ]
    book = act(
        "book_reservation",
        user_id=user["user_id"],
        outbound_flights=[ref(flight)],
        cabin="economy",
        passengers=me,
        payment_id=card["payment_id"],
        certificate_id=cert_id,
    )
    gold = [
        auth(user),
        res_details(res),
        cancel,
        act("search_direct_flights", origin=res["origin"], destination=new_dest, date=day),
        book,
    ]
    c.rp.run(gold)
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, an event planner whose "
            "conference was moved to another city. You are upbeat and flexible, and you think "
            "out loud."
        ),
        goal=(
            f"Your conference in {w.city(old['destination'])} was moved, so you no longer need "
            f"reservation {res['reservation_id']} ({old['flight_number']} on "
            f"{old['flight_date']}). First ask to cancel it and get your money back. If the "
            "agent explains you can only get a travel certificate, accept the certificate "
            "(your reason is a change of plans). Then book a new one-way economy ticket for "
            f"yourself from {w.city(res['origin'])} to {w.city(new_dest)} on {day}, on the "
            "earliest nonstop flight that day, using that new certificate first and your "
            f"{w.card_words(card)} for any remainder. No bags, no insurance."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservation "
            f"{res['reservation_id']}."
        ),
        withheld="",
        gold=gold,
        outputs=[money(value), cert_id],
        tags=["cancel", "certificate", "booking", "change-of-mind", "multi-write"],
    )


@task("test", "airline-013")
def basic_economy_cannot_cancel(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        pays = w.pays[r["reservation_id"]]
        return (
            w.modifiable(r)
            and r["cabin"] == "basic_economy"
            and not r["insurance"]
            and w.hours_since_booking(r) > 72
            and len(pays) == 1
            and w.n_pax(r) == 2
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    paid = w.pays[res["reservation_id"]][0]["amount"]
    for refund_to in ("original_payment", "travel_certificate"):
        c.rp.refused(
            [],
            act(
                "cancel_reservation",
                reservation_id=res["reservation_id"],
                reason="change of plans",
                refund_to=refund_to,
            ),
        )
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, a retired bus driver who "
            "booked a cheap trip with a friend. You are stubborn and push back once before "
            "accepting a no."
        ),
        goal=(
            f"Cancel reservation {res['reservation_id']} because your friend can no longer "
            "come and you do not want to go alone; you want your money back. If the agent "
            "says it cannot be cancelled, push back once ('surely you can make an "
            "exception'), then accept. Before ending, ask how much you paid for the booking "
            "in total, since you want to know what you are losing."
        ),
        known_info=(
            f"Member number {user['user_id']}, date of birth {user['date_of_birth']}, "
            f"reservation {res['reservation_id']}."
        ),
        withheld="You did not buy travel insurance; say so only if asked.",
        gold=[auth(user, by="id"), res_details(res)],
        outputs=[money(paid)],
        tags=["cancel", "basic-economy", "refusal", "read-only"],
    )


@task("test", "airline-014")
def change_date_with_fee(c: Ctx) -> Spec:
    w = c.w

    def later(r: Row) -> Row | None:
        f = w.flights_of(r)[0]
        day = (date.fromisoformat(f["flight_date"]) + timedelta(days=2)).isoformat()
        same = [g for g in w.search(f["origin"], f["destination"], day)]
        same = [g for g in same if g["flight_number"] == f["flight_number"]]
        return same[0] if same and w.bookable(same[0], "economy", w.n_pax(r)) else None

    def ok(r: Row) -> bool:
        return (
            w.modifiable(r)
            and r["cabin"] == "economy"
            and r["trip_type"] == "one_way"
            and len(w.flights_of(r)) == 1
            and w.n_pax(r) == 2
            and w.user_of(r)["tier"] == "none"
            and len(w.cards(w.user_of(r))) == 1
            and later(r) is not None
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    old = w.flights_of(res)[0]
    new = later(res)
    assert new is not None
    card = w.cards(user)[0]
    change = act(
        "change_flights",
        reservation_id=res["reservation_id"],
        outbound_flights=[ref(new)],
        payment_id=card["payment_id"],
    )
    gold = [
        auth(user),
        res_details(res),
        act(
            "search_direct_flights",
            origin=old["origin"],
            destination=old["destination"],
            date=new["flight_date"],
        ),
        user_details(user),
        change,
    ]
    charged = c.rp.run(gold)[-1]["amount_charged"]
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, a volunteer coach travelling "
            "with a fellow coach to a football tournament that was postponed by two days. You "
            "are relaxed and friendly."
        ),
        goal=(
            f"Move reservation {res['reservation_id']} (flight {old['flight_number']} on "
            f"{old['flight_date']}) to the same flight number two days later, "
            f"{new['flight_date']}, for both of you. Ask what it will cost in total before "
            f"agreeing, then pay with your {w.card_words(card)}."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservation "
            f"{res['reservation_id']}."
        ),
        withheld="",
        gold=gold,
        outputs=[money(charged)],
        tags=["change-flights", "fees", "single-write"],
    )


@task("test", "airline-015")
def gold_member_earlier_flight(c: Ctx) -> Spec:
    w = c.w

    def earlier(r: Row) -> Row | None:
        f = w.flights_of(r)[0]
        opts = [
            g
            for g in w.search(f["origin"], f["destination"], f["flight_date"])
            if g["departure"] < f["departure"]
        ]
        return w.first_bookable(opts, r["cabin"], w.n_pax(r))

    def ok(r: Row) -> bool:
        return (
            w.modifiable(r)
            and r["cabin"] == "economy"
            and r["trip_type"] == "one_way"
            and len(w.flights_of(r)) == 1
            and w.user_of(r)["tier"] == "gold"
            and len(w.cards(w.user_of(r))) >= 1
            and earlier(r) is not None
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    old = w.flights_of(res)[0]
    new = earlier(res)
    assert new is not None
    card = w.cards(user)[0]
    change = act(
        "change_flights",
        reservation_id=res["reservation_id"],
        outbound_flights=[ref(new)],
        payment_id=card["payment_id"],
    )
    gold = [
        auth(user, by="id"),
        res_details(res),
        act(
            "search_direct_flights",
            origin=old["origin"],
            destination=old["destination"],
            date=old["flight_date"],
        ),
        user_details(user),
        change,
    ]
    result = c.rp.run(gold)[-1]
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, a gold Skylark Club member "
            "and a sales director who flies every week. You are brisk and expect the agent "
            "to know the rules."
        ),
        goal=(
            f"On {old['flight_date']} you are booked on {old['flight_number']} from "
            f"{w.city(old['origin'])} to {w.city(old['destination'])} (reservation "
            f"{res['reservation_id']}). A meeting was moved up, so switch to the earliest "
            "nonstop flight that day on the same route. You expect no change fee as a gold "
            f"member. Pay anything due with your {w.card_words(card)}. Ask what you will be "
            "charged before confirming."
        ),
        known_info=(
            f"Member number {user['user_id']}, date of birth {user['date_of_birth']}, "
            f"reservation {res['reservation_id']}."
        ),
        withheld="",
        gold=gold,
        outputs=[money(result["amount_charged"])],
        tags=["change-flights", "tier-benefit", "single-write"],
    )


@task("test", "airline-016")
def basic_economy_change_refused_upgrade_quote(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        fl = w.flights_of(r)
        return (
            w.modifiable(r)
            and r["cabin"] == "basic_economy"
            and r["trip_type"] == "one_way"
            and len(fl) == 1
            and w.n_pax(r) == 1
            and all(f["seats_economy"] >= 1 for f in fl)
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    seg = w.segs[res["reservation_id"]][0]
    f = w.flights[seg["flight_id"]]
    diff = round(f["price_economy"] - seg["fare"], 2)
    c.rp.refused(
        [],
        act(
            "change_flights",
            reservation_id=res["reservation_id"],
            outbound_flights=[ref(f)],
            payment_id=w.methods[user["user_id"]][0]["payment_id"],
        ),
    )
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, a graduate student on a "
            "tight budget. You are polite, a little anxious about money, and ask clarifying "
            "questions."
        ),
        goal=(
            f"You want to fly one day later than booked on reservation {res['reservation_id']}. "
            "If the agent says your fare does not allow changes, ask exactly how much it would "
            "cost to upgrade the reservation to economy (the step that would make a change "
            "possible), not counting any change fee. When you hear the amount, say it is too "
            "expensive and that you will keep your booking as it is. Do not agree to any "
            "change."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservation "
            f"{res['reservation_id']}."
        ),
        withheld="",
        gold=[auth(user), res_details(res)],
        outputs=[money(diff)],
        tags=["basic-economy", "refusal", "quote", "read-only", "hard"],
    )


@task("test", "airline-017")
def basic_upgrade_then_change(c: Ctx) -> Spec:
    w = c.w

    def target(r: Row) -> Row | None:
        f = w.flights_of(r)[0]
        day = (date.fromisoformat(f["flight_date"]) + timedelta(days=1)).isoformat()
        same = [g for g in w.search(f["origin"], f["destination"], day)]
        same = [g for g in same if g["flight_number"] == f["flight_number"]]
        return same[0] if same and w.bookable(same[0], "economy", w.n_pax(r)) else None

    def ok(r: Row) -> bool:
        fl = w.flights_of(r)
        return (
            w.modifiable(r)
            and r["cabin"] == "basic_economy"
            and r["trip_type"] == "one_way"
            and len(fl) == 1
            and fl[0]["seats_economy"] >= w.n_pax(r)
            and w.user_of(r)["tier"] in ("gold", "platinum")
            and len(w.cards(w.user_of(r))) >= 1
            and target(r) is not None
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    old = w.flights_of(res)[0]
    new = target(res)
    assert new is not None
    card = w.cards(user)[0]
    upgrade = act(
        "change_cabin",
        reservation_id=res["reservation_id"],
        cabin="economy",
        payment_id=card["payment_id"],
    )
    change = act(
        "change_flights",
        reservation_id=res["reservation_id"],
        outbound_flights=[ref(new)],
        payment_id=card["payment_id"],
    )
    gold = [
        auth(user, by="id"),
        res_details(res),
        user_details(user),
        upgrade,
        act(
            "search_direct_flights",
            origin=old["origin"],
            destination=old["destination"],
            date=new["flight_date"],
        ),
        change,
    ]
    results = c.rp.run(gold)
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, a {user['tier']} Skylark "
            "Club member and architect. You booked the cheapest fare by habit and now regret "
            "it. You are calm and willing to pay to fix it."
        ),
        goal=(
            f"You need to fly one day later than planned: move reservation "
            f"{res['reservation_id']} from {old['flight_number']} on {old['flight_date']} to "
            f"the same flight on {new['flight_date']}. If the agent says basic economy cannot "
            "be changed, ask whether upgrading helps. If so: first upgrade the reservation to "
            "economy (ask the cost, then agree), then move it to the later flight (ask the "
            f"cost, then agree). Pay everything with your {w.card_words(card)}."
        ),
        known_info=(
            f"Member number {user['user_id']}, date of birth {user['date_of_birth']}, "
            f"reservation {res['reservation_id']}."
        ),
        withheld="",
        gold=gold,
        outputs=[money(results[3]["cabin_difference"])],
        tags=["basic-economy", "change-cabin", "change-flights", "multi-write", "hard"],
    )


@task("test", "airline-018")
def upgrade_to_business(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        fl = w.flights_of(r)
        return (
            w.modifiable(r)
            and r["cabin"] == "economy"
            and r["trip_type"] == "round_trip"
            and len(fl) == 2
            and w.n_pax(r) == 1
            and all(f["seats_business"] >= 1 for f in fl)
            and len(w.cards(w.user_of(r))) == 2
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    card = w.cards(user)[0]
    upgrade = act(
        "change_cabin",
        reservation_id=res["reservation_id"],
        cabin="business",
        payment_id=card["payment_id"],
    )
    gold = [auth(user), res_details(res), user_details(user), upgrade]
    diff = c.rp.run(gold)[-1]["cabin_difference"]
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, treating yourself after a "
            "promotion. You are cheerful and a little indulgent."
        ),
        goal=(
            f"Upgrade both flights of your round trip {res['reservation_id']} "
            f"({w.city(res['origin'])} - {w.city(res['destination'])}) to business class. Ask "
            "how much extra it costs. If the amount is below 1500.00, accept and pay with "
            f"your {w.card_words(card)}; otherwise decline."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservation "
            f"{res['reservation_id']}."
        ),
        withheld="",
        gold=gold,
        outputs=[money(diff)],
        tags=["change-cabin", "upgrade", "single-write"],
    )


@task("test", "airline-019")
def downgrade_then_bag(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        fl = w.flights_of(r)
        u = w.user_of(r)
        return (
            w.modifiable(r)
            and r["cabin"] == "business"
            and r["trip_type"] == "one_way"
            and len(fl) == 1
            and w.n_pax(r) == 1
            and u["tier"] == "none"
            and r["checked_bags"] == 1
            and fl[0]["seats_economy"] >= 1
            and len(w.cards(u)) >= 1
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    card = w.cards(user)[0]
    down = act(
        "change_cabin",
        reservation_id=res["reservation_id"],
        cabin="economy",
        payment_id=card["payment_id"],
    )
    bags = act(
        "update_checked_bags",
        reservation_id=res["reservation_id"],
        total_checked_bags=2,
        payment_id=card["payment_id"],
    )
    gold = [auth(user), res_details(res), user_details(user), down, bags]
    results = c.rp.run(gold)
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, a small-business owner "
            "watching expenses after a slow quarter. You are matter-of-fact."
        ),
        goal=(
            f"Move reservation {res['reservation_id']} from business down to economy and get "
            f"the difference back on your {w.card_words(card)}; ask how much you will get "
            "back before agreeing. After that, you realise you will bring two suitcases "
            "instead of one: add a second checked bag (2 bags in total), paying any fee with "
            "the same card. Ask the bag fee before agreeing."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservation "
            f"{res['reservation_id']}. You currently have 1 checked bag."
        ),
        withheld="",
        gold=gold,
        outputs=[money(-results[3]["cabin_difference"]), money(results[4]["bag_fee_charged"])],
        tags=["change-cabin", "downgrade", "bags", "multi-write"],
        order_stated=True,  # the bag fee depends on the cabin
    )


@task("test", "airline-020")
def bags_and_insurance_new_booking(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        u = w.user_of(r)
        return (
            w.modifiable(r)
            and w.hours_since_booking(r) < 20
            and not r["insurance"]
            and r["cabin"] == "economy"
            and w.n_pax(r) == 2
            and r["checked_bags"] <= 2
            and len(w.gift_cards(u)) == 0
            and len(w.cards(u)) >= 1
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    card = w.cards(user)[0]
    total = res["checked_bags"] + 2
    bags = act(
        "update_checked_bags",
        reservation_id=res["reservation_id"],
        total_checked_bags=total,
        payment_id=card["payment_id"],
    )
    ins = act(
        "add_travel_insurance", reservation_id=res["reservation_id"], payment_id=card["payment_id"]
    )
    gold = [auth(user, by="id"), res_details(res), user_details(user), bags, ins]
    results = c.rp.run(gold)
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, who booked a trip for two "
            "yesterday evening and is now sorting out the details over breakfast. You are "
            "organised and go through a checklist."
        ),
        goal=(
            f"For reservation {res['reservation_id']}: (1) add two more checked bags to what "
            f"you already have (you have {res['checked_bags']} now, so {total} in total), and "
            "(2) add travel insurance for both travellers. Ask the price of each item before "
            f"agreeing to it, and pay for both with your {w.card_words(card)}."
        ),
        known_info=(
            f"Member number {user['user_id']}, date of birth {user['date_of_birth']}, "
            f"reservation {res['reservation_id']} (booked yesterday)."
        ),
        withheld="",
        gold=gold,
        outputs=[money(results[3]["bag_fee_charged"]), money(results[4]["insurance_charged"])],
        tags=["bags", "insurance", "multi-write"],
    )


@task("test", "airline-021")
def bags_over_limit(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        u = w.user_of(r)
        return (
            w.modifiable(r)
            and r["cabin"] == "economy"
            and w.n_pax(r) == 2
            and r["checked_bags"] == 2
            and u["tier"] == "silver"
            and len(w.cards(u)) >= 1
            and r["trip_type"] == "round_trip"
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    card = w.cards(user)[-1]
    c.rp.refused(
        [],
        act(
            "update_checked_bags",
            reservation_id=res["reservation_id"],
            total_checked_bags=10,
            payment_id=card["payment_id"],
        ),
    )
    bags = act(
        "update_checked_bags",
        reservation_id=res["reservation_id"],
        total_checked_bags=8,
        payment_id=card["payment_id"],
    )
    gold = [auth(user), res_details(res), user_details(user), bags]
    fee = c.rp.run(gold)[-1]["bag_fee_charged"]
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, moving abroad for a year with "
            "your partner and trying to bring as much as possible. You are a bit frazzled."
        ),
        goal=(
            f"On reservation {res['reservation_id']} you want to take 5 checked bags each, 10 "
            "in total. If the agent says that is over the limit, ask for the maximum allowed "
            "instead. Ask the total fee, accept it, and pay with your "
            f"{w.card_words(card)}."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservation "
            f"{res['reservation_id']}; the two of you have 2 checked bags on it now."
        ),
        withheld="",
        gold=gold,
        outputs=[money(fee)],
        tags=["bags", "limits", "single-write"],
    )


@task("test", "airline-022")
def add_insurance_in_window(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        u = w.user_of(r)
        return (
            w.modifiable(r)
            and w.hours_since_booking(r) < 20
            and not r["insurance"]
            and w.n_pax(r) >= 3
            and len(w.gift_cards(u)) == 1
            and w.gift_cards(u)[0]["balance"] >= 30 * w.n_pax(r)
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    gc = w.gift_cards(user)[0]
    ins = act(
        "add_travel_insurance", reservation_id=res["reservation_id"], payment_id=gc["payment_id"]
    )
    gold = [auth(user), res_details(res), user_details(user), ins]
    premium = c.rp.run(gold)[-1]["insurance_charged"]
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, a parent who booked a family "
            "trip last night and then read about travel insurance before bed. You are careful "
            "and a little worried."
        ),
        goal=(
            f"Add travel insurance for everyone on reservation {res['reservation_id']}. Pay "
            "with your Larkline gift card. Ask the total price before confirming."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservation "
            f"{res['reservation_id']}."
        ),
        withheld="",
        gold=gold,
        outputs=[money(premium)],
        tags=["insurance", "gift-card", "single-write", "easy"],
    )


@task("test", "airline-023")
def insurance_too_late_certificate_quote(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        return (
            w.modifiable(r)
            and w.hours_since_booking(r) > 24 * 5
            and not r["insurance"]
            and r["cabin"] == "business"
            and w.n_pax(r) == 2
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    fare = sum(s["fare"] for s in w.segs[res["reservation_id"]]) * w.n_pax(res)
    value = round(fare - 75.0 * w.n_pax(res), 2)
    c.rp.refused(
        [],
        act(
            "add_travel_insurance",
            reservation_id=res["reservation_id"],
            payment_id=w.methods[user["user_id"]][0]["payment_id"],
        ),
    )
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, a cautious engineer whose "
            "elderly father is unwell; you worry you might have to cancel your trip. You ask "
            "careful hypothetical questions."
        ),
        goal=(
            f"Add travel insurance to reservation {res['reservation_id']} (booked a while "
            "ago). If the agent says it is too late, ask: if you had to cancel today for a "
            "personal reason, what would you get back? When you hear the answer, say you "
            "will think about it and keep the booking for now. Do not cancel."
        ),
        known_info=(
            f"Member number {user['user_id']}, date of birth {user['date_of_birth']}, "
            f"reservation {res['reservation_id']}."
        ),
        withheld="Your father's health is private; only say it is a personal reason.",
        gold=[auth(user, by="id"), res_details(res)],
        outputs=[money(value)],
        tags=["insurance", "refusal", "quote", "read-only", "hard"],
    )


@task("test", "airline-024")
def name_fix_and_bag(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        pax = w.pax[r["reservation_id"]]
        u = w.user_of(r)
        return (
            w.modifiable(r)
            and len(pax) == 2
            and pax[0]["last_name"] == u["last_name"]
            and pax[0]["first_name"] == u["first_name"]
            and pax[1]["last_name"] != u["last_name"]
            and r["cabin"] == "economy"
            and u["tier"] == "none"
            and len(w.cards(u)) >= 1
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    pax = w.pax[res["reservation_id"]]
    friend = pax[1]
    wrong = friend["first_name"]
    right = wrong[:-1] + ("e" if wrong[-1] != "e" else "a")
    fixed = pax_of(pax)
    fixed[1]["first_name"] = right
    card = w.cards(user)[0]
    upd = act("update_passengers", reservation_id=res["reservation_id"], passengers=fixed)
    bags = act(
        "update_checked_bags",
        reservation_id=res["reservation_id"],
        total_checked_bags=res["checked_bags"] + 1,
        payment_id=card["payment_id"],
    )
    gold = [auth(user), res_details(res), upd, user_details(user), bags]
    fee = c.rp.run(gold)[-1]["bag_fee_charged"]
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, travelling with your friend "
            f"{right} {friend['last_name']}. You are easy-going but insist on getting names "
            "exactly right for the ID check."
        ),
        goal=(
            f"On reservation {res['reservation_id']}, your friend's first name was typed as "
            f"'{wrong}' but on their passport it is '{right}'. Get it corrected (last name "
            f"{friend['last_name']} and date of birth {friend['date_of_birth']} are right). "
            "Then add one more checked bag to the reservation, paying with your "
            f"{w.card_words(card)}. Ask the bag fee before confirming."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservation "
            f"{res['reservation_id']}. Friend: {right} {friend['last_name']}, born "
            f"{friend['date_of_birth']}."
        ),
        withheld="",
        gold=gold,
        outputs=[money(fee)],
        tags=["passengers", "bags", "multi-write"],
    )


@task("test", "airline-025")
def add_passenger_refused_book_separately(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        fl = w.flights_of(r)
        u = w.user_of(r)
        return (
            w.modifiable(r)
            and w.hours_since_booking(r) > 48
            and r["trip_type"] == "one_way"
            and len(fl) == 1
            and w.n_pax(r) == 1
            and r["cabin"] == "economy"
            and w.bookable(fl[0], "economy", 1)
            and len(w.cards(u)) >= 1
            and u["tier"] == "gold"
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    f = w.flights_of(res)[0]
    card = w.cards(user)[0]
    cousin = {"first_name": "Mateus", "last_name": "Carvalho", "date_of_birth": "1999-10-04"}
    c.rp.refused(
        [],
        act(
            "update_passengers",
            reservation_id=res["reservation_id"],
            passengers=[*pax_of(w.pax[res["reservation_id"]]), cousin],
        ),
    )
    book = act(
        "book_reservation",
        user_id=user["user_id"],
        outbound_flights=[ref(f)],
        cabin="economy",
        passengers=[cousin],
        payment_id=card["payment_id"],
        checked_bags=1,
    )
    gold = [auth(user, by="id"), res_details(res), user_details(user), book]
    total = c.rp.run(gold)[-1]["total"]
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, a gold member whose cousin "
            "decided last minute to join your trip. You are enthusiastic and talk fast."
        ),
        goal=(
            f"Add your cousin Mateus Carvalho to your reservation {res['reservation_id']} "
            f"(flight {f['flight_number']} on {f['flight_date']}). If the agent says "
            "passengers cannot be added, ask to book him a separate economy ticket on the "
            "same flight, with 1 checked bag and no insurance, paid with your "
            f"{w.card_words(card)}, under your account. Ask the total before confirming."
        ),
        known_info=(
            f"Member number {user['user_id']}, date of birth {user['date_of_birth']}, "
            f"reservation {res['reservation_id']}. Cousin: Mateus Carvalho, born 1999-10-04."
        ),
        withheld="",
        gold=gold,
        outputs=[money(total)],
        tags=["passengers", "refusal", "booking", "single-write"],
    )


def disrupted(w: World, f: Row) -> bool:
    return f["status"] == "cancelled" or (f["status"] == "landed" and f["delay_minutes"] >= 180)


@task("test", "airline-026")
def compensation_cancelled_silver(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        fl = w.flights_of(r)
        gone = [f for f in fl if f["status"] == "cancelled" and w.dep(f) < NOW]
        return (
            len(gone) == 1
            and (r["reservation_id"], gone[0]["flight_id"]) not in w.compensated
            and w.user_of(r)["tier"] == "silver"
            and r["cabin"] != "business"
            and not r["insurance"]
            and w.n_pax(r) == 2
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    gone = next(f for f in w.flights_of(res) if f["status"] == "cancelled")
    comp = act(
        "issue_compensation_certificate",
        reservation_id=res["reservation_id"],
        flight_number=gone["flight_number"],
        date=gone["flight_date"],
    )
    gold = [auth(user), res_details(res), comp]
    result = c.rp.run(gold)[-1]
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, a silver Skylark Club member. "
            f"Your flight {gone['flight_number']} on {gone['flight_date']} was cancelled and "
            "it ruined a family visit. You are disappointed and want some recognition."
        ),
        goal=(
            f"Ask for compensation for the cancelled flight {gone['flight_number']} on "
            f"{gone['flight_date']} (reservation {res['reservation_id']}). Accept whatever the "
            "agent is allowed to give. Ask for the certificate code and its value."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservation "
            f"{res['reservation_id']}."
        ),
        withheld="",
        gold=gold,
        outputs=[money(result["amount"]), result["certificate_id"]],
        tags=["compensation", "cancelled-flight", "single-write"],
    )


@task("test", "airline-027")
def compensation_delay_insured(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        fl = w.flights_of(r)
        late = [f for f in fl if f["status"] == "landed" and f["delay_minutes"] >= 180]
        return (
            len(late) == 1
            and not any(f["status"] == "cancelled" for f in fl)
            and (r["reservation_id"], late[0]["flight_id"]) not in w.compensated
            and w.user_of(r)["tier"] == "none"
            and r["cabin"] == "economy"
            and r["insurance"]
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    late = next(f for f in w.flights_of(res) if f["delay_minutes"] >= 180)
    comp = act(
        "issue_compensation_certificate",
        reservation_id=res["reservation_id"],
        flight_number=late["flight_number"],
        date=late["flight_date"],
    )
    gold = [auth(user, by="id"), res_details(res), comp]
    result = c.rp.run(gold)[-1]
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, who does not belong to any "
            "status tier and rarely flies. You are unsure whether you are even allowed to "
            "ask, so you are hesitant."
        ),
        goal=(
            f"Your flight {late['flight_number']} on {late['flight_date']} (reservation "
            f"{res['reservation_id']}) was several hours late. Ask whether you can get any "
            "compensation. You bought travel insurance with the ticket; mention it only if the "
            "agent asks about it or if they seem about to refuse. Accept what is offered and "
            "ask for the amount."
        ),
        known_info=(
            f"Member number {user['user_id']}, date of birth {user['date_of_birth']}, "
            f"reservation {res['reservation_id']}."
        ),
        withheld="You do not know your membership tier rules.",
        gold=gold,
        outputs=[money(result["amount"])],
        tags=["compensation", "delay", "insurance", "single-write"],
    )


@task("test", "airline-028")
def compensation_refused_cancel_and_rebook(c: Ctx) -> Spec:
    w = c.w

    def alt(r: Row) -> Row | None:
        gone = next(f for f in w.flights_of(r) if f["status"] == "cancelled")
        day = (date.fromisoformat(gone["flight_date"]) + timedelta(days=1)).isoformat()
        opts = w.search(gone["origin"], gone["destination"], day)
        opts = [f for f in opts if w.bookable(f, r["cabin"], w.n_pax(r))]
        return opts[0] if opts else None

    def ok(r: Row) -> bool:
        fl = w.flights_of(r)
        u = w.user_of(r)
        return (
            r["status"] == "active"
            and len(fl) == 1
            and fl[0]["status"] == "cancelled"
            and w.dep(fl[0]) > NOW
            and not r["insurance"]
            and r["cabin"] == "economy"
            and u["tier"] == "none"
            and len(w.cards(u)) >= 1
            and alt(r) is not None
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    gone = w.flights_of(res)[0]
    new = alt(res)
    assert new is not None
    card = w.cards(user)[0]
    c.rp.refused(
        [],
        act(
            "issue_compensation_certificate",
            reservation_id=res["reservation_id"],
            flight_number=gone["flight_number"],
            date=gone["flight_date"],
        ),
    )
    cancel = act(
        "cancel_reservation",
        reservation_id=res["reservation_id"],
        reason="airline cancelled flight",
        refund_to="original_payment",
    )
    book = act(
        "book_reservation",
        user_id=user["user_id"],
        outbound_flights=[ref(new)],
        cabin="economy",
        passengers=pax_of(w.pax[res["reservation_id"]]),
        payment_id=card["payment_id"],
        checked_bags=res["checked_bags"],
    )
    gold = [
        auth(user),
        res_details(res),
        cancel,
        act(
            "search_direct_flights",
            origin=gone["origin"],
            destination=gone["destination"],
            date=new["flight_date"],
        ),
        user_details(user),
        book,
    ]
    results = c.rp.run(gold)
    people = " and ".join(
        f"{p['first_name']} {p['last_name']}" for p in w.pax[res["reservation_id"]]
    )
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, who just learned that "
            f"Larkline cancelled your flight {gone['flight_number']} on {gone['flight_date']}. "
            "You are frustrated and first ask for something for the trouble."
        ),
        goal=(
            "First ask for compensation for the cancellation. If the agent says you are not "
            "eligible, drop it. Then cancel reservation "
            f"{res['reservation_id']} for a full refund (the reason: Larkline cancelled your "
            "flight; ask the refund amount), and book the "
            f"same trip again the next day, {new['flight_date']}, on the earliest nonstop "
            "flight that still has economy seats for everyone, for the same travellers "
            f"({people}) with the same number of "
            f"checked bags ({res['checked_bags']}), no insurance, paid with your "
            f"{w.card_words(card)}. Ask the new total before confirming."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservation "
            f"{res['reservation_id']}."
        ),
        withheld="",
        gold=gold,
        outputs=[money(results[2]["refund_total"]), money(results[5]["total"])],
        tags=["compensation", "refusal", "cancel", "booking", "multi-write", "hard"],
    )


@task("test", "airline-029")
def compensation_already_issued(c: Ctx) -> Spec:
    w = c.w
    comps = {(x["reservation_id"], x["flight_id"]): x for x in w.compensations}

    def ok(r: Row) -> bool:
        mine = [k for k in comps if k[0] == r["reservation_id"]]
        return len(mine) == 1 and w.user_of(r)["tier"] == "platinum"

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    key = next(k for k in comps if k[0] == res["reservation_id"])
    f = w.flights[key[1]]
    comp = comps[key]
    c.rp.refused(
        [],
        act(
            "issue_compensation_certificate",
            reservation_id=res["reservation_id"],
            flight_number=f["flight_number"],
            date=f["flight_date"],
        ),
    )
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, a platinum member who flies "
            "constantly and does not keep track of emails. You are confident and a bit "
            "entitled."
        ),
        goal=(
            f"Ask for compensation for flight {f['flight_number']} on {f['flight_date']} "
            f"(reservation {res['reservation_id']}), which was {comp['reason']}. If the agent "
            "says compensation was already issued, ask for the code of that certificate so "
            "you can find it, then end the call."
        ),
        known_info=(
            f"Member number {user['user_id']}, date of birth {user['date_of_birth']}, "
            f"reservation {res['reservation_id']}."
        ),
        withheld="You do not remember receiving any certificate.",
        gold=[auth(user, by="id"), res_details(res)],
        outputs=[comp["certificate_id"]],
        tags=["compensation", "refusal", "read-only"],
    )


@task("test", "airline-030")
def compensation_still_delayed(c: Ctx) -> Spec:
    w = c.w

    def late(r: Row) -> list[Row]:
        return [
            f
            for f in w.flights_of(r)
            if f["status"] == "delayed"
            and f["flight_date"] == TODAY.isoformat()
            and f["delay_minutes"] >= 180
        ]

    def ok(r: Row) -> bool:
        return (
            r["status"] == "active"
            and len(late(r)) == 1
            and w.user_of(r)["tier"] in ("silver", "gold", "platinum")
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    f = late(res)[0]
    c.rp.refused(
        [],
        act(
            "issue_compensation_certificate",
            reservation_id=res["reservation_id"],
            flight_number=f["flight_number"],
            date=f["flight_date"],
        ),
    )
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, checking the Larkline app "
            "over coffee before leaving for the airport. You are tired and curt."
        ),
        goal=(
            f"Your flight {f['flight_number']} today is delayed. Ask for compensation right "
            "now. If the agent says it is not possible yet, ask what time the flight is now "
            "expected to depart, then end the conversation. Do not ask for anything else."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservation "
            f"{res['reservation_id']}."
        ),
        withheld="",
        gold=[
            auth(user),
            res_details(res),
            act("get_flight_status", flight_number=f["flight_number"], date=f["flight_date"]),
        ],
        outputs=[hm(w.dep(f))],
        tags=["compensation", "refusal", "flight-status", "read-only"],
    )


@task("test", "airline-031")
def partial_trip_return_cancelled_transfer(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        fl = w.flights_of(r)
        return (
            r["status"] == "active"
            and any(w.departed(f) for f in fl)
            and any(f["status"] == "cancelled" and w.dep(f) > NOW for f in fl)
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    gone = next(f for f in w.flights_of(res) if f["status"] == "cancelled")
    c.rp.refused(
        [],
        act(
            "cancel_reservation",
            reservation_id=res["reservation_id"],
            reason="airline cancelled flight",
            refund_to="original_payment",
        ),
    )
    summary = (
        f"Member {user['user_id']}, reservation {res['reservation_id']}: outbound already "
        f"flown, return flight {gone['flight_number']} on {gone['flight_date']} cancelled by "
        "Larkline. Customer needs rebooking home."
    )
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, currently away in "
            f"{w.city(res['destination'])} on a work trip. You just got a cancellation notice "
            "for your flight home and you are stressed but polite."
        ),
        goal=(
            # The flight number is the required output: the user does not know it.
            f"Your return flight on {gone['flight_date']} (reservation "
            f"{res['reservation_id']}) was cancelled by Larkline; the notice did not show the "
            "flight number, so ask the agent which flight it was. You need to get home: ask "
            "the agent to rebook you or refund the unused part. If the agent says they cannot "
            "do it themselves and offers a human colleague, accept the transfer."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservation "
            f"{res['reservation_id']}."
        ),
        withheld="",
        gold=[
            auth(user),
            res_details(res),
            act("transfer_to_human_agents", summary=summary),
        ],
        outputs=[gone["flight_number"]],
        tags=["transfer", "airline-cancelled", "partially-flown"],
    )


@task("test", "airline-032")
def compensation_then_lost_bag_transfer(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        fl = w.flights_of(r)
        last = fl[-1]
        return (
            r["status"] == "active"
            and last["status"] == "landed"
            and last["delay_minutes"] >= 180
            and (r["reservation_id"], last["flight_id"]) not in w.compensated
            and w.user_of(r)["tier"] == "gold"
            and r["checked_bags"] >= 1
            and sum(1 for f in fl if disrupted(w, f)) == 1
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    f = w.flights_of(res)[-1]
    comp = act(
        "issue_compensation_certificate",
        reservation_id=res["reservation_id"],
        flight_number=f["flight_number"],
        date=f["flight_date"],
    )
    summary = (
        f"Member {user['user_id']}, reservation {res['reservation_id']}: checked bag missing "
        f"after {f['flight_number']} on {f['flight_date']}. Delay compensation already issued."
    )
    gold = [auth(user, by="id"), res_details(res), comp]
    result = c.rp.run(gold)[-1]
    gold.append(act("transfer_to_human_agents", summary=summary))
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, a gold member who arrived in "
            f"{w.city(f['destination'])} hours late on {f['flight_date']} and whose suitcase "
            "never showed up. You are exhausted and a bit sarcastic."
        ),
        goal=(
            f"Two things about flight {f['flight_number']} on {f['flight_date']} (reservation "
            f"{res['reservation_id']}): first, ask for compensation for the long delay and "
            "accept what you are offered (ask the amount). Second, report that your checked "
            "suitcase never arrived and ask for help finding it; if the agent offers to pass "
            "you to a human colleague for the baggage claim, accept."
        ),
        known_info=(
            f"Member number {user['user_id']}, date of birth {user['date_of_birth']}, "
            f"reservation {res['reservation_id']}. The suitcase is a green hard-shell case."
        ),
        withheld="",
        gold=gold,
        outputs=[money(result["amount"])],
        tags=["compensation", "delay", "transfer", "baggage-claim"],
    )


@task("test", "airline-033")
def rebook_wrong_date_basic(c: Ctx) -> Spec:
    w = c.w

    def alt(r: Row) -> list[Row] | None:
        fl = w.flights_of(r)
        day = (date.fromisoformat(fl[0]["flight_date"]) + timedelta(days=7)).isoformat()
        same = []
        for f in fl:
            match = [
                g
                for g in w.search(f["origin"], f["destination"], day)
                if g["flight_number"] == f["flight_number"]
            ]
            if not match or not w.bookable(match[0], r["cabin"], w.n_pax(r)):
                return None
            same.append(match[0])
        return same

    def ok(r: Row) -> bool:
        u = w.user_of(r)
        return (
            w.modifiable(r)
            and w.hours_since_booking(r) < 22
            and r["cabin"] == "basic_economy"
            and r["trip_type"] == "one_way"
            and len(w.cards(u)) >= 1
            and alt(r) is not None
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    fl = w.flights_of(res)
    new = alt(res)
    assert new is not None
    card = w.cards(user)[0]
    cancel = act(
        "cancel_reservation",
        reservation_id=res["reservation_id"],
        reason="other",
        refund_to="original_payment",
    )
    book = act(
        "book_reservation",
        user_id=user["user_id"],
        outbound_flights=[ref(f) for f in new],
        cabin="basic_economy",
        passengers=pax_of(w.pax[res["reservation_id"]]),
        payment_id=card["payment_id"],
        checked_bags=res["checked_bags"],
    )
    gold = [auth(user), res_details(res), user_details(user), cancel, book]
    results = c.rp.run(gold)
    flights_text = " then ".join(f["flight_number"] for f in fl)
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, who booked a basic economy "
            "ticket last night while half asleep and picked the wrong week. You are "
            "self-deprecating and cooperative."
        ),
        goal=(
            f"Reservation {res['reservation_id']} ({flights_text} on {fl[0]['flight_date']}) "
            f"is for the wrong week: you meant exactly one week later, {new[0]['flight_date']}, "
            "same flights. Ask to move it. If the agent says basic economy cannot be changed, "
            "ask whether you can cancel it instead since you only booked it yesterday. When "
            "asked for the reason, say you picked the wrong date by mistake; if the agent "
            "reads out a list of reasons, choose 'other' (your plans did not change). Then "
            "book the same flights one week later, same cabin, same travellers, same number of "
            f"checked bags ({res['checked_bags']}), no insurance, paid with your "
            f"{w.card_words(card)}. Ask both the refund and the new total."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservation "
            f"{res['reservation_id']}."
        ),
        withheld="",
        gold=gold,
        outputs=[money(results[3]["refund_total"]), money(results[4]["total"])],
        tags=["basic-economy", "24h-window", "cancel", "booking", "multi-write", "hard"],
    )


@task("test", "airline-034")
def change_return_and_add_bag(c: Ctx) -> Spec:
    w = c.w

    def alt(r: Row) -> list[Row] | None:
        segs = w.segs[r["reservation_id"]]
        back = [w.flights[s["flight_id"]] for s in segs if s["direction"] == "return"]
        if len(back) != 1:
            return None
        f = back[0]
        day = (date.fromisoformat(f["flight_date"]) + timedelta(days=1)).isoformat()
        match = [
            g
            for g in w.search(f["origin"], f["destination"], day)
            if g["flight_number"] == f["flight_number"]
        ]
        if not match or not w.bookable(match[0], r["cabin"], w.n_pax(r)):
            return None
        return match

    def ok(r: Row) -> bool:
        u = w.user_of(r)
        segs = w.segs[r["reservation_id"]]
        return (
            w.modifiable(r)
            and r["cabin"] == "economy"
            and r["trip_type"] == "round_trip"
            and len(segs) == 2
            and u["tier"] == "silver"
            and w.n_pax(r) == 1
            and r["checked_bags"] == 1
            and len(w.cards(u)) >= 1
            and alt(r) is not None
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    out, back = w.flights_of(res)
    new = alt(res)
    assert new is not None
    card = w.cards(user)[0]
    change = act(
        "change_flights",
        reservation_id=res["reservation_id"],
        outbound_flights=[ref(out)],
        return_flights=[ref(new[0])],
        payment_id=card["payment_id"],
    )
    bags = act(
        "update_checked_bags",
        reservation_id=res["reservation_id"],
        total_checked_bags=2,
        payment_id=card["payment_id"],
    )
    gold = [auth(user), res_details(res), user_details(user), change, bags]
    results = c.rp.run(gold)
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, extending a holiday in "
            f"{w.city(res['destination'])} by one day because the weather is finally good. "
            "You are in a great mood and chatty."
        ),
        goal=(
            f"On reservation {res['reservation_id']}, keep your outbound flight but move the "
            f"return flight {back['flight_number']} from {back['flight_date']} to the same "
            f"flight one day later, {new[0]['flight_date']}. Ask the total cost of the change "
            "before agreeing. Then, because you bought souvenirs, add a second checked bag (2 "
            f"in total) and pay its fee too. Use your {w.card_words(card)} for everything."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservation "
            f"{res['reservation_id']}."
        ),
        withheld="",
        gold=gold,
        outputs=[money(results[3]["amount_charged"]), money(results[4]["bag_fee_charged"])],
        tags=["change-flights", "bags", "round-trip", "multi-write"],
    )


@task("test", "airline-035")
def cancel_two_reservations(c: Ctx) -> Spec:
    w = c.w

    def eligible(r: Row) -> bool:
        fl = w.flights_of(r)
        return (
            r["status"] == "active"
            and not any(w.departed(f) for f in fl)
            and any(f["status"] == "cancelled" for f in fl)
        )

    def certificate_only(r: Row) -> bool:
        return (
            w.modifiable(r)
            and r["cabin"] in ("economy", "business")
            and not r["insurance"]
            and w.hours_since_booking(r) > 48
        )

    def ok(r: Row) -> bool:
        others = [x for x in w.res_by_user[r["user_id"]] if x is not r]
        return eligible(r) and sum(1 for x in others if certificate_only(x)) == 1

    first = w.pick_reservation(ok)
    user = w.user_of(first)
    second = next(
        x for x in w.res_by_user[user["user_id"]] if x is not first and certificate_only(x)
    )
    gone = next(f for f in w.flights_of(first) if f["status"] == "cancelled")
    c1 = act(
        "cancel_reservation",
        reservation_id=first["reservation_id"],
        reason="airline cancelled flight",
        refund_to="original_payment",
    )
    c2 = act(
        "cancel_reservation",
        reservation_id=second["reservation_id"],
        reason="change of plans",
        refund_to="travel_certificate",
    )
    gold = [auth(user), user_details(user), res_details(first), c1, res_details(second), c2]
    results = c.rp.run(gold)
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, whose company just cancelled "
            "a project that involved two trips. You are efficient and want both sorted in one "
            "call."
        ),
        goal=(
            f"Cancel two reservations. First {first['reservation_id']} (Larkline already "
            f"cancelled its flight {gone['flight_number']}, which is your reason): you expect a "
            "full refund. Then "
            f"{second['reservation_id']} ({w.city(second['origin'])} to "
            f"{w.city(second['destination'])}), cancelled because your plans changed; if the "
            "agent says you can only get a travel certificate for it, accept. Ask the refund "
            "amount for the first and the certificate value for the second."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservations "
            f"{first['reservation_id']} and {second['reservation_id']}."
        ),
        withheld="",
        gold=gold,
        outputs=[
            money(results[3]["refund_total"]),
            money(results[5]["certificate"]["amount"]),
        ],
        tags=["cancel", "certificate", "airline-cancelled", "multi-write"],
    )


@task("test", "airline-036")
def book_then_add_insurance(c: Ctx) -> Spec:
    w = c.w
    out_day = (TODAY + timedelta(days=9)).isoformat()
    back_day = (TODAY + timedelta(days=13)).isoformat()
    user = w.pick_user(
        lambda u: u["tier"] == "platinum" and len(w.cards(u)) == 1 and not w.certificates(u)
    )
    card = w.cards(user)[0]
    out = w.first_bookable(w.search("KSN", "JPR", out_day), "economy", 3)
    back = w.first_bookable(w.search("JPR", "KSN", back_day), "economy", 3)
    assert out is not None and back is not None
    people = [
        {
            "first_name": user["first_name"],
            "last_name": user["last_name"],
            "date_of_birth": user["date_of_birth"],
        },
        {"first_name": "Leilani", "last_name": user["last_name"], "date_of_birth": "2012-08-30"},
        {"first_name": "Kai", "last_name": user["last_name"], "date_of_birth": "2015-01-11"},
    ]
    book = act(
        "book_reservation",
        user_id=user["user_id"],
        outbound_flights=[ref(out)],
        return_flights=[ref(back)],
        cabin="economy",
        passengers=people,
        payment_id=card["payment_id"],
        checked_bags=3,
    )
    results = c.rp.run([auth(user, by="id"), book])
    rid = results[-1]["reservation_id"]
    ins = act("add_travel_insurance", reservation_id=rid, payment_id=card["payment_id"])
    gold = [
        auth(user, by="id"),
        user_details(user),
        act("search_direct_flights", origin="KSN", destination="JPR", date=out_day),
        act("search_direct_flights", origin="JPR", destination="KSN", date=back_day),
        book,
        ins,
    ]
    results = c.rp.run(gold)
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, a platinum member taking "
            "your two children to see their grandparents in Juniper Ridge. You are a busy "
            "single parent: brisk, but you change your mind when given a good reason."
        ),
        goal=(
            f"Book an economy round trip Kessington - Juniper Ridge for you and your kids: "
            f"out on {out_day} on the first nonstop flight of the day, back on {back_day} on "
            "the first nonstop flight of the day. Three checked bags in total. When asked "
            f"about travel insurance, say no. Pay with your {w.card_words(card)}. After the "
            "booking is done, change your mind: ask to add travel insurance for all three "
            "after all, paid with the same card. Ask the booking total and the insurance price."
        ),
        known_info=(
            f"Member number {user['user_id']}, date of birth {user['date_of_birth']}. "
            f"Children: Leilani {user['last_name']} (born 2012-08-30) and Kai "
            f"{user['last_name']} (born 2015-01-11)."
        ),
        withheld="",
        gold=gold,
        outputs=[money(results[4]["total"]), money(results[5]["insurance_charged"])],
        tags=["booking", "insurance", "change-of-mind", "multi-write"],
    )


@task("test", "airline-037")
def compensation_two_reservations(c: Ctx) -> Spec:
    w = c.w

    def open_disruption(r: Row) -> Row | None:
        fl = [f for f in w.flights_of(r) if disrupted(w, f) and w.dep(f) < NOW]
        fl = [f for f in fl if (r["reservation_id"], f["flight_id"]) not in w.compensated]
        return fl[0] if len(fl) == 1 else None

    def candidates(uid: str) -> list[Row]:
        return [r for r in w.res_by_user[uid] if open_disruption(r) is not None]

    user = w.pick_user(
        lambda u: u["tier"] in ("gold", "platinum") and len(candidates(u["user_id"])) == 2
    )
    r1, r2 = candidates(user["user_id"])
    f1, f2 = open_disruption(r1), open_disruption(r2)
    assert f1 is not None and f2 is not None
    a1 = act(
        "issue_compensation_certificate",
        reservation_id=r1["reservation_id"],
        flight_number=f1["flight_number"],
        date=f1["flight_date"],
    )
    a2 = act(
        "issue_compensation_certificate",
        reservation_id=r2["reservation_id"],
        flight_number=f2["flight_number"],
        date=f2["flight_date"],
    )
    gold = [auth(user), user_details(user), res_details(r1), a1, res_details(r2), a2]
    results = c.rp.run(gold)

    def what(f: Row) -> str:
        return "cancelled" if f["status"] == "cancelled" else "badly delayed"

    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, a {user['tier']} member who "
            "had a rough couple of weeks of travel. You are composed and keep notes of "
            "everything."
        ),
        goal=(
            f"Ask for compensation for two disrupted flights: {f1['flight_number']} on "
            f"{f1['flight_date']} (reservation {r1['reservation_id']}, {what(f1)}) and "
            f"{f2['flight_number']} on {f2['flight_date']} (reservation "
            f"{r2['reservation_id']}, {what(f2)}). Accept what the agent can issue and ask for "
            "the value of each certificate."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservations "
            f"{r1['reservation_id']} and {r2['reservation_id']}."
        ),
        withheld="",
        gold=gold,
        outputs=[money(results[3]["amount"]), money(results[5]["amount"])],
        tags=["compensation", "multi-write"],
    )


@task("test", "airline-038")
def fix_birthdate_then_business(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        u = w.user_of(r)
        fl = w.flights_of(r)
        return (
            w.modifiable(r)
            and r["cabin"] == "economy"
            and w.n_pax(r) == 2
            and all(f["seats_business"] >= 2 for f in fl)
            and len(w.cards(u)) >= 1
            and u["tier"] == "platinum"
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    pax = w.pax[res["reservation_id"]]
    other = pax[1]
    wrong = date.fromisoformat(other["date_of_birth"])
    right = wrong.replace(day=wrong.day + 1 if wrong.day < 28 else 1)
    fixed = pax_of(pax)
    fixed[1]["date_of_birth"] = right.isoformat()
    card = w.cards(user)[0]
    upd = act("update_passengers", reservation_id=res["reservation_id"], passengers=fixed)
    up = act(
        "change_cabin",
        reservation_id=res["reservation_id"],
        cabin="business",
        payment_id=card["payment_id"],
    )
    gold = [auth(user, by="id"), res_details(res), upd, user_details(user), up]
    results = c.rp.run(gold)
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, a platinum member organising "
            f"a trip with {other['first_name']} {other['last_name']}. You are meticulous and "
            "polite, and you handle one thing at a time."
        ),
        goal=(
            f"On reservation {res['reservation_id']}: first, {other['first_name']} "
            f"{other['last_name']}'s date of birth is wrong; it should be {right.isoformat()} "
            f"(not {other['date_of_birth']}); get it fixed. Second, upgrade the whole "
            "reservation to business class; ask the price difference first, then pay with "
            f"your {w.card_words(card)}."
        ),
        known_info=(
            f"Member number {user['user_id']}, date of birth {user['date_of_birth']}, "
            f"reservation {res['reservation_id']}. {other['first_name']} "
            f"{other['last_name']}'s correct birth date: {right.isoformat()}."
        ),
        withheld="",
        gold=gold,
        outputs=[money(results[4]["cabin_difference"])],
        tags=["passengers", "change-cabin", "multi-write"],
    )


@task("test", "airline-039")
def cancel_idea_then_change_and_bag(c: Ctx) -> Spec:
    w = c.w

    def later(r: Row) -> Row | None:
        f = w.flights_of(r)[0]
        day = (date.fromisoformat(f["flight_date"]) + timedelta(days=3)).isoformat()
        match = [
            g
            for g in w.search(f["origin"], f["destination"], day)
            if g["flight_number"] == f["flight_number"]
        ]
        return match[0] if match and w.bookable(match[0], "economy", w.n_pax(r)) else None

    def ok(r: Row) -> bool:
        u = w.user_of(r)
        return (
            w.modifiable(r)
            and r["cabin"] == "economy"
            and r["trip_type"] == "one_way"
            and len(w.flights_of(r)) == 1
            and not r["insurance"]
            and w.hours_since_booking(r) > 48
            and u["tier"] == "none"
            and w.n_pax(r) == 1
            and r["checked_bags"] == 1
            and len(w.cards(u)) >= 1
            and later(r) is not None
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    old = w.flights_of(res)[0]
    new = later(res)
    assert new is not None
    card = w.cards(user)[0]
    change = act(
        "change_flights",
        reservation_id=res["reservation_id"],
        outbound_flights=[ref(new)],
        payment_id=card["payment_id"],
    )
    bags = act(
        "update_checked_bags",
        reservation_id=res["reservation_id"],
        total_checked_bags=2,
        payment_id=card["payment_id"],
    )
    gold = [auth(user), res_details(res), user_details(user), change, bags]
    results = c.rp.run(gold)
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, a musician whose gig on "
            f"{old['flight_date']} was pushed back three days. You are indecisive and think "
            "aloud before deciding."
        ),
        goal=(
            f"Start by asking to cancel reservation {res['reservation_id']} because your plans "
            "changed and you want your money back. If the agent says you would only get a "
            "travel certificate, decline the cancellation. Instead, ask to move the flight "
            f"to the same flight three days later, {new['flight_date']}; ask the cost and "
            "accept. Then add a second checked bag for your instrument case (2 bags in total) "
            f"and accept the fee. Pay everything with your {w.card_words(card)}."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservation "
            f"{res['reservation_id']}."
        ),
        withheld="You never bought travel insurance.",
        gold=gold,
        outputs=[money(results[3]["amount_charged"]), money(results[4]["bag_fee_charged"])],
        tags=["change-of-mind", "change-flights", "bags", "multi-write", "hard"],
    )


@task("test", "airline-040")
def basic_to_business_then_bags(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        u = w.user_of(r)
        fl = w.flights_of(r)
        return (
            w.modifiable(r)
            and r["cabin"] == "basic_economy"
            and w.n_pax(r) == 1
            and r["checked_bags"] == 0
            and u["tier"] == "none"
            and all(f["seats_business"] >= 1 for f in fl)
            and len(w.cards(u)) >= 1
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    card = w.cards(user)[0]
    up = act(
        "change_cabin",
        reservation_id=res["reservation_id"],
        cabin="business",
        payment_id=card["payment_id"],
    )
    bags = act(
        "update_checked_bags",
        reservation_id=res["reservation_id"],
        total_checked_bags=3,
        payment_id=card["payment_id"],
    )
    gold = [auth(user), res_details(res), user_details(user), up, bags]
    results = c.rp.run(gold)
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, who just landed a big "
            "contract and decided to travel in style. You are exuberant and generous."
        ),
        goal=(
            f"First upgrade reservation {res['reservation_id']} from basic economy straight "
            "to business class (ask the price, then accept). Only after the upgrade is done, "
            "ask to check 3 bags in total; ask how many are free in business and what the "
            f"rest costs, and accept. Pay with your {w.card_words(card)}."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservation "
            f"{res['reservation_id']}. You currently have no checked bags."
        ),
        withheld="",
        gold=gold,
        outputs=[money(results[3]["cabin_difference"]), money(results[4]["bag_fee_charged"])],
        tags=["basic-economy", "change-cabin", "bags", "multi-write"],
        order_stated=True,  # the bag fee depends on the cabin
    )


@task("test", "airline-041")
def book_onestop_family(c: Ctx) -> Spec:
    w = c.w
    day = (TODAY + timedelta(days=10)).isoformat()
    user = w.pick_user(
        lambda u: u["tier"] == "silver" and len(w.cards(u)) == 1 and not w.gift_cards(u)
    )
    card = w.cards(user)[0]
    options = [
        o for o in w.onestop("WRK", "HMR", day) if all(w.bookable(f, "economy", 2) for f in o)
    ]
    best = min(options, key=lambda o: (o[-1]["arrival"], o[0]["departure"]))
    partner = {"first_name": "Rahel", "last_name": "Tesfaye", "date_of_birth": "1991-12-03"}
    people = [
        {
            "first_name": user["first_name"],
            "last_name": user["last_name"],
            "date_of_birth": user["date_of_birth"],
        },
        partner,
    ]
    book = act(
        "book_reservation",
        user_id=user["user_id"],
        outbound_flights=[ref(f) for f in best],
        cabin="economy",
        passengers=people,
        payment_id=card["payment_id"],
        checked_bags=3,
    )
    gold = [
        auth(user),
        user_details(user),
        act("search_direct_flights", origin="WRK", destination="HMR", date=day),
        act("search_onestop_flights", origin="WRK", destination="HMR", date=day),
        book,
    ]
    total = c.rp.run(gold)[-1]["total"]
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, going hiking in the Highmoor "
            "hills with your friend Rahel. You are outdoorsy, relaxed and do not mind a "
            "connection."
        ),
        goal=(
            f"Book a one-way economy trip from Westrake to Highmoor on {day} for you and Rahel. "
            "Among the options that day, you want the one that gets you to Highmoor the "
            "earliest (a connection is fine). Three checked bags in total, no insurance, pay "
            f"with your {w.card_words(card)}. Ask for the total before confirming."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}. Rahel Tesfaye, "
            "born 1991-12-03."
        ),
        withheld="",
        gold=gold,
        outputs=[money(total)],
        tags=["booking", "one-stop", "search", "single-write"],
    )


@task("test", "airline-042")
def book_with_certificate_then_bags(c: Ctx) -> Spec:
    w = c.w
    day = (TODAY + timedelta(days=17)).isoformat()

    def ok(u: Row) -> bool:
        certs = w.certificates(u)
        return u["tier"] == "none" and len(certs) == 1 and len(w.cards(u)) == 1

    user = w.pick_user(ok)
    cert = w.certificates(user)[0]
    card = w.cards(user)[0]
    flight = w.first_bookable(w.search("SMR", "PAV", day), "economy", 1)
    assert flight is not None
    me = [
        {
            "first_name": user["first_name"],
            "last_name": user["last_name"],
            "date_of_birth": user["date_of_birth"],
        }
    ]
    book = act(
        "book_reservation",
        user_id=user["user_id"],
        outbound_flights=[ref(flight)],
        cabin="economy",
        passengers=me,
        payment_id=card["payment_id"],
        certificate_id=cert["payment_id"],
    )
    rid = c.rp.run([auth(user), book])[-1]["reservation_id"]
    bags = act(
        "update_checked_bags",
        reservation_id=rid,
        total_checked_bags=2,
        payment_id=card["payment_id"],
    )
    gold = [
        auth(user, by="id"),
        user_details(user),
        act("search_direct_flights", origin="SMR", destination="PAV", date=day),
        book,
        bags,
    ]
    results = c.rp.run(gold)
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, heading to Port Averne for a "
            "job interview. You are nervous, a little scattered, and remember things late."
        ),
        goal=(
            f"Book a one-way economy ticket for yourself from Saltmere to Port Averne on {day}, "
            "on the first nonstop flight of the day. Use your travel certificate and put the "
            f"rest on your {w.card_words(card)}. When asked about bags, say none; no "
            "insurance. Right after the booking is confirmed, remember you need to bring two "
            "suitcases: ask to add 2 checked bags, paid with the same card (ask the fee)."
        ),
        known_info=(f"Member number {user['user_id']}, date of birth {user['date_of_birth']}."),
        withheld="",
        gold=gold,
        outputs=[money(results[4]["bag_fee_charged"])],
        tags=["booking", "certificate", "bags", "multi-write"],
    )


@task("test", "airline-043")
def change_destination_refused(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        fl = w.flights_of(r)
        return (
            w.modifiable(r)
            and r["cabin"] == "economy"
            and r["trip_type"] == "one_way"
            and len(fl) == 1
            and r["origin"] == "KSN"
            and r["destination"] != "CSP"
            and w.n_pax(r) == 1
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    f = w.flights_of(res)[0]
    opts = [g for g in w.search("KSN", "CSP", f["flight_date"]) if w.bookable(g, "economy", 1)]
    best = min(opts, key=lambda g: g["price_economy"])
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, a field geologist whose "
            "survey site moved at the last minute. You are practical and a bit blunt."
        ),
        goal=(
            f"Change the destination of reservation {res['reservation_id']} from "
            f"{w.city(res['destination'])} to Calder Springs, same day ({f['flight_date']}). If "
            "the agent says the destination cannot be changed, ask what the cheapest nonstop "
            "economy fare from Kessington to Calder Springs is that day. Then say you will "
            "talk to your employer first, and end the call without changing anything."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservation "
            f"{res['reservation_id']}."
        ),
        withheld="",
        gold=[
            auth(user),
            res_details(res),
            act("search_direct_flights", origin="KSN", destination="CSP", date=f["flight_date"]),
        ],
        outputs=[money(best["price_economy"])],
        tags=["change-flights", "refusal", "search", "read-only"],
    )


@task("test", "airline-044")
def return_change_after_departure(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        segs = w.segs[r["reservation_id"]]
        out = [w.flights[s["flight_id"]] for s in segs if s["direction"] == "outbound"]
        back = [w.flights[s["flight_id"]] for s in segs if s["direction"] == "return"]
        return (
            r["status"] == "active"
            and r["cabin"] == "business"
            and all(f["status"] == "landed" for f in out)
            and len(back) == 1
            and back[0]["status"] == "scheduled"
            and w.dep(back[0]) > NOW + timedelta(days=1)
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    back = w.flights_of(res)[-1]
    card = w.cards(user)[0] if w.cards(user) else w.methods[user["user_id"]][0]
    c.rp.refused(
        [],
        act(
            "change_flights",
            reservation_id=res["reservation_id"],
            outbound_flights=[ref(f) for f in w.flights_of(res)[:-1]],
            return_flights=[ref(back)],
            payment_id=card["payment_id"],
        ),
    )
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, already in "
            f"{w.city(res['destination'])} on business and wishing you could stay longer. You "
            "are charming and try a little flattery."
        ),
        goal=(
            f"Ask to move your return flight on reservation {res['reservation_id']} two days "
            "later. If the agent says the reservation cannot be changed because part of it has "
            "been flown, accept it and ask what time your return flight departs on "
            f"{back['flight_date']} so you can plan your last day. Do not ask for anything "
            "else."
        ),
        known_info=(
            f"Member number {user['user_id']}, date of birth {user['date_of_birth']}, "
            f"reservation {res['reservation_id']}."
        ),
        withheld="",
        gold=[auth(user, by="id"), res_details(res)],
        outputs=[hm(w.dep(back))],
        tags=["change-flights", "departed", "refusal", "read-only"],
    )


@task("test", "airline-045")
def cancel_bereavement_family(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        return (
            w.modifiable(r)
            and r["insurance"]
            and r["trip_type"] == "round_trip"
            and w.n_pax(r) == 3
            and w.hours_since_booking(r) > 48
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    cancel = act(
        "cancel_reservation",
        reservation_id=res["reservation_id"],
        reason="death in the family",
        refund_to="original_payment",
    )
    gold = [auth(user), res_details(res), cancel]
    refund = c.rp.run(gold)[-1]["refund_total"]
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}. Your grandmother passed away "
            "yesterday and the family holiday is off. You are subdued, speak briefly and do "
            "not want to go into detail."
        ),
        goal=(
            f"Cancel the family round trip {res['reservation_id']} for all three travellers. "
            "When asked for the reason, say there was a death in the family. You had bought "
            "insurance. Ask how much will be refunded, then confirm."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservation "
            f"{res['reservation_id']}."
        ),
        withheld="Do not volunteer details about the death beyond 'a death in the family'.",
        gold=gold,
        outputs=[money(refund)],
        tags=["cancel", "insurance", "single-write"],
    )


@task("test", "airline-046")
def insured_but_not_covered(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        return (
            w.modifiable(r)
            and r["insurance"]
            and r["cabin"] == "economy"
            and w.hours_since_booking(r) > 48
            and w.n_pax(r) == 2
            and r["trip_type"] == "one_way"
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    c.rp.refused(
        [],
        act(
            "cancel_reservation",
            reservation_id=res["reservation_id"],
            reason="change of plans",
            refund_to="original_payment",
        ),
    )
    cancel = act(
        "cancel_reservation",
        reservation_id=res["reservation_id"],
        reason="change of plans",
        refund_to="travel_certificate",
    )
    gold = [auth(user, by="id"), res_details(res), cancel]
    cert = c.rp.run(gold)[-1]["certificate"]
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, who bought travel insurance "
            "and assumed it covers everything. You are confident at first, then grudgingly "
            "accept the rules."
        ),
        goal=(
            f"Cancel reservation {res['reservation_id']} because you simply changed your mind "
            "about the trip. Insist once that your insurance should cover it. If the agent "
            "explains it does not cover a change of plans and offers a travel certificate, "
            "accept the certificate. Ask its value."
        ),
        known_info=(
            f"Member number {user['user_id']}, date of birth {user['date_of_birth']}, "
            f"reservation {res['reservation_id']}."
        ),
        withheld="You are not ill and nobody in your family died; be honest if asked.",
        gold=gold,
        outputs=[money(cert["amount"])],
        tags=["cancel", "insurance", "certificate", "single-write"],
    )


@task("test", "airline-047")
def shift_new_trip_and_insure(c: Ctx) -> Spec:
    w = c.w

    def shifted(r: Row) -> list[Row] | None:
        new = []
        for f in w.flights_of(r):
            day = (date.fromisoformat(f["flight_date"]) + timedelta(days=1)).isoformat()
            match = [
                g
                for g in w.search(f["origin"], f["destination"], day)
                if g["flight_number"] == f["flight_number"]
            ]
            if not match or not w.bookable(match[0], r["cabin"], w.n_pax(r)):
                return None
            new.append(match[0])
        return new

    def ok(r: Row) -> bool:
        u = w.user_of(r)
        return (
            w.modifiable(r)
            and w.hours_since_booking(r) < 20
            and not r["insurance"]
            and r["cabin"] == "economy"
            and r["trip_type"] == "round_trip"
            and len(w.flights_of(r)) == 2
            and len(w.cards(u)) >= 1
            and shifted(r) is not None
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    out, back = w.flights_of(res)
    new = shifted(res)
    assert new is not None
    card = w.cards(user)[0]
    change = act(
        "change_flights",
        reservation_id=res["reservation_id"],
        outbound_flights=[ref(new[0])],
        return_flights=[ref(new[1])],
        payment_id=card["payment_id"],
    )
    ins = act(
        "add_travel_insurance", reservation_id=res["reservation_id"], payment_id=card["payment_id"]
    )
    gold = [auth(user), res_details(res), user_details(user), change, ins]
    results = c.rp.run(gold)
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, who booked a round trip "
            "yesterday and just found out your host cannot receive you until a day later. You "
            "are apologetic and careful with money."
        ),
        goal=(
            f"Shift both flights of reservation {res['reservation_id']} by exactly one day, "
            f"keeping the same flight numbers: {out['flight_number']} on {new[0]['flight_date']} "
            f"and {back['flight_number']} on {new[1]['flight_date']}. Ask the cost and accept. "
            "Then, since plans seem shaky, add travel insurance too (ask the price, accept). "
            f"Pay with your {w.card_words(card)}."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservation "
            f"{res['reservation_id']} (booked yesterday)."
        ),
        withheld="",
        gold=gold,
        outputs=[money(results[3]["amount_charged"]), money(results[4]["insurance_charged"])],
        tags=["change-flights", "insurance", "round-trip", "multi-write"],
    )


@task("test", "airline-048")
def onestop_earliest_arrival_info(c: Ctx) -> Spec:
    w = c.w
    day = (TODAY + timedelta(days=6)).isoformat()
    options = w.onestop("MRB", "QPT", day)
    if not options:
        options = w.onestop("MRB", "KSN", day)
    best = min(options, key=lambda o: (o[-1]["arrival"], o[0]["departure"]))
    dest = best[-1]["destination"]
    return Spec(
        persona=(
            "You are Tobias, an ambitious travel blogger planning an itinerary. You ask "
            "pointed questions and take notes."
        ),
        goal=(
            f"You want to know how to get from Marrowbay to {w.city(dest)} on {day} with one "
            "connection, arriving as early as possible. Ask which two flights that would be "
            "and at what time you would land. You are not booking now."
        ),
        known_info=f"From Marrowbay to {w.city(dest)} on {day}; one connection is fine.",
        withheld="You have no reservation and do not want to share account details.",
        gold=[act("search_onestop_flights", origin="MRB", destination=dest, date=day)],
        outputs=[best[0]["flight_number"], best[1]["flight_number"], best[1]["arrival"][11:16]],
        tags=["search", "one-stop", "read-only", "no-auth"],
    )


@task("test", "airline-049")
def wrong_birthdate_then_bags(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        u = w.user_of(r)
        return (
            w.modifiable(r)
            and r["cabin"] == "business"
            and w.n_pax(r) == 2
            and r["checked_bags"] == 4
            and len(w.cards(u)) >= 1
            and u["tier"] in ("none", "silver")
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    card = w.cards(user)[0]
    dob = date.fromisoformat(user["date_of_birth"])
    typo = dob.replace(year=dob.year + 1).isoformat()
    bags = act(
        "update_checked_bags",
        reservation_id=res["reservation_id"],
        total_checked_bags=6,
        payment_id=card["payment_id"],
    )
    gold = [
        act("authenticate_customer", identifier=user["email"], date_of_birth=typo),
        auth(user),
        res_details(res),
        user_details(user),
        bags,
    ]
    # the first call is expected to be refused: replay only the successful ones
    c.rp.refused([], gold[0])
    gold = gold[1:]
    fee = c.rp.run(gold)[-1]["bag_fee_charged"]
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, calling from a noisy train "
            "station. You are distracted and make small slips, but you are good-natured."
        ),
        goal=(
            f"Add bags to reservation {res['reservation_id']}: the two travellers now bring 3 "
            "checked bags each, 6 in total. When the agent asks for your date of birth, first "
            f"say {typo} by mistake; if they cannot verify you, correct yourself to "
            f"{user['date_of_birth']}. Ask the fee and pay with your {w.card_words(card)}."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservation "
            f"{res['reservation_id']}. The reservation has 4 checked bags now."
        ),
        withheld="",
        gold=gold,
        outputs=[money(fee)],
        tags=["authentication", "bags", "single-write"],
    )


@task("test", "airline-050")
def insure_and_fix_name_new_booking(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        u = w.user_of(r)
        pax = w.pax[r["reservation_id"]]
        return (
            w.modifiable(r)
            and w.hours_since_booking(r) < 20
            and not r["insurance"]
            and len(pax) == 1
            and pax[0]["first_name"] == u["first_name"]
            and len(w.cards(u)) >= 1
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    card = w.cards(user)[0]
    me = w.pax[res["reservation_id"]][0]
    middle = "Rose" if me["first_name"][-1] in "aeiou" else "James"
    fixed = pax_of([me])
    fixed[0]["first_name"] = f"{me['first_name']} {middle}"
    upd = act("update_passengers", reservation_id=res["reservation_id"], passengers=fixed)
    ins = act(
        "add_travel_insurance", reservation_id=res["reservation_id"], payment_id=card["payment_id"]
    )
    gold = [auth(user, by="id"), res_details(res), upd, user_details(user), ins]
    results = c.rp.run(gold)
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, a first-time international "
            "traveller who read that the name on a ticket must match the passport exactly. "
            "You are earnest and ask for reassurance."
        ),
        goal=(
            f"On reservation {res['reservation_id']} (booked yesterday), your passport shows "
            f"your first names as '{me['first_name']} {middle}': ask to update the passenger "
            "name to match (last name and birth date stay the same). Then ask to add travel "
            f"insurance, paid with your {w.card_words(card)}; ask the price before agreeing."
        ),
        known_info=(
            f"Member number {user['user_id']}, date of birth {user['date_of_birth']}, "
            f"reservation {res['reservation_id']}."
        ),
        withheld="",
        gold=gold,
        outputs=[money(results[4]["insurance_charged"])],
        tags=["passengers", "insurance", "multi-write"],
    )


@task("test", "airline-051")
def book_basic_round_trip_gift_card(c: Ctx) -> Spec:
    w = c.w
    out = back = None
    for k in range(10, 18):
        out_day = (TODAY + timedelta(days=k)).isoformat()
        back_day = (TODAY + timedelta(days=k + 2)).isoformat()
        out = w.first_bookable(w.search("QPT", "CSP", out_day), "basic_economy", 1)
        back = w.first_bookable(w.search("CSP", "QPT", back_day), "basic_economy", 1)
        if out is not None and back is not None:
            break
    assert out is not None and back is not None
    need = out["price_basic_economy"] + back["price_basic_economy"]
    user = w.pick_user(
        lambda u: len(w.gift_cards(u)) == 1 and w.gift_cards(u)[0]["balance"] >= need
    )
    gc = w.gift_cards(user)[0]
    me = [
        {
            "first_name": user["first_name"],
            "last_name": user["last_name"],
            "date_of_birth": user["date_of_birth"],
        }
    ]
    book = act(
        "book_reservation",
        user_id=user["user_id"],
        outbound_flights=[ref(out)],
        return_flights=[ref(back)],
        cabin="basic_economy",
        passengers=me,
        payment_id=gc["payment_id"],
    )
    gold = [
        auth(user),
        user_details(user),
        act("search_direct_flights", origin="QPT", destination="CSP", date=out_day),
        act("search_direct_flights", origin="CSP", destination="QPT", date=back_day),
        book,
    ]
    total = c.rp.run(gold)[-1]["total"]
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, a student visiting a friend "
            "in Calder Springs for a long weekend. You want it as cheap as possible and you "
            "are happy with no frills."
        ),
        goal=(
            f"Book the cheapest cabin (basic economy) round trip for yourself from Quarry "
            f"Point to Calder Springs, leaving {out_day} and coming back {back_day}, on the "
            "only or first nonstop flight each day. No bags, no insurance. Pay entirely with "
            "your Larkline gift card. Ask the total first."
        ),
        known_info=f"Email {user['email']}, date of birth {user['date_of_birth']}.",
        withheld="",
        gold=gold,
        outputs=[money(total)],
        tags=["booking", "basic-economy", "gift-card", "single-write"],
    )


@task("test", "airline-052")
def too_late_to_book_take_next(c: Ctx) -> Spec:
    w = c.w
    today = TODAY.isoformat()
    route = None
    for o, d in (("PAV", "KSN"), ("KSN", "PAV")):
        fl = w.search(o, d, today)
        soon = [f for f in fl if timedelta(0) < w.dep(f) - NOW < timedelta(hours=2)]
        later = [f for f in fl if w.bookable(f, "economy", 1)]
        if soon and later:
            route = (o, d, soon[0], later[0])
            break
    assert route is not None
    o, d, soon_f, next_f = route
    user = w.pick_user(lambda u: u["tier"] == "gold" and len(w.cards(u)) >= 1)
    card = w.cards(user)[0]
    me = [
        {
            "first_name": user["first_name"],
            "last_name": user["last_name"],
            "date_of_birth": user["date_of_birth"],
        }
    ]
    c.rp.refused(
        [],
        act(
            "book_reservation",
            user_id=user["user_id"],
            outbound_flights=[ref(soon_f)],
            cabin="economy",
            passengers=me,
            payment_id=card["payment_id"],
        ),
    )
    book = act(
        "book_reservation",
        user_id=user["user_id"],
        outbound_flights=[ref(next_f)],
        cabin="economy",
        passengers=me,
        payment_id=card["payment_id"],
    )
    gold = [
        auth(user),
        user_details(user),
        act("search_direct_flights", origin=o, destination=d, date=today),
        book,
    ]
    total = c.rp.run(gold)[-1]["total"]
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, a journalist who must get to "
            f"{w.city(d)} today for a breaking story. You are in a rush and talk quickly."
        ),
        goal=(
            f"Book yourself on flight {soon_f['flight_number']} today from {w.city(o)} to "
            f"{w.city(d)}, in economy. If the agent says it is too close to departure, ask for "
            "the next nonstop flight today that can still be booked in economy and book that "
            f"instead. No bags, no insurance, pay with your {w.card_words(card)}. Ask the total."
        ),
        known_info=f"Email {user['email']}, date of birth {user['date_of_birth']}.",
        withheld="",
        gold=gold,
        outputs=[money(total)],
        tags=["booking", "cutoff", "refusal", "single-write"],
    )


@task("test", "airline-053")
def seven_travellers_split(c: Ctx) -> Spec:
    w = c.w
    day = (TODAY + timedelta(days=16)).isoformat()
    flight = w.first_bookable(w.search("KSN", "FNB", day), "economy", 7)
    assert flight is not None
    user = w.pick_user(
        lambda u: u["tier"] == "platinum" and len(w.cards(u)) == 2 and not w.gift_cards(u)
    )
    card = w.cards(user)[0]
    last = user["last_name"]
    group = [
        {
            "first_name": user["first_name"],
            "last_name": last,
            "date_of_birth": user["date_of_birth"],
        },
        {"first_name": "Hoku", "last_name": last, "date_of_birth": "1983-04-22"},
        {"first_name": "Malia", "last_name": last, "date_of_birth": "2010-09-09"},
        {"first_name": "Keoni", "last_name": last, "date_of_birth": "2013-06-15"},
        {"first_name": "Ana", "last_name": "Fifita", "date_of_birth": "1956-02-28"},
        {"first_name": "Sione", "last_name": "Fifita", "date_of_birth": "1954-11-19"},
        {"first_name": "Lupe", "last_name": "Fifita", "date_of_birth": "1988-07-07"},
    ]
    c.rp.refused(
        [],
        act(
            "book_reservation",
            user_id=user["user_id"],
            outbound_flights=[ref(flight)],
            cabin="economy",
            passengers=group,
            payment_id=card["payment_id"],
        ),
    )
    b1 = act(
        "book_reservation",
        user_id=user["user_id"],
        outbound_flights=[ref(flight)],
        cabin="economy",
        passengers=group[:4],
        payment_id=card["payment_id"],
    )
    b2 = act(
        "book_reservation",
        user_id=user["user_id"],
        outbound_flights=[ref(flight)],
        cabin="economy",
        passengers=group[4:],
        payment_id=card["payment_id"],
    )
    gold = [
        auth(user, by="id"),
        user_details(user),
        act("search_direct_flights", origin="KSN", destination="FNB", date=day),
        b1,
        b2,
    ]
    results = c.rp.run(gold)
    names = "; ".join(f"{p['first_name']} {p['last_name']} ({p['date_of_birth']})" for p in group)
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, organising a family reunion "
            "trip to Fennick Bay for seven relatives. You are warm, talkative and a natural "
            "organiser."
        ),
        goal=(
            f"Book one-way economy seats for all seven of you from Kessington to Fennick Bay on "
            f"{day}, on the first nonstop flight of the day, in one reservation. If the agent "
            "says that is too many for one booking, split it: one reservation for your "
            "household (you, Hoku, Malia, Keoni) and a second one for the Fifita family (Ana, "
            "Sione, Lupe), both on the same flight. No bags, no insurance; pay both with your "
            f"{w.card_words(card)}. Ask the total of each booking."
        ),
        known_info=(
            f"Member number {user['user_id']}, date of birth {user['date_of_birth']}. "
            f"Travellers: {names}."
        ),
        withheld="",
        gold=gold,
        outputs=[money(results[3]["total"]), money(results[4]["total"])],
        tags=["booking", "limits", "group", "multi-write"],
    )


@task("test", "airline-054")
def wheelchair_and_name_transfer(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        u = w.user_of(r)
        pax = w.pax[r["reservation_id"]]
        return (
            w.modifiable(r)
            and len(pax) == 2
            and pax[0]["first_name"] == u["first_name"]
            and pax[1]["last_name"] == u["last_name"]
            and pax[1]["date_of_birth"] < "1960-01-01"
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    pax = w.pax[res["reservation_id"]]
    elder = pax[1]
    fixed = pax_of(pax)
    fixed[1]["last_name"] = (
        f"{elder['last_name']}-{'Reyes' if elder['last_name'] != 'Reyes' else 'Cruz'}"
    )
    upd = act("update_passengers", reservation_id=res["reservation_id"], passengers=fixed)
    summary = (
        f"Member {user['user_id']}, reservation {res['reservation_id']}: passenger "
        f"{elder['first_name']} {fixed[1]['last_name']} needs wheelchair assistance."
    )
    gold = [
        auth(user),
        res_details(res),
        upd,
        act("transfer_to_human_agents", summary=summary),
    ]
    c.rp.run(gold)
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, flying with your elderly "
            f"relative {elder['first_name']}. You are caring, patient and very thorough."
        ),
        goal=(
            f"Two requests on reservation {res['reservation_id']}. First, "
            f"{elder['first_name']}'s last name must be printed as '{fixed[1]['last_name']}' "
            "(the double-barrelled name on their passport); first name and date of birth stay "
            f"as they are. Second, {elder['first_name']} needs a wheelchair at both airports. "
            "If the agent says a colleague has to arrange the wheelchair, agree to be "
            "transferred after the name is fixed."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservation "
            f"{res['reservation_id']}."
        ),
        withheld="",
        gold=gold,
        outputs=[],
        tags=["passengers", "special-assistance", "transfer"],
    )


@task("test", "airline-055")
def which_trip_is_affected(c: Ctx) -> Spec:
    w = c.w

    def affected(uid: str) -> list[Row]:
        return [
            r
            for r in w.res_by_user[uid]
            if r["status"] == "active"
            and not any(w.departed(f) for f in w.flights_of(r))
            and any(f["status"] == "cancelled" for f in w.flights_of(r))
        ]

    def upcoming(uid: str) -> list[Row]:
        return [
            r
            for r in w.res_by_user[uid]
            if r["status"] == "active" and not any(w.departed(f) for f in w.flights_of(r))
        ]

    user = w.pick_user(
        lambda u: len(affected(u["user_id"])) == 1 and len(upcoming(u["user_id"])) >= 2
    )
    res = affected(user["user_id"])[0]
    gone = next(f for f in w.flights_of(res) if f["status"] == "cancelled")
    gold = [auth(user), user_details(user)] + [res_details(r) for r in upcoming(user["user_id"])]
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, who got a vague text message "
            "saying 'one of your upcoming Larkline flights has been cancelled' and has several "
            "trips booked. You are confused and slightly worried."
        ),
        goal=(
            "Find out which of your upcoming reservations contains the cancelled flight, and "
            "which flight (number and date) it is. For now you only want the information: you "
            "will decide what to do after talking with your partner, so do not change or "
            "cancel anything."
        ),
        known_info=f"Email {user['email']}, date of birth {user['date_of_birth']}.",
        withheld="You do not know any reservation codes.",
        gold=gold,
        outputs=[res["reservation_id"], gone["flight_number"]],
        tags=["account", "flight-status", "read-only"],
    )


@task("test", "airline-056")
def expired_card_upgrade_and_bags(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        u = w.user_of(r)
        fl = w.flights_of(r)
        return (
            w.modifiable(r)
            and r["cabin"] == "economy"
            and w.n_pax(r) == 1
            and r["checked_bags"] == 0
            and len(w.cards(u, valid=False)) == 1
            and len(w.cards(u)) == 1
            and all(f["seats_business"] >= 1 for f in fl)
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    old_card = w.cards(user, valid=False)[0]
    card = w.cards(user)[0]
    c.rp.refused(
        [],
        act(
            "change_cabin",
            reservation_id=res["reservation_id"],
            cabin="business",
            payment_id=old_card["payment_id"],
        ),
    )
    up = act(
        "change_cabin",
        reservation_id=res["reservation_id"],
        cabin="business",
        payment_id=card["payment_id"],
    )
    n_bags = w.free_bags(res, "business") + 1
    bags = act(
        "update_checked_bags",
        reservation_id=res["reservation_id"],
        total_checked_bags=n_bags,
        payment_id=card["payment_id"],
    )
    gold = [auth(user), res_details(res), user_details(user), up, bags]
    results = c.rp.run(gold)
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, who rarely checks which cards "
            "are still valid. You are chatty and easily sidetracked."
        ),
        goal=(
            f"Upgrade reservation {res['reservation_id']} to business class and pay with your "
            f"{w.card_words(old_card)}. If the agent says that card has expired, use your "
            f"{w.card_words(card)} instead. Ask the upgrade price before confirming. Then add "
            f"{n_bags} checked bags in total (you have none now), ask the fee, and pay with the "
            "valid card."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservation "
            f"{res['reservation_id']}."
        ),
        withheld="",
        gold=gold,
        outputs=[money(results[3]["cabin_difference"]), money(results[4]["bag_fee_charged"])],
        tags=["payment", "expired-card", "change-cabin", "bags", "multi-write"],
    )


@task("test", "airline-057")
def compensation_and_refund_future_cancellation(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        fl = w.flights_of(r)
        u = w.user_of(r)
        gone = [f for f in fl if f["status"] == "cancelled"]
        return (
            r["status"] == "active"
            and not any(w.departed(f) for f in fl)
            and len(gone) == 1
            and u["tier"] in ("gold", "platinum")
            and w.hours_since_booking(r) > 48
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    gone = next(f for f in w.flights_of(res) if f["status"] == "cancelled")
    comp = act(
        "issue_compensation_certificate",
        reservation_id=res["reservation_id"],
        flight_number=gone["flight_number"],
        date=gone["flight_date"],
    )
    cancel = act(
        "cancel_reservation",
        reservation_id=res["reservation_id"],
        reason="airline cancelled flight",
        refund_to="original_payment",
    )
    gold = [auth(user, by="id"), res_details(res), comp, cancel]
    results = c.rp.run(gold)
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, a {user['tier']} member who "
            f"just learned Larkline cancelled flight {gone['flight_number']} on "
            f"{gone['flight_date']}. You are disappointed but businesslike."
        ),
        goal=(
            "You no longer want to take this trip. First ask for the compensation you are "
            "entitled to for the cancellation (ask its value and code). Then cancel the whole "
            f"reservation {res['reservation_id']} and get a full refund to your original "
            "payment; the reason is Larkline's cancellation (ask the refund amount)."
        ),
        known_info=(
            f"Member number {user['user_id']}, date of birth {user['date_of_birth']}, "
            f"reservation {res['reservation_id']}."
        ),
        withheld="",
        gold=gold,
        outputs=[
            money(results[2]["amount"]),
            results[2]["certificate_id"],
            money(results[3]["refund_total"]),
        ],
        tags=["compensation", "cancel", "airline-cancelled", "multi-write"],
    )


@task("test", "airline-058")
def connection_to_nonstop_and_bag(c: Ctx) -> Spec:
    w = c.w

    def direct(r: Row) -> Row | None:
        fl = w.flights_of(r)
        opts = w.search(r["origin"], r["destination"], fl[0]["flight_date"])
        return w.first_bookable(opts, r["cabin"], w.n_pax(r))

    def ok(r: Row) -> bool:
        u = w.user_of(r)
        return (
            w.modifiable(r)
            and r["trip_type"] == "one_way"
            and len(w.flights_of(r)) == 2
            and r["cabin"] == "economy"
            and u["tier"] == "platinum"
            and len(w.cards(u)) >= 1
            and direct(r) is not None
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    fl = w.flights_of(res)
    new = direct(res)
    assert new is not None
    card = w.cards(user)[0]
    change = act(
        "change_flights",
        reservation_id=res["reservation_id"],
        outbound_flights=[ref(new)],
        payment_id=card["payment_id"],
    )
    bags = act(
        "update_checked_bags",
        reservation_id=res["reservation_id"],
        total_checked_bags=res["checked_bags"] + 1,
        payment_id=card["payment_id"],
    )
    gold = [
        auth(user, by="id"),
        res_details(res),
        act(
            "search_direct_flights",
            origin=res["origin"],
            destination=res["destination"],
            date=fl[0]["flight_date"],
        ),
        user_details(user),
        change,
        bags,
    ]
    results = c.rp.run(gold)
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, a platinum member who hates "
            "connections. You are direct and expect perks."
        ),
        goal=(
            f"Reservation {res['reservation_id']} has you connecting on {fl[0]['flight_date']} "
            f"({fl[0]['flight_number']} then {fl[1]['flight_number']}). Ask to switch to the "
            "first nonstop flight that day on the same route instead; ask the cost and accept. "
            f"Then add one more checked bag (you have {res['checked_bags']}), ask the fee and "
            f"accept. Pay with your {w.card_words(card)}."
        ),
        known_info=(
            f"Member number {user['user_id']}, date of birth {user['date_of_birth']}, "
            f"reservation {res['reservation_id']}."
        ),
        withheld="",
        gold=gold,
        outputs=[money(results[4]["amount_charged"]), money(results[5]["bag_fee_charged"])],
        tags=["change-flights", "nonstop", "bags", "multi-write"],
    )


# ============================================================================= dev split


@task("dev", "airline-dev-01")
def dev_is_flight_cancelled(c: Ctx) -> Spec:
    w = c.w
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    gone = sorted(
        (
            f
            for f in w.flights.values()
            if f["flight_date"] == tomorrow and f["status"] == "cancelled"
        ),
        key=lambda f: f["flight_number"],
    )
    f = gone[0]
    return Spec(
        persona=(
            "You are Meron, whose sister flies in tomorrow for your wedding rehearsal. You "
            "are excited, a bit frantic, and ask quick questions."
        ),
        goal=(
            f"Check whether flight {f['flight_number']} from {w.city(f['origin'])} to "
            f"{w.city(f['destination'])} tomorrow ({tomorrow}) is still operating. You are not "
            "the passenger and have no booking details; once you know its status, thank the "
            "agent and say you will call your sister."
        ),
        known_info=f"Flight {f['flight_number']} on {tomorrow}.",
        withheld="You have no reservation code or account details for your sister.",
        gold=[act("get_flight_status", flight_number=f["flight_number"], date=tomorrow)],
        outputs=["cancelled"],
        tags=["flight-status", "read-only", "no-auth", "easy"],
    )


@task("dev", "airline-dev-02")
def dev_book_business_one_way(c: Ctx) -> Spec:
    w = c.w
    user = w.pick_user(lambda u: u["tier"] == "gold" and len(w.cards(u)) == 1)
    card = w.cards(user)[0]
    day, last = next(
        (d, f)
        for k in range(7, 20)
        for d in [(TODAY + timedelta(days=k)).isoformat()]
        for f in [w.first_bookable(w.search("FNB", "KSN", d)[::-1], "business", 1)]
        if f is not None
    )
    me = [
        {
            "first_name": user["first_name"],
            "last_name": user["last_name"],
            "date_of_birth": user["date_of_birth"],
        }
    ]
    book = act(
        "book_reservation",
        user_id=user["user_id"],
        outbound_flights=[ref(last)],
        cabin="business",
        passengers=me,
        payment_id=card["payment_id"],
        checked_bags=4,
        insurance=True,
    )
    gold = [
        auth(user, by="id"),
        user_details(user),
        act("search_direct_flights", origin="FNB", destination="KSN", date=day),
        book,
    ]
    total = c.rp.run(gold)[-1]["total"]
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, a gold member and touring "
            "cellist travelling with equipment. You are courteous and precise."
        ),
        goal=(
            f"Book a one-way business ticket for yourself from Fennick Bay to Kessington on "
            f"{day}, on the last nonstop flight of the day. You need 4 checked bags and you "
            f"want travel insurance. Pay with your {w.card_words(card)}. Ask for the total and "
            "how much of it is for bags before confirming."
        ),
        known_info=f"Member number {user['user_id']}, date of birth {user['date_of_birth']}.",
        withheld="",
        gold=gold,
        outputs=[money(total)],
        tags=["booking", "bags", "insurance", "single-write"],
    )


@task("dev", "airline-dev-03")
def dev_cancel_24h_economy(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        return (
            w.modifiable(r)
            and w.hours_since_booking(r) < 20
            and r["cabin"] == "economy"
            and r["trip_type"] == "one_way"
            and w.n_pax(r) == 2
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    cancel = act(
        "cancel_reservation",
        reservation_id=res["reservation_id"],
        reason="change of plans",
        refund_to="original_payment",
    )
    gold = [auth(user), res_details(res), cancel]
    refund = c.rp.run(gold)[-1]["refund_total"]
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}. Your travel companion found a "
            "cheaper ferry and you want out of the flight you booked last night. You are "
            "cheerful and straightforward."
        ),
        goal=(
            f"Cancel reservation {res['reservation_id']} for both travellers and get a refund. "
            "If asked for the reason, say your plans changed: you will take the ferry "
            "instead. Ask the refund amount, then confirm."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservation "
            f"{res['reservation_id']} (booked last night)."
        ),
        withheld="",
        gold=gold,
        outputs=[money(refund)],
        tags=["cancel", "24h-window", "single-write"],
    )


@task("dev", "airline-dev-04")
def dev_business_certificate(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        return (
            w.modifiable(r)
            and r["cabin"] == "business"
            and not r["insurance"]
            and w.hours_since_booking(r) > 48
            and w.n_pax(r) == 1
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    cancel = act(
        "cancel_reservation",
        reservation_id=res["reservation_id"],
        reason="change of plans",
        refund_to="travel_certificate",
    )
    gold = [auth(user, by="id"), res_details(res), cancel]
    cert = c.rp.run(gold)[-1]["certificate"]
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, a management consultant whose "
            "client meeting went virtual. You are crisp and unsentimental."
        ),
        goal=(
            f"Cancel reservation {res['reservation_id']}; your plans changed. If the agent "
            "offers a travel certificate rather than a refund, ask its value and the fee "
            "deducted, then accept."
        ),
        known_info=(
            f"Member number {user['user_id']}, date of birth {user['date_of_birth']}, "
            f"reservation {res['reservation_id']}."
        ),
        withheld="",
        gold=gold,
        outputs=[money(cert["amount"]), cert["certificate_id"]],
        tags=["cancel", "certificate", "single-write"],
    )


@task("dev", "airline-dev-05")
def dev_basic_change_refused_bag_instead(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        u = w.user_of(r)
        return (
            w.modifiable(r)
            and r["cabin"] == "basic_economy"
            and w.n_pax(r) == 1
            and r["checked_bags"] == 0
            and u["tier"] == "none"
            and len(w.cards(u)) >= 1
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    card = w.cards(user)[0]
    bags = act(
        "update_checked_bags",
        reservation_id=res["reservation_id"],
        total_checked_bags=1,
        payment_id=card["payment_id"],
    )
    gold = [auth(user), res_details(res), user_details(user), bags]
    fee = c.rp.run(gold)[-1]["bag_fee_charged"]
    first = w.flights_of(res)[0]
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, a nursing student who booked "
            "the cheapest fare. You are soft-spoken and accept rules easily."
        ),
        goal=(
            f"Ask to move reservation {res['reservation_id']} (first flight "
            f"{first['flight_number']} on {first['flight_date']}) to the following day. If "
            "the agent says your fare cannot be changed, accept that without upgrading. "
            "Instead ask to add one checked bag; ask the fee and pay with your "
            f"{w.card_words(card)}."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservation "
            f"{res['reservation_id']}."
        ),
        withheld="",
        gold=gold,
        outputs=[money(fee)],
        tags=["basic-economy", "refusal", "bags", "single-write"],
    )


@task("dev", "airline-dev-06")
def dev_gold_bags(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        u = w.user_of(r)
        return (
            w.modifiable(r)
            and r["cabin"] == "economy"
            and u["tier"] == "gold"
            and w.n_pax(r) == 3
            and r["checked_bags"] <= 3
            and len(w.cards(u)) >= 1
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    card = w.cards(user)[0]
    bags = act(
        "update_checked_bags",
        reservation_id=res["reservation_id"],
        total_checked_bags=8,
        payment_id=card["payment_id"],
    )
    gold = [auth(user), res_details(res), user_details(user), bags]
    fee = c.rp.run(gold)[-1]["bag_fee_charged"]
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, a gold member taking two "
            "friends on a ski trip. You are jovial and want to know what your status gets you."
        ),
        goal=(
            f"Reservation {res['reservation_id']} has {res['checked_bags']} checked bag(s). You "
            "want 8 in total for the three of you (skis and boots). Ask how many of them are "
            f"free with your status and what the rest cost, then pay with your "
            f"{w.card_words(card)}."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservation "
            f"{res['reservation_id']}."
        ),
        withheld="",
        gold=gold,
        outputs=[money(fee)],
        tags=["bags", "tier-benefit", "single-write"],
    )


@task("dev", "airline-dev-07")
def dev_delay_compensation_and_bag(c: Ctx) -> Spec:
    w = c.w

    def late(r: Row) -> Row | None:
        fl = [
            f
            for f in w.flights_of(r)
            if f["status"] == "landed"
            and f["delay_minutes"] >= 180
            and (r["reservation_id"], f["flight_id"]) not in w.compensated
        ]
        return fl[0] if len(fl) == 1 else None

    def upcoming(uid: str) -> list[Row]:
        return [
            r
            for r in w.res_by_user[uid]
            if w.modifiable(r) and w.free_bags(r) <= r["checked_bags"] < 4 * w.n_pax(r)
        ]

    def ok(r: Row) -> bool:
        u = w.user_of(r)
        return (
            late(r) is not None
            and u["tier"] == "silver"
            and len(upcoming(u["user_id"])) == 1
            and len(w.cards(u)) >= 1
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    f = late(res)
    assert f is not None
    nxt = upcoming(user["user_id"])[0]
    card = w.cards(user)[0]
    comp = act(
        "issue_compensation_certificate",
        reservation_id=res["reservation_id"],
        flight_number=f["flight_number"],
        date=f["flight_date"],
    )
    bags = act(
        "update_checked_bags",
        reservation_id=nxt["reservation_id"],
        total_checked_bags=nxt["checked_bags"] + 1,
        payment_id=card["payment_id"],
    )
    gold = [auth(user), user_details(user), res_details(res), comp, res_details(nxt), bags]
    results = c.rp.run(gold)
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, a silver member and "
            "primary-school headteacher. You are organised and speak in full sentences."
        ),
        goal=(
            f"First, your flight {f['flight_number']} on {f['flight_date']} (reservation "
            f"{res['reservation_id']}) arrived hours late: ask for compensation and its value. "
            f"Second, on your upcoming reservation {nxt['reservation_id']}, add one more "
            f"checked bag; ask the fee and pay with your {w.card_words(card)}."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservations "
            f"{res['reservation_id']} and {nxt['reservation_id']}."
        ),
        withheld="",
        gold=gold,
        outputs=[money(results[3]["amount"]), money(results[5]["bag_fee_charged"])],
        tags=["compensation", "bags", "multi-write"],
    )


@task("dev", "airline-dev-08")
def dev_cancelled_connection_transfer(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        fl = w.flights_of(r)
        return (
            r["status"] == "active"
            and any(w.departed(f) for f in fl)
            and any(f["status"] == "cancelled" for f in fl)
            and r["trip_type"] == "round_trip"
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    gone = next(f for f in w.flights_of(res) if f["status"] == "cancelled")
    summary = (
        f"Member {user['user_id']}, reservation {res['reservation_id']}: flight "
        f"{gone['flight_number']} on {gone['flight_date']} cancelled by Larkline after part of "
        "the trip was flown; customer wants the remaining trip sorted out."
    )
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}. One flight of your current "
            "trip was cancelled by Larkline and you had to improvise. You are tired, "
            "slightly exasperated, but reasonable."
        ),
        goal=(
            # The flight number is the required output: the user does not know it.
            f"Your flight on {gone['flight_date']} (reservation {res['reservation_id']}) was "
            "cancelled by Larkline while you were already travelling; you do not remember its "
            "flight number, so ask the agent which flight it was. Ask for a refund of the "
            "unused part or a rebooking of the rest of your trip. If the agent says they "
            "cannot do that themselves and offers a human agent, accept."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservation "
            f"{res['reservation_id']}."
        ),
        withheld="Do not ask for compensation; you only want the trip sorted out.",
        gold=[auth(user), res_details(res), act("transfer_to_human_agents", summary=summary)],
        outputs=[gone["flight_number"]],
        tags=["transfer", "airline-cancelled", "partially-flown"],
    )


@task("dev", "airline-dev-09")
def dev_upgrade_then_bags(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        u = w.user_of(r)
        fl = w.flights_of(r)
        return (
            w.modifiable(r)
            and r["cabin"] == "economy"
            and w.n_pax(r) == 2
            and u["tier"] == "silver"
            and r["checked_bags"] <= 2
            and all(f["seats_business"] >= 2 for f in fl)
            and len(w.cards(u)) >= 1
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    card = w.cards(user)[-1]
    up = act(
        "change_cabin",
        reservation_id=res["reservation_id"],
        cabin="business",
        payment_id=card["payment_id"],
    )
    bags = act(
        "update_checked_bags",
        reservation_id=res["reservation_id"],
        total_checked_bags=5,
        payment_id=card["payment_id"],
    )
    gold = [auth(user, by="id"), res_details(res), user_details(user), up, bags]
    results = c.rp.run(gold)
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, flying with your spouse for a "
            "milestone anniversary. You are sentimental and want it to feel special."
        ),
        goal=(
            f"First upgrade reservation {res['reservation_id']} to business class (ask the "
            "price, accept). Then set the checked bags to 5 in total and accept the fee. Pay "
            f"both with your {w.card_words(card)}."
        ),
        known_info=(
            f"Member number {user['user_id']}, date of birth {user['date_of_birth']}, "
            f"reservation {res['reservation_id']}."
        ),
        withheld="",
        gold=gold,
        outputs=[money(results[3]["cabin_difference"]), money(results[4]["bag_fee_charged"])],
        tags=["change-cabin", "bags", "multi-write"],
        order_stated=True,  # the bag fee depends on the cabin
    )


@task("dev", "airline-dev-10")
def dev_add_traveller_by_rebooking(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        u = w.user_of(r)
        fl = w.flights_of(r)
        return (
            w.modifiable(r)
            and w.hours_since_booking(r) < 20
            and w.n_pax(r) == 2
            and all(f[f"seats_{r['cabin']}"] >= 3 for f in fl)
            and len(w.cards(u)) >= 1
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    card = w.cards(user)[0]
    fl = w.flights_of(res)
    segs = w.segs[res["reservation_id"]]
    out = [w.flights[s["flight_id"]] for s in segs if s["direction"] == "outbound"]
    back = [w.flights[s["flight_id"]] for s in segs if s["direction"] == "return"]
    friend = {"first_name": "Nilufar", "last_name": "Karimi", "date_of_birth": "1993-05-30"}
    cancel = act(
        "cancel_reservation",
        reservation_id=res["reservation_id"],
        reason="change of plans",
        refund_to="original_payment",
    )
    book = act(
        "book_reservation",
        user_id=user["user_id"],
        outbound_flights=[ref(f) for f in out],
        return_flights=[ref(f) for f in back],
        cabin=res["cabin"],
        passengers=[*pax_of(w.pax[res["reservation_id"]]), friend],
        payment_id=card["payment_id"],
        checked_bags=res["checked_bags"],
        insurance=res["insurance"],
    )
    gold = [auth(user), res_details(res), user_details(user), cancel, book]
    results = c.rp.run(gold)
    route = " then ".join(f"{f['flight_number']} ({f['flight_date']})" for f in fl)
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, who booked a trip for two "
            "yesterday; now a third friend wants to come. You are sociable and flexible."
        ),
        goal=(
            f"Add your friend Nilufar Karimi to reservation {res['reservation_id']}. If the "
            "agent says passengers cannot be added, ask whether you can cancel it (booked "
            "yesterday; if asked for a reason, your plans changed) and rebook the same "
            "flights, same cabin, same bags and insurance choice, for all "
            f"three of you. Flights: {route}. Pay the new booking with your "
            f"{w.card_words(card)}. Ask the refund and the new total."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservation "
            f"{res['reservation_id']}. Nilufar Karimi, born 1993-05-30."
        ),
        withheld="",
        gold=gold,
        outputs=[money(results[3]["refund_total"]), money(results[4]["total"])],
        tags=["passengers", "24h-window", "cancel", "booking", "multi-write", "hard"],
    )


@task("dev", "airline-dev-11")
def dev_change_and_fix_name(c: Ctx) -> Spec:
    w = c.w

    def later(r: Row) -> Row | None:
        f = w.flights_of(r)[0]
        opts = [
            g
            for g in w.search(f["origin"], f["destination"], f["flight_date"])
            if g["departure"] > f["departure"]
        ]
        return w.first_bookable(opts, r["cabin"], w.n_pax(r))

    def ok(r: Row) -> bool:
        u = w.user_of(r)
        pax = w.pax[r["reservation_id"]]
        return (
            w.modifiable(r)
            and r["trip_type"] == "one_way"
            and len(w.flights_of(r)) == 1
            and r["cabin"] == "business"
            and len(pax) == 1
            and pax[0]["first_name"] == u["first_name"]
            and len(w.cards(u)) >= 1
            and later(r) is not None
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    new = later(res)
    assert new is not None
    card = w.cards(user)[0]
    me = w.pax[res["reservation_id"]][0]
    fixed = pax_of([me])
    fixed[0]["last_name"] = me["last_name"].upper()[0] + me["last_name"][1:] + "-Amari"
    change = act(
        "change_flights",
        reservation_id=res["reservation_id"],
        outbound_flights=[ref(new)],
        payment_id=card["payment_id"],
    )
    upd = act("update_passengers", reservation_id=res["reservation_id"], passengers=fixed)
    gold = [
        auth(user),
        res_details(res),
        act(
            "search_direct_flights",
            origin=new["origin"],
            destination=new["destination"],
            date=new["flight_date"],
        ),
        user_details(user),
        change,
        upd,
    ]
    results = c.rp.run(gold)
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, recently married and "
            "travelling on business. You are upbeat and efficient."
        ),
        goal=(
            f"On reservation {res['reservation_id']}: first move to the next nonstop flight "
            "later the same day on the same route (ask the cost, accept, pay with your "
            f"{w.card_words(card)}). Then update your last name on the ticket to "
            f"'{fixed[0]['last_name']}' to match your new passport (first name and birth date "
            "unchanged)."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservation "
            f"{res['reservation_id']}."
        ),
        withheld="",
        gold=gold,
        outputs=[money(results[4]["amount_charged"])],
        tags=["change-flights", "passengers", "multi-write"],
    )


@task("dev", "airline-dev-12")
def dev_insured_compensation_and_cancel(c: Ctx) -> Spec:
    w = c.w

    def ok(r: Row) -> bool:
        fl = w.flights_of(r)
        return (
            r["status"] == "active"
            and not any(w.departed(f) for f in fl)
            and sum(1 for f in fl if f["status"] == "cancelled") == 1
            and r["insurance"]
            and w.user_of(r)["tier"] == "none"
        )

    res = w.pick_reservation(ok)
    user = w.user_of(res)
    gone = next(f for f in w.flights_of(res) if f["status"] == "cancelled")
    comp = act(
        "issue_compensation_certificate",
        reservation_id=res["reservation_id"],
        flight_number=gone["flight_number"],
        date=gone["flight_date"],
    )
    cancel = act(
        "cancel_reservation",
        reservation_id=res["reservation_id"],
        reason="airline cancelled flight",
        refund_to="original_payment",
    )
    gold = [auth(user), res_details(res), comp, cancel]
    results = c.rp.run(gold)
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, who always buys travel "
            "insurance and expects it to pay off. You are calm and methodical."
        ),
        goal=(
            f"Larkline cancelled your flight {gone['flight_number']} on {gone['flight_date']} "
            f"(reservation {res['reservation_id']}). Ask whether you are entitled to any "
            "compensation (you are not a tier member, but you are insured) and accept it. Then "
            "cancel the whole reservation for a full refund, because of Larkline's "
            "cancellation. Ask both amounts."
        ),
        known_info=(
            f"Email {user['email']}, date of birth {user['date_of_birth']}, reservation "
            f"{res['reservation_id']}."
        ),
        withheld="",
        gold=gold,
        outputs=[money(results[2]["amount"]), money(results[3]["refund_total"])],
        tags=["compensation", "cancel", "insurance", "multi-write"],
    )


@task("dev", "airline-dev-13")
def dev_cheapest_business_connection(c: Ctx) -> Spec:
    w = c.w
    # a day and route where every one-stop option can be booked in business
    day, origin, dest, options = next(
        (day, o, d, opts)
        for k in range(9, 20)
        for day in [(TODAY + timedelta(days=k)).isoformat()]
        for o, d in (("BLH", "SMR"), ("MRB", "HMR"), ("WRK", "SMR"))
        for opts in [w.onestop(o, d, day)]
        if len(opts) >= 2 and all(w.bookable(f, "business", 1) for x in opts for f in x)
    )
    best = min(options, key=lambda o: round(o[0]["price_business"] + o[1]["price_business"], 2))
    total = round(best[0]["price_business"] + best[1]["price_business"], 2)
    return Spec(
        persona=(
            "You are Giulia, an executive assistant pricing a trip for her manager. You are "
            "professional and concise."
        ),
        goal=(
            "Ask for the cheapest business-class option from "
            f"{w.city(origin)} to {w.city(dest)} on {day} with one connection: which "
            "flights, and the total business fare per person. You are only collecting a "
            "quote; do not book."
        ),
        known_info=f"{w.city(origin)} to {w.city(dest)} on {day}, one passenger, business class.",
        withheld="You do not share your manager's account details.",
        gold=[act("search_onestop_flights", origin=origin, destination=dest, date=day)],
        outputs=[money(total), best[0]["flight_number"], best[1]["flight_number"]],
        tags=["search", "one-stop", "read-only", "no-auth"],
    )


@task("dev", "airline-dev-14")
def dev_bag_on_two_trips(c: Ctx) -> Spec:
    w = c.w

    def upcoming(uid: str) -> list[Row]:
        return [
            r
            for r in w.res_by_user[uid]
            if w.modifiable(r) and w.free_bags(r) <= r["checked_bags"] < 4 * w.n_pax(r)
        ]

    user = w.pick_user(
        lambda u: (
            len(upcoming(u["user_id"])) == 2
            and len(w.gift_cards(u)) == 1
            and w.gift_cards(u)[0]["balance"] >= 80
        )
    )
    r1, r2 = upcoming(user["user_id"])
    gc = w.gift_cards(user)[0]
    b1 = act(
        "update_checked_bags",
        reservation_id=r1["reservation_id"],
        total_checked_bags=r1["checked_bags"] + 1,
        payment_id=gc["payment_id"],
    )
    b2 = act(
        "update_checked_bags",
        reservation_id=r2["reservation_id"],
        total_checked_bags=r2["checked_bags"] + 1,
        payment_id=gc["payment_id"],
    )
    gold = [auth(user, by="id"), user_details(user), res_details(r1), b1, res_details(r2), b2]
    results = c.rp.run(gold)
    return Spec(
        persona=(
            f"You are {user['first_name']} {user['last_name']}, a keen birdwatcher with two "
            "trips coming up and a new telescope to carry. You are gentle and a little "
            "long-winded."
        ),
        goal=(
            "Add one extra checked bag to each of your two upcoming trips "
            f"({r1['reservation_id']} and {r2['reservation_id']}). Ask the fee for each and "
            "pay with your Larkline gift card."
        ),
        known_info=(
            f"Member number {user['user_id']}, date of birth {user['date_of_birth']}, "
            f"reservations {r1['reservation_id']} and {r2['reservation_id']}."
        ),
        withheld="",
        gold=gold,
        outputs=[money(results[3]["bag_fee_charged"]), money(results[5]["bag_fee_charged"])],
        tags=["bags", "gift-card", "multi-write"],
    )


# ============================================================================= main


def build(split: str, c: Ctx) -> list[Row]:
    tasks = []
    for task_id, fn in REGISTRY[split]:
        spec = fn(c)
        c.rp.run(spec.gold)
        # "0.00" is not what an agent naturally says for "no charge": never require it
        outputs = [o for o in spec.outputs if o != "0.00"]
        writes = [a for a in spec.gold if a["name"] in WRITE_TOOLS]
        assert writes or outputs, f"{task_id}: a read-only task needs a required output"
        tasks.append(
            {
                "id": task_id,
                "scenario": {
                    "persona": spec.persona,
                    "goal": spec.goal,
                    "known_info": spec.known_info,
                    "withheld": spec.withheld,
                },
                "gold_actions": spec.gold,
                "required_outputs": outputs,
                "tags": spec.tags,
                **({"order_stated": True} if spec.order_stated else {}),
            }
        )
    return tasks


def main() -> int:
    c = Ctx(w=World(HERE / "data"), rp=Replayer())
    out_dir = ROOT / "tasks" / "airline"
    out_dir.mkdir(parents=True, exist_ok=True)
    for split in ("test", "dev"):
        tasks = build(split, c)
        multi = sum(
            1 for t in tasks if sum(a["name"] in WRITE_TOOLS for a in t["gold_actions"]) >= 2
        )
        text = json.dumps(tasks, indent=2, ensure_ascii=False) + "\n"
        (out_dir / f"{split}.json").write_text(text, encoding="utf-8")
        print(f"{split}: {len(tasks)} tasks, {multi} with >= 2 writes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
