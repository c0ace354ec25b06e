"""Changes to an existing reservation: flights, cabin, bags, passengers, insurance."""

from __future__ import annotations

from typing import Literal

from tautrait.domain import ToolContext, ToolError, tool
from tautrait.domain.text import dictated

from .. import rules as R
from ..schema import Segment
from .common import (
    FlightRef,
    PassengerIn,
    add_seats,
    charge,
    check_bookable,
    check_direction,
    check_modifiable,
    check_passengers,
    get_reservation,
    payer,
    price,
    refund,
    require_authenticated,
    reservation_view,
    resolve_flights,
    seats_left,
)


@tool(writes=True)
def change_flights(
    ctx: ToolContext,
    reservation_id: str,
    outbound_flights: list[FlightRef],
    payment_id: str,
    return_flights: list[FlightRef] | None = None,
) -> dict:
    """Replace the flights of a reservation with a new itinerary (new dates or times).

    Not allowed for basic economy [R13]. The new itinerary keeps the reservation's origin,
    destination, trip type (one way / round trip), cabin and passengers [R14]; list every
    flight of the new itinerary, including any flight that stays the same. A flight that
    stays keeps the fare paid for it; every new flight is priced at its current fare in
    the reservation's cabin. The customer pays, per passenger, the increase in fares (a
    decrease is not refunded), plus a change fee of 60.00 per passenger for economy
    reservations of members with tier 'none' or 'silver' (no fee for gold, platinum or
    business). The amount is charged to a card or gift card on the account.

    Args:
        reservation_id: The 6-character reservation code, e.g. 'K7QM2D'.
        outbound_flights: The new outbound journey, 1 or 2 flights in order, e.g.
            [{"flight_number": "LK214", "date": "2026-05-22"}].
        payment_id: The card ('PM-...') or gift card ('GC-...') of the account that pays
            any amount due. Travel certificates cannot be used.
        return_flights: For a round trip, the complete new return journey; omit for one way.

    Returns:
        The updated reservation with `fare_difference`, `change_fee` and `amount_charged`.

    Raises:
        Basic economy; the reservation is not active or a flight has departed; the
        itinerary does not match the original trip, is unchanged, or uses a flight that
        cannot be booked (cancelled, sold out, leaving in under 2 hours); the payment
        method is not usable.
    """
    session, now = ctx.session, ctx.now
    res = get_reservation(session, reservation_id)
    require_authenticated(ctx, res.user_id, f"reservation {res.reservation_id}")
    check_modifiable(res, now)
    if res.cabin == "basic_economy":
        raise ToolError(
            f"reservation {res.reservation_id} is basic economy; its flights cannot be changed"
        )
    n = len(res.passengers)
    outbound = resolve_flights(session, outbound_flights)
    inbound = resolve_flights(session, return_flights or [])
    check_direction(outbound, res.origin, res.destination, "outbound")
    if res.trip_type == "round_trip":
        if not inbound:
            raise ToolError("this is a round trip: give the complete return_flights too")
        check_direction(inbound, res.destination, res.origin, "return")
        if inbound[0].departure - outbound[-1].arrival < R.MIN_CONNECTION:
            raise ToolError("the return journey must leave after the outbound journey arrives")
    elif inbound:
        raise ToolError("this is a one-way reservation: return_flights must be empty")
    new = outbound + inbound
    ids = [f.flight_id for f in new]
    if len(set(ids)) != len(ids):
        raise ToolError("the same flight appears twice in the itinerary")
    old_fares = {seg.flight_id: seg.fare for seg in res.segments}
    if ids == [seg.flight_id for seg in res.segments]:
        raise ToolError("the new itinerary is the same as the current one")
    for flight in new:
        if flight.flight_id not in old_fares:
            check_bookable(flight, res.cabin, n, now)
        elif flight.status == "cancelled":
            raise ToolError(f"flight {flight.flight_number} was cancelled; replace it")
    method = payer(session, res.user, payment_id, now)

    new_fares = [old_fares.get(f.flight_id, price(f, res.cabin)) for f in new]
    difference = R.money((sum(new_fares) - sum(old_fares.values())) * n)
    fee = R.change_fee(res.cabin, res.user.tier, n)
    due = R.money(max(0.0, difference) + fee)
    charged = charge(session, res, method, due, "flight_change", now)

    for seg in list(res.segments):
        if seg.flight_id not in ids and seg.flight.status != "cancelled":
            add_seats(seg.flight, res.cabin, n)
        res.segments.remove(seg)
    session.flush()
    for i, (flight, fare) in enumerate(zip(new, new_fares, strict=True), 1):
        if flight.flight_id not in old_fares:
            add_seats(flight, res.cabin, -n)
        res.segments.append(
            Segment(
                position=i,
                direction="outbound" if i <= len(outbound) else "return",
                flight_id=flight.flight_id,
                fare=fare,
                flight=flight,
            )
        )
    session.flush()
    view = reservation_view(res, now)
    view["fare_difference"] = difference
    view["change_fee"] = fee
    view["amount_charged"] = charged["amount"] if charged else 0.0
    return view


