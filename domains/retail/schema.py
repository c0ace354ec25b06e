"""Fernwick Market: the tables of an online shop (accounts, catalogue, orders, returns).

Money is stored as floats rounded to cents. Every id is a short string the agent can
read out loud: users 'U204817', orders 'KL-482913', items 'KL-482913-2', products
'P2031', variants 'V2031-04', payment methods 'card_4829101' / 'wallet_…' / 'gift_…'.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    user_id: Mapped[str] = mapped_column(String, primary_key=True)
    first_name: Mapped[str] = mapped_column(String)
    last_name: Mapped[str] = mapped_column(String)
    email: Mapped[str] = mapped_column(String, unique=True)
    phone: Mapped[str] = mapped_column(String)
    address_line1: Mapped[str] = mapped_column(String)
    address_line2: Mapped[str | None] = mapped_column(String, nullable=True)
    city: Mapped[str] = mapped_column(String)
    region: Mapped[str] = mapped_column(String)
    postal_code: Mapped[str] = mapped_column(String)
    loyalty_tier: Mapped[str] = mapped_column(String)  # standard | silver | gold
    member_since: Mapped[date] = mapped_column(Date)


class PaymentMethod(Base):
    __tablename__ = "payment_methods"

    payment_method_id: Mapped[str] = mapped_column(String, primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.user_id"))
    method_type: Mapped[str] = mapped_column(String)  # credit_card | wallet | gift_card
    card_brand: Mapped[str | None] = mapped_column(String, nullable=True)
    card_last4: Mapped[str | None] = mapped_column(String, nullable=True)
    card_expires_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    wallet_email: Mapped[str | None] = mapped_column(String, nullable=True)
    gift_card_balance: Mapped[float | None] = mapped_column(Float, nullable=True)
    added_on: Mapped[date] = mapped_column(Date)


class Product(Base):
    __tablename__ = "products"

    product_id: Mapped[str] = mapped_column(String, primary_key=True)
    name: Mapped[str] = mapped_column(String)
    brand: Mapped[str] = mapped_column(String)
    category: Mapped[str] = mapped_column(String)
    description: Mapped[str] = mapped_column(String)
    option_names: Mapped[list[str]] = mapped_column(JSON)
    returnable: Mapped[bool] = mapped_column(Boolean)


class Variant(Base):
    __tablename__ = "variants"

    variant_id: Mapped[str] = mapped_column(String, primary_key=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.product_id"))
    options: Mapped[dict[str, str]] = mapped_column(JSON)
    price: Mapped[float] = mapped_column(Float)
    stock: Mapped[int] = mapped_column(Integer)


class Order(Base):
    __tablename__ = "orders"

    order_id: Mapped[str] = mapped_column(String, primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.user_id"))
    status: Mapped[str] = mapped_column(String)  # pending | shipped | delivered | cancelled
    placed_at: Mapped[datetime] = mapped_column(DateTime)
    ship_name: Mapped[str] = mapped_column(String)
    ship_line1: Mapped[str] = mapped_column(String)
    ship_line2: Mapped[str | None] = mapped_column(String, nullable=True)
    ship_city: Mapped[str] = mapped_column(String)
    ship_region: Mapped[str] = mapped_column(String)
    ship_postal_code: Mapped[str] = mapped_column(String)
    payment_method_id: Mapped[str] = mapped_column(ForeignKey("payment_methods.payment_method_id"))
    shipping_fee: Mapped[float] = mapped_column(Float)
    items_modified: Mapped[bool] = mapped_column(Boolean)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    cancel_reason: Mapped[str | None] = mapped_column(String, nullable=True)


class OrderItem(Base):
    __tablename__ = "order_items"

    item_id: Mapped[str] = mapped_column(String, primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.order_id"))
    line_no: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.product_id"))
    variant_id: Mapped[str] = mapped_column(ForeignKey("variants.variant_id"))
    unit_price: Mapped[float] = mapped_column(Float)
    # active | cancelled | return_requested | returned | exchange_requested | exchanged
    status: Mapped[str] = mapped_column(String)


class Shipment(Base):
    __tablename__ = "shipments"

    shipment_id: Mapped[str] = mapped_column(String, primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.order_id"), unique=True)
    carrier: Mapped[str] = mapped_column(String)
    tracking_number: Mapped[str] = mapped_column(String)
    status: Mapped[str] = mapped_column(String)  # in_transit | delivered | lost
    shipped_at: Mapped[datetime] = mapped_column(DateTime)
    estimated_delivery: Mapped[date] = mapped_column(Date)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class ReturnRequest(Base):
    __tablename__ = "return_requests"

    return_id: Mapped[str] = mapped_column(String, primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.order_id"))
    kind: Mapped[str] = mapped_column(String)  # return | exchange
    reason: Mapped[str] = mapped_column(String)
    # requested | received | completed | withdrawn
    status: Mapped[str] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    refund_amount: Mapped[float] = mapped_column(Float)
    charge_amount: Mapped[float] = mapped_column(Float)
    settlement_method_id: Mapped[str | None] = mapped_column(
        ForeignKey("payment_methods.payment_method_id"), nullable=True
    )


class ReturnItem(Base):
    __tablename__ = "return_items"

    return_id: Mapped[str] = mapped_column(
        ForeignKey("return_requests.return_id"), primary_key=True
    )
    item_id: Mapped[str] = mapped_column(ForeignKey("order_items.item_id"), primary_key=True)
    new_variant_id: Mapped[str | None] = mapped_column(
        ForeignKey("variants.variant_id"), nullable=True
    )


class Transaction(Base):
    __tablename__ = "transactions"

    transaction_id: Mapped[str] = mapped_column(String, primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.order_id"))
    payment_method_id: Mapped[str] = mapped_column(ForeignKey("payment_methods.payment_method_id"))
    kind: Mapped[str] = mapped_column(String)  # charge | refund
    amount: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(String)


class GoodwillCredit(Base):
    __tablename__ = "goodwill_credits"

    credit_id: Mapped[str] = mapped_column(String, primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.order_id"), unique=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.user_id"))
    gift_card_id: Mapped[str] = mapped_column(ForeignKey("payment_methods.payment_method_id"))
    amount: Mapped[float] = mapped_column(Float)
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(String)
