"""Shared helpers of the retail tools: lookups, rules, money and serialisation."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import func, select

from tautrait.domain import ToolContext, ToolError
from tautrait.domain.text import dictated

from ..rules import REGIONS, RETURN_WINDOW_DAYS
from ..schema import (
    GoodwillCredit,
    Order,
    OrderItem,
    PaymentMethod,
    Product,
    ReturnItem,
    ReturnRequest,
    Shipment,
    Transaction,
    User,
    Variant,
)


def money(value: float) -> float:
    """Round to cents (half away from zero on the cent, robust to float noise)."""
    return round(value + (1e-9 if value >= 0 else -1e-9), 2)


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a name, for comparisons."""
    decomposed = unicodedata.normalize("NFKD", text.strip())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", plain.replace("ł", "l").replace("Ł", "L")).casefold()


# --- ids ---------------------------------------------------------------------------


def norm_order_id(order_id: str) -> str:
    raw = order_id.strip().upper().lstrip("#").replace(" ", "")
    if raw.isdigit():
        raw = f"KL-{raw}"
    if raw.startswith("KL") and not raw.startswith("KL-"):
        raw = "KL-" + raw[2:]
    return raw


def norm_item_id(item_id: str) -> str:
    raw = item_id.strip().upper().lstrip("#").replace(" ", "")
    if raw.startswith("KL") and not raw.startswith("KL-"):
        raw = "KL-" + raw[2:]
    return raw


def norm_simple(value: str) -> str:
    return value.strip().lstrip("#")


# --- authentication ----------------------------------------------------------------


def require_authenticated(ctx: ToolContext, user_id: str, what: str) -> None:
    """Policy "Authenticate first": a change needs the customer it belongs to verified in
    this conversation by find_user_id_by_email or find_user_id_by_name_zip."""
    if not ctx.auth.is_verified(user_id):
        raise ToolError(
            f"{what} belongs to a customer who has not been authenticated in this "
            "conversation. Authenticate the customer first with find_user_id_by_email (their "
            "email) or find_user_id_by_name_zip (first name, last name, postal code); no "
            "change can be made before that."
        )


# --- lookups -----------------------------------------------------------------------


T = TypeVar("T")


def _get(ctx: ToolContext, model: type[T], key: str, missing: str) -> T:
    """The row of ``model`` with primary key ``key``; ``missing`` is the refusal."""
    row = ctx.session.get(model, key)
    if row is None:
        raise ToolError(missing)
    return row


def get_user(ctx: ToolContext, user_id: str) -> User:
    key = norm_simple(user_id).upper()
    return _get(ctx, User, key, f"No user with id {user_id!r}. User ids look like 'U204817'.")


def get_order(ctx: ToolContext, order_id: str) -> Order:
    missing = f"No order with id {order_id!r}. Order ids look like 'KL-482913'."
    return _get(ctx, Order, norm_order_id(order_id), missing)


def get_variant(ctx: ToolContext, variant_id: str) -> Variant:
    missing = (
        f"No product variant with id {variant_id!r}. Variant ids look like "
        "'V2031-04'; get_product_details lists them."
    )
    return _get(ctx, Variant, norm_simple(variant_id).upper(), missing)


def get_product(ctx: ToolContext, product_id: str) -> Product:
    missing = (
        f"No product with id {product_id!r}. Product ids look like 'P2031'; "
        "list_products lists them."
    )
    return _get(ctx, Product, norm_simple(product_id).upper(), missing)


def get_method(ctx: ToolContext, payment_method_id: str) -> PaymentMethod:
    missing = (
        f"No payment method with id {payment_method_id!r}. Ids look like "
        "'card_4829101', 'wallet_5510293' or 'gift_3308142'."
    )
    return _get(ctx, PaymentMethod, norm_simple(payment_method_id).lower(), missing)


def order_items(ctx: ToolContext, order: Order) -> list[OrderItem]:
    return list(
        ctx.session.scalars(
            select(OrderItem)
            .where(OrderItem.order_id == order.order_id)
            .order_by(OrderItem.line_no)
        )
    )


