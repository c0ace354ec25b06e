"""Larkline Air's booking history: reservations, their passengers, segments, payments,
cancellations and the compensation already issued for disrupted flights.

One :class:`Books` runs the history in booking order; every draw comes from ``ctx.rng``
in the order the committed data was generated with, so the steps below must keep it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .. import rules as R
from ..rules import NOW, money
from .people import make_passengers
from .state import HUBS, Ctx, FlightRow, Row, certificate, iso, method, month_end
from .world import AIRPORTS, CARD_BRANDS, FIRST_DATE, LAST_DATE, N_RESERVATIONS

TIER_WEIGHT = {"none": 1.0, "silver": 1.6, "gold": 2.2, "platinum": 3.0}


def itineraries(ctx: Ctx, origin: str, dest: str, day: date) -> list[list[FlightRow]]:
    """Direct flights, then one-stop connections through a hub, on one day."""
    found: list[list[FlightRow]] = []
    for f in ctx.by_origin_date.get((origin, day), []):
        if f.row["destination"] == dest:
            found.append([f])
    for f in ctx.by_origin_date.get((origin, day), []):
        mid = f.row["destination"]
        if mid == dest or mid not in HUBS:
            continue
        for g in ctx.by_origin_date.get((mid, day), []):
            gap = g.dep - f.arr
            if g.row["destination"] == dest and R.MIN_CONNECTION <= gap <= R.MAX_CONNECTION:
                found.append([f, g])
    return found


def draft_trips(ctx: Ctx) -> list[Row]:
    """``N_RESERVATIONS`` trips (who, where, which flights, when booked), in booking order."""
    rng = ctx.rng
    codes = [a[0] for a in AIRPORTS]
    code_weights = [3.0 if a[4] else 1.0 for a in AIRPORTS]
    weights = [TIER_WEIGHT[u["tier"]] for u in ctx.users]
    days = [FIRST_DATE + timedelta(days=i) for i in range((LAST_DATE - FIRST_DATE).days + 1)]
    drafts: list[Row] = []
    while len(drafts) < N_RESERVATIONS:
        origin, dest = rng.choices(codes, weights=code_weights, k=2)
        if origin == dest:
            continue
        day = rng.choice(days)
        options = itineraries(ctx, origin, dest, day)
        if not options:
            continue
        direct = [o for o in options if len(o) == 1]
        outbound = rng.choice(direct) if direct and rng.random() < 0.7 else rng.choice(options)
        back: list[FlightRow] = []
        if rng.random() < 0.55:
            ret_day = day + timedelta(days=rng.randint(1, 9))
            if ret_day <= LAST_DATE:
                later = [
                    o
                    for o in itineraries(ctx, dest, origin, ret_day)
                    if o[0].dep >= outbound[-1].arr + R.MIN_CONNECTION
                ]
                if later:
                    back = rng.choice(later)
        first_dep = outbound[0].dep
        if first_dep > NOW and rng.random() < 0.035:
            created = NOW - timedelta(minutes=rng.randint(30, 23 * 60 + 30))
        else:
            created = first_dep - timedelta(minutes=rng.randint(26 * 60, 50 * 24 * 60))
            if created >= NOW:
                created = NOW - timedelta(minutes=rng.randint(25 * 60, 60 * 24 * 60))
        if created >= first_dep - R.BOOKING_CUTOFF:
            continue
        drafts.append(
            {
                "user": rng.choices(ctx.users, weights=weights)[0],
                "origin": origin,
                "dest": dest,
                "outbound": outbound,
                "back": back,
                "created": created.replace(second=0, microsecond=0),
            }
        )
    drafts.sort(key=lambda d: (d["created"], d["outbound"][0].row["flight_id"]))
    return drafts


@dataclass
class Books:
    """The tables the booking history writes, and the payment ids issued so far."""

    ctx: Ctx
    reservations: list[Row] = field(default_factory=list)
    passengers: list[Row] = field(default_factory=list)
    segments: list[Row] = field(default_factory=list)
    payments: list[Row] = field(default_factory=list)
    compensations: list[Row] = field(default_factory=list)
    flights_of: dict[str, list[FlightRow]] = field(default_factory=dict)
    methods_by_user: dict[str, list[Row]] = field(default_factory=dict)
    txn_counts: dict[tuple[str, str, str, str], int] = field(default_factory=dict)
    txn_ids: set[str] = field(default_factory=set)

    def tables(self) -> dict[str, list[Row]]:
        return {
            "reservations": self.reservations,
            "passengers": self.passengers,
            "segments": self.segments,
            "payments": self.payments,
            "compensations": self.compensations,
        }

    def txn_id(self, res_id: str, payment_id: str, kind: str, purpose: str) -> str:
        """The tools' derivation (tools/common.py): stable, order-free transaction ids."""
        key = (res_id, payment_id, kind, purpose)
        same = self.txn_counts.get(key, 0)
        self.txn_counts[key] = same + 1
        salt = 0
        while True:
            code = "TX-" + R.stable_code(R.HEX_CHARS, 10, *key, same, salt)
            if code not in self.txn_ids:
                self.txn_ids.add(code)
                return code
            salt += 1

    def charge(self, res_id: str, method: Row, purpose: str, amount: float, when: datetime) -> None:
        self.payments.append(
            {
                "txn_id": self.txn_id(res_id, method["payment_id"], "charge", purpose),
                "reservation_id": res_id,
                "payment_id": method["payment_id"],
                "kind": "charge",
                "purpose": purpose,
                "amount": money(amount),
                "created_at": when.isoformat(),
            }
        )

    def book(self, d: Row) -> None:
        """One drafted trip: passengers, fares, bags, payment and what became of it."""
        rng = self.ctx.rng
        user = d["user"]
        res_id = self.ctx.new_locator()
        created = d["created"]
        cabin = rng.choices(R.CABINS, weights=(25, 55, 20))[0]
        n_pax = rng.choices((1, 2, 3, 4, 5, 6), weights=(50, 30, 10, 7, 2, 1))[0]
        pax = make_passengers(rng, user, n_pax)
        for i, p in enumerate(pax):
            self.passengers.append({"reservation_id": res_id, "position": i + 1, **p})
        flights: list[FlightRow] = d["outbound"] + d["back"]
        self.flights_of[res_id] = flights
        fare_total = 0.0
        for i, f in enumerate(flights):
            fare = money(f.row[f"price_{cabin}"] * rng.uniform(0.82, 1.18))
            fare_total += fare
            self.segments.append(
                {
                    "reservation_id": res_id,
                    "position": i + 1,
                    "direction": "outbound" if i < len(d["outbound"]) else "return",
                    "flight_id": f.row["flight_id"],
                    "fare": fare,
                }
            )
        fare_total = money(fare_total * n_pax)
        insurance = rng.random() < 0.3
        free = R.free_bags_per_passenger(cabin, user["tier"]) * n_pax
        bags = min(rng.randint(0, free + 2), R.MAX_BAGS_PER_PASSENGER * n_pax)
        later_bags = 0
        if bags > free and rng.random() < 0.25:
            later_bags = bags - free
        booking_bags = bags - later_bags
        total = money(
            fare_total
            + (R.INSURANCE_PER_PASSENGER * n_pax if insurance else 0.0)
            + R.bag_fee(booking_bags, n_pax, cabin, user["tier"])
        )
        main, usable = self.pay(res_id, user, total, created)
        if later_bags:
            when = created + timedelta(minutes=rng.randint(60, 20 * 24 * 60))
            if when < flights[0].dep - timedelta(hours=3) and when < NOW:
                fee = R.bag_fee(bags, n_pax, cabin, user["tier"]) - R.bag_fee(
                    booking_bags, n_pax, cabin, user["tier"]
                )
                bag_method = main if main["kind"] != "gift_card" else (usable or [main])[0]
                if bag_method["kind"] == "gift_card":
                    if bag_method["balance"] >= fee:
                        bag_method["balance"] = money(bag_method["balance"] - fee)
                    else:
                        bags = booking_bags
                        fee = 0
                if fee:
                    self.charge(res_id, bag_method, "baggage", fee, when)
            else:
                bags = booking_bags
        status, cancelled_at, reason = self.cancellation(
            res_id, user, flights, created, cabin, n_pax, fare_total, insurance
        )
        self.reservations.append(
            {
                "reservation_id": res_id,
                "user_id": user["user_id"],
                "origin": d["origin"],
                "destination": d["dest"],
                "trip_type": "round_trip" if d["back"] else "one_way",
                "cabin": cabin,
                "status": status,
                "created_at": created.isoformat(),
                "cancelled_at": iso(cancelled_at),
                "cancel_reason": reason,
                "insurance": insurance,
                "checked_bags": bags,
            }
        )

    def pay(self, res_id: str, user: Row, total: float, created: datetime) -> tuple[Row, list[Row]]:
        """Charge ``total`` (a certificate first, sometimes); return the main method and
        the cards usable on the booking day."""
        rng = self.ctx.rng
        owned = self.methods_by_user[user["user_id"]]
        usable = [
            m
            for m in owned
            if m["kind"] in ("credit_card", "debit_card")
            and date.fromisoformat(m["expires_on"]) >= created.date()
        ]
        gifts = [m for m in owned if m["kind"] == "gift_card" and m["balance"] >= total]
        certs = [
            m
            for m in owned
            if m["kind"] == "travel_certificate"
            and m["balance"] > 0
            and m["issued_at"] < created.isoformat()
            and m["expires_on"] >= created.date().isoformat()
        ]
        if not usable and not gifts:
            # an account with nothing usable books with a card that was later removed;
            # give it a fresh card so the history stays consistent
            card = method(
                self.ctx.new_id("PM-"),
                user["user_id"],
                "credit_card",
                brand=rng.choice(CARD_BRANDS),
                last_four=f"{rng.randint(0, 9999):04d}",
                expires_on=month_end(2028, rng.randint(1, 12)).isoformat(),
            )
            self.ctx.methods.append(card)
            owned.append(card)
            usable = [card]
        remaining = total
        if certs and rng.random() < 0.35:
            cert = rng.choice(certs)
            used = money(min(cert["balance"], remaining))
            cert["balance"] = money(cert["balance"] - used)
            self.charge(res_id, cert, "booking", used, created)
            remaining = money(remaining - used)
        main = rng.choice(usable) if usable and (not gifts or rng.random() < 0.8) else None
        if main is None:
            gift = rng.choice(gifts)
            if remaining > 0:
                gift["balance"] = money(gift["balance"] - remaining)
            main = gift
        if remaining > 0:
            self.charge(res_id, main, "booking", remaining, created)
        return main, usable

    def cancellation(
        self,
        res_id: str,
        user: Row,
        flights: list[FlightRow],
        created: datetime,
        cabin: str,
        n_pax: int,
        fare_total: float,
        insurance: bool,
    ) -> tuple[str, datetime | None, str | None]:
        """Whether the reservation was cancelled (status, when, why); a refund or a
        cancellation credit is written with it."""
        rng = self.ctx.rng
        status = "active"
        cancelled_at = None
        reason = None
        airline_cancelled = [f for f in flights if f.row["status"] == "cancelled"]
        if airline_cancelled and rng.random() < 0.45:
            cancelled_at = min(
                NOW - timedelta(minutes=rng.randint(20, 600)),
                airline_cancelled[0].dep - timedelta(minutes=rng.randint(30, 600)),
            )
            if cancelled_at > created:
                status, reason = "cancelled", "airline cancelled flight"
        elif rng.random() < 0.08 and flights[0].dep > created + timedelta(hours=30):
            latest = min(NOW, flights[0].dep - timedelta(hours=3))
            span = int((latest - created).total_seconds() // 60)
            if span > 60:
                cancelled_at = created + timedelta(minutes=rng.randint(30, span))
                reason = rng.choice((*R.CANCEL_REASONS[:3], "other"))
                within = cancelled_at - created <= R.FREE_CANCEL_WINDOW
                insured_ok = insurance and reason in R.INSURED_REASONS
                if within or insured_ok:
                    status = "cancelled"
                elif cabin != "basic_economy":
                    value = money(max(0.0, fare_total - R.CERTIFICATE_CANCEL_FEE * n_pax))
                    if value > 0:
                        self.ctx.methods.append(
                            certificate(
                                self.ctx.new_id("TC-"),
                                user["user_id"],
                                cancelled_at,
                                value,
                                f"Cancellation credit for reservation {res_id}",
                            )
                        )
                    return "cancelled", cancelled_at, reason
        if status == "cancelled":
            assert cancelled_at is not None
            for p in [p for p in self.payments if p["reservation_id"] == res_id]:
                self.payments.append(
                    {
                        "txn_id": self.txn_id(
                            res_id, p["payment_id"], "refund", "cancellation_refund"
                        ),
                        "reservation_id": res_id,
                        "payment_id": p["payment_id"],
                        "kind": "refund",
                        "purpose": "cancellation_refund",
                        "amount": p["amount"],
                        "created_at": cancelled_at.isoformat(),
                    }
                )
        return status, cancelled_at, reason

    def compensate(self) -> None:
        """Goodwill compensation already issued for some disrupted flights."""
        rng = self.ctx.rng
        tiers = {u["user_id"]: u["tier"] for u in self.ctx.users}
        for res in self.reservations:
            for f in self.flights_of[res["reservation_id"]]:
                st, delay = f.row["status"], f.row["delay_minutes"]
                disrupted = st == "cancelled" or (
                    st == "landed" and delay >= R.COMPENSATION_MIN_DELAY_MINUTES
                )
                if not disrupted or f.dep > NOW or rng.random() > 0.35:
                    continue
                eligible = (
                    tiers[res["user_id"]] in R.COMPENSATION_TIERS
                    or res["cabin"] == "business"
                    or res["insurance"]
                )
                if not eligible:
                    continue
                n_pax = sum(
                    1 for p in self.passengers if p["reservation_id"] == res["reservation_id"]
                )
                per = R.COMPENSATION_CANCELLED if st == "cancelled" else R.COMPENSATION_DELAYED
                reason = "cancelled" if st == "cancelled" else "delayed"
                amount = money(per * n_pax)
                issued = f.dep + timedelta(minutes=delay + rng.randint(180, 2000))
                if issued >= NOW:
                    continue
                cert_id = self.ctx.new_id("TC-")
                self.ctx.methods.append(
                    certificate(
                        cert_id,
                        res["user_id"],
                        issued,
                        amount,
                        f"Compensation: {f.row['flight_number']} on "
                        f"{f.row['flight_date']} {reason}",
                    )
                )
                self.compensations.append(
                    {
                        "reservation_id": res["reservation_id"],
                        "flight_id": f.row["flight_id"],
                        "certificate_id": cert_id,
                        "reason": reason,
                        "amount": amount,
                        "issued_at": issued.isoformat(),
                    }
                )
                break


def make_reservations(ctx: Ctx) -> dict[str, list[Row]]:
    """Every booking-history table; adds the certificates it issues to ``ctx.methods``."""
    books = Books(ctx)
    for m in ctx.methods:
        books.methods_by_user.setdefault(m["user_id"], []).append(m)
    for draft in draft_trips(ctx):
        books.book(draft)
    books.compensate()
    return books.tables()
