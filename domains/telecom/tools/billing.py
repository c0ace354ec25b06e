"""Billing tools: invoice details, payments and bill credits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from sqlalchemy import select

from tautrait.domain import ToolContext, ToolError, tool

from ..rules import (
    CREDIT_INVOICE_WINDOW_DAYS,
    OUTAGE_CREDIT_WINDOW_DAYS,
    PER_INVOICE_CREDIT_CAP,
    ROLLING_CREDIT_CAP,
    ROLLING_CREDIT_WINDOW_DAYS,
    outage_credit,
    service_of,
)
from ..schema import Credit, Customer, Invoice, InvoiceItem, Line, Outage, Payment
from .common import (
    cents,
    clean_id,
    dollars,
    fmt,
    fmt_money,
    get_account,
    invoice_balance_cents,
    invoice_summary,
    iso,
    outage_days,
    owned_invoice,
    owned_line,
    plan_of,
    unique_id,
    usable_method,
    verified_account,
)


@tool(writes=False)
def get_invoice(ctx: ToolContext, account_id: str, invoice_id: str) -> dict[str, Any]:
    """One invoice in full: billing period, due date, every line item (item_id, line,
    kind, description, amount), payments (including declined attempts), credits, the
    remaining balance and the status ('open', 'overdue' or 'paid'). Amounts are strings in
    dollars.

    Args:
        account_id: The verified account, e.g. 'AC318402'.
        invoice_id: The invoice, e.g. 'INV1048213' (see get_account_details).

    Raises:
        Unknown invoice, or it belongs to another account (R2).
    """
    account = get_account(ctx, account_id)
    invoice = owned_invoice(ctx, account, invoice_id)
    items = ctx.session.scalars(
        select(InvoiceItem)
        .where(InvoiceItem.invoice_id == invoice.invoice_id)
        .order_by(InvoiceItem.line_id, InvoiceItem.item_id)
    )
    payments = ctx.session.scalars(
        select(Payment).where(Payment.invoice_id == invoice.invoice_id).order_by(Payment.paid_at)
    )
    credits = ctx.session.scalars(
        select(Credit).where(Credit.invoice_id == invoice.invoice_id).order_by(Credit.created_at)
    )
    return {
        **invoice_summary(invoice),
        "items": [
            {
                "item_id": i.item_id,
                "line_id": i.line_id,
                "kind": i.kind,
                "description": i.description,
                "amount": fmt_money(i.amount),
            }
            for i in items
        ],
        "payments": [
            {
                "payment_id": p.payment_id,
                "method_id": p.method_id,
                "amount": fmt_money(p.amount),
                "paid_at": iso(p.paid_at),
                "status": p.status,
            }
            for p in payments
        ],
        "credits": [
            {
                "credit_id": c.credit_id,
                "reason": c.reason,
                "amount": fmt_money(c.amount),
                "line_id": c.line_id,
                "outage_id": c.outage_id,
                "item_id": c.item_id,
                "created_at": iso(c.created_at),
                "note": c.note,
            }
            for c in credits
        ],
    }


@tool(writes=True)
def make_payment(
    ctx: ToolContext, account_id: str, invoice_id: str, method_id: str, amount: float
) -> dict[str, Any]:
    """Pay all or part of an invoice's balance now with a payment method on file. When the
    balance reaches 0.00 the invoice becomes 'paid'; an overdue invoice stays overdue until
    then.

    Args:
        account_id: The verified account, e.g. 'AC318402'.
        invoice_id: The invoice to pay, e.g. 'INV1048213'.
        method_id: The payment method to charge, e.g. 'PM21874'.
        amount: Dollars, e.g. 84.37; more than 0 and at most the invoice balance.

    Raises:
        The invoice is already paid; the amount is not positive or exceeds the balance
        (R12); the method is not on the account (R2) or is an expired card (R13).
    """
    account = verified_account(ctx, account_id)
    invoice = owned_invoice(ctx, account, invoice_id)
    balance = invoice_balance_cents(invoice)
    if invoice.status == "paid" or balance <= 0:
        raise ToolError(f"invoice {invoice.invoice_id} is already paid in full (R12)")
    pay = cents(amount)
    if pay <= 0:
        raise ToolError("the payment amount must be more than 0.00 (R12)")
    if pay > balance:
        raise ToolError(
            f"{fmt(pay)} is more than the balance of invoice {invoice.invoice_id} "
            f"({fmt(balance)}) (R12)"
        )
    method = usable_method(ctx, account, method_id)
    payment = Payment(
        # Two payments of one invoice (two cards, or two amounts) get their ids from what
        # they are, so paying them in either order leaves the same rows.
        payment_id=unique_id(
            ctx, Payment.payment_id, f"PAY-{invoice.invoice_id}-{method.method_id}-{pay}"
        ),
        account_id=account.account_id,
        invoice_id=invoice.invoice_id,
        device_id=None,
        method_id=method.method_id,
        kind="bill",
        amount=dollars(pay),
        paid_at=ctx.now,
        status="completed",
    )
    ctx.session.add(payment)
    invoice.amount_paid = dollars(cents(invoice.amount_paid) + pay)
    if balance - pay == 0:
        invoice.status = "paid"
    return {
        "payment_id": payment.payment_id,
        "amount": fmt(pay),
        "invoice": invoice_summary(invoice),
    }


def _credited(ctx: ToolContext, **where: Any) -> list[Credit]:
    query = select(Credit)
    for column, value in where.items():
        query = query.where(getattr(Credit, column) == value)
    return list(ctx.session.scalars(query))


@tool(writes=True)
def apply_bill_credit(
    ctx: ToolContext,
    account_id: str,
    invoice_id: str,
    reason: Literal["outage", "billing_error"],
    amount: float,
    line_id: str | None = None,
    outage_id: str | None = None,
    item_id: str | None = None,
) -> dict[str, Any]:
    """Credit an invoice for a documented reason (R10), within the credit limits (R11).

    - reason 'outage': give line_id and outage_id. The outage must be resolved, have ended
      in the last 60 days, and hit the line's service zip code and network (home internet,
      or mobile for phone and watch lines). The amount may be at most the line's monthly
      plan price / 30 x the outage's duration_days (see check_outages), rounded to cents;
      one outage credit per line per outage; it goes on the account's most recent invoice.
    - reason 'billing_error': give item_id, the wrong charge on this invoice. The amount
      may be at most that item's amount; one credit per item.

    Limits (R11): the invoice was issued in the last 60 days; credits on one invoice total
    at most 30.00; credits on the account total at most 75.00 over the last 365 days.
    The credit lowers the invoice balance; any part above the balance goes to the
    account's credit balance for the next bill.

    Args:
        account_id: The verified account, e.g. 'AC318402'.
        invoice_id: The invoice to credit, e.g. 'INV1048213'.
        reason: 'outage' or 'billing_error'.
        amount: Dollars, e.g. 3.67; more than 0.
        line_id: Outage credits only: the affected line, e.g. 'LN40211'.
        outage_id: Outage credits only: the outage, e.g. 'OUT2231'.
        item_id: Billing-error credits only: the wrong invoice item, e.g. 'II304117'.

    Raises:
        Missing or extra ids for the reason, an undocumented reason (R10), or an amount
        above the entitlement or the limits (R11). The message says the allowed maximum.
    """
    account = verified_account(ctx, account_id)
    invoice = owned_invoice(ctx, account, invoice_id)
    credit_cents = cents(amount)
    if credit_cents <= 0:
        raise ToolError("the credit amount must be more than 0.00")
    today = ctx.now.date()
    if invoice.issue_date < today - timedelta(days=CREDIT_INVOICE_WINDOW_DAYS):
        raise ToolError(
            f"invoice {invoice.invoice_id} was issued on {invoice.issue_date.isoformat()}; "
            "only invoices issued in the last 60 days can be credited (R11)"
        )
    credit_line: Line | None = None
    outage: Outage | None = None
    item: InvoiceItem | None = None
    if reason == "outage":
        if line_id is None or outage_id is None or item_id is not None:
            raise ToolError("an outage credit needs line_id and outage_id, and no item_id")
        credit_line = owned_line(ctx, account, line_id)
        outage = ctx.session.get(Outage, clean_id(outage_id))
        if outage is None:
            raise ToolError(f"no outage with id {outage_id!r}; see check_outages")
        latest = ctx.session.scalar(
            select(Invoice)
            .where(Invoice.account_id == account.account_id)
            .order_by(Invoice.issue_date.desc())
        )
        if latest is None or latest.invoice_id != invoice.invoice_id:
            raise ToolError(
                "outage credits go on the account's most recent invoice"
                + (f" ({latest.invoice_id})" if latest else "")
                + " (R10)"
            )
        if outage.status != "resolved" or outage.resolved_at is None:
            raise ToolError(
                f"outage {outage.outage_id} is still active; credits are given once it is "
                "resolved (R10)"
            )
        if outage.resolved_at.date() < today - timedelta(days=OUTAGE_CREDIT_WINDOW_DAYS):
            raise ToolError(
                f"outage {outage.outage_id} ended on {outage.resolved_at.date().isoformat()}, "
                "more than 60 days ago (R10)"
            )
        if outage.zip_code != credit_line.service_zip or outage.service != service_of(
            credit_line.line_type
        ):
            raise ToolError(
                f"outage {outage.outage_id} ({outage.service}, zip {outage.zip_code}) did not "
                f"affect line {credit_line.line_id} ({credit_line.line_type}, zip "
                f"{credit_line.service_zip}) (R10)"
            )
        if _credited(ctx, line_id=credit_line.line_id, outage_id=outage.outage_id):
            raise ToolError(
                f"line {credit_line.line_id} already received a credit for outage "
                f"{outage.outage_id} (R10)"
            )
        days = outage_days(outage, ctx.now)
        price = cents(plan_of(ctx, credit_line).monthly_price)
        entitlement = outage_credit(days, price)
        if credit_cents > entitlement:
            raise ToolError(
                f"the outage entitlement for line {credit_line.line_id} is {fmt(entitlement)} "
                f"({days} day(s) x {fmt(price)} / 30) (R10)"
            )
        note = f"Outage credit: {days} day(s) of {fmt(price)}/month service."
        credit_key = f"CR-{outage.outage_id}-{credit_line.line_id}"
    else:
        if item_id is None or line_id is not None or outage_id is not None:
            raise ToolError("a billing-error credit needs item_id, and no line_id or outage_id")
        item = ctx.session.get(InvoiceItem, clean_id(item_id))
        if item is None or item.invoice_id != invoice.invoice_id:
            raise ToolError(
                f"invoice {invoice.invoice_id} has no item {item_id!r}; see get_invoice (R10)"
            )
        if _credited(ctx, item_id=item.item_id):
            raise ToolError(f"item {item.item_id} was already credited (R10)")
        if credit_cents > cents(item.amount):
            raise ToolError(
                f"a billing-error credit cannot exceed the item's amount ({fmt_money(item.amount)})"
                " (R10)"
            )
        note = f"Billing error: {item.description}."
        credit_key = f"CR-{item.item_id}"
    on_invoice = sum(cents(c.amount) for c in _credited(ctx, invoice_id=invoice.invoice_id))
    if on_invoice + credit_cents > PER_INVOICE_CREDIT_CAP:
        raise ToolError(
            f"invoice {invoice.invoice_id} already has {fmt(on_invoice)} of credits; at most "
            f"{fmt(max(PER_INVOICE_CREDIT_CAP - on_invoice, 0))} more can be added (30.00 per "
            "invoice) (R11)"
        )
    since = ctx.now - timedelta(days=ROLLING_CREDIT_WINDOW_DAYS)
    recent = sum(
        cents(c.amount)
        for c in _credited(ctx, account_id=account.account_id)
        if c.created_at > since
    )
    if recent + credit_cents > ROLLING_CREDIT_CAP:
        raise ToolError(
            f"account {account.account_id} received {fmt(recent)} of credits in the last 365 "
            f"days; at most {fmt(max(ROLLING_CREDIT_CAP - recent, 0))} more is allowed "
            "(75.00 per 365 days) (R11)"
        )
    credit = Credit(
        credit_id=unique_id(ctx, Credit.credit_id, credit_key),
        account_id=account.account_id,
        invoice_id=invoice.invoice_id,
        reason=reason,
        amount=dollars(credit_cents),
        line_id=credit_line.line_id if credit_line else (item.line_id if item else None),
        outage_id=outage.outage_id if outage else None,
        item_id=item.item_id if item else None,
        created_at=ctx.now,
        note=note,
    )
    ctx.session.add(credit)
    balance = invoice_balance_cents(invoice)
    applied = min(credit_cents, max(balance, 0))
    invoice.credit_total = dollars(cents(invoice.credit_total) + applied)
    if balance > 0 and balance - applied == 0:
        invoice.status = "paid"
    surplus = credit_cents - applied
    customer = ctx.session.get(Customer, account.account_id)
    assert customer is not None
    if surplus:
        customer.credit_balance = dollars(cents(customer.credit_balance) + surplus)
    return {
        "credit_id": credit.credit_id,
        "amount": fmt(credit_cents),
        "applied_to_invoice": fmt(applied),
        "added_to_account_credit": fmt(surplus),
        "invoice": invoice_summary(invoice),
    }