def shipment_of(ctx: ToolContext, order: Order) -> Shipment | None:
    return ctx.session.scalar(select(Shipment).where(Shipment.order_id == order.order_id))


def pick_items(ctx: ToolContext, order: Order, item_ids: list[str]) -> list[OrderItem]:
    """The order's items named by ``item_ids`` (each once), in the order given."""
    if not item_ids:
        raise ToolError("item_ids is empty: name at least one item, e.g. 'KL-482913-1'.")
    wanted = [norm_item_id(i) for i in item_ids]
    if len(set(wanted)) != len(wanted):
        raise ToolError("item_ids names the same item twice; each item line is one unit.")
    items = {i.item_id: i for i in order_items(ctx, order)}
    missing = [w for w in wanted if w not in items]
    if missing:
        raise ToolError(
            f"Order {order.order_id} has no item {', '.join(missing)}; its items are "
            f"{', '.join(items)}."
        )
    return [items[w] for w in wanted]


# --- rules ---------------------------------------------------------------------------


def require_status(order: Order, allowed: str, action: str) -> None:
    if order.status != allowed:
        raise ToolError(
            f"Order {order.order_id} is {order.status}; only {allowed} orders can be {action}."
        )


def delivered_on(ctx: ToolContext, order: Order) -> date | None:
    shipment = shipment_of(ctx, order)
    if shipment is None or shipment.delivered_at is None:
        return None
    return shipment.delivered_at.date()


def return_window_end(ctx: ToolContext, order: Order) -> date | None:
    delivered = delivered_on(ctx, order)
    return None if delivered is None else delivered + timedelta(days=RETURN_WINDOW_DAYS)


def require_returnable_order(ctx: ToolContext, order: Order, action: str) -> None:
    """R6: delivered, and today is within the return window."""
    require_status(order, "delivered", action)
    end = return_window_end(ctx, order)
    if end is None or ctx.now.date() > end:
        raise ToolError(
            f"Order {order.order_id} was delivered on {delivered_on(ctx, order)}; its "
            f"{RETURN_WINDOW_DAYS}-day return window ended on {end}, so it can no longer be "
            f"{action}."
        )


def require_returnable_items(ctx: ToolContext, items: list[OrderItem], action: str) -> None:
    """R7 and R8: returnable products, each item not already returned or exchanged."""
    for item in items:
        product = ctx.session.get(Product, item.product_id)
        assert product is not None
        if not product.returnable:
            raise ToolError(
                f"Item {item.item_id} ({product.name}) is a {product.category} product, which "
                f"is final sale: it cannot be {action}."
            )
        if item.status != "active":
            raise ToolError(
                f"Item {item.item_id} is {item.status.replace('_', ' ')}; an item can be "
                "returned or exchanged only once."
            )


def swap_targets(
    ctx: ToolContext, items: list[OrderItem], new_variant_ids: list[str]
) -> list[Variant]:
    """R5: each new variant is another, in-stock variant of the same product."""
    if len(new_variant_ids) != len(items):
        raise ToolError(
            f"item_ids has {len(items)} entries but new_variant_ids has "
            f"{len(new_variant_ids)}; give one new variant per item, in the same order."
        )
    targets = []
    for item, vid in zip(items, new_variant_ids, strict=True):
        variant = get_variant(ctx, vid)
        product = ctx.session.get(Product, item.product_id)
        assert product is not None
        if variant.product_id != item.product_id:
            raise ToolError(
                f"Variant {variant.variant_id} is not a variant of {product.name} "
                f"({product.product_id}); item {item.item_id} can only be swapped for another "
                "variant of the same product."
            )
        if variant.variant_id == item.variant_id:
            raise ToolError(
                f"Item {item.item_id} already is variant {variant.variant_id}; choose a "
                "different variant."
            )
        if variant.stock <= 0:
            raise ToolError(
                f"Variant {variant.variant_id} ({options_text(variant.options)}) of "
                f"{product.name} is out of stock."
            )
        targets.append(variant)
    needed: dict[str, int] = {}
    for variant in targets:
        needed[variant.variant_id] = needed.get(variant.variant_id, 0) + 1
        if needed[variant.variant_id] > variant.stock:
            raise ToolError(
                f"Only {variant.stock} unit(s) of variant {variant.variant_id} are in stock."
            )
    return targets


