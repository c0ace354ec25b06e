"""Fernwick Market's fixed facts and policy numbers: the one place for them.

Shared by ``DOMAIN`` (its fixed time), the tools (which enforce the rules) and
``generate.py`` (which writes seed data that follows them). ``policy.md`` and the tool
descriptions quote these values for the agent (a test checks that they do).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, get_args

# The domain's fixed "current time" (DOMAIN.now): tools read it as ctx.now.
NOW = datetime(2026, 5, 15, 10, 0)

# [R12] returns: a window after delivery, and a return-shipping fee for some reasons.
RETURN_WINDOW_DAYS = 30
RETURN_FEE = 4.95
FEE_REASONS = ("no longer needed", "wrong size or fit")

# The reasons a customer may give (the tools' parameter types; the generator draws from them).
CancelReason = Literal[
    "no longer needed", "ordered by mistake", "found a better price", "delivery too slow"
]
CANCEL_REASONS: tuple[CancelReason, ...] = get_args(CancelReason)
ReturnReason = Literal[
    "no longer needed", "wrong size or fit", "damaged or defective", "not as described"
]
RETURN_REASONS: tuple[ReturnReason, ...] = get_args(ReturnReason)

# Goodwill credit per order, by loyalty tier.
GOODWILL_CAPS = {"standard": 10.0, "silver": 20.0, "gold": 30.0}

# Shipping: free from this subtotal (and always for gold members), else a flat fee.
FREE_SHIPPING_FROM = 50.0
SHIPPING_FEE = 5.99

# Region code -> (name, first digit of its postal codes).
REGIONS = {
    "CC": ("Calder Coast", "3"),
    "HV": ("Harlow Valley", "4"),
    "BH": ("Brannock Highlands", "5"),
    "SP": ("Sable Plains", "6"),
    "EM": ("Eastmere", "7"),
    "OL": ("Orrin Lakes", "8"),
}
