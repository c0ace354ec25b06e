"""Identity and account look-ups (read-only)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from tautrait.domain import ToolContext, ToolError, tool
from tautrait.domain.text import plain

from ..schema import Compensation, User
from .common import get_reservation, get_user, method_view, reservation_view


@tool(writes=False)
def authenticate_customer(ctx: ToolContext, identifier: str, date_of_birth: date) -> dict:
    """Verify a caller's identity before any account-specific help [R1].

    The caller must give either their Skylark Club member number or the email address on
    the account, plus their date of birth. Both must match the same account.

    Args:
        identifier: The member number (e.g. 'SL204817') or the account email
            (e.g. 'ana.silva12@postcove.com'). Case does not matter.
        date_of_birth: The account holder's date of birth, 'YYYY-MM-DD', e.g. '1984-03-09'.

    Returns:
        The member number (user_id), name and membership tier of the verified account.

    Raises:
        No account has that member number or email, or the date of birth does not match it
        (do not tell the caller which one was wrong).
    """
    key = plain(identifier)
    if "@" in key:
        user = ctx.session.scalar(select(User).where(func.lower(User.email) == key.lower()))
    else:
        user = ctx.session.get(User, key.upper())
    if user is None or user.date_of_birth != date_of_birth:
        raise ToolError(
            "identity not verified: no account matches that member number or email together "
            "with that date of birth"
        )
    ctx.auth.grant(user.user_id)
    return {
        "verified": True,
        "user_id": user.user_id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "tier": user.tier,
    }


@tool(writes=False)
def get_user_details(ctx: ToolContext, user_id: str) -> dict:
    """Show an account: profile, Skylark Club tier, saved payment methods (cards, gift
    cards and travel certificates with balances and expiry) and all its reservations.

    Args:
        user_id: The member number, e.g. 'SL204817'.

    Returns:
        The profile, `payment_methods` (payment_id such as 'PM-482913' for cards,
        'GC-310552' for gift cards, 'TC-640118' for travel certificates; `expired` is true
        when it can no longer be used) and `reservations` (code, status, route, cabin,
        first flight date).

    Raises:
        No account has that member number.
    """
    user = get_user(ctx.session, user_id)
    reservations = []
    for res in user.reservations:
        first = res.segments[0].flight if res.segments else None
        reservations.append(
            {
                "reservation_id": res.reservation_id,
                "status": res.status,
                "origin": res.origin,
                "destination": res.destination,
                "trip_type": res.trip_type,
                "cabin": res.cabin,
                "first_flight_date": first.flight_date.isoformat() if first else None,
                "created_at": res.created_at.isoformat(timespec="minutes"),
            }
        )
    return {
        "user_id": user.user_id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "phone": user.phone,
        "date_of_birth": user.date_of_birth.isoformat(),
        "address": {
            "line1": user.address_line1,
            "line2": user.address_line2,
            "city": user.city,
            "region": user.region,
            "postal_code": user.postal_code,
        },
        "tier": user.tier,
        "member_since": user.member_since.isoformat(),
        "payment_methods": [method_view(m, ctx.now) for m in user.payment_methods],
        "reservations": reservations,
    }


@tool(writes=False)
def get_reservation_details(ctx: ToolContext, reservation_id: str) -> dict:
    """Show one reservation in full: passengers, every flight with its live status and the
    fare paid per passenger, cabin, bags and free allowance, insurance, and the payment
    history (charges and refunds).

    Args:
        reservation_id: The 6-character reservation code, e.g. 'K7QM2D'.

    Returns:
        The reservation. `free_cancellation_until` is the end of the 24-hour window for a
        full refund; each flight has `departed` (true once it has left); `fare_total` is
        the fares of all flights times the number of passengers.

    Raises:
        No reservation has that code.
    """
    res = get_reservation(ctx.session, reservation_id)
    view = reservation_view(res, ctx.now)
    view["compensations"] = [
        {
            "flight_number": c.flight_id.split("-")[0],
            "date": c.flight_id.split("-", 1)[1],
            "certificate_id": c.certificate_id,
            "amount": c.amount,
            "reason": c.reason,
        }
        for c in compensations_of(ctx, res.reservation_id)
    ]
    return view


def compensations_of(ctx: ToolContext, reservation_id: str) -> list[Compensation]:
    return list(
        ctx.session.scalars(
            select(Compensation)
            .where(Compensation.reservation_id == reservation_id)
            .order_by(Compensation.issued_at, Compensation.flight_id)
        )
    )
