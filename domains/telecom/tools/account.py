"""Account tools: finding and verifying the customer, the account overview, autopay,
and the hand-off to a human agent."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tautrait.domain import ToolContext, ToolError, tool

from ..schema import Customer, Device, Invoice, Line, PaymentMethod
from .common import (
    card_expired,
    device_dict,
    fmt,
    fmt_money,
    get_account,
    invoice_balance_cents,
    invoice_summary,
    iso,
    line_summary,
    method_dict,
    normalize_phone,
    usable_method,
    verified_account,
)


@tool(writes=False)
def find_account_by_phone(ctx: ToolContext, phone_number: str) -> dict[str, Any]:
    """Find the account id that a phone number belongs to: a line's number or the account's
    contact number. This only locates the account; it does not verify the caller, and it
    reveals nothing else. Verify with verify_identity before sharing or changing anything.

    Args:
        phone_number: A 10-digit number in any common format, e.g. '472-318-5521',
            '(472) 318-5521' or '+1 4723185521'.

    Returns:
        {"account_id": "AC318402", "matched": "line LN40211"} or
        {"account_id": ..., "matched": "contact number"}.

    Raises:
        The number is not 10 digits, or no line or account uses it.
    """
    number = normalize_phone(phone_number)
    line = ctx.session.scalar(select(Line).where(Line.phone_number == number))
    if line is not None:
        return {"account_id": line.account_id, "matched": f"line {line.line_id}"}
    account = ctx.session.scalar(select(Customer).where(Customer.contact_phone == number))
    if account is not None:
        return {"account_id": account.account_id, "matched": "contact number"}
    raise ToolError(f"no Larkspur line or account uses the number {number}")


@tool(writes=False)
def verify_identity(
    ctx: ToolContext, account_id: str, pin: str | None = None, card_last4: str | None = None
) -> dict[str, Any]:
    """Verify that the caller owns an account (R1). Give exactly one proof: the 4-digit
    account PIN, or the last 4 digits of an unexpired payment card on file (bank accounts
    and expired cards do not count). Call this before revealing any account detail or
    making any change.

    Args:
        account_id: The account id, e.g. 'AC318402' (from the customer or from
            find_account_by_phone).
        pin: The 4-digit account PIN the customer tells you, e.g. '0472'.
        card_last4: The last 4 digits of a card on the account, e.g. '5521'.

    Returns:
        {"verified": true, "account_id": ..., "name": "First Last"}.

    Raises:
        Unknown account, no proof or both proofs given, wrong PIN, or no unexpired card on
        the account ends with those digits.
    """
    account = get_account(ctx, account_id)
    if (pin is None) == (card_last4 is None):
        raise ToolError("give exactly one proof of identity: pin or card_last4")
    if pin is not None:
        if pin.strip() != account.pin:
            raise ToolError("the PIN does not match this account; identity NOT verified (R1)")
    else:
        digits = (card_last4 or "").strip()
        if len(digits) != 4 or not digits.isdigit():
            raise ToolError("card_last4 must be exactly 4 digits, e.g. '5521'")
        methods = ctx.session.scalars(
            select(PaymentMethod).where(
                PaymentMethod.account_id == account.account_id, PaymentMethod.kind == "card"
            )
        )
        if not any(m.last4 == digits and not card_expired(m, ctx.now.date()) for m in methods):
            raise ToolError(
                "no unexpired card on this account ends with those digits; "
                "identity NOT verified (R1)"
            )
    ctx.auth.grant(account.account_id)
    return {
        "verified": True,
        "account_id": account.account_id,
        "name": f"{account.first_name} {account.last_name}",
    }


@tool(writes=False)
def get_account_details(ctx: ToolContext, account_id: str) -> dict[str, Any]:
    """The overview of a verified account: profile, payment methods (with autopay), lines
    with their plans, devices with financing balances, and every invoice with its balance
    and status ('open', 'overdue' or 'paid'). Money values are strings in dollars.

    Args:
        account_id: The account id, e.g. 'AC318402'.

    Raises:
        The account does not exist.
    """
    account = get_account(ctx, account_id)
    today = ctx.now.date()
    aid = account.account_id
    lines = ctx.session.scalars(select(Line).where(Line.account_id == aid).order_by(Line.line_id))
    methods = ctx.session.scalars(
        select(PaymentMethod)
        .where(PaymentMethod.account_id == aid)
        .order_by(PaymentMethod.method_id)
    )
    devices = ctx.session.scalars(
        select(Device).where(Device.account_id == aid).order_by(Device.device_id)
    )
    invoices = list(
        ctx.session.scalars(
            select(Invoice).where(Invoice.account_id == aid).order_by(Invoice.issue_date.desc())
        )
    )
    overdue = sum(invoice_balance_cents(i) for i in invoices if i.status == "overdue")
    return {
        "account_id": aid,
        "name": f"{account.first_name} {account.last_name}",
        "email": account.email,
        "contact_phone": account.contact_phone,
        "address": f"{account.street}, {account.city} {account.zip_code}",
        "zip_code": account.zip_code,
        "customer_since": iso(account.customer_since),
        "billing_cycle_day": account.billing_cycle_day,
        "account_credit_balance": fmt_money(account.credit_balance),
        "balance_due": fmt(sum(invoice_balance_cents(i) for i in invoices)),
        "overdue_balance": fmt(overdue),
        "payment_methods": [method_dict(m, today) for m in methods],
        "lines": [line_summary(ctx, ln) for ln in lines],
        "devices": [
            {
                k: v
                for k, v in device_dict(d, today).items()
                if k in ("device_id", "line_id", "kind", "model", "status", "financing_balance")
            }
            for d in devices
        ],
        "invoices": [invoice_summary(i) for i in invoices],
    }


@tool(writes=True)
def enroll_autopay(ctx: ToolContext, account_id: str, method_id: str) -> dict[str, Any]:
    """Turn on autopay (or move it) to one payment method of the account. Autopay pays each
    new invoice in full on its due date. Only one method carries autopay; choosing a new
    one moves it there.

    Args:
        account_id: The verified account, e.g. 'AC318402'.
        method_id: The payment method to charge, e.g. 'PM21874' (see get_account_details).

    Raises:
        The method is not on this account (R2), is an expired card (R13), or already
        carries autopay.
    """
    account = verified_account(ctx, account_id)
    method = usable_method(ctx, account, method_id)
    if method.is_autopay:
        raise ToolError(f"autopay is already set up on {method.method_id}")
    others = ctx.session.scalars(
        select(PaymentMethod).where(PaymentMethod.account_id == account.account_id)
    )
    for other in others:
        other.is_autopay = other.method_id == method.method_id
    return {
        "account_id": account.account_id,
        "autopay_method_id": method.method_id,
        "description": f"{method.brand} {method.kind.replace('_', ' ')} ending {method.last4}",
    }


@tool(writes=True)
def cancel_autopay(ctx: ToolContext, account_id: str) -> dict[str, Any]:
    """Turn autopay off for the account; invoices must then be paid manually by their due
    date.

    Args:
        account_id: The verified account, e.g. 'AC318402'.

    Raises:
        The account has no autopay set up.
    """
    account = verified_account(ctx, account_id)
    methods = list(
        ctx.session.scalars(
            select(PaymentMethod).where(
                PaymentMethod.account_id == account.account_id,
                PaymentMethod.is_autopay.is_(True),
            )
        )
    )
    if not methods:
        raise ToolError(f"account {account.account_id} has no autopay to cancel")
    for method in methods:
        method.is_autopay = False
    return {"account_id": account.account_id, "autopay": False}


@tool(writes=False, ends_episode=True)
def transfer_to_human_agents(ctx: ToolContext, summary: str) -> dict[str, Any]:
    """Hand the conversation to a human agent when policy requires it or the request is
    outside what these tools and the policy allow. The conversation ends for you.

    Args:
        summary: A short summary for the human agent: account id, what the customer wants,
            and what you already did.
    """
    if not summary.strip():
        raise ToolError("give a short summary of the case for the human agent")
    return {"transferred": True, "message": "A human agent will take over the conversation."}
