"""Larkline Air's members, their payment methods and the people they book for."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from .. import rules as R
from ..rules import NOW, money
from .state import Ctx, Row, certificate, method, month_end
from .world import (
    AIRPORTS,
    CARD_BRANDS,
    CULTURES,
    EMAIL_DOMAINS,
    EXTRA_TOWNS,
    N_USERS,
    REGION_CODES,
    STREETS,
)


def make_users(ctx: Ctx) -> None:
    rng = ctx.rng
    towns = [(a[2], a[3]) for a in AIRPORTS] + EXTRA_TOWNS
    seen_emails: set[str] = set()
    for _ in range(N_USERS):
        firsts, lasts = rng.choice(CULTURES)
        first = rng.choice(firsts)
        # about one in eight accounts carries a surname from another culture
        last = rng.choice(rng.choice(CULTURES)[1]) if rng.random() < 0.12 else rng.choice(lasts)
        user_id = ctx.new_id("SL")
        base = "".join(ch for ch in f"{first}.{last}".lower() if ch.isalnum() or ch == ".")
        email = f"{base}{rng.randint(1, 99)}@{rng.choice(EMAIL_DOMAINS)}"
        while email in seen_emails:
            email = f"{base}{rng.randint(100, 999)}@{rng.choice(EMAIL_DOMAINS)}"
        seen_emails.add(email)
        town, region = rng.choice(towns)
        dob = date(1944, 1, 1) + timedelta(days=rng.randint(0, 62 * 365))
        tier = rng.choices(R.TIERS, weights=(50, 25, 15, 10))[0]
        since = date(2009, 1, 1) + timedelta(days=rng.randint(0, 6290))
        ctx.users.append(
            {
                "user_id": user_id,
                "first_name": first,
                "last_name": last,
                "email": email,
                "phone": f"0{rng.randint(200, 899)} 555 {rng.randint(0, 9999):04d}",
                "date_of_birth": dob.isoformat(),
                "address_line1": f"{rng.randint(1, 480)} {rng.choice(STREETS)}",
                "address_line2": rng.choice(
                    [
                        None,
                        None,
                        None,
                        f"Apt {rng.randint(1, 30)}{rng.choice('ABCD')}",
                        f"Unit {rng.randint(2, 60)}",
                    ]
                ),
                "city": town,
                "region": region,
                "postal_code": f"{REGION_CODES[region]} {rng.randint(1000, 9899)}",
                "tier": tier,
                "member_since": since.isoformat(),
            }
        )
        make_methods(ctx, user_id)


def make_methods(ctx: Ctx, user_id: str) -> None:
    rng = ctx.rng
    n_cards = rng.choices((0, 1, 2, 3), weights=(4, 60, 28, 8))[0]
    has_gift = n_cards == 0 or rng.random() < 0.25
    for _ in range(n_cards):
        year = rng.choice((2025, 2026, 2026, 2027, 2027, 2028, 2029, 2030))
        month = rng.randint(1, 12)
        ctx.methods.append(
            method(
                ctx.new_id("PM-"),
                user_id,
                rng.choices(("credit_card", "debit_card"), weights=(70, 30))[0],
                brand=rng.choice(CARD_BRANDS),
                last_four=f"{rng.randint(0, 9999):04d}",
                expires_on=month_end(year, month).isoformat(),
            )
        )
    if has_gift:
        ctx.methods.append(
            method(
                ctx.new_id("GC-"),
                user_id,
                "gift_card",
                balance=money(
                    rng.choice((25, 50, 100, 150, 200, 250, 300, 400, 500))
                    * rng.choice((1.0, 1.0, 0.6, 0.35, 0.8))
                ),
                note="Larkline gift card",
            )
        )
    if rng.random() < 0.16:
        for _ in range(rng.choice((1, 1, 2))):
            issued = datetime(2025, 3, 1) + timedelta(minutes=rng.randint(0, 365 * 24 * 60))
            issued = issued.replace(second=0)
            amount = rng.choice((50.0, 75.0, 100.0, 120.0, 150.0, 200.0, 250.0))
            ctx.methods.append(
                certificate(
                    ctx.new_id("TC-"),
                    user_id,
                    issued,
                    amount,
                    rng.choice(
                        (
                            "Service recovery voucher",
                            "Goodwill certificate",
                            "Missed connection goodwill",
                            "Seat downgrade goodwill",
                        )
                    ),
                )
            )


def make_passengers(rng: random.Random, user: Row, n: int) -> list[Row]:
    people: list[Row] = []
    if rng.random() < 0.78:
        people.append(
            {
                "first_name": user["first_name"],
                "last_name": user["last_name"],
                "date_of_birth": user["date_of_birth"],
            }
        )
    while len(people) < n:
        firsts, lasts = rng.choice(CULTURES)
        family = people and rng.random() < 0.55
        last = user["last_name"] if family else rng.choice(lasts)
        dob = date(1940, 1, 1) + timedelta(days=rng.randint(0, 84 * 365))
        if dob >= NOW.date():
            dob = date(2019, 6, 1)
        people.append(
            {"first_name": rng.choice(firsts), "last_name": last, "date_of_birth": dob.isoformat()}
        )
    return people