@tool(writes=True)
def change_cabin(
    ctx: ToolContext,
    reservation_id: str,
    cabin: Literal["economy", "business"],
    payment_id: str,
) -> dict:
    """Move every passenger on every flight of a reservation to another cabin [R15].

    Possible: basic economy -> economy or business, economy -> business, business ->
    economy. Nothing can be moved into basic economy. Each flight is repriced at its
    current fare in the new cabin; the difference (new fares minus fares paid, times the
    passengers) is charged to the given card or gift card if positive, or refunded to it if
    negative. Seats must be available in the new cabin on every flight.

    Args:
        reservation_id: The 6-character reservation code, e.g. 'K7QM2D'.
        cabin: The new cabin: 'economy' or 'business'.
        payment_id: The card ('PM-...') or gift card ('GC-...') of the account that pays, or
            receives, the difference. Travel certificates cannot be used.

    Returns:
        The updated reservation with `cabin_difference` (positive: charged, negative:
        refunded).

    Raises:
        The reservation is not active or a flight has departed; the cabin is unchanged; a
        flight is cancelled or has too few seats in the new cabin; the payment method is
        not usable.
    """
    session, now = ctx.session, ctx.now
    res = get_reservation(session, reservation_id)
    require_authenticated(ctx, res.user_id, f"reservation {res.reservation_id}")
    check_modifiable(res, now)
    if cabin == res.cabin:
        raise ToolError(f"reservation {res.reservation_id} is already in {cabin}")
    if cabin not in ("economy", "business"):
        raise ToolError("a reservation cannot be moved into basic economy")
    n = len(res.passengers)
    for seg in res.segments:
        flight = seg.flight
        if flight.status == "cancelled":
            raise ToolError(f"flight {flight.flight_number} of this reservation was cancelled")
        if seats_left(flight, cabin) < n:
            raise ToolError(
                f"flight {flight.flight_number} on {flight.flight_date.isoformat()} has "
                f"{seats_left(flight, cabin)} {cabin} seat(s) left; {n} needed"
            )
    method = payer(session, res.user, payment_id, now)
    difference = R.money(sum(price(seg.flight, cabin) - seg.fare for seg in res.segments) * n)
    if difference > 0:
        charge(session, res, method, difference, "cabin_change", now)
    else:
        refund(session, res, method, -difference, "cabin_change", now)
    for seg in res.segments:
        add_seats(seg.flight, res.cabin, n)
        add_seats(seg.flight, cabin, -n)
        seg.fare = price(seg.flight, cabin)
    res.cabin = cabin
    session.flush()
    view = reservation_view(res, now)
    view["cabin_difference"] = difference
    return view


@tool(writes=True)
def update_checked_bags(
    ctx: ToolContext, reservation_id: str, total_checked_bags: int, payment_id: str
) -> dict:
    """Add checked bags to a reservation [R9].

    Free bags per passenger depend on the cabin and the account owner's tier (see
    `free_bags_per_passenger` in get_reservation_details); every bag above the free total
    costs 40.00, charged to the given card or gift card. Bags can only be added (never
    removed or refunded), up to 4 per passenger.

    Args:
        reservation_id: The 6-character reservation code, e.g. 'K7QM2D'.
        total_checked_bags: The new TOTAL number of checked bags for the whole reservation
            (current bags plus the ones to add), not the number to add.
        payment_id: The card ('PM-...') or gift card ('GC-...') of the account that pays any
            fee. Travel certificates cannot be used.

    Returns:
        The updated reservation with `bag_fee_charged`.

    Raises:
        The reservation is not active or a flight has departed; the total is not larger than
        the current one or exceeds 4 per passenger; the payment method is not usable.
    """
    session, now = ctx.session, ctx.now
    res = get_reservation(session, reservation_id)
    require_authenticated(ctx, res.user_id, f"reservation {res.reservation_id}")
    check_modifiable(res, now)
    n = len(res.passengers)
    if total_checked_bags < res.checked_bags:
        raise ToolError(
            f"the reservation already has {res.checked_bags} checked bag(s); bags cannot be removed"
        )
    if total_checked_bags == res.checked_bags:
        raise ToolError(
            f"the reservation already has {res.checked_bags} checked bag(s); give the new total"
        )
    if total_checked_bags > R.MAX_BAGS_PER_PASSENGER * n:
        raise ToolError(
            f"at most {R.MAX_BAGS_PER_PASSENGER} checked bags per passenger "
            f"({R.MAX_BAGS_PER_PASSENGER * n} for this reservation)"
        )
    method = payer(session, res.user, payment_id, now)
    tier = res.user.tier
    fee = R.money(
        R.bag_fee(total_checked_bags, n, res.cabin, tier)
        - R.bag_fee(res.checked_bags, n, res.cabin, tier)
    )
    charge(session, res, method, fee, "baggage", now)
    res.checked_bags = total_checked_bags
    session.flush()
    view = reservation_view(res, now)
    view["bag_fee_charged"] = fee
    return view


