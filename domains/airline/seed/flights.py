"""Larkline Air's airports and its flights, day by day over the generated window."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from .. import rules as R
from ..rules import NOW, money
from .state import Ctx, FlightRow, Row, dist
from .world import AIRCRAFT, AIRPORTS, FIRST_DATE, LAST_DATE, ROUTES


def make_airports() -> list[Row]:
    return [
        {"code": c, "name": n, "city": city, "region": reg, "is_hub": hub}
        for c, n, city, reg, hub, _x, _y in AIRPORTS
    ]


# ----------------------------------------------------------------------------- flights


def make_flights(ctx: Ctx) -> list[Row]:
    rng = ctx.rng
    number = 100
    schedules: list[tuple[str, str, str, int, tuple[int, ...] | None, str, float, int]] = []
    for a, b, per_day, weekdays in ROUTES:
        d = dist(a, b)
        duration = round((25 + d / 11.5) / 5.0) * 5
        fitting = [name for name, lo, hi in AIRCRAFT if lo <= d <= hi]
        base = 49 + d * 0.14
        for origin, dest in ((a, b), (b, a)):
            span = (15 * 60 - duration // 2) // max(per_day, 1)
            for k in range(per_day):
                number += rng.choice((2, 3, 4, 6))
                start = 6 * 60 + 30 + k * span + rng.randrange(0, max(span - 60, 30), 5)
                start = min(start, 21 * 60 + 30)
                fnum = f"{R.FLIGHT_PREFIX}{number}"
                aircraft = rng.choice(fitting)
                schedules.append((fnum, origin, dest, start, weekdays, aircraft, base, duration))
    rows: list[Row] = []
    day = FIRST_DATE
    while day <= LAST_DATE:
        for fnum, origin, dest, start, weekdays, aircraft, base, duration in schedules:
            if weekdays is not None and day.weekday() not in weekdays:
                continue
            dep = datetime(day.year, day.month, day.day) + timedelta(minutes=start)
            arr = dep + timedelta(minutes=duration)
            status, delay = flight_status(rng, dep, arr)
            days_out = (day - NOW.date()).days
            demand = 1.0 + (0.25 if day.weekday() in (4, 6) else 0.0)
            if 0 <= days_out <= 6:
                demand += 0.18
            econ = base * demand * rng.uniform(0.85, 1.2)
            price_economy = money(econ)
            price_basic = money(econ * rng.uniform(0.7, 0.78))
            price_business = money(econ * rng.uniform(2.5, 2.9) + 35)
            future = dep > NOW
            row = {
                "flight_id": f"{fnum}-{day.isoformat()}",
                "flight_number": fnum,
                "flight_date": day.isoformat(),
                "origin": origin,
                "destination": dest,
                "departure": dep.isoformat(),
                "arrival": arr.isoformat(),
                "aircraft": aircraft,
                "status": status,
                "delay_minutes": delay,
                "seats_basic_economy": seats(rng, future, 24, 0.12),
                "seats_economy": seats(rng, future, 60, 0.05),
                "seats_business": seats(rng, future, 10, 0.15),
                "price_basic_economy": price_basic,
                "price_economy": price_economy,
                "price_business": price_business,
            }
            rows.append(row)
            fr = FlightRow(row=row, dep=dep, arr=arr)
            ctx.flights.append(fr)
            ctx.by_origin_date.setdefault((origin, day), []).append(fr)
        day += timedelta(days=1)
    for key in ctx.by_origin_date:
        ctx.by_origin_date[key].sort(key=lambda f: (f.dep, f.row["flight_number"]))
    return rows


def seats(rng: random.Random, future: bool, top: int, sold_out: float) -> int:
    if not future:
        return rng.randint(0, top // 4)
    if rng.random() < sold_out:
        return 0
    return rng.randint(1, top)


def flight_status(rng: random.Random, dep: datetime, arr: datetime) -> tuple[str, int]:
    today = NOW.date()
    roll = rng.random()
    if dep.date() < today or dep < NOW:
        if roll < 0.03:
            return "cancelled", 0
        delay_roll = rng.random()
        if delay_roll < 0.62:
            delay = 0
        elif delay_roll < 0.86:
            delay = rng.randrange(5, 60, 5)
        elif delay_roll < 0.95:
            delay = rng.randrange(60, 180, 5)
        else:
            delay = rng.randrange(180, 420, 5)
        latest = int((NOW - timedelta(minutes=10) - arr).total_seconds() // 60)
        delay = max(0, min(delay, latest - latest % 5))
        return "landed", delay
    if dep.date() == today:
        if roll < 0.06:
            return "cancelled", 0
        if roll < 0.19:
            return "delayed", rng.randrange(30, 300, 5)
        return "scheduled", 0
    if (dep.date() - today).days == 1:
        if roll < 0.04:
            return "cancelled", 0
        if roll < 0.08:
            return "delayed", rng.randrange(30, 240, 5)
        return "scheduled", 0
    if (dep.date() - today).days <= 7 and roll < 0.025:
        return "cancelled", 0
    if roll < 0.01:
        return "cancelled", 0
    return "scheduled", 0
