"""Refill requests and prescription transfers between pharmacies."""

from __future__ import annotations

from sqlalchemy import select

from tautrait.domain import ToolContext, ToolError, tool

from ..schema import Drug, Patient, Prescription, RefillRequest, Supplier, SupplierStock
from .common import (
    derived_id,
    get_supplier,
    iso,
    number_of,
    own_prescription,
    require_active,
    severe_conflicts,
    verified_patient,
)
from .patients import check_pharmacy_serves


def _drug(ctx: ToolContext, rx: Prescription) -> Drug:
    drug = ctx.session.get(Drug, rx.drug_id)
    if drug is None:  # pragma: no cover - foreign key
        raise ToolError(f"prescription {rx.rx_id} names an unknown drug")
    return drug


def _stock(ctx: ToolContext, supplier: Supplier, drug: Drug) -> SupplierStock | None:
    return ctx.session.scalar(
        select(SupplierStock).where(
            SupplierStock.supplier_id == supplier.supplier_id,
            SupplierStock.drug_id == drug.drug_id,
        )
    )


def _pending_refill(ctx: ToolContext, rx: Prescription) -> RefillRequest | None:
    return ctx.session.scalars(
        select(RefillRequest)
        .where(RefillRequest.rx_id == rx.rx_id, RefillRequest.status.in_(["requested", "ready"]))
        .order_by(RefillRequest.refill_id)
    ).first()


def _check_fillable(ctx: ToolContext, patient: Patient, rx: Prescription, action: str) -> Drug:
    """The checks shared by refills and transfers, in the order the policy lists them."""
    drug = _drug(ctx, rx)
    if drug.controlled:
        raise ToolError(
            f"{drug.name} is a controlled substance (schedule {drug.schedule}): it cannot be "
            f"{action} through patient support; the patient needs a visit with a provider"
        )
    if rx.status != "active" or rx.expires_on < ctx.now.date():
        state = f"{rx.status} (expiry date {iso(rx.expires_on)})"
        if rx.status == "active":
            state = f"expired (expiry date {iso(rx.expires_on)})"
        raise ToolError(
            f"prescription {rx.rx_id} is {state}: it cannot be {action}; the patient needs a "
            "new prescription from a provider"
        )
    if rx.refills_remaining < 1:
        raise ToolError(
            f"prescription {rx.rx_id} has no refills remaining: it cannot be {action}; the "
            "patient needs a renewal from a provider"
        )
    pending = _pending_refill(ctx, rx)
    if pending is not None:
        raise ToolError(
            f"refill {pending.refill_id} for {rx.rx_id} is still {pending.status} at the "
            "pharmacy (not picked up yet); no new refill or transfer until it is picked up"
        )
    conflicts = severe_conflicts(ctx, rx)
    if conflicts:
        raise ToolError(
            f"{drug.name} has a SEVERE interaction with the patient's active "
            f"{', '.join(conflicts)}: it cannot be {action} until a clinician reviews it; "
            "transfer the patient to a human agent for clinical review"
        )
    return drug


