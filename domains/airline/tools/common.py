"""Helpers shared by the Larkline Air tools: lookups, rule checks, money movements."""

from __future__ import annotations

import datetime as dt
import itertools
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tautrait.domain import ToolContext, ToolError
from tautrait.domain.text import dictated

from .. import rules as R
from ..schema import Airport, Flight, Payment, PaymentMethod, Reservation, User

CARD_KINDS = ("credit_card", "debit_card")


class FlightRef(BaseModel):
    """One flight of an itinerary: its number and its date of departure."""

    model_config = ConfigDict(extra="forbid")

    flight_number: str = Field(description="Larkline flight number, e.g. 'LK214'")
    date: dt.date = Field(description="Scheduled departure date, 'YYYY-MM-DD'")


class PassengerIn(BaseModel):
    """A traveller as printed on their ID."""

    model_config = ConfigDict(extra="forbid")

    first_name: str = Field(description="Given name(s), e.g. 'Amira'")
    last_name: str = Field(description="Family name, e.g. 'Haddad'")
    date_of_birth: date = Field(description="'YYYY-MM-DD', e.g. '1990-07-21'")

    @field_validator("first_name", "last_name")
    @classmethod
    def _as_stored(cls, value: str) -> str:
        # Names are stored (and reservation codes derived) in one form whatever the case
        # or spacing the caller used: "ana  SILVA" books what "Ana Silva" books.
        return dictated(value)


# ----------------------------------------------------------------------------- lookups


def require_authenticated(ctx: ToolContext, user_id: str, what: str) -> None:
    """[R1] and "Authenticate first": a change needs its account holder verified in this
    conversation by authenticate_customer."""
    if not ctx.auth.is_verified(user_id):
        raise ToolError(
            f"{what}: the account holder has not been verified in this conversation. Verify "
            "the caller first with authenticate_customer (member number or account email, and "
            "date of birth) [R1]; no change can be made before that"
        )


def get_user(session: Session, user_id: str) -> User:
    user = session.get(User, user_id.strip().upper())
    if user is None:
        raise ToolError(
            f"no account with member number {user_id!r}; member numbers look like 'SL204817'"
        )
    return user


def get_reservation(session: Session, reservation_id: str) -> Reservation:
    res = session.get(Reservation, reservation_id.strip().upper())
    if res is None:
        raise ToolError(
            f"no reservation {reservation_id!r}; reservation codes are 6 letters/digits, "
            "e.g. 'K7QM2D'"
        )
    return res


def get_airport(session: Session, code: str) -> Airport:
    airport = session.get(Airport, code.strip().upper())
    if airport is None:
        raise ToolError(f"unknown airport code {code!r}; call list_airports for the codes")
    return airport


def get_flight(session: Session, flight_number: str, day: date) -> Flight:
    number = flight_number.strip().upper().replace(" ", "")
    flight = session.scalar(
        select(Flight).where(Flight.flight_number == number, Flight.flight_date == day)
    )
    if flight is None:
        exists = session.scalar(select(func.count()).where(Flight.flight_number == number))
        if not exists:
            raise ToolError(
                f"no flight number {flight_number!r}; Larkline flights look like 'LK214'"
            )
        raise ToolError(f"flight {number} does not operate on {day.isoformat()}")
    return flight


# ----------------------------------------------------------------------------- flight state


def expected_departure(flight: Flight) -> datetime:
    return flight.departure + timedelta(minutes=flight.delay_minutes)


def expected_arrival(flight: Flight) -> datetime:
    return flight.arrival + timedelta(minutes=flight.delay_minutes)


def has_departed(flight: Flight, now: datetime) -> bool:
    if flight.status == "cancelled":
        return False
    return flight.status == "landed" or expected_departure(flight) <= now


def seats_left(flight: Flight, cabin: str) -> int:
    return int(getattr(flight, f"seats_{cabin}"))


def add_seats(flight: Flight, cabin: str, count: int) -> None:
    setattr(flight, f"seats_{cabin}", seats_left(flight, cabin) + count)


def price(flight: Flight, cabin: str) -> float:
    return float(getattr(flight, f"price_{cabin}"))