@tool(writes=True)
def update_passengers(ctx: ToolContext, reservation_id: str, passengers: list[PassengerIn]) -> dict:
    """Correct or replace the names and dates of birth of a reservation's passengers.

    The number of passengers cannot change [R3]: give the complete list, in the same order,
    with exactly as many passengers as the reservation has (unchanged ones included).

    Args:
        reservation_id: The 6-character reservation code, e.g. 'K7QM2D'.
        passengers: Every passenger, each {"first_name", "last_name", "date_of_birth"
            ('YYYY-MM-DD')}.

    Returns:
        The updated reservation.

    Raises:
        The reservation is not active or a flight has departed; the number of passengers
        differs; a name is empty or a date of birth is in the future; nothing changes.
    """
    session, now = ctx.session, ctx.now
    res = get_reservation(session, reservation_id)
    require_authenticated(ctx, res.user_id, f"reservation {res.reservation_id}")
    check_modifiable(res, now)
    if len(passengers) != len(res.passengers):
        raise ToolError(
            f"reservation {res.reservation_id} has {len(res.passengers)} passenger(s); the "
            "number of passengers cannot change (give the full list)"
        )
    check_passengers(passengers, now.date())
    current = [
        (dictated(p.first_name), dictated(p.last_name), p.date_of_birth) for p in res.passengers
    ]
    wanted = [(p.first_name, p.last_name, p.date_of_birth) for p in passengers]
    if current == wanted:
        raise ToolError("these are already the passengers of the reservation")
    for row, (first, last, dob) in zip(res.passengers, wanted, strict=True):
        row.first_name, row.last_name, row.date_of_birth = first, last, dob
    session.flush()
    return reservation_view(res, now)


@tool(writes=True)
def add_travel_insurance(ctx: ToolContext, reservation_id: str, payment_id: str) -> dict:
    """Add travel insurance to an existing reservation [R8]: 30.00 per passenger, charged to
    a card or gift card. Possible only within 24 hours of booking (see
    `free_cancellation_until`) and before any flight departs.

    Args:
        reservation_id: The 6-character reservation code, e.g. 'K7QM2D'.
        payment_id: The card ('PM-...') or gift card ('GC-...') of the account that pays.
            Travel certificates cannot be used.

    Returns:
        The updated reservation with `insurance_charged`.

    Raises:
        The reservation is not active or a flight has departed; it is already insured; it
        was booked more than 24 hours ago; the payment method is not usable.
    """
    session, now = ctx.session, ctx.now
    res = get_reservation(session, reservation_id)
    require_authenticated(ctx, res.user_id, f"reservation {res.reservation_id}")
    check_modifiable(res, now)
    if res.insurance:
        raise ToolError(f"reservation {res.reservation_id} is already insured")
    if now - res.created_at > R.INSURANCE_WINDOW:
        raise ToolError(
            f"reservation {res.reservation_id} was booked at "
            f"{res.created_at.isoformat(sep=' ', timespec='minutes')}; insurance can only be "
            "added within 24 hours of booking"
        )
    method = payer(session, res.user, payment_id, now)
    premium = R.money(R.INSURANCE_PER_PASSENGER * len(res.passengers))
    charge(session, res, method, premium, "insurance", now)
    res.insurance = True
    session.flush()
    view = reservation_view(res, now)
    view["insurance_charged"] = premium
    return view
