"""Order tools: details and tracking, and the changes allowed while an order is pending."""

from __future__ import annotations

from typing import Any

from tautrait.domain import ToolContext, ToolError, tool
from tautrait.domain.text import dictated

from ..rules import CancelReason
from ..schema import Product, Variant
from ._common import (
    address_of_order,
    check_chargeable,
    check_refund_target,
    get_method,
    get_order,
    method_label,
    money,
    net_paid_by_method,
    options_text,
    order_items,
    order_view,
    owned_method,
    pick_items,
    record,
    require_address,
    require_authenticated,
    require_status,
    same_address,
    shipment_of,
    shipment_view,
    swap_targets,
)


@tool(writes=False)
def get_order_details(ctx: ToolContext, order_id: str) -> dict[str, Any]:
    """Show one order: status (pending, shipped, delivered or cancelled), date, shipping
    address, payment method, every item (item id, product, variant options, price paid,
    item status, whether returnable), subtotal, shipping fee, payments and refunds, the
    shipment, the return window (delivered orders), return or exchange requests and any
    goodwill credit.

    Each item line is one unit; items are named by item ids such as 'KL-482913-2'.

    Args:
        order_id: The order id, e.g. 'KL-482913'.

    Raises:
        The order id does not exist.
    """
    return order_view(ctx, get_order(ctx, order_id))


@tool(writes=False)
def track_shipment(ctx: ToolContext, order_id: str) -> dict[str, Any]:
    """Show the shipment of an order: carrier, tracking number, status (in_transit,
    delivered or lost), ship date, estimated delivery date, delivery time, and whether it is
    late (in transit after its estimated delivery date).

    Args:
        order_id: The order id, e.g. 'KL-482913'.

    Raises:
        The order does not exist, or has not shipped (pending or cancelled orders).
    """
    order = get_order(ctx, order_id)
    shipment = shipment_of(ctx, order)
    if shipment is None:
        raise ToolError(f"Order {order.order_id} is {order.status}; it has no shipment yet.")
    return {"order_id": order.order_id, **shipment_view(ctx, shipment)}


@tool(writes=True)
def cancel_pending_order(ctx: ToolContext, order_id: str, reason: CancelReason) -> dict[str, Any]:
    """Cancel a whole order that has not shipped yet (status 'pending').

    Everything paid for the order (items and shipping fee) is refunded to the payment
    method(s) it was paid with; gift cards are credited at once, cards and wallets within
    5 business days.

    Args:
        order_id: The order id, e.g. 'KL-482913'.
        reason: Why the customer cancels; ask them, do not guess.

    Returns:
        The cancelled order id, the refunds per payment method and the refund total.

    Raises:
        The order does not exist, or is not pending (shipped, delivered and cancelled orders
        cannot be cancelled).
    """
    order = get_order(ctx, order_id)
    require_authenticated(ctx, order.user_id, f"Order {order.order_id}")
    require_status(order, "pending", "cancelled")
    refunds: list[dict[str, Any]] = []
    for method_id, amount in net_paid_by_method(ctx, order).items():
        if amount > 0:
            method = get_method(ctx, method_id)
            record(ctx, order, method, "refund", amount, "order cancelled")
            refunds.append(
                {
                    "payment_method_id": method_id,
                    "method": method_label(method),
                    "amount": money(amount),
                }
            )
    for item in order_items(ctx, order):
        variant = ctx.session.get(Variant, item.variant_id)
        assert variant is not None
        variant.stock += 1
        item.status = "cancelled"
    order.status = "cancelled"
    order.cancelled_at = ctx.now
    order.cancel_reason = reason
    return {
        "order_id": order.order_id,
        "status": "cancelled",
        "refunds": refunds,
        "refund_total": money(sum(r["amount"] for r in refunds)),
    }


@tool(writes=True)
def modify_pending_order_address(
    ctx: ToolContext,
    order_id: str,
    address_line1: str,
    city: str,
    region: str,
    postal_code: str,
    address_line2: str = "",
) -> dict[str, Any]:
    """Change the shipping address of a pending order (the recipient name stays the same).
    The address is stored capitalised and spaced the usual way, e.g. '214 Juniper Lane',
    whatever the case it is typed in.

    Args:
        order_id: The order id, e.g. 'KL-482913'.
        address_line1: Street number and name, e.g. '214 Juniper Lane'.
        city: The town or city, e.g. 'Millbrook'.
        region: The two-letter region code: CC (Calder Coast), HV (Harlow Valley), BH
            (Brannock Highlands), SP (Sable Plains), EM (Eastmere) or OL (Orrin Lakes).
        postal_code: 5 digits; the first digit is 3 for CC, 4 for HV, 5 for BH, 6 for SP,
            7 for EM and 8 for OL, e.g. '42317'.
        address_line2: Apartment, unit or floor, e.g. 'Apt 4B'; empty if none.

    Returns:
        The order id and its new shipping address.

    Raises:
        The order does not exist or is not pending; the address is incomplete, outside the
        regions served, has a postal code not in its region, or is the current one.
    """
    order = get_order(ctx, order_id)
    require_authenticated(ctx, order.user_id, f"Order {order.order_id}")
    require_status(order, "pending", "modified")
    line1, town, reg, code = require_address(address_line1, city, region, postal_code)
    line2 = dictated(address_line2) or None
    current = (
        order.ship_line1,
        order.ship_line2,
        order.ship_city,
        order.ship_region,
        order.ship_postal_code,
    )
    if same_address(current, (line1, line2, town, reg, code)):
        raise ToolError(f"Order {order.order_id} already ships to this address.")
    order.ship_line1, order.ship_line2 = line1, line2
    order.ship_city, order.ship_region, order.ship_postal_code = town, reg, code
    return {"order_id": order.order_id, "shipping_address": address_of_order(order)}