def card_expired(ctx: ToolContext, method: PaymentMethod) -> bool:
    return (
        method.method_type == "credit_card"
        and method.card_expires_on is not None
        and method.card_expires_on < ctx.now.date()
    )


def owned_method(ctx: ToolContext, order: Order, payment_method_id: str) -> PaymentMethod:
    """R11: the payment method belongs to the order's customer."""
    method = get_method(ctx, payment_method_id)
    if method.user_id != order.user_id:
        raise ToolError(
            f"Payment method {payment_method_id} does not belong to the customer of order "
            f"{order.order_id}; only the customer's own payment methods can be used."
        )
    return method


def check_chargeable(ctx: ToolContext, method: PaymentMethod, amount: float) -> None:
    """R10 and R11: no expired card; a gift card only up to its balance."""
    if card_expired(ctx, method):
        raise ToolError(
            f"Credit card {method.payment_method_id} expired on {method.card_expires_on}; it "
            "cannot be charged. Use another payment method."
        )
    if method.method_type == "gift_card":
        balance = money(method.gift_card_balance or 0.0)
        if balance < money(amount):
            raise ToolError(
                f"Gift card {method.payment_method_id} has a balance of {balance:.2f}, less "
                f"than the {money(amount):.2f} to pay; a gift card balance cannot go negative."
            )


def check_refund_target(order: Order, method: PaymentMethod) -> None:
    """R9: refunds go to the order's original payment method or to a gift card."""
    if method.payment_method_id != order.payment_method_id and method.method_type != "gift_card":
        raise ToolError(
            f"Refunds for order {order.order_id} can only go to its original payment method "
            f"({order.payment_method_id}) or to one of the customer's gift cards, not to "
            f"{method.payment_method_id}."
        )


def require_address(
    address_line1: str, city: str, region: str, postal_code: str
) -> tuple[str, str, str, str]:
    """R15: a complete address in a region the shop delivers to, in the stored form (see
    :func:`tautrait.domain.text.dictated`: "214 juniper  LANE" is "214 Juniper Lane")."""
    line1, town = dictated(address_line1), dictated(city)
    code = postal_code.strip()
    if not line1 or not town:
        raise ToolError("The address needs a street line (address_line1) and a city.")
    reg = region.strip()
    by_name = {fold(name): c for c, (name, _) in REGIONS.items()}
    reg = reg.upper() if reg.upper() in REGIONS else by_name.get(fold(reg), "")
    if not reg:
        served = ", ".join(f"{c} ({n})" for c, (n, _) in REGIONS.items())
        raise ToolError(
            f"Fernwick Market does not deliver to region {region!r}. Regions served: {served}."
        )
    if not re.fullmatch(r"\d{5}", code):
        raise ToolError(f"Postal code {postal_code!r} is invalid: it must be exactly 5 digits.")
    if code[0] != REGIONS[reg][1]:
        raise ToolError(
            f"Postal code {code} is not in region {reg} ({REGIONS[reg][0]}); postal codes "
            f"there start with {REGIONS[reg][1]}."
        )
    return line1, town, reg, code


def same_address(old: tuple[str | None, ...], new: tuple[str | None, ...]) -> bool:
    """Whether two addresses are equal once dictated (stored rows may predate the form)."""
    return [dictated(v or "") for v in old] == [dictated(v or "") for v in new]


# --- money movements ---------------------------------------------------------------


