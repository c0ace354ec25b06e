"""Return and exchange tools for delivered orders."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tautrait.domain import ToolContext, ToolError, tool

from ..rules import FEE_REASONS, RETURN_FEE, ReturnReason
from ..schema import Order, OrderItem, ReturnItem, ReturnRequest, User, Variant
from ._common import (
    check_chargeable,
    check_refund_target,
    get_method,
    get_order,
    method_label,
    money,
    net_paid_by_method,
    options_text,
    owned_method,
    pick_items,
    record,
    require_authenticated,
    require_returnable_items,
    require_returnable_order,
    return_id_for,
    return_view,
    return_window_end,
    swap_targets,
)


def _refund_for(
    ctx: ToolContext, order: Order, items: list[OrderItem], reason: str
) -> dict[str, Any]:
    """R12: the price paid for the items, less the return-shipping fee where it applies."""
    user = ctx.session.get(User, order.user_id)
    assert user is not None
    items_total = money(sum(i.unit_price for i in items))
    fee = RETURN_FEE if reason in FEE_REASONS and user.loyalty_tier != "gold" else 0.0
    # Never more than what is still paid and not already promised back.
    promised = sum(
        r.refund_amount
        for r in ctx.session.scalars(
            select(ReturnRequest).where(
                ReturnRequest.order_id == order.order_id,
                ReturnRequest.status.in_(("requested", "received")),
            )
        )
    )
    available = money(sum(net_paid_by_method(ctx, order).values()) - promised)
    refund = money(max(0.0, min(items_total - fee, available)))
    return {"items_total": items_total, "return_shipping_fee": money(fee), "refund": refund}


@tool(writes=False)
def calculate_return_refund(
    ctx: ToolContext, order_id: str, item_ids: list[str], reason: ReturnReason
) -> dict[str, Any]:
    """Work out what a customer would get back for returning some items of a delivered
    order, without creating anything.

    The refund is the price paid for the items, minus a 4.95 return-shipping fee when the
    reason is 'no longer needed' or 'wrong size or fit' (the fee is waived for gold members
    and for 'damaged or defective' or 'not as described').

    Args:
        order_id: The order id, e.g. 'KL-482913'.
        item_ids: The items to return, e.g. ['KL-482913-1', 'KL-482913-2'].
        reason: The customer's reason for returning.

    Returns:
        The items total, the fee, the refund and the last day of the return window.

    Raises:
        The order is not delivered or its return window has closed; an item is not in the
        order, is final sale (food and personal care), or was already returned or exchanged.
    """
    order = get_order(ctx, order_id)
    require_returnable_order(ctx, order, "returned")
    items = pick_items(ctx, order, item_ids)
    require_returnable_items(ctx, items, "returned")
    end = return_window_end(ctx, order)
    return {
        "order_id": order.order_id,
        "item_ids": [i.item_id for i in items],
        "reason": reason,
        **_refund_for(ctx, order, items, reason),
        "return_window_ends": end.isoformat() if end else None,
    }


@tool(writes=True)
def return_delivered_order_items(
    ctx: ToolContext,
    order_id: str,
    item_ids: list[str],
    reason: ReturnReason,
    refund_method_id: str,
) -> dict[str, Any]:
    """Open a return for items of a delivered order, within 30 days of delivery.

    The customer gets a prepaid label by email; the refund (price paid, minus a 4.95
    return-shipping fee for 'no longer needed' or 'wrong size or fit' unless the customer is
    a gold member) is paid when the warehouse receives the parcel. It goes to the order's
    original payment method or to one of the customer's gift cards, nowhere else. Food and
    personal care items are final sale. Collect all items to return first: an item can be
    in only one return or exchange.

    Args:
        order_id: The order id, e.g. 'KL-482913'.
        item_ids: The items to return, e.g. ['KL-482913-1', 'KL-482913-2'].
        reason: The customer's reason; ask them, do not guess.
        refund_method_id: Where the refund goes: the order's original payment method (its
            payment_method_id) or a gift card of the customer, e.g. 'gift_3308142'.

    Returns:
        The return request (id like 'RT-482913-I2': the order and its item lines), the
        refund amount and where it goes.

    Raises:
        The order is not delivered or the window has closed; an item is not in the order,
        is final sale, or was already returned or exchanged; the refund method is neither
        the original one nor the customer's gift card.
    """
    order = get_order(ctx, order_id)
    require_authenticated(ctx, order.user_id, f"Order {order.order_id}")
    require_returnable_order(ctx, order, "returned")
    items = pick_items(ctx, order, item_ids)
    require_returnable_items(ctx, items, "returned")
    method = owned_method(ctx, order, refund_method_id)
    check_refund_target(order, method)
    amounts = _refund_for(ctx, order, items, reason)
    request = ReturnRequest(
        return_id=return_id_for(ctx, order, items),
        order_id=order.order_id,
        kind="return",
        reason=reason,
        status="requested",
        created_at=ctx.now,
        refund_amount=amounts["refund"],
        charge_amount=0.0,
        settlement_method_id=method.payment_method_id,
    )
    ctx.session.add(request)
    ctx.session.flush()
    for item in items:
        ctx.session.add(
            ReturnItem(return_id=request.return_id, item_id=item.item_id, new_variant_id=None)
        )
        item.status = "return_requested"
    ctx.session.flush()
    return {
        **return_view(ctx, request),
        **amounts,
        "refund_to": method_label(method),
        "note": "Refund is paid once the warehouse receives the items.",
    }


@tool(writes=True)
def exchange_delivered_order_items(
    ctx: ToolContext,
    order_id: str,
    item_ids: list[str],
    new_variant_ids: list[str],
    payment_method_id: str,
) -> dict[str, Any]:
    """Exchange items of a delivered order (within 30 days of delivery) for other variants
    of the same products, e.g. another size. There is no return-shipping fee.

    Each new variant must be in stock and differ from the item's current one. The price
    difference (new variant's current price minus the price paid) is settled with
    payment_method_id: an extra cost is charged now (not an expired card; a gift card only
    up to its balance); a saving is refunded when the old items arrive, and then must go to
    the order's original payment method or a gift card. Food and personal care items are
    final sale. Collect all items first: an item can be in only one return or exchange.

    Args:
        order_id: The order id, e.g. 'KL-482913'.
        item_ids: The items to exchange, e.g. ['KL-482913-1'].
        new_variant_ids: The new variant for each item, in the same order, e.g. ['V2031-04'].
        payment_method_id: The customer's payment method that pays or receives the price
            difference, e.g. 'card_4829101'.

    Returns:
        The exchange request (id like 'RT-482913-I1': the order and its item lines) with
        the price difference.

    Raises:
        The order is not delivered or the window has closed; an item is not in the order,
        is final sale, or was already returned or exchanged; a variant is of another
        product, the same, or out of stock; the payment method is not the customer's, cannot
        be charged, or cannot receive the refund.
    """
    order = get_order(ctx, order_id)
    require_authenticated(ctx, order.user_id, f"Order {order.order_id}")
    require_returnable_order(ctx, order, "exchanged")
    items = pick_items(ctx, order, item_ids)
    require_returnable_items(ctx, items, "exchanged")
    targets = swap_targets(ctx, items, new_variant_ids)
    method = owned_method(ctx, order, payment_method_id)
    diff = money(sum(v.price - i.unit_price for i, v in zip(items, targets, strict=True)))
    if diff > 0:
        check_chargeable(ctx, method, diff)
    elif diff < 0:
        check_refund_target(order, method)
    request = ReturnRequest(
        return_id=return_id_for(ctx, order, items),
        order_id=order.order_id,
        kind="exchange",
        reason="exchange",
        status="requested",
        created_at=ctx.now,
        refund_amount=-diff if diff < 0 else 0.0,
        charge_amount=diff if diff > 0 else 0.0,
        settlement_method_id=method.payment_method_id if diff else None,
    )
    ctx.session.add(request)
    ctx.session.flush()
    if diff > 0:
        record(ctx, order, method, "charge", diff, f"exchange {request.return_id}")
    changes = []
    for item, variant in zip(items, targets, strict=True):
        old = ctx.session.get(Variant, item.variant_id)
        assert old is not None
        variant.stock -= 1
        ctx.session.add(
            ReturnItem(
                return_id=request.return_id, item_id=item.item_id, new_variant_id=variant.variant_id
            )
        )
        item.status = "exchange_requested"
        changes.append(
            {
                "item_id": item.item_id,
                "old_variant": options_text(old.options),
                "new_variant": options_text(variant.options),
                "new_variant_id": variant.variant_id,
                "price_paid": item.unit_price,
                "new_price": variant.price,
            }
        )
    ctx.session.flush()
    return {
        **return_view(ctx, request),
        "changes": changes,
        "price_difference": diff,
        "note": "The replacement ships when the warehouse receives the returned items.",
    }


@tool(writes=True)
def withdraw_return_request(ctx: ToolContext, return_id: str) -> dict[str, Any]:
    """Withdraw a return or exchange request the customer no longer wants. Only possible
    while its status is 'requested' (before the warehouse receives the parcel). The items
    become normal delivered items again; an exchange's extra charge is refunded.

    Args:
        return_id: The request id, e.g. 'RT-482913-I1' (shown in get_order_details).

    Returns:
        The withdrawn request.

    Raises:
        The request does not exist, or has already been received, completed or withdrawn.
    """
    rid = return_id.strip().upper().lstrip("#")
    request = ctx.session.get(ReturnRequest, rid)
    if request is None:
        raise ToolError(
            f"No return or exchange request {return_id!r}; ids look like 'RT-482913-I1' or "
            "'RT-482913-1'."
        )
    order = get_order(ctx, request.order_id)
    require_authenticated(ctx, order.user_id, f"Request {request.return_id}")
    if request.status != "requested":
        raise ToolError(
            f"Request {request.return_id} is {request.status}; only a request that is still "
            "'requested' can be withdrawn."
        )
    rows = list(
        ctx.session.scalars(select(ReturnItem).where(ReturnItem.return_id == request.return_id))
    )
    for row in rows:
        item = ctx.session.get(OrderItem, row.item_id)
        assert item is not None
        item.status = "active"
        if row.new_variant_id:
            variant = ctx.session.get(Variant, row.new_variant_id)
            assert variant is not None
            variant.stock += 1
    refunded = 0.0
    if request.charge_amount > 0 and request.settlement_method_id:
        method = get_method(ctx, request.settlement_method_id)
        record(
            ctx,
            order,
            method,
            "refund",
            request.charge_amount,
            f"exchange {request.return_id} withdrawn",
        )
        refunded = money(request.charge_amount)
    request.status = "withdrawn"
    ctx.session.flush()
    return {**return_view(ctx, request), "charge_refunded": refunded}
