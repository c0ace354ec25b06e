"""Device tools: device details and financing, SIM swaps, warranty replacements and
financing payoffs."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from tautrait.domain import ToolContext, ToolError, tool
from tautrait.domain.text import plain

from ..rules import SIM_SWAP_COOLDOWN_DAYS, WARRANTY_DAYS, luhn_digit, luhn_ok
from ..schema import Device, Payment
from .common import (
    cents,
    device_dict,
    fmt,
    get_account,
    owned_device,
    owned_line,
    unique_id,
    usable_method,
    verified_account,
)


@tool(writes=False)
def get_device_details(ctx: ToolContext, account_id: str, device_id: str) -> dict[str, Any]:
    """One device: model, IMEI / serial / SIM ICCID, status, purchase date, warranty end
    (purchase + 365 days) and financing (monthly installment, installments paid and
    remaining, remaining balance as a string in dollars).

    Args:
        account_id: The verified account, e.g. 'AC318402'.
        device_id: The device, e.g. 'DV52018' (see get_account_details).

    Raises:
        Unknown device, or it belongs to another account (R2).
    """
    account = get_account(ctx, account_id)
    device = owned_device(ctx, account, device_id)
    return device_dict(device, ctx.now.date())


@tool(writes=True)
def swap_sim(ctx: ToolContext, account_id: str, line_id: str, new_iccid: str) -> dict[str, Any]:
    """Move a mobile line onto a new physical SIM card the customer holds (e.g. from a
    store or a replacement kit). The old SIM stops working at once. Allowed on an active or
    suspended line.

    Args:
        account_id: The verified account, e.g. 'AC318402'.
        line_id: The mobile line, e.g. 'LN40211'.
        new_iccid: The 19- or 20-digit number printed on the new SIM, starting with '89',
            e.g. '8914270012345678903'. Spaces and hyphens are ignored.

    Raises:
        The line is not a mobile line; the ICCID is malformed, fails its check digit or
        is already registered; the line had a SIM swap in the last 30 days (R16).
    """
    account = verified_account(ctx, account_id)
    line = owned_line(ctx, account, line_id)
    if line.line_type != "mobile":
        raise ToolError(
            f"line {line.line_id} is a {line.line_type} line; only mobile lines use a "
            "physical SIM (R16)"
        )
    iccid = re.sub(r"[\s-]", "", plain(new_iccid))
    if not (iccid.isdigit() and len(iccid) in (19, 20) and iccid.startswith("89")):
        raise ToolError(
            f"{new_iccid!r} is not a SIM ICCID: expected 19 or 20 digits starting with 89 (R16)"
        )
    if not luhn_ok(iccid):
        raise ToolError(
            f"ICCID {iccid} fails its check digit; ask the customer to read it again (R16)"
        )
    if ctx.session.scalar(select(Device).where(Device.iccid == iccid)) is not None:
        raise ToolError(f"SIM {iccid} is already registered to a line (R16)")
    today = ctx.now.date()
    if line.last_sim_swap is not None:
        allowed = line.last_sim_swap + timedelta(days=SIM_SWAP_COOLDOWN_DAYS)
        if today < allowed:
            raise ToolError(
                f"line {line.line_id} had a SIM swap on {line.last_sim_swap.isoformat()}; "
                f"for fraud protection the next one is possible from {allowed.isoformat()} "
                "(R16)"
            )
    old = list(
        ctx.session.scalars(
            select(Device).where(
                Device.line_id == line.line_id, Device.kind == "sim", Device.status == "active"
            )
        )
    )
    for sim in old:
        sim.status = "deactivated"
    new = Device(
        device_id=unique_id(ctx, Device.device_id, f"DV-SIM-{iccid}"),
        account_id=account.account_id,
        line_id=line.line_id,
        kind="sim",
        model="Larkspur SIM card",
        imei=None,
        serial_number=None,
        iccid=iccid,
        status="active",
        purchased_on=today,
        purchase_price=0.0,
        financed=False,
        term_months=None,
        installment=None,
        installments_paid=None,
        financing_balance=0.0,
        replaced_by=None,
    )
    ctx.session.add(new)
    line.last_sim_swap = today
    return {
        "line_id": line.line_id,
        "new_sim_device_id": new.device_id,
        "iccid": iccid,
        "deactivated_sims": [s.device_id for s in old],
    }


@tool(writes=True)
def request_warranty_replacement(
    ctx: ToolContext, account_id: str, device_id: str
) -> dict[str, Any]:
    """Ship a free replacement of the same model for a faulty phone, watch or router still
    under warranty (purchased within the last 365 days). The replacement takes over the
    device's line and any financing balance; the old device becomes 'replaced' and must be
    returned. Lost or stolen devices are not covered.

    Args:
        account_id: The verified account, e.g. 'AC318402'.
        device_id: The faulty device, e.g. 'DV52018'.

    Returns:
        The new device (status 'in_transit') and the old device's id.

    Raises:
        The device is a SIM (use swap_sim), is not 'active' (lost, replaced, returned...),
        or is out of warranty (R15).
    """
    account = verified_account(ctx, account_id)
    device = owned_device(ctx, account, device_id)
    if device.kind == "sim":
        raise ToolError("SIM cards are not replaced under warranty; use swap_sim (R15)")
    if device.status != "active":
        raise ToolError(
            f"device {device.device_id} is {device.status}; only an active device can be "
            "replaced under warranty (R15)"
        )
    today = ctx.now.date()
    warranty_end = device.purchased_on + timedelta(days=WARRANTY_DAYS)
    if today > warranty_end:
        raise ToolError(
            f"device {device.device_id} was bought on {device.purchased_on.isoformat()}; its "
            f"warranty ended on {warranty_end.isoformat()} (R15)"
        )
    new_id = unique_id(ctx, Device.device_id, f"{device.device_id}-R")
    imei = serial = None
    if device.imei:
        # same type allocation code (model), a new serial part, a fresh check digit
        serial_part = (int(device.imei[8:14]) + 500_000) % 1_000_000
        while True:
            body = f"{device.imei[:8]}{serial_part:06d}"
            imei = body + luhn_digit(body)
            if ctx.session.scalar(select(Device).where(Device.imei == imei)) is None:
                break
            serial_part = (serial_part + 1) % 1_000_000
    if device.serial_number:
        serial = f"{device.serial_number[:4]}R{device.serial_number[-7:]}"
    new = Device(
        device_id=new_id,
        account_id=account.account_id,
        line_id=device.line_id,
        kind=device.kind,
        model=device.model,
        imei=imei,
        serial_number=serial,
        iccid=None,
        status="in_transit",
        purchased_on=device.purchased_on,
        purchase_price=device.purchase_price,
        financed=device.financed,
        term_months=device.term_months,
        installment=device.installment,
        installments_paid=device.installments_paid,
        financing_balance=device.financing_balance,
        replaced_by=None,
    )
    ctx.session.add(new)
    ctx.session.flush()
    device.status = "replaced"
    device.replaced_by = new.device_id
    device.financing_balance = 0.0
    device.line_id = None
    return {
        "old_device_id": device.device_id,
        "new_device": device_dict(new, today),
        "note": "The customer must return the old device within 14 days of receiving the new one.",
    }


@tool(writes=True)
def pay_off_device(
    ctx: ToolContext, account_id: str, device_id: str, method_id: str
) -> dict[str, Any]:
    """Pay the whole remaining financing balance of a device now, with a payment method on
    file; no further installments will be billed. Partial payoffs are not possible.

    Args:
        account_id: The verified account, e.g. 'AC318402'.
        device_id: The financed device, e.g. 'DV52018'.
        method_id: The payment method to charge, e.g. 'PM21874'.

    Returns:
        The payment (id and amount) and the device with a zero balance.

    Raises:
        The device is not financed or has nothing left to pay (R14); the method is not on
        the account (R2) or is an expired card (R13).
    """
    account = verified_account(ctx, account_id)
    device = owned_device(ctx, account, device_id)
    balance = cents(device.financing_balance)
    if not device.financed or balance <= 0:
        raise ToolError(f"device {device.device_id} has no financing balance to pay off (R14)")
    method = usable_method(ctx, account, method_id)
    payment = Payment(
        payment_id=unique_id(ctx, Payment.payment_id, f"PAY-{device.device_id}"),
        account_id=account.account_id,
        invoice_id=None,
        device_id=device.device_id,
        method_id=method.method_id,
        kind="device_payoff",
        amount=round(balance / 100, 2),
        paid_at=ctx.now,
        status="completed",
    )
    ctx.session.add(payment)
    device.financing_balance = 0.0
    device.installments_paid = device.term_months
    return {
        "payment_id": payment.payment_id,
        "amount_paid": fmt(balance),
        "method_id": method.method_id,
        "device": device_dict(device, ctx.now.date()),
    }
