"""Support tools: goodwill credit for late parcels, and the hand-off to a human agent."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import select

from tautrait.domain import ToolContext, ToolError, tool

from ..rules import GOODWILL_CAPS
from ..schema import GoodwillCredit, PaymentMethod, User
from ._common import (
    get_order,
    money,
    owned_method,
    require_authenticated,
    shipment_of,
)


@tool(writes=True)
def issue_goodwill_credit(
    ctx: ToolContext, order_id: str, amount: float, gift_card_id: str = ""
) -> dict[str, Any]:
    """Apologise for a late parcel with store credit on a gift card.

    Only for an order whose shipment is late: still in transit after its estimated delivery
    date (track_shipment shows 'late': true). At most one credit per order, and at most
    10.00 for standard members, 20.00 for silver and 30.00 for gold. The credit goes onto
    the customer's existing gift card (pass its id; ask which one if they have several);
    only a customer with no gift card gets a new one, by leaving gift_card_id empty.

    Args:
        order_id: The late order, e.g. 'KL-482913'.
        amount: The credit in dollars, e.g. 10.0; more than 0 and at most the tier's cap.
        gift_card_id: The customer's gift card to credit, e.g. 'gift_3308142'; empty only
            if the customer has no gift card.

    Returns:
        The credit id, amount, the gift card credited and its new balance.

    Raises:
        The order does not exist or is not late in transit (pending, delivered, cancelled
        and lost parcels do not qualify); the order already had a credit; the amount is
        not positive or above the cap; the gift card is not the customer's, or is missing
        although the customer has one.
    """
    order = get_order(ctx, order_id)
    require_authenticated(ctx, order.user_id, f"Order {order.order_id}")
    shipment = shipment_of(ctx, order)
    if shipment is None or shipment.status != "in_transit":
        state = order.status if shipment is None else f"{order.status} ({shipment.status})"
        raise ToolError(
            f"Order {order.order_id} is {state}; goodwill credit is only for a parcel that is "
            "in transit past its estimated delivery date."
        )
    if shipment.estimated_delivery >= ctx.now.date():
        raise ToolError(
            f"Order {order.order_id} is expected by {shipment.estimated_delivery}; it is not "
            "late, so no goodwill credit applies."
        )
    existing = ctx.session.scalar(
        select(GoodwillCredit).where(GoodwillCredit.order_id == order.order_id)
    )
    if existing is not None:
        raise ToolError(
            f"Order {order.order_id} already received a goodwill credit of "
            f"{existing.amount:.2f} ({existing.credit_id}); only one credit per order."
        )
    user = ctx.session.get(User, order.user_id)
    assert user is not None
    cap = GOODWILL_CAPS[user.loyalty_tier]
    if not math.isfinite(amount):
        raise ToolError(f"The credit amount {amount!r} is not a number of dollars.")
    value = money(amount)
    if value <= 0:
        raise ToolError("The credit amount must be more than 0.")
    if value > cap:
        raise ToolError(
            f"The credit of {value:.2f} is above the {cap:.2f} limit for a {user.loyalty_tier} "
            "member."
        )
    gifts = list(
        ctx.session.scalars(
            select(PaymentMethod)
            .where(PaymentMethod.user_id == user.user_id, PaymentMethod.method_type == "gift_card")
            .order_by(PaymentMethod.payment_method_id)
        )
    )
    if gift_card_id.strip():
        card = owned_method(ctx, order, gift_card_id)
        if card.method_type != "gift_card":
            raise ToolError(
                f"{card.payment_method_id} is not a gift card; the credit can only "
                "go onto a gift card."
            )
    elif gifts:
        raise ToolError(
            "The customer already has gift card(s) "
            f"{', '.join(g.payment_method_id for g in gifts)}; pass the one to credit as "
            "gift_card_id."
        )
    else:
        card = PaymentMethod(
            payment_method_id=f"gift_{order.order_id[3:]}",
            user_id=user.user_id,
            method_type="gift_card",
            card_brand=None,
            card_last4=None,
            card_expires_on=None,
            wallet_email=None,
            gift_card_balance=0.0,
            added_on=ctx.now.date(),
        )
        ctx.session.add(card)
        ctx.session.flush()
    card.gift_card_balance = money((card.gift_card_balance or 0.0) + value)
    credit = GoodwillCredit(
        credit_id=f"GW-{order.order_id[3:]}",
        order_id=order.order_id,
        user_id=user.user_id,
        gift_card_id=card.payment_method_id,
        amount=value,
        issued_at=ctx.now,
        note="late delivery",
    )
    ctx.session.add(credit)
    ctx.session.flush()
    return {
        "credit_id": credit.credit_id,
        "order_id": order.order_id,
        "amount": value,
        "gift_card_id": card.payment_method_id,
        "new_gift_card_balance": money(card.gift_card_balance or 0.0),
    }


@tool(writes=False, ends_episode=True)
def transfer_to_human_agents(ctx: ToolContext, summary: str) -> str:
    """Hand the conversation to a human support agent; the chat with you ends here. Use it
    only in the cases the policy lists, after telling the customer.

    Args:
        summary: A short summary for the human agent: who the customer is (user id), what
            they need, and what you already checked or did.
    """
    if not summary.strip():
        raise ToolError("Give a short summary of the case for the human agent.")
    return "Transfer successful: a human agent will take over this conversation."
