"""Alderbrook Telecare: the database of a virtual clinic with a home-monitoring programme.

Eighteen tables. Ids are short prefixed strings (``P-104827`` for a patient,
``RX-71234`` for a prescription...). Money is a float rounded to cents; times are naive
clinic-local (US Mountain) datetimes.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class InsurancePlan(Base):
    """A health plan. Only plans with ``accepting`` true can be put on a patient's file."""

    __tablename__ = "insurance_plans"

    plan_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    carrier: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(80))
    visit_copay: Mapped[float] = mapped_column(Float)
    device_coverage_pct: Mapped[int] = mapped_column(Integer)
    accepting: Mapped[bool] = mapped_column(Boolean)


class Supplier(Base):
    """A partner pharmacy (retail or mail-order) or a medical-device supplier."""

    __tablename__ = "suppliers"

    supplier_id: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))  # pharmacy | device_supplier
    street: Mapped[str] = mapped_column(String(80))
    city: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(2))
    zip_code: Mapped[str] = mapped_column(String(5))
    phone: Mapped[str] = mapped_column(String(12))
    mail_order: Mapped[bool] = mapped_column(Boolean)


class Patient(Base):
    __tablename__ = "patients"

    patient_id: Mapped[str] = mapped_column(String(10), primary_key=True)
    first_name: Mapped[str] = mapped_column(String(40))
    last_name: Mapped[str] = mapped_column(String(40))
    date_of_birth: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1))  # F | M | X
    email: Mapped[str] = mapped_column(String(80))
    phone: Mapped[str] = mapped_column(String(12))
    street: Mapped[str] = mapped_column(String(80))
    city: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(2))
    zip_code: Mapped[str] = mapped_column(String(5))
    plan_id: Mapped[str | None] = mapped_column(ForeignKey("insurance_plans.plan_id"))
    member_id: Mapped[str | None] = mapped_column(String(16))
    preferred_pharmacy_id: Mapped[str | None] = mapped_column(ForeignKey("suppliers.supplier_id"))
    card_last4: Mapped[str | None] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(10))  # active | inactive
    joined_on: Mapped[date] = mapped_column(Date)


class Provider(Base):
    __tablename__ = "providers"

    provider_id: Mapped[str] = mapped_column(String(10), primary_key=True)
    first_name: Mapped[str] = mapped_column(String(40))
    last_name: Mapped[str] = mapped_column(String(40))
    credential: Mapped[str] = mapped_column(String(4))  # MD | DO | NP | PA
    specialty: Mapped[str] = mapped_column(String(30))
    visit_fee: Mapped[float] = mapped_column(Float)
    languages: Mapped[list[str]] = mapped_column(JSON)


class ProviderLicense(Base):
    """A state licence; a provider may only see patients residing in a licensed state."""

    __tablename__ = "provider_licenses"

    license_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.provider_id"))
    state: Mapped[str] = mapped_column(String(2))
    license_number: Mapped[str] = mapped_column(String(16))
    expires_on: Mapped[date] = mapped_column(Date)


class Slot(Base):
    """A 30-minute bookable block in a provider's telehealth schedule."""

    __tablename__ = "slots"

    slot_id: Mapped[str] = mapped_column(String(10), primary_key=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.provider_id"))
    start_at: Mapped[datetime] = mapped_column(DateTime)
    duration_min: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))  # open | booked | blocked


class Appointment(Base):
    __tablename__ = "appointments"

    appointment_id: Mapped[str] = mapped_column(String(10), primary_key=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.patient_id"))
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.provider_id"))
    slot_id: Mapped[str] = mapped_column(ForeignKey("slots.slot_id"))
    visit_type: Mapped[str] = mapped_column(String(10))  # video | phone
    status: Mapped[str] = mapped_column(String(12))  # scheduled | completed | cancelled | no_show
    reschedule_count: Mapped[int] = mapped_column(Integer)
    cancellation_fee: Mapped[float] = mapped_column(Float)
    booked_at: Mapped[datetime] = mapped_column(DateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)


class MedicalRecord(Base):
    """A condition, an allergy or a visit note."""

    __tablename__ = "medical_records"

    record_id: Mapped[str] = mapped_column(String(10), primary_key=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.patient_id"))
    record_type: Mapped[str] = mapped_column(String(12))  # condition | allergy | visit_note
    description: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10))  # active | resolved | final
    recorded_on: Mapped[date] = mapped_column(Date)
    provider_id: Mapped[str | None] = mapped_column(ForeignKey("providers.provider_id"))
    appointment_id: Mapped[str | None] = mapped_column(ForeignKey("appointments.appointment_id"))


class Drug(Base):
    __tablename__ = "drugs"

    drug_id: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    strength: Mapped[str] = mapped_column(String(20))
    form: Mapped[str] = mapped_column(String(20))
    drug_class: Mapped[str] = mapped_column(String(40))
    controlled: Mapped[bool] = mapped_column(Boolean)
    schedule: Mapped[str | None] = mapped_column(String(4))  # II | III | IV | None


