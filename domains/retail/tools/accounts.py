"""Account tools: finding the customer, their profile, address and gift cards."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from tautrait.domain import ToolContext, ToolError, tool
from tautrait.domain.text import dictated, plain

from ..schema import Order, PaymentMethod, User
from ._common import (
    fold,
    get_method,
    get_user,
    iso,
    method_view,
    require_address,
    require_authenticated,
    same_address,
)


@tool(writes=False)
def find_user_id_by_email(ctx: ToolContext, email: str) -> dict[str, Any]:
    """Find a customer's user id from the email address on their account. This
    authenticates the customer for the rest of the conversation: no change can be made to
    an account or order before its customer is authenticated.

    The match is exact apart from letter case and surrounding spaces.

    Args:
        email: The account's email address, e.g. 'lena.marsh@example.com'.

    Returns:
        {"user_id": "U204817"}.

    Raises:
        No account uses this email address.
    """
    address = plain(email).lower()
    user = ctx.session.scalar(select(User).where(func.lower(User.email) == address))
    if user is None:
        raise ToolError(f"No account uses the email address {email!r}.")
    ctx.auth.grant(user.user_id)
    return {"user_id": user.user_id}


@tool(writes=False)
def find_user_id_by_name_zip(
    ctx: ToolContext, first_name: str, last_name: str, postal_code: str
) -> dict[str, Any]:
    """Find a customer's user id from their first name, last name and postal code. This
    authenticates the customer for the rest of the conversation (see
    find_user_id_by_email).

    All three must match the account (names ignore letter case and accents, so 'Jose'
    matches 'José'); the postal code is the one of the account's default address.

    Args:
        first_name: The customer's first (given) name, e.g. 'Ayşe'.
        last_name: The customer's last (family) name, e.g. 'Öztürk' or 'de Vries'.
        postal_code: The 5-digit postal code of the account's address, e.g. '42017'.

    Returns:
        {"user_id": "U204817"}.

    Raises:
        No account matches all three values.
    """
    code = postal_code.strip()
    candidates = ctx.session.scalars(
        select(User).where(User.postal_code == code).order_by(User.user_id)
    )
    for user in candidates:
        if fold(user.first_name) == fold(first_name) and fold(user.last_name) == fold(last_name):
            ctx.auth.grant(user.user_id)
            return {"user_id": user.user_id}
    raise ToolError(
        f"No account matches the name {first_name} {last_name} with postal code {postal_code}."
    )


@tool(writes=False)
def get_user_details(ctx: ToolContext, user_id: str) -> dict[str, Any]:
    """Show a customer's profile: name, contact details, default address, loyalty tier,
    saved payment methods (with gift card balances and card expiry dates) and their orders
    (newest first, with status and date).

    Args:
        user_id: The user id, e.g. 'U204817'.

    Raises:
        The user id does not exist.
    """
    user = get_user(ctx, user_id)
    methods = ctx.session.scalars(
        select(PaymentMethod)
        .where(PaymentMethod.user_id == user.user_id)
        .order_by(PaymentMethod.payment_method_id)
    )
    orders = ctx.session.scalars(
        select(Order)
        .where(Order.user_id == user.user_id)
        .order_by(Order.placed_at.desc(), Order.order_id)
    )
    return {
        "user_id": user.user_id,
        "name": f"{user.first_name} {user.last_name}",
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "phone": user.phone,
        "default_address": {
            "address_line1": user.address_line1,
            "address_line2": user.address_line2,
            "city": user.city,
            "region": user.region,
            "postal_code": user.postal_code,
        },
        "loyalty_tier": user.loyalty_tier,
        "member_since": iso(user.member_since),
        "payment_methods": [method_view(ctx, m) for m in methods],
        "orders": [
            {"order_id": o.order_id, "status": o.status, "placed_at": iso(o.placed_at)}
            for o in orders
        ],
    }


@tool(writes=True)
def update_user_default_address(
    ctx: ToolContext,
    user_id: str,
    address_line1: str,
    city: str,
    region: str,
    postal_code: str,
    address_line2: str = "",
) -> dict[str, Any]:
    """Replace the default address saved on a customer's account (stored capitalised and
    spaced the usual way, e.g. '214 Juniper Lane', whatever the case it is typed in).

    This does not change where existing orders ship; use modify_pending_order_address for
    a pending order. The address must be in a region Fernwick Market delivers to and the
    postal code must belong to that region.

    Args:
        user_id: The user id, e.g. 'U204817'.
        address_line1: Street number and name, e.g. '214 Juniper Lane'.
        city: The town or city, e.g. 'Millbrook'.
        region: The two-letter region code: CC (Calder Coast), HV (Harlow Valley), BH
            (Brannock Highlands), SP (Sable Plains), EM (Eastmere) or OL (Orrin Lakes).
        postal_code: 5 digits; the first digit is 3 for CC, 4 for HV, 5 for BH, 6 for SP,
            7 for EM and 8 for OL, e.g. '42317'.
        address_line2: Apartment, unit or floor, e.g. 'Apt 4B'; empty if none.

    Returns:
        The updated default address.

    Raises:
        Unknown user; an incomplete address; a region not served; a postal code that is
        not 5 digits or not in the region; the address is already the default one.
    """
    user = get_user(ctx, user_id)
    require_authenticated(ctx, user.user_id, f"Account {user.user_id}")
    line1, town, reg, code = require_address(address_line1, city, region, postal_code)
    line2 = dictated(address_line2) or None
    current = (user.address_line1, user.address_line2, user.city, user.region, user.postal_code)
    if same_address(current, (line1, line2, town, reg, code)):
        raise ToolError("This already is the account's default address; nothing to change.")
    user.address_line1, user.address_line2 = line1, line2
    user.city, user.region, user.postal_code = town, reg, code
    return {
        "user_id": user.user_id,
        "default_address": {
            "address_line1": line1,
            "address_line2": line2,
            "city": town,
            "region": reg,
            "postal_code": code,
        },
    }


@tool(writes=False)
def get_gift_card_balance(ctx: ToolContext, gift_card_id: str) -> dict[str, Any]:
    """Show the current balance of a gift card.

    Args:
        gift_card_id: The gift card's payment method id, e.g. 'gift_3308142'.

    Returns:
        {"gift_card_id", "user_id", "balance"} with the balance in dollars and cents.

    Raises:
        The id is unknown or is not a gift card.
    """
    method = get_method(ctx, gift_card_id)
    if method.method_type != "gift_card":
        raise ToolError(
            f"{method.payment_method_id} is a {method.method_type.replace('_', ' ')}, not a "
            "gift card."
        )
    return {
        "gift_card_id": method.payment_method_id,
        "user_id": method.user_id,
        "balance": method_view(ctx, method)["balance"],
    }
