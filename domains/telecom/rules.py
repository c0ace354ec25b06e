"""Larkspur Telecom's fixed time and policy numbers: the one place for them.

Shared by ``DOMAIN`` (its fixed time), the tools (which enforce the rules) and
``generate.py`` (which writes seed data that follows them). Rule numbers ("R11") refer
to ``policy.md``, which states these values for the agent. Money is in integer cents.
"""

from __future__ import annotations

from datetime import datetime

# The domain's fixed "current time" (DOMAIN.now): tools read it as ctx.now.
NOW = datetime(2026, 6, 10, 9, 0)

PER_INVOICE_CREDIT_CAP = 3000  # cents, R11
ROLLING_CREDIT_CAP = 7500  # cents per account in the last ROLLING_CREDIT_WINDOW_DAYS, R11
ROLLING_CREDIT_WINDOW_DAYS = 365
CREDIT_INVOICE_WINDOW_DAYS = 60  # R11: only invoices issued in the last 60 days
OUTAGE_CREDIT_WINDOW_DAYS = 60  # R10: outages resolved in the last 60 days
PLAN_CHANGE_COOLDOWN_DAYS = 30  # R5
SIM_SWAP_COOLDOWN_DAYS = 30  # R16
ROAMING_LEAD_DAYS = 60  # R8: a pass may start at most 60 days ahead
WARRANTY_DAYS = 365  # R15


def service_of(line_type: str) -> str:
    """Which network an outage must hit to affect a line of this type."""
    return "home_internet" if line_type == "home_internet" else "mobile"


def outage_days(started: datetime, ended: datetime) -> int:
    """Started 24-hour periods from ``started`` to ``ended`` (at least one)."""
    seconds = max(int((ended - started).total_seconds()), 1)
    return -(-seconds // 86400)


def outage_credit(days: int, monthly_price: int) -> int:
    """R10: the credit for ``days`` of outage on a line, in cents: the monthly price
    (cents) / 30 per day, rounded half up."""
    return (2 * days * monthly_price + 30) // 60


def luhn_ok(digits: str) -> bool:
    """Whether a number (an IMEI, a SIM's ICCID) passes the Luhn check."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def luhn_digit(body: str) -> str:
    """The check digit that makes ``body`` + it pass the Luhn check."""
    return next(check for check in "0123456789" if luhn_ok(body + check))