class DrugInteraction(Base):
    __tablename__ = "drug_interactions"

    interaction_id: Mapped[str] = mapped_column(String(8), primary_key=True)
    drug_a_id: Mapped[str] = mapped_column(ForeignKey("drugs.drug_id"))
    drug_b_id: Mapped[str] = mapped_column(ForeignKey("drugs.drug_id"))
    severity: Mapped[str] = mapped_column(String(10))  # minor | moderate | severe
    effect: Mapped[str] = mapped_column(String(120))


class Prescription(Base):
    __tablename__ = "prescriptions"

    rx_id: Mapped[str] = mapped_column(String(10), primary_key=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.patient_id"))
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.provider_id"))
    drug_id: Mapped[str] = mapped_column(ForeignKey("drugs.drug_id"))
    directions: Mapped[str] = mapped_column(String(80))
    quantity: Mapped[int] = mapped_column(Integer)
    days_supply: Mapped[int] = mapped_column(Integer)
    refills_authorized: Mapped[int] = mapped_column(Integer)
    refills_remaining: Mapped[int] = mapped_column(Integer)
    written_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12))  # active | expired | discontinued
    pharmacy_id: Mapped[str] = mapped_column(ForeignKey("suppliers.supplier_id"))


class RefillRequest(Base):
    __tablename__ = "refill_requests"

    refill_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    rx_id: Mapped[str] = mapped_column(ForeignKey("prescriptions.rx_id"))
    pharmacy_id: Mapped[str] = mapped_column(ForeignKey("suppliers.supplier_id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(12))  # requested | ready | picked_up


class DeviceModel(Base):
    __tablename__ = "device_models"

    model_id: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(24))
    list_price: Mapped[float] = mapped_column(Float)


class SupplierStock(Base):
    """What a supplier has on hand: a drug (pharmacies) or a device model (device suppliers)."""

    __tablename__ = "supplier_stock"

    stock_id: Mapped[str] = mapped_column(String(10), primary_key=True)
    supplier_id: Mapped[str] = mapped_column(ForeignKey("suppliers.supplier_id"))
    drug_id: Mapped[str | None] = mapped_column(ForeignKey("drugs.drug_id"))
    model_id: Mapped[str | None] = mapped_column(ForeignKey("device_models.model_id"))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[float] = mapped_column(Float)


class DeviceOrder(Base):
    __tablename__ = "device_orders"

    order_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.patient_id"))
    model_id: Mapped[str] = mapped_column(ForeignKey("device_models.model_id"))
    supplier_id: Mapped[str] = mapped_column(ForeignKey("suppliers.supplier_id"))
    status: Mapped[str] = mapped_column(String(10))  # placed | shipped | delivered | cancelled
    price: Mapped[float] = mapped_column(Float)
    insurance_covered: Mapped[float] = mapped_column(Float)
    patient_cost: Mapped[float] = mapped_column(Float)
    ordered_at: Mapped[datetime] = mapped_column(DateTime)
    ship_to: Mapped[str] = mapped_column(String(160))


class Device(Base):
    """A monitoring device, identified by its serial number."""

    __tablename__ = "devices"

    serial_number: Mapped[str] = mapped_column(String(12), primary_key=True)
    model_id: Mapped[str] = mapped_column(ForeignKey("device_models.model_id"))
    patient_id: Mapped[str | None] = mapped_column(ForeignKey("patients.patient_id"))
    order_id: Mapped[str | None] = mapped_column(ForeignKey("device_orders.order_id"))
    status: Mapped[str] = mapped_column(String(12))  # unassigned | active | deactivated
    registered_on: Mapped[date | None] = mapped_column(Date)
    deactivated_on: Mapped[date | None] = mapped_column(Date)
    deactivation_reason: Mapped[str | None] = mapped_column(String(20))


class Upload(Base):
    """A telemetry reading sent by a device, or a document the patient uploaded."""

    __tablename__ = "uploads"

    upload_id: Mapped[str] = mapped_column(String(10), primary_key=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.patient_id"))
    serial_number: Mapped[str | None] = mapped_column(ForeignKey("devices.serial_number"))
    upload_type: Mapped[str] = mapped_column(String(10))  # reading | document
    metric: Mapped[str | None] = mapped_column(String(16))
    systolic: Mapped[int | None] = mapped_column(Integer)
    diastolic: Mapped[int | None] = mapped_column(Integer)
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(8))
    document_title: Mapped[str | None] = mapped_column(String(80))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime)
    flagged: Mapped[bool] = mapped_column(Boolean)
    flagged_at: Mapped[datetime | None] = mapped_column(DateTime)


class Invoice(Base):
    __tablename__ = "invoices"

    invoice_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.patient_id"))
    kind: Mapped[str] = mapped_column(String(20))  # visit | late_cancellation | device
    appointment_id: Mapped[str | None] = mapped_column(ForeignKey("appointments.appointment_id"))
    order_id: Mapped[str | None] = mapped_column(ForeignKey("device_orders.order_id"))
    description: Mapped[str] = mapped_column(String(120))
    amount: Mapped[float] = mapped_column(Float)
    amount_paid: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(10))  # open | paid | void | waived | refunded
    issued_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    waived_on: Mapped[date | None] = mapped_column(Date)
