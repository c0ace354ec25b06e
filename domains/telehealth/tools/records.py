"""Medical records, prescriptions and drug-interaction checks (read only)."""

from __future__ import annotations

from sqlalchemy import select

from tautrait.domain import ToolContext, ToolError, tool

from ..schema import (
    Drug,
    DrugInteraction,
    MedicalRecord,
    Prescription,
    Provider,
    RefillRequest,
    Supplier,
)
from .common import find_drug, get_patient, iso, parse_date, provider_name


@tool(writes=False)
def get_medical_record_summary(ctx: ToolContext, patient_id: str, date_of_birth: str) -> dict:
    """Show a patient's medical record: conditions (active and resolved), allergies and
    the visit notes of past appointments (newest first). Because this discloses health
    information, the tool re-checks identity: the date of birth the caller gave must
    match the record.

    Args:
        patient_id: The patient id, e.g. 'P-100331'.
        date_of_birth: The date of birth the caller stated, YYYY-MM-DD, e.g. '1952-05-06'.

    Returns:
        Conditions, allergies and visit notes. Read them out factually; never interpret
        them or give medical advice.

    Raises:
        Unknown patient, malformed date, or the date of birth does not match.
    """
    patient = get_patient(ctx, patient_id)
    dob = parse_date(date_of_birth, "date_of_birth")
    if dob != patient.date_of_birth:
        raise ToolError(
            "identity check failed: that date of birth does not match the record; the "
            "record cannot be disclosed"
        )
    records = ctx.session.scalars(
        select(MedicalRecord)
        .where(MedicalRecord.patient_id == patient.patient_id)
        .order_by(MedicalRecord.recorded_on.desc(), MedicalRecord.record_id.desc())
    ).all()
    conditions, allergies, notes = [], [], []
    for record in records:
        if record.record_type == "condition":
            conditions.append(
                {
                    "condition": record.description,
                    "status": record.status,
                    "since": iso(record.recorded_on),
                }
            )
        elif record.record_type == "allergy":
            allergies.append(record.description)
        else:
            provider = ctx.session.get(Provider, record.provider_id) if record.provider_id else None
            notes.append(
                {
                    "date": iso(record.recorded_on),
                    "appointment_id": record.appointment_id,
                    "provider": provider_name(provider) if provider else None,
                    "note": record.description,
                }
            )
    return {
        "patient_id": patient.patient_id,
        "conditions": conditions,
        "allergies": allergies or ["no known allergies recorded"],
        "visit_notes": notes,
    }


@tool(writes=False)
def list_prescriptions(ctx: ToolContext, patient_id: str) -> list[dict]:
    """List every prescription of a patient (active, expired and discontinued).

    Args:
        patient_id: The patient id, e.g. 'P-100331'.

    Returns:
        For each prescription: id (like 'RX-71234'), drug name and strength, whether it
        is a controlled substance, directions, quantity per fill, refills remaining,
        expiry date, status, the pharmacy it is filled at, and the latest refill request
        (if any) with its status ('requested', 'ready' or 'picked_up').

    Raises:
        Unknown patient.
    """
    patient = get_patient(ctx, patient_id)
    rxs = ctx.session.scalars(
        select(Prescription)
        .where(Prescription.patient_id == patient.patient_id)
        .order_by(Prescription.rx_id)
    ).all()
    out = []
    for rx in rxs:
        drug = ctx.session.get(Drug, rx.drug_id)
        pharmacy = ctx.session.get(Supplier, rx.pharmacy_id)
        provider = ctx.session.get(Provider, rx.provider_id)
        last = ctx.session.scalars(
            select(RefillRequest)
            .where(RefillRequest.rx_id == rx.rx_id)
            .order_by(RefillRequest.requested_at.desc(), RefillRequest.refill_id.desc())
        ).first()
        expired = rx.expires_on < ctx.now.date()
        out.append(
            {
                "rx_id": rx.rx_id,
                "drug": f"{drug.name} {drug.strength} {drug.form}" if drug else rx.drug_id,
                "drug_name": drug.name if drug else None,
                "controlled_substance": bool(drug and drug.controlled),
                "directions": rx.directions,
                "quantity": rx.quantity,
                "days_supply": rx.days_supply,
                "refills_remaining": rx.refills_remaining,
                "written_on": iso(rx.written_on),
                "expires_on": iso(rx.expires_on),
                "status": "expired" if rx.status == "active" and expired else rx.status,
                "prescriber": provider_name(provider) if provider else rx.provider_id,
                "pharmacy_id": rx.pharmacy_id,
                "pharmacy_name": pharmacy.name if pharmacy else None,
                "latest_refill": None
                if last is None
                else {
                    "refill_id": last.refill_id,
                    "requested_at": iso(last.requested_at),
                    "status": last.status,
                },
            }
        )
    return out


@tool(writes=False)
def check_drug_interactions(ctx: ToolContext, patient_id: str, drug_name: str) -> dict:
    """Check a drug against every ACTIVE prescription of a patient, using the clinic's
    interaction table. Report the result factually (drug pair and severity: 'minor',
    'moderate' or 'severe'); never advise the patient to start, stop or change a
    medication: that is for a clinician.

    Args:
        patient_id: The patient id, e.g. 'P-100331'.
        drug_name: Generic drug name, e.g. 'tramadol' (or a drug id like 'D-TRA50').

    Returns:
        The drug checked and the interactions found (empty list when none).

    Raises:
        Unknown patient, or a drug that is not in the formulary.
    """
    patient = get_patient(ctx, patient_id)
    drug = find_drug(ctx, drug_name)
    active = ctx.session.scalars(
        select(Prescription)
        .where(
            Prescription.patient_id == patient.patient_id,
            Prescription.status == "active",
            Prescription.expires_on >= ctx.now.date(),
        )
        .order_by(Prescription.rx_id)
    ).all()
    found = []
    for rx in active:
        if rx.drug_id == drug.drug_id:
            continue
        hit = ctx.session.scalar(
            select(DrugInteraction).where(
                (
                    (DrugInteraction.drug_a_id == drug.drug_id)
                    & (DrugInteraction.drug_b_id == rx.drug_id)
                )
                | (
                    (DrugInteraction.drug_a_id == rx.drug_id)
                    & (DrugInteraction.drug_b_id == drug.drug_id)
                )
            )
        )
        if hit is not None:
            other = ctx.session.get(Drug, rx.drug_id)
            found.append(
                {
                    "with_drug": other.name if other else rx.drug_id,
                    "rx_id": rx.rx_id,
                    "severity": hit.severity,
                    "effect": hit.effect,
                }
            )
    return {
        "drug": drug.name,
        "drug_id": drug.drug_id,
        "controlled_substance": drug.controlled,
        "interactions": found,
    }
