"""Shared helpers for the telehealth tools (no tools are defined here)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute

from tautrait.domain import ToolContext, ToolError

from ..rules import LATE_CANCEL_SHARE, LATE_CANCEL_WINDOW
from ..schema import (
    Appointment,
    Device,
    DeviceModel,
    Drug,
    DrugInteraction,
    Invoice,
    Patient,
    Prescription,
    Provider,
    ProviderLicense,
    Slot,
    Supplier,
)


def money(value: float | Decimal) -> float:
    """Round to cents, half up (2.675 -> 2.68), as a float."""
    return float(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def fold(text: str) -> str:
    """Case-, accent-, space- and hyphen-insensitive form of a name."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]", "", stripped.casefold())


def parse_date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ToolError(f"{field} must be a date in YYYY-MM-DD format, got {value!r}") from None


def today(ctx: ToolContext) -> date:
    return ctx.now.date()


def derived_id(ctx: ToolContext, column: InstrumentedAttribute[str], base: str) -> str:
    """``base`` if no row uses it yet, else ``base-2``, ``base-3``...

    New rows get ids from what they identify ('A-250417': the booking of slot S-250417),
    never from a counter over the table, so two independent changes made in either order
    leave the same rows. The suffix only separates rows that are alike (a slot booked
    again after a cancellation), which come one after the other anyway.
    """
    candidate, n = base, 1
    while ctx.session.scalar(select(column).where(column == candidate)) is not None:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def number_of(entity_id: str) -> str:
    """'S-250417' -> '250417', 'RX-71234' -> '71234'."""
    return entity_id.split("-", 1)[1]


# ----------------------------------------------------------------------- lookups


def get_patient(ctx: ToolContext, patient_id: str) -> Patient:
    patient = ctx.session.get(Patient, patient_id.strip().upper())
    if patient is None:
        raise ToolError(f"no patient with id {patient_id!r} (patient ids look like 'P-100331')")
    return patient


def verified_patient(ctx: ToolContext, patient_id: str) -> Patient:
    """The patient a change is for, who must have been authenticated in this conversation
    by find_patient_by_name_dob (policy section 1)."""
    patient = get_patient(ctx, patient_id)
    if not ctx.auth.is_verified(patient.patient_id):
        raise ToolError(
            f"patient {patient.patient_id} has not been authenticated in this conversation: "
            "authenticate the caller first with find_patient_by_name_dob (full name and date "
            "of birth); no change can be made before that"
        )
    return patient


def require_active(patient: Patient, action: str) -> None:
    if patient.status != "active":
        raise ToolError(
            f"patient {patient.patient_id}'s account is {patient.status}: cannot {action}. "
            "Reactivation is handled by a human agent."
        )


def get_provider(ctx: ToolContext, provider_id: str) -> Provider:
    provider = ctx.session.get(Provider, provider_id.strip().upper())
    if provider is None:
        raise ToolError(f"no provider with id {provider_id!r} (provider ids look like 'DR-3104')")
    return provider


def get_slot(ctx: ToolContext, slot_id: str) -> Slot:
    slot = ctx.session.get(Slot, slot_id.strip().upper())
    if slot is None:
        raise ToolError(f"no slot with id {slot_id!r} (slot ids look like 'S-250417')")
    return slot


def own_appointment(ctx: ToolContext, patient: Patient, appointment_id: str) -> Appointment:
    appt = ctx.session.get(Appointment, appointment_id.strip().upper())
    if appt is None:
        raise ToolError(
            f"no appointment with id {appointment_id!r} (appointment ids look like 'A-60123')"
        )
    if appt.patient_id != patient.patient_id:
        raise ToolError(
            f"appointment {appt.appointment_id} does not belong to patient {patient.patient_id}"
        )
    return appt


def own_prescription(ctx: ToolContext, patient: Patient, rx_id: str) -> Prescription:
    rx = ctx.session.get(Prescription, rx_id.strip().upper())
    if rx is None:
        raise ToolError(
            f"no prescription with id {rx_id!r} (prescription ids look like 'RX-71234')"
        )
    if rx.patient_id != patient.patient_id:
        raise ToolError(f"prescription {rx.rx_id} does not belong to patient {patient.patient_id}")
    return rx


def own_invoice(ctx: ToolContext, patient: Patient, invoice_id: str) -> Invoice:
    invoice = ctx.session.get(Invoice, invoice_id.strip().upper())
    if invoice is None:
        raise ToolError(f"no invoice with id {invoice_id!r} (invoice ids look like 'INV-30125')")
    if invoice.patient_id != patient.patient_id:
        raise ToolError(
            f"invoice {invoice.invoice_id} does not belong to patient {patient.patient_id}"
        )
    return invoice


def get_supplier(ctx: ToolContext, supplier_id: str) -> Supplier:
    supplier = ctx.session.get(Supplier, supplier_id.strip().upper())
    if supplier is None:
        raise ToolError(
            f"no supplier with id {supplier_id!r} (pharmacies look like 'PH-205', device "
            "suppliers like 'DS-502')"
        )
    return supplier


