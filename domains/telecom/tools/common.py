"""Shared helpers for the Larkspur Telecom tools (no tools are defined here).

Money is compared in integer cents and shown to the agent as strings with two decimals
("184.20"); dates are ISO strings. Rule numbers ("R4") refer to ``policy.md``.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import select

from tautrait.domain import ToolContext, ToolError

from ..rules import WARRANTY_DAYS
from ..rules import outage_days as days_of_outage
from ..schema import (
    Addon,
    Base,
    Customer,
    Device,
    Invoice,
    Line,
    LineAddon,
    Outage,
    PaymentMethod,
    Plan,
    Ticket,
)

M = TypeVar("M", bound=Base)


# --- money and dates ---------------------------------------------------------------------


def cents(value: float) -> int:
    """Dollars (float) -> integer cents, rounding half away from zero."""
    if not math.isfinite(value) or abs(value) > 1e9:
        raise ToolError(f"{value!r} is not a valid amount of dollars; give e.g. 84.37")
    sign = -1 if value < 0 else 1
    return sign * int(abs(value) * 100 + 0.5 + 1e-9)


def fmt(value_cents: int) -> str:
    """Integer cents -> '184.20'."""
    sign = "-" if value_cents < 0 else ""
    value_cents = abs(value_cents)
    return f"{sign}{value_cents // 100}.{value_cents % 100:02d}"


def fmt_money(value: float | None) -> str | None:
    return None if value is None else fmt(cents(value))


def dollars(value_cents: int) -> float:
    return round(value_cents / 100, 2)


def iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def parse_date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ToolError(f"{field} must be a date like '2026-07-01' (got {text!r})") from None


def outage_days(outage: Outage, now: datetime) -> int:
    """Started 24-hour periods the outage lasted (an ongoing outage counts up to now)."""
    return days_of_outage(outage.started_at, outage.resolved_at or now)


# --- ids ---------------------------------------------------------------------------------


def clean_id(value: str) -> str:
    return value.strip().upper()


def unique_id(ctx: ToolContext, column: Any, base: str) -> str:
    """``base`` if no row uses it yet, else ``base-2``, ``base-3``...

    New rows get ids from their natural key (e.g. 'PAY-INV1048213-PM21874-8033' for 80.33
    paid on INV1048213 with PM21874), never from a counter, so making the same changes in
    another order gives the same rows and the same state hash. The suffix only separates
    rows that are alike (a ticket reopened in the same category, a note on one ticket),
    which come one after the other anyway.
    """
    candidate, n = base, 1
    while ctx.session.scalar(select(column).where(column == candidate)) is not None:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def normalize_phone(text: str) -> str:
    """'(472) 318-5521', '4723185521' or '+1 472 318 5521' -> '472-318-5521'."""
    digits = re.sub(r"\D", "", text)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        raise ToolError(f"{text!r} is not a 10-digit phone number; give it like '472-318-5521'")
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"


# --- lookups with ownership (R2) ---------------------------------------------------------


def get_account(ctx: ToolContext, account_id: str) -> Customer:
    account = ctx.session.get(Customer, clean_id(account_id))
    if account is None:
        raise ToolError(f"no account with id {account_id!r}; account ids look like 'AC318402'")
    return account


def verified_account(ctx: ToolContext, account_id: str) -> Customer:
    """The account a change is for, which the caller must have verified in this
    conversation (R1): verify_identity records it."""
    account = get_account(ctx, account_id)
    if not ctx.auth.is_verified(account.account_id):
        raise ToolError(
            f"account {account.account_id} has not been verified in this conversation: verify "
            "the caller first with verify_identity (the account PIN or the last 4 digits of a "
            "card on file) (R1); no change can be made before that"
        )
    return account


def _owned(
    ctx: ToolContext, model: type[M], key: str, account: Customer, what: str, example: str
) -> M:
    row = ctx.session.get(model, clean_id(key))
    if row is None:
        raise ToolError(f"no {what} with id {key!r}; {what} ids look like {example!r}")
    if row.account_id != account.account_id:  # type: ignore[attr-defined]
        raise ToolError(
            f"{what} {clean_id(key)} does not belong to account {account.account_id} (R2)"
        )
    return row


def owned_line(ctx: ToolContext, account: Customer, line_id: str) -> Line:
    return _owned(ctx, Line, line_id, account, "line", "LN40211")


def owned_device(ctx: ToolContext, account: Customer, device_id: str) -> Device:
    return _owned(ctx, Device, device_id, account, "device", "DV52018")


def owned_invoice(ctx: ToolContext, account: Customer, invoice_id: str) -> Invoice:
    return _owned(ctx, Invoice, invoice_id, account, "invoice", "INV1048213")


def owned_ticket(ctx: ToolContext, account: Customer, ticket_id: str) -> Ticket:
    return _owned(ctx, Ticket, ticket_id, account, "ticket", "TK30412")


def owned_method(ctx: ToolContext, account: Customer, method_id: str) -> PaymentMethod:
    return _owned(ctx, PaymentMethod, method_id, account, "payment method", "PM21874")


def card_expired(method: PaymentMethod, today: date) -> bool:
    if method.kind != "card" or method.exp_year is None or method.exp_month is None:
        return False
    return (method.exp_year, method.exp_month) < (today.year, today.month)


def usable_method(ctx: ToolContext, account: Customer, method_id: str) -> PaymentMethod:
    """A payment method of this account that can be charged today (R13)."""
    method = owned_method(ctx, account, method_id)
    if card_expired(method, ctx.now.date()):
        raise ToolError(
            f"payment method {method.method_id} is a {method.brand} card ending "
            f"{method.last4} that expired {method.exp_month:02d}/{method.exp_year}; "
            "use another method (R13)"
        )
    return method


def overdue_invoices(ctx: ToolContext, account_id: str) -> list[Invoice]:
    return list(
        ctx.session.scalars(
            select(Invoice)
            .where(Invoice.account_id == account_id, Invoice.status == "overdue")
            .order_by(Invoice.issue_date)
        )
    )


def invoice_balance_cents(invoice: Invoice) -> int:
    return cents(invoice.total) - cents(invoice.amount_paid) - cents(invoice.credit_total)


def plan_of(ctx: ToolContext, line: Line) -> Plan:
    plan = ctx.session.get(Plan, line.plan_id)
    assert plan is not None
    return plan


# --- what the agent reads ----------------------------------------------------------------


def plan_dict(plan: Plan) -> dict[str, Any]:
    return {
        "plan_id": plan.plan_id,
        "name": plan.name,
        "line_type": plan.line_type,
        "monthly_price": fmt_money(plan.monthly_price),
        "data_gb": "unlimited" if plan.data_gb is None else plan.data_gb,
        "hotspot_gb": plan.hotspot_gb,
        "speed_mbps": plan.speed_mbps,
        "available_for_new_changes": plan.available,
        "description": plan.description,
    }


def addon_dict(addon: Addon) -> dict[str, Any]:
    return {
        "addon_id": addon.addon_id,
        "name": addon.name,
        "kind": addon.kind,
        "line_type": addon.line_type,
        "price": fmt_money(addon.price),
        "price_basis": "per month" if addon.kind == "feature" else "per pass",
        "duration_days": addon.duration_days,
        "region": addon.region,
        "available": addon.available,
        "description": addon.description,
    }


def line_addon_dict(ctx: ToolContext, la: LineAddon) -> dict[str, Any]:
    addon = ctx.session.get(Addon, la.addon_id)
    assert addon is not None
    return {
        "line_addon_id": la.line_addon_id,
        "addon_id": la.addon_id,
        "name": addon.name,
        "kind": addon.kind,
        "price": fmt_money(addon.price),
        "status": la.status,
        "start_date": iso(la.start_date),
        "end_date": iso(la.end_date),
        "added_on": iso(la.added_on),
    }


def line_summary(ctx: ToolContext, line: Line) -> dict[str, Any]:
    plan = plan_of(ctx, line)
    return {
        "line_id": line.line_id,
        "line_type": line.line_type,
        "label": line.label,
        "phone_number": line.phone_number,
        "plan_id": plan.plan_id,
        "plan_name": plan.name,
        "monthly_price": fmt_money(plan.monthly_price),
        "status": line.status,
        "suspension_reason": line.suspension_reason,
    }


def device_dict(device: Device, today: date) -> dict[str, Any]:
    remaining = None
    if device.financed and device.term_months is not None:
        remaining = device.term_months - (device.installments_paid or 0)
    return {
        "device_id": device.device_id,
        "line_id": device.line_id,
        "kind": device.kind,
        "model": device.model,
        "imei": device.imei,
        "serial_number": device.serial_number,
        "iccid": device.iccid,
        "status": device.status,
        "purchased_on": iso(device.purchased_on),
        "warranty_until": iso(device.purchased_on + timedelta(days=WARRANTY_DAYS))
        if device.kind != "sim"
        else None,
        "purchase_price": fmt_money(device.purchase_price),
        "financed": device.financed,
        "term_months": device.term_months,
        "monthly_installment": fmt_money(device.installment),
        "installments_paid": device.installments_paid,
        "installments_remaining": remaining,
        "financing_balance": fmt_money(device.financing_balance),
        "replaced_by": device.replaced_by,
    }


def invoice_summary(invoice: Invoice) -> dict[str, Any]:
    return {
        "invoice_id": invoice.invoice_id,
        "period_start": iso(invoice.period_start),
        "period_end": iso(invoice.period_end),
        "issue_date": iso(invoice.issue_date),
        "due_date": iso(invoice.due_date),
        "total": fmt_money(invoice.total),
        "amount_paid": fmt_money(invoice.amount_paid),
        "credits": fmt_money(invoice.credit_total),
        "balance": fmt(invoice_balance_cents(invoice)),
        "status": invoice.status,
    }


def method_dict(method: PaymentMethod, today: date) -> dict[str, Any]:
    expiry = None
    if method.exp_month is not None and method.exp_year is not None:
        expiry = f"{method.exp_month:02d}/{method.exp_year}"
    return {
        "method_id": method.method_id,
        "kind": method.kind,
        "brand": method.brand,
        "last4": method.last4,
        "expiry": expiry,
        "expired": card_expired(method, today),
        "autopay": method.is_autopay,
    }


def outage_dict(outage: Outage, now: datetime) -> dict[str, Any]:
    return {
        "outage_id": outage.outage_id,
        "service": outage.service,
        "zip_code": outage.zip_code,
        "city": outage.city,
        "status": outage.status,
        "started_at": iso(outage.started_at),
        "resolved_at": iso(outage.resolved_at),
        "estimated_restore": iso(outage.estimated_restore),
        "duration_days": outage_days(outage, now),
        "cause": outage.cause,
    }
