"""What the Larkspur Telecom generator's steps share: the random streams, the tables made
so far, small random helpers and date arithmetic."""

from __future__ import annotations

import random
import unicodedata
from datetime import date, datetime, timedelta
from typing import Any

from ..rules import NOW, luhn_digit
from .world import ADDONS, NAMES, PLANS, SEED

TODAY = NOW.date()

Row = dict[str, Any]


def money(cents: int) -> float:
    return round(cents / 100, 2)


def add_months(day: date, months: int, dom: int | None = None) -> date:
    month_index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(month_index, 12)
    return date(year, month + 1, dom if dom is not None else day.day)


def ascii_slug(text: str) -> str:
    text = text.replace("ı", "i").replace("ş", "s").replace("ç", "c").replace("ğ", "g")
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


class Ids:
    """Unique random numeric ids, one random stream per prefix.

    Each prefix draws from its own ``random.Random`` (seeded from SEED and the prefix), so
    adding a row to one table never shifts the ids, or any other random choice, of the
    rest of the data. The ``used`` sets are only used for membership tests.
    """

    def __init__(self) -> None:
        self.rngs: dict[str, random.Random] = {}
        self.used: dict[str, set[int]] = {}

    def new(self, prefix: str, digits: int) -> str:
        rng = self.rngs.setdefault(prefix, random.Random(f"{SEED}-{prefix}"))
        used = self.used.setdefault(prefix, set())
        low = 10 ** (digits - 1)
        while True:
            n = rng.randrange(low, low * 10 - low // 2)
            if n not in used:
                used.add(n)
                return f"{prefix}{n}"


def method_valid_on(method: Row, day: date) -> bool:
    if method["kind"] != "card":
        return True
    return (method["exp_year"], method["exp_month"]) >= (day.year, day.month)


def months_between(start: date, end: date) -> int:
    """Whole months from start to end (how many monthly installments fell due)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def cycle_start_on_or_before(day: date, cycle_day: int) -> date:
    start = date(day.year, day.month, cycle_day)
    return start if start <= day else add_months(start, -1, cycle_day)


class State:
    """The one random stream, the id streams, the tables made so far and small draws."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.ids = Ids()
        self.phones_used: set[str] = set()
        self.names_used: set[str] = set()
        self.tables: dict[str, list[Row]] = {
            name: []
            for name in (
                "customers",
                "payment_methods",
                "plans",
                "addons",
                "lines",
                "line_addons",
                "devices",
                "invoices",
                "invoice_items",
                "payments",
                "credits",
                "tickets",
                "ticket_notes",
                "outages",
                "outage_reports",
                "usage_records",
            )
        }
        self.plans = {p[0]: p for p in PLANS}
        self.addons = {a[0]: a for a in ADDONS}
        # generator-only facts, keyed by id
        self.prev_plan: dict[str, str] = {}
        self.account_lines: dict[str, list[Row]] = {}
        self.account_methods: dict[str, list[Row]] = {}
        self.by_line: dict[str, dict[str, list[Row]]] = {}
        self.current_cycle = TODAY  # start of the current billing cycle of the account

    # --- small random helpers ----------------------------------------------------------

    def pick(self, seq: list[Any]) -> Any:
        return seq[self.rng.randrange(len(seq))]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def day_between(self, start: date, end: date) -> date:
        if end <= start:
            return start
        return start + timedelta(days=self.rng.randrange((end - start).days + 1))

    def at_time(self, day: date, first_hour: int = 8, last_hour: int = 20) -> datetime:
        """A time of day on ``day``, never later than an hour before NOW."""
        moment = datetime(
            day.year,
            day.month,
            day.day,
            self.rng.randrange(first_hour, last_hour + 1),
            self.rng.randrange(0, 60, 5),
        )
        return min(moment, NOW - timedelta(hours=1))

    def phone_number(self) -> str:
        while True:
            number = (
                f"{self.pick(['472', '538', '619'])}-{self.rng.randrange(201, 990)}-"
                f"{self.rng.randrange(0, 10000):04d}"
            )
            if number not in self.phones_used:
                self.phones_used.add(number)
                return number

    def person(self) -> tuple[str, str, int]:
        while True:
            culture = self.rng.randrange(len(NAMES))
            first = self.pick(NAMES[culture][0])
            last = self.pick(NAMES[culture][1])
            if f"{first} {last}" not in self.names_used:
                self.names_used.add(f"{first} {last}")
                return first, last, culture

    def imei(self, tac: str) -> str:
        body = tac + f"{self.rng.randrange(0, 10**6):06d}"
        return body + luhn_digit(body)

    def iccid(self) -> str:
        body = "891427" + f"{self.rng.randrange(0, 10**12):012d}"
        return body + luhn_digit(body)
