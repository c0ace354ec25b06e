"""New bookings and cancellations (write tools)."""

from __future__ import annotations

from typing import Literal

from tautrait.domain import ToolContext, ToolError, tool

from .. import rules as R
from ..schema import Passenger, Reservation, Segment
from .common import (
    FlightRef,
    PassengerIn,
    add_seats,
    charge,
    check_bookable,
    check_expiry,
    check_itinerary,
    check_modifiable,
    check_passengers,
    fare_total,
    get_method,
    get_reservation,
    get_user,
    net_paid_by_method,
    new_certificate,
    new_locator,
    payer,
    price,
    refund,
    require_authenticated,
    reservation_view,
    resolve_flights,
)

Cabin = Literal["basic_economy", "economy", "business"]
CancelReason = Literal[
    "change of plans",
    "illness or injury",
    "death in the family",
    "airline cancelled flight",
    "other",
]


@tool(writes=True)
def book_reservation(
    ctx: ToolContext,
    user_id: str,
    outbound_flights: list[FlightRef],
    cabin: Cabin,
    passengers: list[PassengerIn],
    payment_id: str,
    return_flights: list[FlightRef] | None = None,
    certificate_id: str | None = None,
    checked_bags: int = 0,
    insurance: bool = False,
) -> dict:
    """Book a new one-way or round-trip reservation for an authenticated account.

    Every flight is charged at its current price in the chosen cabin, per passenger. The
    total is fares + travel insurance (30.00 per passenger, if chosen) + 40.00 for each
    checked bag above the free allowance. A travel certificate, if given, is used first
    (up to its balance, the rest of it stays on the certificate); the remainder is charged
    to `payment_id`. Seats are taken from every flight.

    Args:
        user_id: The member number of the account that owns the booking, e.g. 'SL204817'.
        outbound_flights: The outbound journey, 1 or 2 flights in order, e.g.
            [{"flight_number": "LK214", "date": "2026-05-20"}].
        cabin: 'basic_economy', 'economy' or 'business'; the same on every flight.
        passengers: 1 to 6 travellers, each {"first_name", "last_name", "date_of_birth"
            ('YYYY-MM-DD')}, exactly as on their ID.
        payment_id: A card ('PM-...') or gift card ('GC-...') on the account that pays the
            total (or what a certificate leaves). A gift card must cover that amount.
        return_flights: For a round trip, the return journey (1 or 2 flights from the
            destination back to the origin); omit or [] for one way.
        certificate_id: Optional travel certificate ('TC-...') of the account to use first;
            at most one per booking.
        checked_bags: Total checked bags for the whole reservation (0 to 4 per passenger).
        insurance: True to add travel insurance (30.00 per passenger).

    Returns:
        The new reservation (with its 6-character code), plus `charges`: what was charged
        to each payment method, and `total`.

    Raises:
        A flight is cancelled, sold out in that cabin, or leaves in under 2 hours; the
        flights do not connect (45 minutes to 6 hours) or do not form a trip; too many
        passengers or missing details; a payment method is not on the account, expired, or
        has too little balance.
    """
    session, now = ctx.session, ctx.now
    user = get_user(session, user_id)
    require_authenticated(ctx, user.user_id, f"account {user.user_id}")
    check_passengers(passengers, now.date())
    n = len(passengers)
    outbound = resolve_flights(session, outbound_flights)
    inbound = resolve_flights(session, return_flights or [])
    origin, destination = check_itinerary(outbound, inbound)
    for flight in outbound + inbound:
        check_bookable(flight, cabin, n, now)
    if not 0 <= checked_bags <= R.MAX_BAGS_PER_PASSENGER * n:
        raise ToolError(
            f"checked_bags must be between 0 and {R.MAX_BAGS_PER_PASSENGER * n} "
            f"({R.MAX_BAGS_PER_PASSENGER} per passenger)"
        )
    method = payer(session, user, payment_id, now)
    cert = None
    if certificate_id:
        cert = get_method(session, user, certificate_id)
        if cert.kind != "travel_certificate":
            raise ToolError(f"{cert.payment_id} is not a travel certificate; pass it as payment_id")
        check_expiry(cert, now)
        if not cert.balance:
            raise ToolError(f"travel certificate {cert.payment_id} has no balance left")

    fares = R.money(sum(price(f, cabin) for f in outbound + inbound) * n)
    premium = R.money(R.INSURANCE_PER_PASSENGER * n) if insurance else 0.0
    bags = R.bag_fee(checked_bags, n, cabin, user.tier)
    total = R.money(fares + premium + bags)

    res = Reservation(
        reservation_id=new_locator(session, user, outbound + inbound, passengers),
        user=user,
        origin=origin,
        destination=destination,
        trip_type="round_trip" if inbound else "one_way",
        cabin=cabin,
        status="active",
        created_at=now,
        cancelled_at=None,
        cancel_reason=None,
        insurance=insurance,
        checked_bags=checked_bags,
    )
    session.add(res)
    for i, p in enumerate(passengers, 1):
        res.passengers.append(
            Passenger(
                position=i,
                first_name=p.first_name,
                last_name=p.last_name,
                date_of_birth=p.date_of_birth,
            )
        )
    for i, flight in enumerate(outbound + inbound, 1):
        res.segments.append(
            Segment(
                position=i,
                direction="outbound" if i <= len(outbound) else "return",
                flight_id=flight.flight_id,
                fare=price(flight, cabin),
            )
        )
        add_seats(flight, cabin, -n)
    charges = []
    remaining = total
    if cert is not None:
        used = R.money(min(cert.balance or 0.0, remaining))
        charges.append(charge(session, res, cert, used, "booking", now))
        remaining = R.money(remaining - used)
    charges.append(charge(session, res, method, remaining, "booking", now))
    session.flush()
    view = reservation_view(res, now)
    view["charges"] = [c for c in charges if c]
    view["total"] = total
    view["fare_component"] = fares
    view["insurance_component"] = premium
    view["bag_fee_component"] = bags
    return view