def check_bookable(flight: Flight, cabin: str, passengers: int, now: datetime) -> None:
    """[R4] The flight is operating, departs far enough ahead and has the seats."""
    label = f"{flight.flight_number} on {flight.flight_date.isoformat()}"
    if flight.status not in ("scheduled", "delayed"):
        raise ToolError(f"flight {label} is {flight.status} and cannot be booked")
    if expected_departure(flight) - now < R.BOOKING_CUTOFF:
        raise ToolError(
            f"flight {label} departs at {expected_departure(flight).isoformat(sep=' ')}; "
            "flights can only be booked up to 2 hours before departure"
        )
    left = seats_left(flight, cabin)
    if left < passengers:
        raise ToolError(f"flight {label} has {left} {cabin} seat(s) left; {passengers} needed")


def check_direction(flights: list[Flight], origin: str, destination: str, label: str) -> None:
    """[R5] 1-2 flights from origin to destination, with valid connections."""
    if not 1 <= len(flights) <= R.MAX_FLIGHTS_PER_DIRECTION:
        raise ToolError(f"the {label} journey must have 1 or 2 flights, got {len(flights)}")
    if flights[0].origin != origin or flights[-1].destination != destination:
        raise ToolError(
            f"the {label} journey must go from {origin} to {destination}, but the flights go "
            f"from {flights[0].origin} to {flights[-1].destination}"
        )
    for first, second in itertools.pairwise(flights):
        if first.destination != second.origin:
            raise ToolError(
                f"{first.flight_number} arrives at {first.destination} but "
                f"{second.flight_number} leaves from {second.origin}"
            )
        gap = second.departure - first.arrival
        if not R.MIN_CONNECTION <= gap <= R.MAX_CONNECTION:
            minutes = int(gap.total_seconds() // 60)
            raise ToolError(
                f"the connection between {first.flight_number} and {second.flight_number} is "
                f"{minutes} minutes; it must be between 45 minutes and 6 hours"
            )


def check_itinerary(outbound: list[Flight], inbound: list[Flight]) -> tuple[str, str]:
    """[R5] The whole itinerary; returns (origin, destination) of the trip."""
    if not outbound:
        raise ToolError("outbound_flights must name at least one flight")
    origin, destination = outbound[0].origin, outbound[-1].destination
    if origin == destination:
        raise ToolError("the trip must end somewhere other than where it starts")
    check_direction(outbound, origin, destination, "outbound")
    if inbound:
        check_direction(inbound, destination, origin, "return")
        if inbound[0].departure - outbound[-1].arrival < R.MIN_CONNECTION:
            raise ToolError("the return journey must leave after the outbound journey arrives")
    ids = [f.flight_id for f in outbound + inbound]
    if len(set(ids)) != len(ids):
        raise ToolError("the same flight appears twice in the itinerary")
    return origin, destination


def resolve_flights(session: Session, refs: list[FlightRef]) -> list[Flight]:
    return [get_flight(session, ref.flight_number, ref.date) for ref in refs]


def check_modifiable(res: Reservation, now: datetime) -> None:
    """[R10] Only active reservations with no departed flight can change."""
    if res.status != "active":
        raise ToolError(f"reservation {res.reservation_id} is {res.status} and cannot be changed")
    for seg in res.segments:
        if has_departed(seg.flight, now):
            raise ToolError(
                f"flight {seg.flight.flight_number} on {seg.flight.flight_date.isoformat()} "
                f"of reservation {res.reservation_id} has already departed; a reservation "
                "cannot be changed or cancelled once any of its flights has departed"
            )


# ----------------------------------------------------------------------------- passengers


def check_passengers(passengers: list[PassengerIn], today: date) -> None:
    """[R2] 1-6 passengers with complete details."""
    if not 1 <= len(passengers) <= R.MAX_PASSENGERS:
        raise ToolError(
            f"a reservation holds 1 to {R.MAX_PASSENGERS} passengers, got {len(passengers)}"
        )
    for index, p in enumerate(passengers, 1):
        if not p.first_name.strip() or not p.last_name.strip():
            raise ToolError(f"passenger {index} needs a first and a last name")
        if p.date_of_birth > today:
            raise ToolError(f"passenger {index} has a date of birth in the future")
        if p.date_of_birth < date(1900, 1, 1):
            raise ToolError(f"passenger {index} has an implausible date of birth")


# ----------------------------------------------------------------------------- money


def get_method(session: Session, user: User, payment_id: str) -> PaymentMethod:
    method = session.get(PaymentMethod, payment_id.strip().upper())
    if method is None or method.user_id != user.user_id:
        raise ToolError(
            f"payment method {payment_id!r} is not on file for account {user.user_id}; "
            "use a payment_id from get_user_details, e.g. 'PM-482913'"
        )
    return method


def check_expiry(method: PaymentMethod, now: datetime) -> None:
    if method.expires_on is not None and method.expires_on < now.date():
        raise ToolError(
            f"{method.payment_id} expired on {method.expires_on.isoformat()} and cannot be used"
        )


def payer(session: Session, user: User, payment_id: str, now: datetime) -> PaymentMethod:
    """[R6][R7] A card or gift card of the account, not expired (no certificates)."""
    method = get_method(session, user, payment_id)
    if method.kind == "travel_certificate":
        raise ToolError(
            f"{method.payment_id} is a travel certificate; certificates can only pay for a "
            "new booking (certificate_id of book_reservation), not for changes, bags or "
            "insurance. Use a card or gift card"
        )
    check_expiry(method, now)
    return method


def _record(
    session: Session,
    res: Reservation,
    method: PaymentMethod,
    kind: str,
    purpose: str,
    amount: float,
    now: datetime,
) -> dict[str, Any]:
    """Add a payment row whose id depends only on what it is (see ``rules.stable_code``)."""
    same = sum(
        1
        for p in res.payments
        if (p.payment_id, p.kind, p.purpose) == (method.payment_id, kind, purpose)
    )
    salt = 0
    while True:
        txn_id = "TX-" + R.stable_code(
            R.HEX_CHARS, 10, res.reservation_id, method.payment_id, kind, purpose, same, salt
        )
        if session.get(Payment, txn_id) is None:
            break
        salt += 1
    res.payments.append(
        Payment(
            txn_id=txn_id,
            reservation_id=res.reservation_id,
            payment_id=method.payment_id,
            kind=kind,
            purpose=purpose,
            amount=amount,
            created_at=now,
        )
    )
    return {"payment_id": method.payment_id, "kind": kind, "amount": amount}


def charge(
    session: Session,
    res: Reservation,
    method: PaymentMethod,
    amount: float,
    purpose: str,
    now: datetime,
) -> dict[str, Any] | None:
    """Charge ``amount`` to a method; gift cards and certificates must cover it [R6][R7]."""
    amount = R.money(amount)
    if amount <= 0:
        return None
    if method.kind in ("gift_card", "travel_certificate"):
        balance = R.money(method.balance or 0.0)
        if balance < amount:
            raise ToolError(
                f"{method.payment_id} has a balance of {balance:.2f}, less than {amount:.2f}"
            )
        method.balance = R.money(balance - amount)
    return _record(session, res, method, "charge", purpose, amount, now)


def refund(
    session: Session,
    res: Reservation,
    method: PaymentMethod,
    amount: float,
    purpose: str,
    now: datetime,
) -> dict[str, Any] | None:
    """Refund ``amount`` onto a method (gift cards and certificates get the balance back)."""
    amount = R.money(amount)
    if amount <= 0:
        return None
    if method.kind in ("gift_card", "travel_certificate"):
        method.balance = R.money((method.balance or 0.0) + amount)
    return _record(session, res, method, "refund", purpose, amount, now)


def net_paid_by_method(res: Reservation) -> dict[str, float]:
    """What each payment method has paid for the reservation, net of refunds."""
    net: dict[str, float] = {}
    for p in res.payments:
        sign = 1 if p.kind == "charge" else -1
        net[p.payment_id] = R.money(net.get(p.payment_id, 0.0) + sign * p.amount)
    return {k: v for k, v in net.items() if v > 0}


def fare_total(res: Reservation) -> float:
    return R.money(sum(seg.fare for seg in res.segments) * len(res.passengers))


def new_certificate(
    session: Session,
    user: User,
    amount: float,
    note: str,
    now: datetime,
    key: tuple[str, ...],
) -> PaymentMethod:
    """Issue a travel certificate valid for 365 days.

    Its code ('TC-' + 6 digits) is derived from ``key`` (what it compensates or replaces),
    so it does not depend on how many certificates were issued before.
    """
    salt = 0
    while True:
        code = "TC-" + R.stable_code(R.DIGITS, 6, "certificate", *key, salt)
        if session.get(PaymentMethod, code) is None:
            break
        salt += 1
    cert = PaymentMethod(
        payment_id=code,
        user_id=user.user_id,
        kind="travel_certificate",
        brand=None,
        last_four=None,
        expires_on=(now + R.CERTIFICATE_VALIDITY).date(),
        balance=R.money(amount),
        issued_at=now,
        note=note,
    )
    session.add(cert)
    session.flush()  # rows that reference the certificate must find it
    return cert


def new_locator(
    session: Session, user: User, flights: list[Flight], passengers: list[PassengerIn]
) -> str:
    """A fresh reservation code derived from what is booked (deterministic, and the same
    whichever of two bookings is made first)."""
    parts = [user.user_id, *(f.flight_id for f in flights)]
    parts += [f"{p.first_name}/{p.last_name}/{p.date_of_birth}" for p in passengers]
    salt = 0
    while True:
        code = R.stable_code(R.LOCATOR_CHARS, 6, "reservation", *parts, salt)
        if session.get(Reservation, code) is None:
            return code
        salt += 1


# ----------------------------------------------------------------------------- views


def flight_view(flight: Flight, now: datetime) -> dict[str, Any]:
    view: dict[str, Any] = {
        "flight_number": flight.flight_number,
        "date": flight.flight_date.isoformat(),
        "origin": flight.origin,
        "destination": flight.destination,
        "scheduled_departure": flight.departure.isoformat(timespec="minutes"),
        "scheduled_arrival": flight.arrival.isoformat(timespec="minutes"),
        "status": flight.status,
        "delay_minutes": flight.delay_minutes,
    }
    if flight.status == "landed":
        view["actual_departure"] = expected_departure(flight).isoformat(timespec="minutes")
        view["actual_arrival"] = expected_arrival(flight).isoformat(timespec="minutes")
    elif flight.status != "cancelled" and flight.delay_minutes:
        view["expected_departure"] = expected_departure(flight).isoformat(timespec="minutes")
        view["expected_arrival"] = expected_arrival(flight).isoformat(timespec="minutes")
    view["departed"] = has_departed(flight, now)
    return view


def offer_view(flight: Flight, now: datetime) -> dict[str, Any]:
    view = flight_view(flight, now)
    view["aircraft"] = flight.aircraft
    view["seats_left"] = {c: seats_left(flight, c) for c in R.CABINS}
    view["prices"] = {c: price(flight, c) for c in R.CABINS}
    return view


def method_view(method: PaymentMethod, now: datetime) -> dict[str, Any]:
    view: dict[str, Any] = {"payment_id": method.payment_id, "kind": method.kind}
    if method.kind in CARD_KINDS:
        view["brand"] = method.brand
        view["last_four"] = method.last_four
    if method.balance is not None:
        view["balance"] = method.balance
    if method.expires_on is not None:
        view["expires_on"] = method.expires_on.isoformat()
        view["expired"] = method.expires_on < now.date()
    if method.note:
        view["note"] = method.note
    return view


def reservation_view(res: Reservation, now: datetime) -> dict[str, Any]:
    tier = res.user.tier
    per_pax = R.free_bags_per_passenger(res.cabin, tier)
    charged = R.money(sum(p.amount for p in res.payments if p.kind == "charge"))
    refunded = R.money(sum(p.amount for p in res.payments if p.kind == "refund"))
    return {
        "reservation_id": res.reservation_id,
        "user_id": res.user_id,
        "status": res.status,
        "trip_type": res.trip_type,
        "origin": res.origin,
        "destination": res.destination,
        "cabin": res.cabin,
        "created_at": res.created_at.isoformat(timespec="minutes"),
        "free_cancellation_until": (res.created_at + R.FREE_CANCEL_WINDOW).isoformat(
            timespec="minutes"
        ),
        "cancelled_at": res.cancelled_at.isoformat(timespec="minutes")
        if res.cancelled_at
        else None,
        "cancel_reason": res.cancel_reason,
        "insurance": res.insurance,
        "passengers": [
            {
                "first_name": p.first_name,
                "last_name": p.last_name,
                "date_of_birth": p.date_of_birth.isoformat(),
            }
            for p in res.passengers
        ],
        "flights": [
            {**flight_view(seg.flight, now), "direction": seg.direction, "fare_paid": seg.fare}
            for seg in res.segments
        ],
        "fare_total": fare_total(res),
        "checked_bags": res.checked_bags,
        "free_bags_per_passenger": per_pax,
        "free_bags_total": per_pax * len(res.passengers),
        "payments": [
            {
                "payment_id": p.payment_id,
                "kind": p.kind,
                "purpose": p.purpose,
                "amount": p.amount,
                "created_at": p.created_at.isoformat(timespec="minutes"),
            }
            for p in res.payments
        ],
        "total_charged": charged,
        "total_refunded": refunded,
    }
