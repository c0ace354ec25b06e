"""Goodwill compensation and the hand-off to a human agent."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tautrait.domain import ToolContext, ToolError, tool

from .. import rules as R
from ..schema import Compensation
from .common import get_flight, get_reservation, new_certificate, require_authenticated


@tool(writes=True)
def issue_compensation_certificate(
    ctx: ToolContext, reservation_id: str, flight_number: str, date: date
) -> dict:
    """Issue the fixed goodwill travel certificate for a disrupted flight of a reservation.

    Eligible [R16] when the flight belongs to the reservation and either Larkline cancelled
    it, or it landed at least 180 minutes late (a delayed flight qualifies only once it has
    landed); and the account owner is a silver, gold or platinum member, or the reservation
    is in business, or it has travel insurance. Fixed amounts per passenger on the
    reservation: 125.00 for a cancelled flight, 60.00 for a delay. At most one certificate
    per reservation and flight [R17]. The certificate is valid 365 days.

    Args:
        reservation_id: The 6-character reservation code, e.g. 'K7QM2D'.
        flight_number: The disrupted flight, e.g. 'LK214'.
        date: That flight's scheduled departure date, 'YYYY-MM-DD', e.g. '2026-05-09'.

    Returns:
        The new certificate: certificate_id ('TC-...'), amount, expires_on.

    Raises:
        The flight is not on the reservation, was not cancelled or delayed by 180 minutes or
        more (or has not landed yet), the customer is not eligible, or compensation was
        already issued for this reservation and flight.
    """
    session, now = ctx.session, ctx.now
    res = get_reservation(session, reservation_id)
    require_authenticated(ctx, res.user_id, f"reservation {res.reservation_id}")
    flight = get_flight(session, flight_number, date)
    if flight.flight_id not in {seg.flight_id for seg in res.segments}:
        raise ToolError(
            f"flight {flight.flight_number} on {flight.flight_date.isoformat()} is not part of "
            f"reservation {res.reservation_id}"
        )
    if flight.status == "cancelled":
        reason, per_passenger = "cancelled", R.COMPENSATION_CANCELLED
    elif flight.status == "landed" and flight.delay_minutes >= R.COMPENSATION_MIN_DELAY_MINUTES:
        reason, per_passenger = "delayed", R.COMPENSATION_DELAYED
    elif flight.status == "delayed":
        raise ToolError(
            f"flight {flight.flight_number} is delayed but has not landed yet; delay "
            "compensation can only be issued after it lands with a delay of 180 minutes or more"
        )
    else:
        raise ToolError(
            f"flight {flight.flight_number} on {flight.flight_date.isoformat()} is "
            f"{flight.status} with a delay of {flight.delay_minutes} minutes; only cancelled "
            "flights or flights that landed 180 or more minutes late qualify"
        )
    owner = res.user
    if not (owner.tier in R.COMPENSATION_TIERS or res.cabin == "business" or res.insurance):
        raise ToolError(
            "not eligible: compensation is for silver, gold and platinum members, business "
            "reservations or insured reservations; this is a "
            f"{res.cabin} reservation without insurance of a member with tier '{owner.tier}'"
        )
    already = session.scalar(
        select(Compensation).where(
            Compensation.reservation_id == res.reservation_id,
            Compensation.flight_id == flight.flight_id,
        )
    )
    if already is not None:
        raise ToolError(
            f"compensation was already issued for {flight.flight_number} on reservation "
            f"{res.reservation_id}: certificate {already.certificate_id} "
            f"({already.amount:.2f})"
        )
    amount = R.money(per_passenger * len(res.passengers))
    cert = new_certificate(
        session,
        owner,
        amount,
        f"Compensation: {flight.flight_number} on {flight.flight_date.isoformat()} {reason}",
        now,
        key=("compensation", res.reservation_id, flight.flight_id),
    )
    session.add(
        Compensation(
            reservation_id=res.reservation_id,
            flight_id=flight.flight_id,
            certificate_id=cert.payment_id,
            reason=reason,
            amount=amount,
            issued_at=now,
        )
    )
    session.flush()
    return {
        "certificate_id": cert.payment_id,
        "user_id": owner.user_id,
        "amount": amount,
        "reason": reason,
        "expires_on": cert.expires_on.isoformat() if cert.expires_on else None,
    }


@tool(writes=False, ends_episode=True)
def transfer_to_human_agents(ctx: ToolContext, summary: str) -> dict:
    """Hand the conversation to a human Larkline agent; this ends your part of the call.

    Use it only in the situations the policy lists, after telling the customer.

    Args:
        summary: Two or three sentences for the human agent: who the customer is (member
            number), the reservation, what they need and what you already checked.

    Returns:
        A confirmation that the customer is queued for a human agent.
    """
    if not summary.strip():
        raise ToolError("give a short summary of the issue for the human agent")
    return {"transferred": True, "message": "The customer is now in the queue for a human agent."}
