"""Larkspur Telecom: accounts, lines, devices, billing, support and network outages.

Money columns are floats rounded to cents by the generator and by every tool. Seed ids are
strings with a short prefix (``AC`` accounts, ``LN`` lines, ``DV`` devices, ``INV``
invoices...) followed by digits. Rows that tools create get ids built from their natural
key (``CR-OUT2231-LN40211`` is the credit for outage OUT2231 on line LN40211), so the same
set of changes made in a different order leaves the same database.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Customer(Base):
    """One billing account (a household or a small business)."""

    __tablename__ = "customers"

    account_id: Mapped[str] = mapped_column(String(8), primary_key=True)
    first_name: Mapped[str] = mapped_column(String(60))
    last_name: Mapped[str] = mapped_column(String(60))
    email: Mapped[str] = mapped_column(String(120))
    contact_phone: Mapped[str] = mapped_column(String(12))
    pin: Mapped[str] = mapped_column(String(4))
    street: Mapped[str] = mapped_column(String(120))
    city: Mapped[str] = mapped_column(String(60))
    zip_code: Mapped[str] = mapped_column(String(5))
    customer_since: Mapped[date] = mapped_column(Date)
    billing_cycle_day: Mapped[int] = mapped_column(Integer)
    credit_balance: Mapped[float] = mapped_column(Float)


class PaymentMethod(Base):
    """A card or bank account on file; at most one per account carries autopay."""

    __tablename__ = "payment_methods"

    method_id: Mapped[str] = mapped_column(String(8), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("customers.account_id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # card | bank_account
    brand: Mapped[str] = mapped_column(String(40))
    last4: Mapped[str] = mapped_column(String(4))
    exp_month: Mapped[int | None] = mapped_column(Integer, nullable=True)
    exp_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    is_autopay: Mapped[bool] = mapped_column(Boolean)


class Plan(Base):
    """The plan catalogue, current and legacy (``available`` False: no new sign-ups)."""

    __tablename__ = "plans"

    plan_id: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    line_type: Mapped[str] = mapped_column(String(16))  # mobile | home_internet | wearable
    monthly_price: Mapped[float] = mapped_column(Float)
    data_gb: Mapped[int | None] = mapped_column(Integer, nullable=True)  # None: unlimited
    hotspot_gb: Mapped[int] = mapped_column(Integer)
    speed_mbps: Mapped[int | None] = mapped_column(Integer, nullable=True)
    available: Mapped[bool] = mapped_column(Boolean)
    description: Mapped[str] = mapped_column(Text)


class Addon(Base):
    """Optional features and roaming passes that can be put on a line."""

    __tablename__ = "addons"

    addon_id: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(16))  # feature | roaming_pass
    line_type: Mapped[str] = mapped_column(String(16))
    price: Mapped[float] = mapped_column(Float)  # per month (feature) or per pass
    duration_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    region: Mapped[str | None] = mapped_column(String(40), nullable=True)
    available: Mapped[bool] = mapped_column(Boolean)
    description: Mapped[str] = mapped_column(Text)


class Line(Base):
    """A subscription: a mobile number, a home-internet connection or a watch line."""

    __tablename__ = "lines"

    line_id: Mapped[str] = mapped_column(String(8), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("customers.account_id"), index=True)
    line_type: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(60))
    phone_number: Mapped[str | None] = mapped_column(String(12), nullable=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.plan_id"), index=True)
    status: Mapped[str] = mapped_column(String(12))  # active | suspended
    suspension_reason: Mapped[str | None] = mapped_column(String(20), nullable=True)
    suspended_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    service_street: Mapped[str | None] = mapped_column(String(120), nullable=True)
    service_zip: Mapped[str] = mapped_column(String(5))
    activated_on: Mapped[date] = mapped_column(Date)
    last_plan_change: Mapped[date | None] = mapped_column(Date, nullable=True)
    last_sim_swap: Mapped[date | None] = mapped_column(Date, nullable=True)


class LineAddon(Base):
    """An add-on or roaming pass on a line (active, scheduled, expired or removed)."""

    __tablename__ = "line_addons"

    line_addon_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    line_id: Mapped[str] = mapped_column(ForeignKey("lines.line_id"), index=True)
    addon_id: Mapped[str] = mapped_column(ForeignKey("addons.addon_id"), index=True)
    status: Mapped[str] = mapped_column(String(12))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    added_on: Mapped[date] = mapped_column(Date)


class Device(Base):
    """Phones, watches, routers and SIM cards, with optional device financing."""

    __tablename__ = "devices"

    device_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("customers.account_id"), index=True)
    line_id: Mapped[str | None] = mapped_column(
        ForeignKey("lines.line_id"), nullable=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(8))  # phone | watch | router | sim
    model: Mapped[str] = mapped_column(String(60))
    imei: Mapped[str | None] = mapped_column(String(15), nullable=True)
    serial_number: Mapped[str | None] = mapped_column(String(20), nullable=True)
    iccid: Mapped[str | None] = mapped_column(String(20), nullable=True)
    status: Mapped[str] = mapped_column(String(12))
    purchased_on: Mapped[date] = mapped_column(Date)
    purchase_price: Mapped[float] = mapped_column(Float)
    financed: Mapped[bool] = mapped_column(Boolean)
    term_months: Mapped[int | None] = mapped_column(Integer, nullable=True)
    installment: Mapped[float | None] = mapped_column(Float, nullable=True)
    installments_paid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    financing_balance: Mapped[float] = mapped_column(Float)
    replaced_by: Mapped[str | None] = mapped_column(
        ForeignKey("devices.device_id"), nullable=True, index=True
    )


class Invoice(Base):
    """A monthly bill. Balance = total - amount_paid - credit_total."""

    __tablename__ = "invoices"

    invoice_id: Mapped[str] = mapped_column(String(10), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("customers.account_id"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    issue_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    total: Mapped[float] = mapped_column(Float)
    amount_paid: Mapped[float] = mapped_column(Float)
    credit_total: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(10))  # open | overdue | paid


class InvoiceItem(Base):
    """One line item of an invoice."""

    __tablename__ = "invoice_items"

    item_id: Mapped[str] = mapped_column(String(10), primary_key=True)
    invoice_id: Mapped[str] = mapped_column(ForeignKey("invoices.invoice_id"), index=True)
    line_id: Mapped[str | None] = mapped_column(
        ForeignKey("lines.line_id"), nullable=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(120))
    amount: Mapped[float] = mapped_column(Float)


class Payment(Base):
    """A payment toward an invoice or a device payoff."""

    __tablename__ = "payments"

    payment_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("customers.account_id"), index=True)
    invoice_id: Mapped[str | None] = mapped_column(
        ForeignKey("invoices.invoice_id"), nullable=True, index=True
    )
    device_id: Mapped[str | None] = mapped_column(
        ForeignKey("devices.device_id"), nullable=True, index=True
    )
    method_id: Mapped[str] = mapped_column(ForeignKey("payment_methods.method_id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # bill | device_payoff
    amount: Mapped[float] = mapped_column(Float)
    paid_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(10))  # completed | declined


class Credit(Base):
    """A bill credit (outage or billing error)."""

    __tablename__ = "credits"

    credit_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("customers.account_id"), index=True)
    invoice_id: Mapped[str] = mapped_column(ForeignKey("invoices.invoice_id"), index=True)
    reason: Mapped[str] = mapped_column(String(16))  # outage | billing_error
    amount: Mapped[float] = mapped_column(Float)
    line_id: Mapped[str | None] = mapped_column(
        ForeignKey("lines.line_id"), nullable=True, index=True
    )
    outage_id: Mapped[str | None] = mapped_column(
        ForeignKey("outages.outage_id"), nullable=True, index=True
    )
    item_id: Mapped[str | None] = mapped_column(
        ForeignKey("invoice_items.item_id"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(Text)


class Ticket(Base):
    """A support ticket: open -> in_progress -> resolved -> closed."""

    __tablename__ = "tickets"

    ticket_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("customers.account_id"), index=True)
    line_id: Mapped[str | None] = mapped_column(
        ForeignKey("lines.line_id"), nullable=True, index=True
    )
    category: Mapped[str] = mapped_column(String(12))
    subject: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(12))
    priority: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class TicketNote(Base):
    """A note in a ticket's history."""

    __tablename__ = "ticket_notes"

    note_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.ticket_id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    author: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)