def stable_code(*parts: object) -> str:
    """Six characters derived from ``parts`` alone (sha256), for ids that must not depend
    on what happened before: two independent changes made in either order leave the same
    rows."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode("utf-8")).digest()
    return "".join(_CODE_CHARS[b % len(_CODE_CHARS)] for b in digest[:6])


_CODE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def return_id_for(ctx: ToolContext, order: Order, items: list[OrderItem]) -> str:
    """'RT-482913-I1-I3' for a request on items 1 and 3 of order KL-482913: derived from
    what it covers, not from how many requests came before. An item is in one open
    request at most, so the id is free unless an earlier request on the same items was
    withdrawn; the resubmission is then '...-R2' (it necessarily came second)."""
    lines = sorted(i.line_no for i in items)
    base = f"RT-{order.order_id[3:]}-" + "-".join(f"I{n}" for n in lines)
    candidate, n = base, 1
    while ctx.session.get(ReturnRequest, candidate) is not None:
        n += 1
        candidate = f"{base}-R{n}"
    return candidate


def record(
    ctx: ToolContext, order: Order, method: PaymentMethod, kind: str, amount: float, note: str
) -> Transaction:
    """Add a charge or refund; gift card balances move at once."""
    amount = money(amount)
    if method.method_type == "gift_card":
        balance = money(method.gift_card_balance or 0.0)
        balance = balance - amount if kind == "charge" else balance + amount
        if balance < 0:
            raise ToolError(f"Gift card {method.payment_method_id} cannot go negative.")
        method.gift_card_balance = money(balance)
    # The id is derived from the movement itself (and how many identical movements the
    # order already has), so independent changes recorded in either order get the same ids.
    same = ctx.session.scalar(
        select(func.count())
        .select_from(Transaction)
        .where(
            Transaction.order_id == order.order_id,
            Transaction.payment_method_id == method.payment_method_id,
            Transaction.kind == kind,
            Transaction.note == note,
        )
    )
    salt = 0
    while True:
        tx_id = f"TX-{order.order_id[3:]}-" + stable_code(
            order.order_id, method.payment_method_id, kind, note, same, salt
        )
        if ctx.session.get(Transaction, tx_id) is None:
            break
        salt += 1
    tx = Transaction(
        transaction_id=tx_id,
        order_id=order.order_id,
        payment_method_id=method.payment_method_id,
        kind=kind,
        amount=amount,
        created_at=ctx.now,
        note=note,
    )
    ctx.session.add(tx)
    ctx.session.flush()
    return tx


def net_paid_by_method(ctx: ToolContext, order: Order) -> dict[str, float]:
    """Charges minus refunds on the order, per payment method (ids in sorted order)."""
    net: dict[str, float] = {}
    txs = ctx.session.scalars(
        select(Transaction)
        .where(Transaction.order_id == order.order_id)
        .order_by(Transaction.transaction_id)
    )
    for tx in txs:
        sign = 1 if tx.kind == "charge" else -1
        net[tx.payment_method_id] = money(net.get(tx.payment_method_id, 0.0) + sign * tx.amount)
    return {k: net[k] for k in sorted(net)}


# --- serialisation -----------------------------------------------------------------


def options_text(options: dict[str, str]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in options.items())


def method_view(ctx: ToolContext, method: PaymentMethod) -> dict[str, Any]:
    view: dict[str, Any] = {
        "payment_method_id": method.payment_method_id,
        "type": method.method_type,
    }
    if method.method_type == "credit_card":
        view["brand"] = method.card_brand
        view["last4"] = method.card_last4
        view["expires_on"] = method.card_expires_on.isoformat() if method.card_expires_on else None
        view["expired"] = card_expired(ctx, method)
    elif method.method_type == "wallet":
        view["wallet_account"] = method.wallet_email
    else:
        view["balance"] = money(method.gift_card_balance or 0.0)
    return view


def method_label(method: PaymentMethod) -> str:
    if method.method_type == "credit_card":
        return f"{method.card_brand} card ending {method.card_last4}"
    if method.method_type == "wallet":
        return f"Paywise wallet ({method.wallet_email})"
    return f"gift card {method.payment_method_id}"


def item_view(ctx: ToolContext, item: OrderItem) -> dict[str, Any]:
    product = ctx.session.get(Product, item.product_id)
    variant = ctx.session.get(Variant, item.variant_id)
    assert product is not None and variant is not None
    return {
        "item_id": item.item_id,
        "product_id": product.product_id,
        "product_name": product.name,
        "variant_id": variant.variant_id,
        "options": dict(variant.options),
        "price_paid": money(item.unit_price),
        "status": item.status,
        "returnable": product.returnable,
    }


def address_of_order(order: Order) -> dict[str, Any]:
    return {
        "name": order.ship_name,
        "address_line1": order.ship_line1,
        "address_line2": order.ship_line2,
        "city": order.ship_city,
        "region": order.ship_region,
        "postal_code": order.ship_postal_code,
    }


def iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()


def shipment_view(ctx: ToolContext, shipment: Shipment) -> dict[str, Any]:
    late = shipment.status == "in_transit" and shipment.estimated_delivery < ctx.now.date()
    return {
        "carrier": shipment.carrier,
        "tracking_number": shipment.tracking_number,
        "status": shipment.status,
        "shipped_at": iso(shipment.shipped_at),
        "estimated_delivery": iso(shipment.estimated_delivery),
        "delivered_at": iso(shipment.delivered_at),
        "late": late,
    }


def return_view(ctx: ToolContext, request: ReturnRequest) -> dict[str, Any]:
    rows = ctx.session.scalars(
        select(ReturnItem)
        .where(ReturnItem.return_id == request.return_id)
        .order_by(ReturnItem.item_id)
    )
    items = []
    for row in rows:
        entry: dict[str, Any] = {"item_id": row.item_id}
        if row.new_variant_id:
            entry["new_variant_id"] = row.new_variant_id
        items.append(entry)
    return {
        "return_id": request.return_id,
        "kind": request.kind,
        "reason": request.reason,
        "status": request.status,
        "created_at": iso(request.created_at),
        "items": items,
        "refund_amount": money(request.refund_amount),
        "charge_amount": money(request.charge_amount),
        "settlement_method_id": request.settlement_method_id,
    }


def order_view(ctx: ToolContext, order: Order) -> dict[str, Any]:
    items = order_items(ctx, order)
    shipment = shipment_of(ctx, order)
    net = net_paid_by_method(ctx, order)
    txs = ctx.session.scalars(
        select(Transaction)
        .where(Transaction.order_id == order.order_id)
        .order_by(Transaction.transaction_id)
    )
    returns = ctx.session.scalars(
        select(ReturnRequest)
        .where(ReturnRequest.order_id == order.order_id)
        .order_by(ReturnRequest.return_id)
    )
    credit = ctx.session.scalar(
        select(GoodwillCredit).where(GoodwillCredit.order_id == order.order_id)
    )
    live = [i for i in items if i.status != "cancelled"]
    subtotal = (
        money(sum(i.unit_price for i in live)) if live else money(sum(i.unit_price for i in items))
    )
    view: dict[str, Any] = {
        "order_id": order.order_id,
        "user_id": order.user_id,
        "status": order.status,
        "placed_at": iso(order.placed_at),
        "shipping_address": address_of_order(order),
        "payment_method_id": order.payment_method_id,
        "items": [item_view(ctx, i) for i in items],
        "items_subtotal": subtotal,
        "shipping_fee": money(order.shipping_fee),
        "order_total": money(subtotal + order.shipping_fee),
        "items_modified": order.items_modified,
        "payments": [
            {
                "transaction_id": t.transaction_id,
                "kind": t.kind,
                "amount": money(t.amount),
                "payment_method_id": t.payment_method_id,
                "date": iso(t.created_at),
                "note": t.note,
            }
            for t in txs
        ],
        "net_paid": money(sum(net.values())),
    }
    if order.status == "cancelled":
        view["cancelled_at"] = iso(order.cancelled_at)
        view["cancel_reason"] = order.cancel_reason
    view["shipment"] = shipment_view(ctx, shipment) if shipment else None
    end = return_window_end(ctx, order)
    if order.status == "delivered" and end is not None:
        view["return_window_ends"] = end.isoformat()
        view["return_window_open"] = ctx.now.date() <= end
    view["returns_and_exchanges"] = [return_view(ctx, r) for r in returns]
    if credit is not None:
        view["goodwill_credit"] = {
            "credit_id": credit.credit_id,
            "amount": money(credit.amount),
            "gift_card_id": credit.gift_card_id,
            "issued_at": iso(credit.issued_at),
        }
    return view
