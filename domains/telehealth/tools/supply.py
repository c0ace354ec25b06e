"""Partner pharmacies and device suppliers, their stock, and the device catalogue."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import select

from tautrait.domain import ToolContext, ToolError, tool

from ..rules import SERVICE_STATES
from ..schema import DeviceModel, Drug, Supplier, SupplierStock
from .common import find_drug, get_supplier, money


def _model(ctx: ToolContext, model_id: str) -> DeviceModel:
    model = ctx.session.get(DeviceModel, model_id.strip().upper())
    if model is None:
        raise ToolError(
            f"no device model {model_id!r}; model ids look like 'BP-210' (see list_device_models)"
        )
    return model


def _supplier_view(supplier: Supplier) -> dict[str, Any]:
    return {
        "supplier_id": supplier.supplier_id,
        "name": supplier.name,
        "kind": supplier.kind,
        "address": f"{supplier.street}, {supplier.city}, {supplier.state} {supplier.zip_code}",
        "state": supplier.state,
        "phone": supplier.phone,
        "mail_order": supplier.mail_order,
    }


@tool(writes=False)
def find_suppliers(
    ctx: ToolContext,
    kind: Literal["pharmacy", "device_supplier"],
    state: str | None = None,
    item: str | None = None,
) -> list[dict]:
    """List partner pharmacies or device suppliers. With a state, only those located in it
    plus the mail-order ones (which serve every state). With an item, only suppliers that
    have it in stock, with the quantity on hand and unit price (USD).

    Args:
        kind: 'pharmacy' or 'device_supplier'.
        state: Optional two-letter state code, e.g. 'WA'.
        item: Optional item: a generic drug name for pharmacies (e.g. 'metformin'), a
            device model id for device suppliers (e.g. 'GL-G4').

    Raises:
        A state outside the service area, or an unknown drug or device model.
    """
    query = select(Supplier).where(Supplier.kind == kind).order_by(Supplier.supplier_id)
    suppliers = ctx.session.scalars(query).all()
    if state is not None:
        code = state.strip().upper()
        if code not in SERVICE_STATES:
            raise ToolError(f"{state!r} is not a service state ({', '.join(SERVICE_STATES)})")
        suppliers = [s for s in suppliers if s.state == code or s.mail_order]
    out = []
    for supplier in suppliers:
        view = _supplier_view(supplier)
        if item is not None:
            if kind == "pharmacy":
                drug = find_drug(ctx, item)
                cond = SupplierStock.drug_id == drug.drug_id
            else:
                cond = SupplierStock.model_id == _model(ctx, item).model_id
            stock = ctx.session.scalar(
                select(SupplierStock).where(SupplierStock.supplier_id == supplier.supplier_id, cond)
            )
            if stock is None or stock.quantity <= 0:
                continue
            view["item_in_stock"] = stock.quantity
            view["unit_price"] = money(stock.unit_price)
        out.append(view)
    return out


@tool(writes=False)
def check_supplier_stock(ctx: ToolContext, supplier_id: str) -> dict:
    """Show everything a pharmacy or device supplier carries, with quantity on hand (0
    means out of stock) and unit price (USD). Drugs are counted in dispensing units
    (tablets, capsules, inhalers, pens, tubes).

    Args:
        supplier_id: The supplier id, e.g. 'PH-203' or 'DS-501'.

    Raises:
        Unknown supplier.
    """
    supplier = get_supplier(ctx, supplier_id)
    rows = ctx.session.scalars(
        select(SupplierStock)
        .where(SupplierStock.supplier_id == supplier.supplier_id)
        .order_by(SupplierStock.stock_id)
    ).all()
    items = []
    for row in rows:
        if row.drug_id is not None:
            drug = ctx.session.get(Drug, row.drug_id)
            label = f"{drug.name} {drug.strength} {drug.form}" if drug else row.drug_id
            items.append(
                {
                    "drug_id": row.drug_id,
                    "item": label,
                    "quantity": row.quantity,
                    "unit_price": money(row.unit_price),
                }
            )
        else:
            model = ctx.session.get(DeviceModel, row.model_id)
            items.append(
                {
                    "model_id": row.model_id,
                    "item": model.name if model else row.model_id,
                    "quantity": row.quantity,
                    "unit_price": money(row.unit_price),
                }
            )
    return {**_supplier_view(supplier), "stock": items}


@tool(writes=False)
def list_device_models(ctx: ToolContext) -> list[dict]:
    """List the home-monitoring device models Alderbrook supports, with their kind
    ('blood_pressure_cuff', 'glucose_meter', 'pulse_oximeter', 'weight_scale') and list
    price (USD). The price actually charged is the supplier's unit price.
    """
    return [
        {
            "model_id": m.model_id,
            "name": m.name,
            "kind": m.kind,
            "list_price": money(m.list_price),
        }
        for m in ctx.session.scalars(select(DeviceModel).order_by(DeviceModel.model_id))
    ]
