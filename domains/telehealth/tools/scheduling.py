"""Providers, schedules and appointments."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Literal

from sqlalchemy import select

from tautrait.domain import ToolContext, ToolError, tool

from ..rules import (
    INVOICE_DUE_DAYS,
    LATE_CANCEL_SHARE,
    LATE_CANCEL_WINDOW,
    MAX_RESCHEDULES,
    MAX_UPCOMING_APPOINTMENTS,
    SERVICE_STATES,
)
from ..schema import Appointment, Invoice, Provider, ProviderLicense, Slot
from .common import (
    appointment_view,
    derived_id,
    get_patient,
    get_provider,
    get_slot,
    iso,
    licensed_on,
    money,
    number_of,
    own_appointment,
    parse_date,
    provider_name,
    require_active,
    verified_patient,
)

Specialty = Literal[
    "family medicine",
    "internal medicine",
    "cardiology",
    "endocrinology",
    "psychiatry",
    "dermatology",
    "pulmonology",
]


@tool(writes=False)
def search_providers(
    ctx: ToolContext, specialty: Specialty, state: str, language: str | None = None
) -> list[dict]:
    """Find providers of a specialty who hold a licence in a state that is valid today. A
    provider may only see patients who live in a state where the provider is licensed
    (the patient's home state, from get_patient_details). Check each provider's
    licence_expires_on: a visit after that date cannot be booked.

    Args:
        specialty: The specialty, e.g. 'cardiology' for heart care.
        state: Two-letter code of the patient's home state, e.g. 'CO'.
        language: Optional spoken language to require, e.g. 'Spanish'.

    Returns:
        Providers with id (format 'DR-3104'), name, visit fee (USD), languages and the
        expiry date of their licence in that state. Empty list when none match.

    Raises:
        The state is not one Alderbrook serves.
    """
    code = state.strip().upper()
    if code not in SERVICE_STATES:
        raise ToolError(f"{state!r} is not a service state ({', '.join(SERVICE_STATES)})")
    rows = ctx.session.execute(
        select(Provider, ProviderLicense)
        .join(ProviderLicense, ProviderLicense.provider_id == Provider.provider_id)
        .where(
            Provider.specialty == specialty,
            ProviderLicense.state == code,
            ProviderLicense.expires_on >= ctx.now.date(),
        )
        .order_by(Provider.provider_id)
    ).all()
    out = []
    for provider, licence in rows:
        if language and language.strip().lower() not in [x.lower() for x in provider.languages]:
            continue
        out.append(
            {
                "provider_id": provider.provider_id,
                "name": provider_name(provider),
                "specialty": provider.specialty,
                "visit_fee": money(provider.visit_fee),
                "languages": provider.languages,
                "licence_state": licence.state,
                "licence_expires_on": iso(licence.expires_on),
            }
        )
    return out


@tool(writes=False)
def list_available_slots(ctx: ToolContext, provider_id: str, date: str | None = None) -> dict:
    """List a provider's open 30-minute slots that start after the current time (the
    schedule is published about 2.5 weeks ahead). Times are clinic time (US Mountain).

    Args:
        provider_id: The provider id, e.g. 'DR-3104'.
        date: Optional day to restrict to, YYYY-MM-DD, e.g. '2026-06-15'.

    Returns:
        The provider's name and licensed states (with expiry dates), and the open slots
        (slot id like 'S-250417' and start time 'YYYY-MM-DD HH:MM').

    Raises:
        Unknown provider or malformed date.
    """
    provider = get_provider(ctx, provider_id)
    query = select(Slot).where(
        Slot.provider_id == provider.provider_id,
        Slot.status == "open",
        Slot.start_at > ctx.now,
    )
    slots = ctx.session.scalars(query.order_by(Slot.start_at, Slot.slot_id)).all()
    if date is not None:
        day = parse_date(date, "date")
        slots = [s for s in slots if s.start_at.date() == day]
    licences = ctx.session.scalars(
        select(ProviderLicense)
        .where(ProviderLicense.provider_id == provider.provider_id)
        .order_by(ProviderLicense.state)
    ).all()
    return {
        "provider_id": provider.provider_id,
        "name": provider_name(provider),
        "licences": [{"state": lic.state, "expires_on": iso(lic.expires_on)} for lic in licences],
        "open_slots": [{"slot_id": s.slot_id, "start": iso(s.start_at)} for s in slots],
    }


@tool(writes=False)
def list_appointments(ctx: ToolContext, patient_id: str, include_past: bool = False) -> list[dict]:
    """List a patient's appointments, soonest first: by default the upcoming scheduled ones
    only; with include_past, every appointment (completed, cancelled, no_show too).

    Args:
        patient_id: The patient id, e.g. 'P-100331'.
        include_past: Also list past and cancelled appointments.

    Returns:
        Appointments with id (like 'A-60123'), status, start time, provider and their
        visit fee, visit type ('video' or 'phone'), how many times each was already
        rescheduled, and for upcoming ones fee_if_cancelled_now (0.0 when 24 hours or more
        away, else the late-cancellation fee).

    Raises:
        Unknown patient.
    """
    patient = get_patient(ctx, patient_id)
    rows = ctx.session.execute(
        select(Appointment, Slot)
        .join(Slot, Slot.slot_id == Appointment.slot_id)
        .where(Appointment.patient_id == patient.patient_id)
        .order_by(Slot.start_at, Appointment.appointment_id)
    ).all()
    return [
        appointment_view(ctx, appt)
        for appt, slot in rows
        if include_past or (appt.status == "scheduled" and slot.start_at > ctx.now)
    ]


def _check_slot_bookable(ctx: ToolContext, slot: Slot, patient_state: str) -> None:
    if slot.status != "open":
        raise ToolError(f"slot {slot.slot_id} is not open (it is {slot.status})")
    if slot.start_at <= ctx.now:
        raise ToolError(f"slot {slot.slot_id} starts at {iso(slot.start_at)}, which has passed")
    if not licensed_on(ctx, slot.provider_id, patient_state, slot.start_at.date()):
        raise ToolError(
            f"provider {slot.provider_id} has no licence for {patient_state} valid on "
            f"{slot.start_at.date().isoformat()}; the patient lives in {patient_state}, so "
            "this provider cannot see them on that date"
        )


def _upcoming(ctx: ToolContext, patient_id: str) -> list[Appointment]:
    return list(
        ctx.session.scalars(
            select(Appointment)
            .join(Slot, Slot.slot_id == Appointment.slot_id)
            .where(
                Appointment.patient_id == patient_id,
                Appointment.status == "scheduled",
                Slot.start_at > ctx.now,
            )
        )
    )


@tool(writes=True)
def book_appointment(
    ctx: ToolContext, patient_id: str, slot_id: str, visit_type: Literal["video", "phone"]
) -> dict:
    """Book an open slot for a patient. The provider must hold a licence for the
    patient's home state that is still valid on the visit date, and a patient may hold
    at most 3 upcoming scheduled appointments. Visits are billed after they happen.

    Args:
        patient_id: The patient id, e.g. 'P-100331'.
        slot_id: An open slot id from list_available_slots, e.g. 'S-250417'.
        visit_type: 'video' or 'phone'; ask the patient.

    Returns:
        The new appointment (id like 'A-250417', after the slot it books).

    Raises:
        Unknown patient or slot; inactive account; slot not open or in the past; provider
        not licensed for the patient's state on that date; already 3 upcoming visits.
    """
    patient = verified_patient(ctx, patient_id)
    require_active(patient, "book appointments")
    slot = get_slot(ctx, slot_id)
    _check_slot_bookable(ctx, slot, patient.state)
    upcoming = _upcoming(ctx, patient.patient_id)
    if len(upcoming) >= MAX_UPCOMING_APPOINTMENTS:
        raise ToolError(
            f"patient {patient.patient_id} already has {len(upcoming)} upcoming appointments "
            f"(the limit is {MAX_UPCOMING_APPOINTMENTS}); cancel one first"
        )
    appt = Appointment(
        appointment_id=derived_id(ctx, Appointment.appointment_id, f"A-{number_of(slot.slot_id)}"),
        patient_id=patient.patient_id,
        provider_id=slot.provider_id,
        slot_id=slot.slot_id,
        visit_type=visit_type,
        status="scheduled",
        reschedule_count=0,
        cancellation_fee=0.0,
        booked_at=ctx.now,
        cancelled_at=None,
    )
    slot.status = "booked"
    ctx.session.add(appt)
    ctx.session.flush()
    return appointment_view(ctx, appt)


@tool(writes=True)
def reschedule_appointment(
    ctx: ToolContext, patient_id: str, appointment_id: str, new_slot_id: str
) -> dict:
    """Move a scheduled appointment to another open slot of the SAME provider, free of
    charge. Only allowed at least 24 hours before the current start time, and at most
    twice per appointment. To change provider, cancel and book a new appointment instead.

    Args:
        patient_id: The patient id, e.g. 'P-100331'.
        appointment_id: The appointment id, e.g. 'A-60123'.
        new_slot_id: An open slot of the same provider, e.g. 'S-250417'.

    Returns:
        The updated appointment.

    Raises:
        Unknown ids; the appointment is not the patient's or not scheduled; less than 24
        hours before it starts; already rescheduled twice; the new slot is not open, is
        in the past, belongs to another provider, or falls after the provider's licence
        for the patient's state expires.
    """
    patient = verified_patient(ctx, patient_id)
    appt = own_appointment(ctx, patient, appointment_id)
    if appt.status != "scheduled":
        raise ToolError(f"appointment {appt.appointment_id} is {appt.status}, not scheduled")
    current = get_slot(ctx, appt.slot_id)
    if current.start_at - ctx.now < LATE_CANCEL_WINDOW:
        raise ToolError(
            f"appointment {appt.appointment_id} starts at {iso(current.start_at)}, less than "
            "24 hours from now: it can no longer be rescheduled (only cancelled, with the "
            "late-cancellation fee)"
        )
    if appt.reschedule_count >= MAX_RESCHEDULES:
        raise ToolError(
            f"appointment {appt.appointment_id} was already rescheduled "
            f"{appt.reschedule_count} times (the limit is {MAX_RESCHEDULES})"
        )
    new_slot = get_slot(ctx, new_slot_id)
    if new_slot.provider_id != appt.provider_id:
        raise ToolError(
            f"slot {new_slot.slot_id} belongs to provider {new_slot.provider_id}, not "
            f"{appt.provider_id}; to change provider, cancel and book a new appointment"
        )
    _check_slot_bookable(ctx, new_slot, patient.state)
    current.status = "open"
    new_slot.status = "booked"
    appt.slot_id = new_slot.slot_id
    appt.reschedule_count += 1
    ctx.session.flush()
    return appointment_view(ctx, appt)


@tool(writes=True)
def cancel_appointment(ctx: ToolContext, patient_id: str, appointment_id: str) -> dict:
    """Cancel a scheduled appointment that has not started. Free when it starts 24 hours or
    more from now; otherwise a late-cancellation fee of 50% of the provider's visit fee
    (rounded to cents) is charged and an invoice is created. Tell the patient the fee
    BEFORE asking them to confirm.

    Args:
        patient_id: The patient id, e.g. 'P-100331'.
        appointment_id: The appointment id, e.g. 'A-60123'.

    Returns:
        The cancelled appointment, the fee charged (0.0 when free) and the fee invoice id
        (like 'INV-A-60123'; null when free).

    Raises:
        Unknown ids; the appointment is not the patient's, is not scheduled, or has
        already started.
    """
    patient = verified_patient(ctx, patient_id)
    appt = own_appointment(ctx, patient, appointment_id)
    if appt.status != "scheduled":
        raise ToolError(f"appointment {appt.appointment_id} is {appt.status}, not scheduled")
    slot = get_slot(ctx, appt.slot_id)
    if slot.start_at <= ctx.now:
        raise ToolError(f"appointment {appt.appointment_id} has already started")
    fee = 0.0
    invoice_id = None
    if slot.start_at - ctx.now < LATE_CANCEL_WINDOW:
        provider = get_provider(ctx, appt.provider_id)
        fee = money(Decimal(str(provider.visit_fee)) * LATE_CANCEL_SHARE)
        invoice_id = derived_id(ctx, Invoice.invoice_id, f"INV-{appt.appointment_id}")
        ctx.session.add(
            Invoice(
                invoice_id=invoice_id,
                patient_id=patient.patient_id,
                kind="late_cancellation",
                appointment_id=appt.appointment_id,
                order_id=None,
                description=f"Late cancellation fee, visit of {slot.start_at.date().isoformat()}",
                amount=fee,
                amount_paid=0.0,
                status="open",
                issued_on=ctx.now.date(),
                due_on=ctx.now.date() + timedelta(days=INVOICE_DUE_DAYS),
                waived_on=None,
            )
        )
    appt.status = "cancelled"
    appt.cancelled_at = ctx.now
    appt.cancellation_fee = fee
    slot.status = "open"
    ctx.session.flush()
    view = appointment_view(ctx, appt)
    view["fee_charged"] = fee
    view["fee_invoice_id"] = invoice_id
    return view
