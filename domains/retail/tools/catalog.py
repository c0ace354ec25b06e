"""Catalogue tools: what Fernwick Market sells, with variants, prices and stock."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import select

from tautrait.domain import ToolContext, tool

from ..schema import Product, Variant
from ._common import get_product, money

Category = Literal[
    "Apparel",
    "Footwear",
    "Home",
    "Kitchen",
    "Electronics",
    "Outdoor",
    "Fitness",
    "Personal Care",
    "Food & Drink",
    "Toys & Hobbies",
    "Office",
]


@tool(writes=False)
def list_products(ctx: ToolContext, category: Category | None = None) -> list[dict[str, Any]]:
    """List the products in the catalogue (optionally one category), with each product's id,
    name, brand, category, price range and whether any variant is in stock.

    Args:
        category: Only list this category; leave empty to list every product.
    """
    query = select(Product).order_by(Product.category, Product.name)
    if category is not None:
        query = query.where(Product.category == category)
    result = []
    for product in ctx.session.scalars(query):
        variants = list(
            ctx.session.scalars(select(Variant).where(Variant.product_id == product.product_id))
        )
        prices = [v.price for v in variants]
        result.append(
            {
                "product_id": product.product_id,
                "name": product.name,
                "brand": product.brand,
                "category": product.category,
                "price_from": money(min(prices)),
                "price_to": money(max(prices)),
                "in_stock": any(v.stock > 0 for v in variants),
            }
        )
    return result


@tool(writes=False)
def get_product_details(ctx: ToolContext, product_id: str) -> dict[str, Any]:
    """Show one product with all its variants: each variant's id, options (e.g. size and
    colour), current price, units in stock and availability. A variant with 0 units is
    unavailable and cannot be ordered or swapped in.

    Args:
        product_id: The product id, e.g. 'P2031' (item and variant details name it).

    Raises:
        The product id does not exist.
    """
    product = get_product(ctx, product_id)
    variants = ctx.session.scalars(
        select(Variant).where(Variant.product_id == product.product_id).order_by(Variant.variant_id)
    )
    return {
        "product_id": product.product_id,
        "name": product.name,
        "brand": product.brand,
        "category": product.category,
        "description": product.description,
        "returnable": product.returnable,
        "option_names": list(product.option_names),
        "variants": [
            {
                "variant_id": v.variant_id,
                "options": dict(v.options),
                "price": money(v.price),
                "stock": v.stock,
                "available": v.stock > 0,
            }
            for v in variants
        ],
    }