@tool(writes=True)
def modify_pending_order_payment(
    ctx: ToolContext, order_id: str, payment_method_id: str
) -> dict[str, Any]:
    """Pay a pending order with a different saved payment method of the same customer.

    Everything paid so far is refunded to the old method(s) and the same amount is charged
    to the new one, which must be valid: not an expired card, and a gift card only if its
    balance covers the whole amount.

    Args:
        order_id: The order id, e.g. 'KL-482913'.
        payment_method_id: The new method, e.g. 'card_4829101', 'wallet_5510293' or
            'gift_3308142' (get_user_details lists them).

    Returns:
        The amount moved, the old and new payment method.

    Raises:
        The order does not exist or is not pending; the method is unknown, belongs to
        someone else, is already the order's method, is an expired card, or is a gift card
        whose balance is too low.
    """
    order = get_order(ctx, order_id)
    require_authenticated(ctx, order.user_id, f"Order {order.order_id}")
    require_status(order, "pending", "modified")
    new = owned_method(ctx, order, payment_method_id)
    if new.payment_method_id == order.payment_method_id:
        raise ToolError(f"Order {order.order_id} is already paid with {new.payment_method_id}.")
    net = net_paid_by_method(ctx, order)
    total = money(sum(net.values()))
    check_chargeable(ctx, new, total)
    old_id = order.payment_method_id
    for method_id, amount in net.items():
        if amount > 0:
            record(ctx, order, get_method(ctx, method_id), "refund", amount, "payment changed")
    record(ctx, order, new, "charge", total, "payment changed")
    order.payment_method_id = new.payment_method_id
    return {
        "order_id": order.order_id,
        "amount": total,
        "old_payment_method_id": old_id,
        "new_payment_method_id": new.payment_method_id,
        "new_payment_method": method_label(new),
    }


@tool(writes=True)
def modify_pending_order_items(
    ctx: ToolContext,
    order_id: str,
    item_ids: list[str],
    new_variant_ids: list[str],
    payment_method_id: str,
) -> dict[str, Any]:
    """Swap items of a pending order for other variants of the same products (e.g. another
    size or colour). This can be done only ONCE per order, so collect every change the
    customer wants first and make them in a single call.

    Each new variant must be in stock and differ from the current one. The price difference
    (new price minus the price paid) is settled with payment_method_id: an extra cost is
    charged to it (not an expired card; a gift card only up to its balance); a saving is
    refunded to it, which must then be the order's original payment method or a gift card.

    Args:
        order_id: The order id, e.g. 'KL-482913'.
        item_ids: The items to swap, e.g. ['KL-482913-1', 'KL-482913-3'].
        new_variant_ids: The new variant for each item, in the same order, e.g.
            ['V2031-04', 'V5120-02'].
        payment_method_id: The customer's payment method that pays or receives the price
            difference, e.g. 'card_4829101'.

    Returns:
        The changes made, the price difference and the new order total.

    Raises:
        The order does not exist, is not pending, or its items were already modified once;
        an item is not in the order; a variant is of another product, the same as the
        current one, or out of stock; the payment method is not the customer's, cannot be
        charged, or cannot receive the refund.
    """
    order = get_order(ctx, order_id)
    require_authenticated(ctx, order.user_id, f"Order {order.order_id}")
    require_status(order, "pending", "modified")
    if order.items_modified:
        raise ToolError(
            f"The items of order {order.order_id} were already modified once; an order's "
            "items can be modified only once."
        )
    items = pick_items(ctx, order, item_ids)
    targets = swap_targets(ctx, items, new_variant_ids)
    method = owned_method(ctx, order, payment_method_id)
    diff = money(sum(v.price - i.unit_price for i, v in zip(items, targets, strict=True)))
    if diff > 0:
        check_chargeable(ctx, method, diff)
        record(ctx, order, method, "charge", diff, "items modified")
    elif diff < 0:
        check_refund_target(order, method)
        record(ctx, order, method, "refund", -diff, "items modified")
    changes = []
    for item, variant in zip(items, targets, strict=True):
        old = ctx.session.get(Variant, item.variant_id)
        product = ctx.session.get(Product, item.product_id)
        assert old is not None and product is not None
        old.stock += 1
        variant.stock -= 1
        changes.append(
            {
                "item_id": item.item_id,
                "product_name": product.name,
                "old_variant": options_text(old.options),
                "new_variant": options_text(variant.options),
                "new_variant_id": variant.variant_id,
                "old_price": money(item.unit_price),
                "new_price": money(variant.price),
            }
        )
        item.variant_id = variant.variant_id
        item.unit_price = money(variant.price)
    order.items_modified = True
    ctx.session.flush()
    view = order_view(ctx, order)
    return {
        "order_id": order.order_id,
        "changes": changes,
        "price_difference": diff,
        "charged": diff if diff > 0 else 0.0,
        "refunded": -diff if diff < 0 else 0.0,
        "settled_with": method.payment_method_id if diff else None,
        "new_order_total": view["order_total"],
    }
