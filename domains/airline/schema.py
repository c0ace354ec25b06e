"""Larkline Air database schema (SQLAlchemy 2 declarative models).

Times are network time (every Larkline airport keeps the same clock); money is a float
rounded to cents.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Airport(Base):
    __tablename__ = "airports"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str] = mapped_column(String)
    city: Mapped[str] = mapped_column(String)
    region: Mapped[str] = mapped_column(String)
    is_hub: Mapped[bool] = mapped_column(Boolean)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("tier IN ('none', 'silver', 'gold', 'platinum')", name="ck_user_tier"),
    )

    user_id: Mapped[str] = mapped_column(String, primary_key=True)
    first_name: Mapped[str] = mapped_column(String)
    last_name: Mapped[str] = mapped_column(String)
    email: Mapped[str] = mapped_column(String, unique=True)
    phone: Mapped[str] = mapped_column(String)
    date_of_birth: Mapped[date] = mapped_column(Date)
    address_line1: Mapped[str] = mapped_column(String)
    address_line2: Mapped[str | None] = mapped_column(String, nullable=True)
    city: Mapped[str] = mapped_column(String)
    region: Mapped[str] = mapped_column(String)
    postal_code: Mapped[str] = mapped_column(String)
    tier: Mapped[str] = mapped_column(String)
    member_since: Mapped[date] = mapped_column(Date)

    payment_methods: Mapped[list[PaymentMethod]] = relationship(
        back_populates="user", order_by="PaymentMethod.payment_id"
    )
    reservations: Mapped[list[Reservation]] = relationship(
        back_populates="user", order_by="Reservation.created_at"
    )


class PaymentMethod(Base):
    """A card, a gift card or a travel certificate saved on an account."""

    __tablename__ = "payment_methods"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('credit_card', 'debit_card', 'gift_card', 'travel_certificate')",
            name="ck_payment_kind",
        ),
        CheckConstraint("balance IS NULL OR balance >= 0", name="ck_payment_balance"),
    )

    payment_id: Mapped[str] = mapped_column(String, primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.user_id"), index=True)
    kind: Mapped[str] = mapped_column(String)
    brand: Mapped[str | None] = mapped_column(String, nullable=True)
    last_four: Mapped[str | None] = mapped_column(String(4), nullable=True)
    expires_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    balance: Mapped[float | None] = mapped_column(Float, nullable=True)
    issued_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    note: Mapped[str | None] = mapped_column(String, nullable=True)

    user: Mapped[User] = relationship(back_populates="payment_methods")


class Flight(Base):
    """One dated operation of a flight number."""

    __tablename__ = "flights"
    __table_args__ = (
        UniqueConstraint("flight_number", "flight_date", name="uq_flight_number_date"),
        CheckConstraint(
            "status IN ('scheduled', 'delayed', 'cancelled', 'landed')", name="ck_flight_status"
        ),
        CheckConstraint(
            "seats_basic_economy >= 0 AND seats_economy >= 0 AND seats_business >= 0",
            name="ck_flight_seats",
        ),
    )

    flight_id: Mapped[str] = mapped_column(String, primary_key=True)
    flight_number: Mapped[str] = mapped_column(String, index=True)
    flight_date: Mapped[date] = mapped_column(Date, index=True)
    origin: Mapped[str] = mapped_column(ForeignKey("airports.code"))
    destination: Mapped[str] = mapped_column(ForeignKey("airports.code"))
    departure: Mapped[datetime] = mapped_column(DateTime)
    arrival: Mapped[datetime] = mapped_column(DateTime)
    aircraft: Mapped[str] = mapped_column(String)
    status: Mapped[str] = mapped_column(String)
    delay_minutes: Mapped[int] = mapped_column(Integer)
    seats_basic_economy: Mapped[int] = mapped_column(Integer)
    seats_economy: Mapped[int] = mapped_column(Integer)
    seats_business: Mapped[int] = mapped_column(Integer)
    price_basic_economy: Mapped[float] = mapped_column(Float)
    price_economy: Mapped[float] = mapped_column(Float)
    price_business: Mapped[float] = mapped_column(Float)


class Reservation(Base):
    __tablename__ = "reservations"
    __table_args__ = (
        CheckConstraint("trip_type IN ('one_way', 'round_trip')", name="ck_res_trip"),
        CheckConstraint("cabin IN ('basic_economy', 'economy', 'business')", name="ck_res_cabin"),
        CheckConstraint("status IN ('active', 'cancelled')", name="ck_res_status"),
        CheckConstraint("checked_bags >= 0", name="ck_res_bags"),
    )

    reservation_id: Mapped[str] = mapped_column(String(6), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.user_id"), index=True)
    origin: Mapped[str] = mapped_column(ForeignKey("airports.code"))
    destination: Mapped[str] = mapped_column(ForeignKey("airports.code"))
    trip_type: Mapped[str] = mapped_column(String)
    cabin: Mapped[str] = mapped_column(String)
    status: Mapped[str] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    cancel_reason: Mapped[str | None] = mapped_column(String, nullable=True)
    insurance: Mapped[bool] = mapped_column(Boolean)
    checked_bags: Mapped[int] = mapped_column(Integer)

    user: Mapped[User] = relationship(back_populates="reservations")
    passengers: Mapped[list[Passenger]] = relationship(
        order_by="Passenger.position", cascade="all, delete-orphan"
    )
    segments: Mapped[list[Segment]] = relationship(
        order_by="Segment.position", cascade="all, delete-orphan"
    )
    payments: Mapped[list[Payment]] = relationship(order_by="(Payment.created_at, Payment.txn_id)")


class Passenger(Base):
    """A traveller on a reservation, identified by its position on it (1, 2, ...)."""

    __tablename__ = "passengers"

    reservation_id: Mapped[str] = mapped_column(
        ForeignKey("reservations.reservation_id"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_name: Mapped[str] = mapped_column(String)
    last_name: Mapped[str] = mapped_column(String)
    date_of_birth: Mapped[date] = mapped_column(Date)


class Segment(Base):
    """One flight of a reservation; ``fare`` is what was paid per passenger."""

    __tablename__ = "segments"
    __table_args__ = (
        CheckConstraint("direction IN ('outbound', 'return')", name="ck_segment_direction"),
    )

    reservation_id: Mapped[str] = mapped_column(
        ForeignKey("reservations.reservation_id"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    direction: Mapped[str] = mapped_column(String)
    flight_id: Mapped[str] = mapped_column(ForeignKey("flights.flight_id"), index=True)
    fare: Mapped[float] = mapped_column(Float)

    flight: Mapped[Flight] = relationship()


class Payment(Base):
    """One charge to, or refund onto, a payment method for a reservation.

    ``txn_id`` ('TX-' + 10 hex digits) is derived from the reservation, method, kind,
    purpose and how many such rows already exist (``rules.stable_code``), never from a
    global counter.
    """

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("kind IN ('charge', 'refund')", name="ck_payment_txn_kind"),
        CheckConstraint("amount > 0", name="ck_payment_txn_amount"),
    )

    txn_id: Mapped[str] = mapped_column(String, primary_key=True)
    reservation_id: Mapped[str] = mapped_column(
        ForeignKey("reservations.reservation_id"), index=True
    )
    payment_id: Mapped[str] = mapped_column(ForeignKey("payment_methods.payment_id"))
    kind: Mapped[str] = mapped_column(String)
    purpose: Mapped[str] = mapped_column(String)
    amount: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Compensation(Base):
    """A goodwill travel certificate issued for a disrupted flight of a reservation."""

    __tablename__ = "compensations"
    __table_args__ = (CheckConstraint("reason IN ('cancelled', 'delayed')", name="ck_comp_reason"),)

    # one compensation per reservation and flight [R17]: the pair is the key
    reservation_id: Mapped[str] = mapped_column(
        ForeignKey("reservations.reservation_id"), primary_key=True
    )
    flight_id: Mapped[str] = mapped_column(ForeignKey("flights.flight_id"), primary_key=True)
    certificate_id: Mapped[str] = mapped_column(ForeignKey("payment_methods.payment_id"))
    reason: Mapped[str] = mapped_column(String)
    amount: Mapped[float] = mapped_column(Float)
    issued_at: Mapped[datetime] = mapped_column(DateTime)