@tool(writes=True)
def request_refill(ctx: ToolContext, patient_id: str, rx_id: str) -> dict:
    """Send a refill request for a prescription to the pharmacy it is filled at, using one
    of its remaining refills. Refused for controlled substances, for prescriptions that
    are expired or discontinued or have no refills left, while an earlier refill is still
    waiting at the pharmacy (status 'requested' or 'ready'), when the drug has a severe
    interaction with another active prescription of the patient, and when that pharmacy
    does not have the full quantity in stock (then transfer it to a pharmacy that has).

    Args:
        patient_id: The patient id, e.g. 'P-100331'.
        rx_id: The prescription id, e.g. 'RX-71234'.

    Returns:
        The refill request (id like 'RF-71234-3': the third refill request of
        RX-71234; status 'requested'), the pharmacy, and
        the refills left afterwards.

    Raises:
        Any of the refusals above, an inactive account, or ids that are unknown or
        belong to another patient.
    """
    patient = verified_patient(ctx, patient_id)
    require_active(patient, "request refills")
    rx = own_prescription(ctx, patient, rx_id)
    drug = _check_fillable(ctx, patient, rx, "refilled")
    pharmacy = get_supplier(ctx, rx.pharmacy_id)
    stock = _stock(ctx, pharmacy, drug)
    if stock is None or stock.quantity < rx.quantity:
        have = 0 if stock is None else stock.quantity
        raise ToolError(
            f"{pharmacy.name} ({pharmacy.supplier_id}) has {have} of {drug.name} "
            f"{drug.strength} in stock but the fill needs {rx.quantity}; transfer the "
            "prescription to a pharmacy that has it (find_suppliers) and request the refill there"
        )
    # The n-th refill request of this prescription: refills of one prescription come one
    # after another (an open one blocks the next), those of two are independent.
    earlier = ctx.session.scalars(select(RefillRequest).where(RefillRequest.rx_id == rx.rx_id))
    refill = RefillRequest(
        refill_id=derived_id(
            ctx, RefillRequest.refill_id, f"RF-{number_of(rx.rx_id)}-{len(list(earlier)) + 1}"
        ),
        rx_id=rx.rx_id,
        pharmacy_id=pharmacy.supplier_id,
        requested_at=ctx.now,
        status="requested",
    )
    ctx.session.add(refill)
    rx.refills_remaining -= 1
    stock.quantity -= rx.quantity
    ctx.session.flush()
    return {
        "refill_id": refill.refill_id,
        "rx_id": rx.rx_id,
        "drug": f"{drug.name} {drug.strength}",
        "quantity": rx.quantity,
        "pharmacy_id": pharmacy.supplier_id,
        "pharmacy_name": pharmacy.name,
        "status": refill.status,
        "refills_remaining": rx.refills_remaining,
    }


@tool(writes=True)
def transfer_prescription(ctx: ToolContext, patient_id: str, rx_id: str, pharmacy_id: str) -> dict:
    """Move a prescription (and its remaining refills) to another pharmacy. It does not
    request a refill by itself. The prescription must be active, unexpired, not a
    controlled substance, have at least one refill left and no refill waiting at the
    current pharmacy, and have no severe interaction with another active prescription.
    The new pharmacy must be a different pharmacy, located in the patient's home state
    (or mail-order), and have at least one full fill of the drug in stock.

    Args:
        patient_id: The patient id, e.g. 'P-100331'.
        rx_id: The prescription id, e.g. 'RX-71234'.
        pharmacy_id: The destination pharmacy id, e.g. 'PH-206' (see find_suppliers).

    Returns:
        The prescription with its new pharmacy.

    Raises:
        Any of the conditions above, an inactive account, or ids that are unknown or
        belong to another patient.
    """
    patient = verified_patient(ctx, patient_id)
    require_active(patient, "transfer prescriptions")
    rx = own_prescription(ctx, patient, rx_id)
    drug = _check_fillable(ctx, patient, rx, "transferred")
    target = get_supplier(ctx, pharmacy_id)
    check_pharmacy_serves(target, patient)
    if target.supplier_id == rx.pharmacy_id:
        raise ToolError(f"prescription {rx.rx_id} is already filled at {target.supplier_id}")
    stock = _stock(ctx, target, drug)
    if stock is None or stock.quantity < rx.quantity:
        have = 0 if stock is None else stock.quantity
        raise ToolError(
            f"{target.name} ({target.supplier_id}) has {have} of {drug.name} {drug.strength} "
            f"in stock; a fill needs {rx.quantity}"
        )
    old = rx.pharmacy_id
    rx.pharmacy_id = target.supplier_id
    return {
        "rx_id": rx.rx_id,
        "drug": f"{drug.name} {drug.strength}",
        "from_pharmacy_id": old,
        "to_pharmacy_id": target.supplier_id,
        "to_pharmacy_name": target.name,
        "refills_remaining": rx.refills_remaining,
    }