class Outage(Base):
    """A network outage in one zip code, for mobile or home-internet service."""

    __tablename__ = "outages"

    outage_id: Mapped[str] = mapped_column(String(8), primary_key=True)
    service: Mapped[str] = mapped_column(String(16))  # mobile | home_internet
    zip_code: Mapped[str] = mapped_column(String(5))
    city: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(10))  # active | resolved
    started_at: Mapped[datetime] = mapped_column(DateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    estimated_restore: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    cause: Mapped[str] = mapped_column(String(120))


class OutageReport(Base):
    """A customer line registered as affected by an active outage."""

    __tablename__ = "outage_reports"

    report_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    outage_id: Mapped[str] = mapped_column(ForeignKey("outages.outage_id"), index=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("customers.account_id"), index=True)
    line_id: Mapped[str] = mapped_column(ForeignKey("lines.line_id"), index=True)
    reported_at: Mapped[datetime] = mapped_column(DateTime)
    description: Mapped[str] = mapped_column(Text)


class UsageRecord(Base):
    """Usage of one line in one billing cycle (the current cycle is partial)."""

    __tablename__ = "usage_records"

    usage_id: Mapped[str] = mapped_column(String(8), primary_key=True)
    line_id: Mapped[str] = mapped_column(ForeignKey("lines.line_id"), index=True)
    cycle_start: Mapped[date] = mapped_column(Date)
    cycle_end: Mapped[date] = mapped_column(Date)
    data_gb: Mapped[float] = mapped_column(Float)
    voice_minutes: Mapped[int] = mapped_column(Integer)
    texts: Mapped[int] = mapped_column(Integer)