def get_device(ctx: ToolContext, serial_number: str) -> Device:
    device = ctx.session.get(Device, serial_number.strip().upper())
    if device is None:
        raise ToolError(
            f"no device with serial number {serial_number!r} (serials look like 'SN-482913')"
        )
    return device


def find_drug(ctx: ToolContext, name: str) -> Drug:
    """A drug by generic name ('sertraline') or id ('D-SER50')."""
    wanted = fold(name)
    for drug in ctx.session.scalars(select(Drug).order_by(Drug.drug_id)):
        if wanted in (fold(drug.name), fold(drug.drug_id)):
            return drug
    raise ToolError(
        f"no drug named {name!r} in the formulary; use the generic name, e.g. 'sertraline'"
    )


def licensed_on(ctx: ToolContext, provider_id: str, state: str, day: date) -> bool:
    licence = ctx.session.scalar(
        select(ProviderLicense).where(
            ProviderLicense.provider_id == provider_id,
            ProviderLicense.state == state,
            ProviderLicense.expires_on >= day,
        )
    )
    return licence is not None


def active_device_kinds(ctx: ToolContext, patient_id: str) -> dict[str, str]:
    """kind -> serial number of each active device of a patient."""
    rows = ctx.session.execute(
        select(Device.serial_number, DeviceModel.kind)
        .join(DeviceModel, Device.model_id == DeviceModel.model_id)
        .where(Device.patient_id == patient_id, Device.status == "active")
        .order_by(Device.serial_number)
    )
    return {kind: serial for serial, kind in rows}


def severe_conflicts(ctx: ToolContext, rx: Prescription) -> list[str]:
    """Names of the patient's other active drugs with a severe interaction with rx's drug."""
    others = ctx.session.scalars(
        select(Prescription).where(
            Prescription.patient_id == rx.patient_id,
            Prescription.status == "active",
            Prescription.expires_on >= ctx.now.date(),
            Prescription.rx_id != rx.rx_id,
        )
    ).all()
    found: list[str] = []
    for other in others:
        pair = ctx.session.scalar(
            select(DrugInteraction).where(
                DrugInteraction.severity == "severe",
                (
                    (DrugInteraction.drug_a_id == rx.drug_id)
                    & (DrugInteraction.drug_b_id == other.drug_id)
                )
                | (
                    (DrugInteraction.drug_a_id == other.drug_id)
                    & (DrugInteraction.drug_b_id == rx.drug_id)
                ),
            )
        )
        if pair is not None:
            drug = ctx.session.get(Drug, other.drug_id)
            found.append(f"{drug.name if drug else other.drug_id} ({other.rx_id})")
    return sorted(found)


# ----------------------------------------------------------------- serialisation


def iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def provider_name(provider: Provider) -> str:
    return f"{provider.first_name} {provider.last_name}, {provider.credential}"


def appointment_view(ctx: ToolContext, appt: Appointment) -> dict[str, Any]:
    slot = ctx.session.get(Slot, appt.slot_id)
    provider = ctx.session.get(Provider, appt.provider_id)
    fee_now = None
    upcoming = slot is not None and slot.start_at > ctx.now
    if appt.status == "scheduled" and upcoming and slot is not None and provider is not None:
        late = slot.start_at - ctx.now < LATE_CANCEL_WINDOW
        fee_now = money(Decimal(str(provider.visit_fee)) * LATE_CANCEL_SHARE) if late else 0.0
    return {
        "appointment_id": appt.appointment_id,
        "status": appt.status,
        "start": iso(slot.start_at) if slot else None,
        "duration_min": slot.duration_min if slot else None,
        "slot_id": appt.slot_id,
        "provider_id": appt.provider_id,
        "provider_name": provider_name(provider) if provider else None,
        "specialty": provider.specialty if provider else None,
        "visit_type": appt.visit_type,
        "provider_visit_fee": money(provider.visit_fee) if provider else None,
        "fee_if_cancelled_now": fee_now,
        "reschedule_count": appt.reschedule_count,
        "cancellation_fee": money(appt.cancellation_fee),
        "cancelled_at": iso(appt.cancelled_at),
    }


def invoice_view(invoice: Invoice) -> dict[str, Any]:
    return {
        "invoice_id": invoice.invoice_id,
        "kind": invoice.kind,
        "description": invoice.description,
        "amount": money(invoice.amount),
        "amount_paid": money(invoice.amount_paid),
        "balance": money(Decimal(str(invoice.amount)) - Decimal(str(invoice.amount_paid)))
        if invoice.status == "open"
        else 0.0,
        "status": invoice.status,
        "issued_on": iso(invoice.issued_on),
        "due_on": iso(invoice.due_on),
        "appointment_id": invoice.appointment_id,
        "order_id": invoice.order_id,
        "waived_on": iso(invoice.waived_on),
    }
