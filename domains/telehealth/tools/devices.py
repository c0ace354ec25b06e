"""Home-monitoring devices, device orders and the uploads (readings and documents)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import select

from tautrait.domain import ToolContext, ToolError, tool

from ..rules import INVOICE_DUE_DAYS
from ..schema import (
    Device,
    DeviceModel,
    DeviceOrder,
    InsurancePlan,
    Invoice,
    Patient,
    Supplier,
    SupplierStock,
)
from .common import (
    active_device_kinds,
    derived_id,
    get_device,
    get_patient,
    get_supplier,
    iso,
    money,
    number_of,
    require_active,
    verified_patient,
)
from .supply import _model


def _kind_of(ctx: ToolContext, model_id: str) -> str:
    model = ctx.session.get(DeviceModel, model_id)
    return model.kind if model else "unknown"


def _order_view(ctx: ToolContext, order: DeviceOrder) -> dict[str, Any]:
    device = ctx.session.scalars(
        select(Device).where(Device.order_id == order.order_id).order_by(Device.serial_number)
    ).first()
    return {
        "order_id": order.order_id,
        "model_id": order.model_id,
        "kind": _kind_of(ctx, order.model_id),
        "supplier_id": order.supplier_id,
        "status": order.status,
        "price": money(order.price),
        "insurance_covered": money(order.insurance_covered),
        "patient_cost": money(order.patient_cost),
        "ordered_at": iso(order.ordered_at),
        "ship_to": order.ship_to,
        "serial_number": device.serial_number if device else None,
        "device_status": device.status if device else None,
    }


def _device_view(ctx: ToolContext, device: Device) -> dict[str, Any]:
    model = ctx.session.get(DeviceModel, device.model_id)
    return {
        "serial_number": device.serial_number,
        "model_id": device.model_id,
        "model_name": model.name if model else None,
        "kind": model.kind if model else None,
        "status": device.status,
        "registered_on": iso(device.registered_on),
        "deactivated_on": iso(device.deactivated_on),
        "deactivation_reason": device.deactivation_reason,
    }


def _open_order_of_kind(ctx: ToolContext, patient: Patient, kind: str) -> DeviceOrder | None:
    orders = ctx.session.scalars(
        select(DeviceOrder)
        .where(DeviceOrder.patient_id == patient.patient_id)
        .order_by(DeviceOrder.order_id)
    ).all()
    for order in orders:
        if _kind_of(ctx, order.model_id) != kind:
            continue
        if order.status in ("placed", "shipped"):
            return order
        if order.status == "delivered":
            waiting = ctx.session.scalar(
                select(Device).where(
                    Device.order_id == order.order_id, Device.status == "unassigned"
                )
            )
            if waiting is not None:
                return order
    return None


@tool(writes=False)
def list_devices(ctx: ToolContext, patient_id: str) -> dict:
    """List a patient's monitoring devices (active and deactivated) and device orders. A
    delivered order whose device has not been registered yet shows the device's serial
    number with device_status 'unassigned'.

    Args:
        patient_id: The patient id, e.g. 'P-100331'.

    Returns:
        devices (serial like 'SN-482913', model, kind, status) and orders (id like
        'DO-33012', status 'placed', 'shipped', 'delivered' or 'cancelled', costs in USD).

    Raises:
        Unknown patient.
    """
    patient = get_patient(ctx, patient_id)
    devices = ctx.session.scalars(
        select(Device).where(Device.patient_id == patient.patient_id).order_by(Device.serial_number)
    ).all()
    orders = ctx.session.scalars(
        select(DeviceOrder)
        .where(DeviceOrder.patient_id == patient.patient_id)
        .order_by(DeviceOrder.order_id)
    ).all()
    return {
        "patient_id": patient.patient_id,
        "devices": [_device_view(ctx, d) for d in devices],
        "orders": [_order_view(ctx, o) for o in orders],
    }


@dataclass
class _Quote:
    patient: Patient
    model: DeviceModel
    supplier: Supplier
    stock: SupplierStock
    price: float
    pct: int
    covered: float
    cost: float


def _quote(ctx: ToolContext, patient_id: str, model_id: str, supplier_id: str) -> _Quote:
    """Every check of an order (R2, R13, R14) and its price; shared by quote and order."""
    patient = get_patient(ctx, patient_id)
    require_active(patient, "order devices")
    model = _model(ctx, model_id)
    supplier = get_supplier(ctx, supplier_id)
    if supplier.kind != "device_supplier":
        raise ToolError(f"{supplier.supplier_id} ({supplier.name}) is not a device supplier")
    active = active_device_kinds(ctx, patient.patient_id)
    if model.kind in active:
        raise ToolError(
            f"patient {patient.patient_id} already has an active {model.kind} "
            f"({active[model.kind]}); deactivate it first if it is being replaced"
        )
    open_order = _open_order_of_kind(ctx, patient, model.kind)
    if open_order is not None:
        raise ToolError(
            f"patient {patient.patient_id} already has {model.kind} order "
            f"{open_order.order_id} ({open_order.status}); only one device of each kind"
        )
    stock = ctx.session.scalar(
        select(SupplierStock).where(
            SupplierStock.supplier_id == supplier.supplier_id,
            SupplierStock.model_id == model.model_id,
        )
    )
    if stock is None or stock.quantity < 1:
        raise ToolError(
            f"{supplier.name} ({supplier.supplier_id}) has no {model.model_id} in stock"
        )
    price = Decimal(str(stock.unit_price))
    plan = ctx.session.get(InsurancePlan, patient.plan_id) if patient.plan_id else None
    pct = plan.device_coverage_pct if plan is not None and plan.accepting else 0
    covered = money(price * pct / 100)
    cost = money(price - Decimal(str(covered)))
    return _Quote(patient, model, supplier, stock, money(price), pct, covered, cost)


@tool(writes=False)
def quote_device_order(ctx: ToolContext, patient_id: str, model_id: str, supplier_id: str) -> dict:
    """Price a device order without placing it: a dry run of order_device with the same
    checks. Use it to tell the patient their cost before they confirm an order.

    Args:
        patient_id: The patient id, e.g. 'P-100331'.
        model_id: The device model id, e.g. 'GL-G4' (see list_device_models).
        supplier_id: A device supplier id, e.g. 'DS-503' (see find_suppliers).

    Returns:
        price (the supplier's unit price), coverage_pct_applied, insurance_covered and
        patient_cost, all in USD.

    Raises:
        Exactly what order_device would refuse.
    """
    q = _quote(ctx, patient_id, model_id, supplier_id)
    return {
        "patient_id": q.patient.patient_id,
        "model_id": q.model.model_id,
        "supplier_id": q.supplier.supplier_id,
        "price": q.price,
        "coverage_pct_applied": q.pct,
        "insurance_covered": q.covered,
        "patient_cost": q.cost,
    }


@tool(writes=True)
def order_device(ctx: ToolContext, patient_id: str, model_id: str, supplier_id: str) -> dict:
    """Order a monitoring device from a device supplier, shipped to the patient's address on
    file. A patient may have only one device of each kind: refused if they already have
    an active device of that kind, or an order of that kind that is placed, shipped, or
    delivered but not yet registered. The supplier must have it in stock. Price is the
    supplier's unit price; the patient's plan covers its device_coverage_pct share
    (only if the plan is still accepted, otherwise nothing), rounded to cents, and the
    patient is invoiced the rest.

    Args:
        patient_id: The patient id, e.g. 'P-100331'.
        model_id: The device model id, e.g. 'GL-G4' (see list_device_models).
        supplier_id: A device supplier id, e.g. 'DS-503' (see find_suppliers).

    Returns:
        The order (id like 'DO-100331-GL-G4': the patient and the model; status 'placed')
        with price, insurance_covered and patient_cost, and the invoice id for the
        patient's share (like 'INV-DO-100331-GL-G4').

    Raises:
        Unknown ids; inactive account; supplier is not a device supplier or is out of
        stock; the patient already has a device or an open order of that kind.
    """
    verified_patient(ctx, patient_id)
    q = _quote(ctx, patient_id, model_id, supplier_id)
    patient, model, supplier, stock = q.patient, q.model, q.supplier, q.stock
    cost, pct = q.cost, q.pct
    order = DeviceOrder(
        order_id=derived_id(
            ctx, DeviceOrder.order_id, f"DO-{number_of(patient.patient_id)}-{model.model_id}"
        ),
        patient_id=patient.patient_id,
        model_id=model.model_id,
        supplier_id=supplier.supplier_id,
        status="placed",
        price=q.price,
        insurance_covered=q.covered,
        patient_cost=cost,
        ordered_at=ctx.now,
        ship_to=f"{patient.street}, {patient.city}, {patient.state} {patient.zip_code}",
    )
    ctx.session.add(order)
    ctx.session.flush()
    stock.quantity -= 1
    invoice_id = None
    if cost > 0:
        invoice_id = derived_id(ctx, Invoice.invoice_id, f"INV-{order.order_id}")
        ctx.session.add(
            Invoice(
                invoice_id=invoice_id,
                patient_id=patient.patient_id,
                kind="device",
                appointment_id=None,
                order_id=order.order_id,
                description=f"Device order {order.order_id} ({model.model_id})",
                amount=cost,
                amount_paid=0.0,
                status="open",
                issued_on=ctx.now.date(),
                due_on=ctx.now.date() + timedelta(days=INVOICE_DUE_DAYS),
                waived_on=None,
            )
        )
        ctx.session.flush()
    view = _order_view(ctx, order)
    view["invoice_id"] = invoice_id
    view["coverage_pct_applied"] = pct
    return view


@tool(writes=True)
def cancel_device_order(ctx: ToolContext, patient_id: str, order_id: str) -> dict:
    """Cancel a device order that has not shipped yet (status 'placed'). Shipped or
    delivered orders cannot be cancelled. An unpaid invoice for it is voided; anything
    already paid is refunded to the card on file.

    Args:
        patient_id: The patient id, e.g. 'P-100331'.
        order_id: The device order id, e.g. 'DO-33012'.

    Returns:
        The cancelled order and the amount refunded (USD).

    Raises:
        Unknown order, an order of another patient, or an order that is not 'placed'.
    """
    patient = verified_patient(ctx, patient_id)
    order = ctx.session.get(DeviceOrder, order_id.strip().upper())
    if order is None:
        raise ToolError(f"no device order {order_id!r} (order ids look like 'DO-33012')")
    if order.patient_id != patient.patient_id:
        raise ToolError(f"order {order.order_id} does not belong to patient {patient.patient_id}")
    if order.status != "placed":
        raise ToolError(
            f"order {order.order_id} is {order.status}; only orders that have not shipped "
            "('placed') can be cancelled"
        )
    order.status = "cancelled"
    stock = ctx.session.scalar(
        select(SupplierStock).where(
            SupplierStock.supplier_id == order.supplier_id,
            SupplierStock.model_id == order.model_id,
        )
    )
    if stock is not None:
        stock.quantity += 1
    refunded = 0.0
    for invoice in ctx.session.scalars(
        select(Invoice).where(Invoice.order_id == order.order_id).order_by(Invoice.invoice_id)
    ):
        if invoice.amount_paid > 0:
            refunded = money(Decimal(str(refunded)) + Decimal(str(invoice.amount_paid)))
            invoice.status = "refunded"
        elif invoice.status == "open":
            invoice.status = "void"
    ctx.session.flush()
    view = _order_view(ctx, order)
    view["refunded"] = refunded
    return view


@tool(writes=True)
def register_device(ctx: ToolContext, patient_id: str, serial_number: str) -> dict:
    """Register a device to a patient so its readings reach their chart. A device can be
    assigned to only one patient at a time: it must be 'unassigned' (new, or from the
    clinic's loaner pool), and a device shipped for another patient's order cannot be
    taken. The patient must not already have an active device of the same kind
    (deactivate the old one first).

    Args:
        patient_id: The patient id, e.g. 'P-100331'.
        serial_number: The serial printed on the device, e.g. 'SN-482913'.

    Returns:
        The device, now 'active' for the patient.

    Raises:
        Unknown ids; device assigned to someone (including this patient already) or
        deactivated; device from another patient's order; an active device of that kind.
    """
    patient = verified_patient(ctx, patient_id)
    device = get_device(ctx, serial_number)
    if device.status == "deactivated":
        raise ToolError(f"device {device.serial_number} is deactivated and cannot be reused")
    if device.status == "active":
        if device.patient_id == patient.patient_id:
            raise ToolError(f"device {device.serial_number} is already registered to this patient")
        raise ToolError(
            f"device {device.serial_number} is assigned to another patient; a device can "
            "belong to only one patient at a time"
        )
    if device.order_id is not None:
        order = ctx.session.get(DeviceOrder, device.order_id)
        if order is not None and order.patient_id != patient.patient_id:
            raise ToolError(
                f"device {device.serial_number} was shipped for another patient's order"
            )
    kind = _kind_of(ctx, device.model_id)
    active = active_device_kinds(ctx, patient.patient_id)
    if kind in active:
        raise ToolError(
            f"patient {patient.patient_id} already has an active {kind} ({active[kind]}); "
            "deactivate it first"
        )
    device.patient_id = patient.patient_id
    device.status = "active"
    device.registered_on = ctx.now.date()
    ctx.session.flush()
    return _device_view(ctx, device)


@tool(writes=True)
def deactivate_device(
    ctx: ToolContext,
    patient_id: str,
    serial_number: str,
    reason: Literal["broken", "lost", "replaced", "no_longer_needed"],
) -> dict:
    """Deactivate one of the patient's active devices: its readings stop being accepted and
    it can never be registered again.

    Args:
        patient_id: The patient id, e.g. 'P-100331'.
        serial_number: The device serial, e.g. 'SN-482913'.
        reason: 'broken', 'lost', 'replaced' (a new one is already in hand) or
            'no_longer_needed'; use the patient's own words to choose.

    Returns:
        The deactivated device.

    Raises:
        Unknown device, a device of another patient, or a device that is not active.
    """
    patient = verified_patient(ctx, patient_id)
    device = get_device(ctx, serial_number)
    if device.patient_id != patient.patient_id:
        raise ToolError(f"device {device.serial_number} is not registered to this patient")
    if device.status != "active":
        raise ToolError(f"device {device.serial_number} is {device.status}, not active")
    device.status = "deactivated"
    device.deactivated_on = ctx.now.date()
    device.deactivation_reason = reason
    ctx.session.flush()
    return _device_view(ctx, device)
