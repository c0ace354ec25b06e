"""Airports, flight search and flight status (read-only)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from tautrait.domain import ToolContext, ToolError, tool

from .. import rules as R
from ..schema import Airport, Flight
from .common import flight_view, get_airport, get_flight, offer_view, price, seats_left


@tool(writes=False)
def list_airports(ctx: ToolContext) -> list[dict]:
    """List every airport Larkline Air serves, with its 3-letter code, city and region.
    Port Averne (PAV) and Kessington (KSN) are the hubs where one-stop trips connect.

    Returns:
        One entry per airport: code, name, city, region, is_hub.
    """
    airports = ctx.session.scalars(select(Airport).order_by(Airport.code))
    return [
        {"code": a.code, "name": a.name, "city": a.city, "region": a.region, "is_hub": a.is_hub}
        for a in airports
    ]


def _check_route(ctx: ToolContext, origin: str, destination: str) -> tuple[str, str]:
    o = get_airport(ctx.session, origin).code
    d = get_airport(ctx.session, destination).code
    if o == d:
        raise ToolError("origin and destination must be different airports")
    return o, d


@tool(writes=False)
def search_direct_flights(
    ctx: ToolContext, origin: str, destination: str, date: date
) -> list[dict]:
    """Find the nonstop flights between two airports on one date, with live status, seats
    left and the current price per passenger in each cabin (basic_economy, economy,
    business). Cancelled flights are listed too (they cannot be booked).

    Args:
        origin: Departure airport code, e.g. 'PAV'.
        destination: Arrival airport code, e.g. 'KSN'.
        date: Departure date, 'YYYY-MM-DD', e.g. '2026-05-20'.

    Returns:
        Flights in departure order (an empty list if none operate that day). Times are
        network time, the same clock at every Larkline airport.

    Raises:
        An airport code is unknown, or origin equals destination.
    """
    o, d = _check_route(ctx, origin, destination)
    flights = ctx.session.scalars(
        select(Flight)
        .where(Flight.origin == o, Flight.destination == d, Flight.flight_date == date)
        .order_by(Flight.departure, Flight.flight_number)
    )
    return [offer_view(f, ctx.now) for f in flights]


@tool(writes=False)
def search_onestop_flights(
    ctx: ToolContext, origin: str, destination: str, date: date
) -> list[dict]:
    """Find one-stop journeys between two airports whose first flight leaves on the given
    date: two flights connecting at an intermediate airport with 45 minutes to 6 hours
    between the first arrival and the second departure. Cancelled flights are left out.

    Args:
        origin: Departure airport code, e.g. 'MRB'.
        destination: Final arrival airport code, e.g. 'JPR'.
        date: Date of the first flight, 'YYYY-MM-DD', e.g. '2026-05-20'.

    Returns:
        Journeys in departure order, each with `flights` (the two flights with their own
        seats and prices), `connection_airport`, `connection_minutes`, `total_prices`
        (per passenger, per cabin) and `seats_left` (the smaller of the two flights).

    Raises:
        An airport code is unknown, or origin equals destination.
    """
    o, d = _check_route(ctx, origin, destination)
    firsts = ctx.session.scalars(
        select(Flight)
        .where(Flight.origin == o, Flight.flight_date == date, Flight.status != "cancelled")
        .order_by(Flight.departure, Flight.flight_number)
    ).all()
    journeys = []
    for first in firsts:
        if first.destination == d:
            continue
        seconds = ctx.session.scalars(
            select(Flight)
            .where(
                Flight.origin == first.destination,
                Flight.destination == d,
                Flight.status != "cancelled",
                Flight.departure >= first.arrival + R.MIN_CONNECTION,
                Flight.departure <= first.arrival + R.MAX_CONNECTION,
            )
            .order_by(Flight.departure, Flight.flight_number)
        )
        for second in seconds:
            gap = (second.departure - first.arrival) // timedelta(minutes=1)
            journeys.append(
                {
                    "flights": [offer_view(first, ctx.now), offer_view(second, ctx.now)],
                    "connection_airport": first.destination,
                    "connection_minutes": gap,
                    "total_prices": {
                        c: R.money(price(first, c) + price(second, c)) for c in R.CABINS
                    },
                    "seats_left": {
                        c: min(seats_left(first, c), seats_left(second, c)) for c in R.CABINS
                    },
                }
            )
    return journeys


@tool(writes=False)
def get_flight_status(ctx: ToolContext, flight_number: str, date: date) -> dict:
    """Show the live status of one flight on one date: scheduled, delayed, cancelled or
    landed, the delay in minutes, and the expected times (delayed flights) or the actual
    times (landed flights).

    Args:
        flight_number: The Larkline flight number, e.g. 'LK214'.
        date: The flight's scheduled departure date, 'YYYY-MM-DD', e.g. '2026-05-14'.

    Returns:
        The flight: route, scheduled times, status, delay_minutes, expected_departure and
        expected_arrival when delayed, actual_departure and actual_arrival once landed, and
        whether it has departed.

    Raises:
        The flight number is unknown or does not operate on that date.
    """
    return flight_view(get_flight(ctx.session, flight_number, date), ctx.now)
