"""Larkline Air business rules as plain constants and pure functions: the one place for them.

Shared by ``DOMAIN`` (its fixed time), the tools (which enforce the rules) and
``generate.py`` (which writes seed data that follows them). The numbered rules of
``policy.md`` quote these values (a test checks that they do).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

# The domain's fixed "current time" (DOMAIN.now): tools read it as ctx.now.
NOW = datetime(2026, 5, 14, 6, 0)

AIRLINE = "Larkline Air"
FLIGHT_PREFIX = "LK"

CABINS = ("basic_economy", "economy", "business")
TIERS = ("none", "silver", "gold", "platinum")

# [R2] passengers per reservation
MAX_PASSENGERS = 6

# [R4] a flight can be booked until this long before its (expected) departure
BOOKING_CUTOFF = timedelta(hours=2)

# [R5] connections
MIN_CONNECTION = timedelta(minutes=45)
MAX_CONNECTION = timedelta(hours=6)
MAX_FLIGHTS_PER_DIRECTION = 2

# [R8] travel insurance, per passenger
INSURANCE_PER_PASSENGER = 30.00
INSURANCE_WINDOW = timedelta(hours=24)

# [R9] checked bags
FREE_BAGS = {
    "basic_economy": {"none": 0, "silver": 1, "gold": 1, "platinum": 2},
    "economy": {"none": 1, "silver": 1, "gold": 2, "platinum": 3},
    "business": {"none": 2, "silver": 2, "gold": 3, "platinum": 3},
}
EXTRA_BAG_FEE = 40.00
MAX_BAGS_PER_PASSENGER = 4

# [R11] free cancellation window after booking
FREE_CANCEL_WINDOW = timedelta(hours=24)
INSURED_REASONS = ("illness or injury", "death in the family")
CANCEL_REASONS = (
    "change of plans",
    "illness or injury",
    "death in the family",
    "airline cancelled flight",
    "other",
)

# [R12] cancellation for a travel certificate, fee per passenger
CERTIFICATE_CANCEL_FEE = 75.00
CERTIFICATE_VALIDITY = timedelta(days=365)

# [R14] flight change fee per passenger (economy only, waived for gold and platinum)
CHANGE_FEE = 60.00
CHANGE_FEE_TIERS = ("none", "silver")

# [R16] compensation per passenger
COMPENSATION_CANCELLED = 125.00
COMPENSATION_DELAYED = 60.00
COMPENSATION_MIN_DELAY_MINUTES = 180
COMPENSATION_TIERS = ("silver", "gold", "platinum")


def money(value: float | Decimal | int) -> float:
    """Round an amount to cents, half up (e.g. 10.005 -> 10.01)."""
    return float(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def free_bags_per_passenger(cabin: str, tier: str) -> int:
    """Free checked bags per passenger for a cabin and membership tier."""
    return FREE_BAGS[cabin][tier]


def bag_fee(total_bags: int, passengers: int, cabin: str, tier: str) -> float:
    """The fee for ``total_bags`` checked bags on a reservation (extra bags only)."""
    free = free_bags_per_passenger(cabin, tier) * passengers
    return money(max(0, total_bags - free) * EXTRA_BAG_FEE)


LOCATOR_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
HEX_CHARS = "0123456789ABCDEF"
DIGITS = "0123456789"


def stable_code(alphabet: str, length: int, *parts: object) -> str:
    """A code derived from ``parts`` alone (sha256), so that the same action produces the
    same identifier whatever else happened before it: two independent changes made in a
    different order leave the same database."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode("utf-8")).digest()
    return "".join(alphabet[b % len(alphabet)] for b in digest[:length])


def change_fee(cabin: str, tier: str, passengers: int) -> float:
    """The flight change fee for a whole reservation."""
    if cabin == "economy" and tier in CHANGE_FEE_TIERS:
        return money(CHANGE_FEE * passengers)
    return 0.0
