"""Invoices: listing, card payments and the once-a-year late-cancellation fee waiver."""

from __future__ import annotations

import math
from datetime import timedelta
from decimal import Decimal
from typing import Literal

from sqlalchemy import select

from tautrait.domain import ToolContext, ToolError, tool

from ..rules import WAIVER_PERIOD_DAYS
from ..schema import Invoice
from .common import (
    get_patient,
    invoice_view,
    iso,
    money,
    own_invoice,
    verified_patient,
)


@tool(writes=False)
def list_invoices(
    ctx: ToolContext,
    patient_id: str,
    status: Literal["open", "paid", "void", "waived", "refunded"] | None = None,
) -> dict:
    """List a patient's invoices, newest first, optionally only those with one status. Kinds:
    'visit' (copay, or the full visit fee without insurance), 'late_cancellation' and
    'device' (the patient's share of a device order). Amounts are USD.

    Args:
        patient_id: The patient id, e.g. 'P-100331'.
        status: Optional status filter; 'open' means something is still owed.

    Returns:
        The invoices (id like 'INV-30125', amount, amount_paid, balance, status, dates)
        and total_open_balance, the sum of the balances of open invoices.

    Raises:
        Unknown patient.
    """
    patient = get_patient(ctx, patient_id)
    query = select(Invoice).where(Invoice.patient_id == patient.patient_id)
    invoices = ctx.session.scalars(
        query.order_by(Invoice.issued_on.desc(), Invoice.invoice_id.desc())
    ).all()
    total = sum(
        (
            Decimal(str(i.amount)) - Decimal(str(i.amount_paid))
            for i in invoices
            if i.status == "open"
        ),
        Decimal(0),
    )
    shown = [invoice_view(i) for i in invoices if status is None or i.status == status]
    return {"patient_id": patient.patient_id, "invoices": shown, "total_open_balance": money(total)}


@tool(writes=True)
def pay_invoice(ctx: ToolContext, patient_id: str, invoice_id: str, amount: float) -> dict:
    """Charge the payment card on file for part or all of an open invoice's balance. Confirm
    the amount and the card's last four digits with the patient first.

    Args:
        patient_id: The patient id, e.g. 'P-100331'.
        invoice_id: The invoice id, e.g. 'INV-30125'.
        amount: The amount to charge in USD, e.g. 45.5; rounded to cents; at least 0.01
            and at most the invoice's balance.

    Returns:
        The invoice after payment (status 'paid' once the balance reaches 0).

    Raises:
        Unknown invoice or one of another patient; invoice not open; no card on file;
        amount not positive or above the balance.
    """
    patient = verified_patient(ctx, patient_id)
    invoice = own_invoice(ctx, patient, invoice_id)
    if invoice.status != "open":
        raise ToolError(f"invoice {invoice.invoice_id} is {invoice.status}; nothing to pay")
    if not patient.card_last4:
        raise ToolError(
            "no payment card on file; the patient can add one in the patient portal, or a "
            "human agent can take the payment"
        )
    if not math.isfinite(amount):
        raise ToolError(f"the amount must be a number of dollars, got {amount}")
    charge = Decimal(str(money(amount)))
    balance = Decimal(str(invoice.amount)) - Decimal(str(invoice.amount_paid))
    if charge <= 0:
        raise ToolError(f"the amount must be at least 0.01, got {amount}")
    if charge > balance:
        raise ToolError(
            f"{money(charge):.2f} is more than the balance of invoice {invoice.invoice_id} "
            f"({money(balance):.2f})"
        )
    invoice.amount_paid = money(Decimal(str(invoice.amount_paid)) + charge)
    if money(balance - charge) == 0:
        invoice.status = "paid"
    view = invoice_view(invoice)
    view["charged"] = money(charge)
    view["card_last4"] = patient.card_last4
    return view


@tool(writes=True)
def waive_late_cancellation_fee(ctx: ToolContext, patient_id: str, invoice_id: str) -> dict:
    """Waive a late-cancellation fee as a one-time courtesy. Only an open late-cancellation
    invoice with nothing paid on it can be waived, and at most one fee per patient in any
    365 days (a fee waived on or after the same date last year blocks it). Paid fees are
    never refunded this way.

    Args:
        patient_id: The patient id, e.g. 'P-100331'.
        invoice_id: The late-cancellation invoice id, e.g. 'INV-30125'.

    Returns:
        The invoice, now 'waived'.

    Raises:
        Unknown invoice or one of another patient; not a late-cancellation fee; not open
        or partly paid; a fee was already waived in the last 365 days (its date is given).
    """
    patient = verified_patient(ctx, patient_id)
    invoice = own_invoice(ctx, patient, invoice_id)
    if invoice.kind != "late_cancellation":
        raise ToolError(
            f"invoice {invoice.invoice_id} is a {invoice.kind} invoice; only late-cancellation "
            "fees can be waived"
        )
    if invoice.status != "open" or invoice.amount_paid > 0:
        raise ToolError(
            f"invoice {invoice.invoice_id} is {invoice.status} with {invoice.amount_paid:.2f} "
            "paid; only an open, unpaid fee can be waived"
        )
    since = ctx.now.date() - timedelta(days=WAIVER_PERIOD_DAYS)
    previous = ctx.session.scalars(
        select(Invoice)
        .where(
            Invoice.patient_id == patient.patient_id,
            Invoice.waived_on.is_not(None),
            Invoice.waived_on >= since,
        )
        .order_by(Invoice.waived_on.desc())
    ).first()
    if previous is not None:
        raise ToolError(
            f"a late-cancellation fee ({previous.invoice_id}) was already waived on "
            f"{iso(previous.waived_on)}; only one waiver per 365 days"
        )
    invoice.status = "waived"
    invoice.waived_on = ctx.now.date()
    return invoice_view(invoice)