@tool(writes=True)
def cancel_reservation(
    ctx: ToolContext,
    reservation_id: str,
    reason: CancelReason,
    refund_to: Literal["original_payment", "travel_certificate"],
) -> dict:
    """Cancel a whole reservation (all flights, all passengers) and settle the money.

    refund_to='original_payment' refunds everything paid for the reservation (fares,
    bags, insurance, change charges), each amount back to the method that paid it. It
    is allowed only when [R11]: the reservation was booked less than 24 hours ago, OR
    Larkline cancelled one of its flights, OR it has travel insurance and the reason is
    'illness or injury' or 'death in the family'.
    refund_to='travel_certificate' is for economy and business reservations that do not
    qualify for a refund [R12]: the customer receives a travel certificate worth the fares
    paid minus 75.00 per passenger (bags, insurance and fees are not returned), valid 365
    days. Basic economy reservations that do not qualify cannot be cancelled.

    Args:
        reservation_id: The 6-character reservation code, e.g. 'K7QM2D'.
        reason: Why the customer cancels, in their words mapped to one of the choices; ask,
            do not guess.
        refund_to: 'original_payment' or 'travel_certificate', as explained above.

    Returns:
        The cancelled reservation with `refunds` (per payment method) or `certificate`.

    Raises:
        The reservation is not active or one of its flights has departed; a refund is
        requested but not allowed; a certificate is requested for basic economy or for a
        reservation that qualifies for a refund.
    """
    session, now = ctx.session, ctx.now
    res = get_reservation(session, reservation_id)
    require_authenticated(ctx, res.user_id, f"reservation {res.reservation_id}")
    check_modifiable(res, now)
    n = len(res.passengers)
    eligible = (
        now - res.created_at <= R.FREE_CANCEL_WINDOW
        or any(seg.flight.status == "cancelled" for seg in res.segments)
        or (res.insurance and reason in R.INSURED_REASONS)
    )
    refunds = []
    certificate = None
    if refund_to == "original_payment":
        if not eligible:
            raise ToolError(
                f"reservation {res.reservation_id} does not qualify for a refund: it was booked "
                f"at {res.created_at.isoformat(sep=' ', timespec='minutes')} (more than 24 "
                "hours ago), no flight of it was cancelled by Larkline, and it is "
                + (
                    "insured but the reason is not a covered one"
                    if res.insurance
                    else "not insured"
                )
            )
        owner = res.user
        for payment_id, amount in sorted(net_paid_by_method(res).items()):
            method = get_method(session, owner, payment_id)
            refunds.append(refund(session, res, method, amount, "cancellation_refund", now))
    else:
        if eligible:
            raise ToolError(
                f"reservation {res.reservation_id} qualifies for a full refund; use "
                "refund_to='original_payment'"
            )
        if res.cabin == "basic_economy":
            raise ToolError(
                f"reservation {res.reservation_id} is basic economy and does not qualify for a "
                "refund, so it cannot be cancelled"
            )
        value = R.money(max(0.0, fare_total(res) - R.CERTIFICATE_CANCEL_FEE * n))
        if value > 0:
            cert = new_certificate(
                session,
                res.user,
                value,
                f"Cancellation credit for reservation {res.reservation_id}",
                now,
                key=("cancellation", res.reservation_id),
            )
            certificate = {"certificate_id": cert.payment_id, "amount": value}
    for seg in res.segments:
        if seg.flight.status != "cancelled":
            add_seats(seg.flight, res.cabin, n)
    res.status = "cancelled"
    res.cancelled_at = now
    res.cancel_reason = reason
    session.flush()
    view = reservation_view(res, now)
    view["refunds"] = [r for r in refunds if r]
    view["refund_total"] = R.money(sum(r["amount"] for r in refunds if r))
    view["certificate"] = certificate
    return view
