"""Fernwick Market's order history: orders, items, shipments, payments, refunds, returns
and exchanges, and the goodwill credit already given."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from ..rules import (
    CANCEL_REASONS,
    FEE_REASONS,
    FREE_SHIPPING_FROM,
    NOW,
    RETURN_FEE,
    RETURN_REASONS,
    SHIPPING_FEE,
)
from .people import People
from .state import Row, cents, iso, random_time, weighted
from .world import CARRIERS, CULTURES

TODAY = NOW.date()


class Generator(People):
    """Every table, in the order the committed data was drawn: catalogue, users, orders."""

    # -- orders -----------------------------------------------------------------------

    def orders(self) -> None:
        rng = self.rng
        self.order_rows: list[Row] = []
        self.item_rows: list[Row] = []
        self.shipment_rows: list[Row] = []
        self.tx_rows: list[Row] = []
        self.return_rows: list[Row] = []
        self.return_item_rows: list[Row] = []
        self.credit_rows: list[Row] = []
        products = self.tables["products"]
        popularity = [rng.uniform(0.3, 3.0) for _ in products]
        for user in self.tables["users"]:
            n_orders = weighted(rng, [(0, 6), (1, 20), (2, 28), (3, 22), (4, 12), (5, 7), (6, 5)])
            for _ in range(n_orders):
                self.one_order(user, products, popularity)

        self.order_rows.sort(key=lambda o: o["order_id"])
        self.tables["orders"] = self.order_rows
        self.tables["order_items"] = self.item_rows
        self.tables["shipments"] = self.shipment_rows
        self.tables["transactions"] = self.tx_rows
        self.tables["return_requests"] = self.return_rows
        self.tables["return_items"] = self.return_item_rows
        self.tables["goodwill_credits"] = self.credit_rows

    def one_order(self, user: Row, products: list[Row], popularity: list[float]) -> None:
        rng = self.rng
        oid = self.unique(lambda: f"KL-{rng.randint(100000, 999999)}")
        num = oid[3:]
        status = weighted(
            rng, [("pending", 18), ("shipped", 14), ("delivered", 58), ("cancelled", 10)]
        )
        # Dates consistent with the status.
        shipped_at = delivered_at = cancelled_at = None
        estimated = None
        ship_status = None
        if status == "pending":
            placed = random_time(rng, NOW - timedelta(days=4), 0, 4 * 24 - 1)
        elif status == "shipped":
            if rng.random() < 0.7:
                placed = random_time(rng, NOW - timedelta(days=6), 0, 4 * 24)
            else:
                placed = random_time(rng, NOW - timedelta(days=16), 0, 9 * 24)
            shipped_at = random_time(rng, placed, 8, 40)
            if shipped_at > NOW - timedelta(hours=2):
                shipped_at = (NOW - timedelta(hours=3)).replace(minute=0)
            estimated = shipped_at.date() + timedelta(days=rng.randint(3, 7))
            lost = (NOW - shipped_at).days >= 9 and rng.random() < 0.25
            ship_status = "lost" if lost else "in_transit"
        elif status == "delivered":
            if rng.random() < 0.4:
                placed = random_time(rng, NOW - timedelta(days=40), 0, 31 * 24)
            else:
                placed = random_time(rng, NOW - timedelta(days=330), 0, 290 * 24)
            shipped_at = random_time(rng, placed, 8, 40)
            estimated = shipped_at.date() + timedelta(days=rng.randint(3, 6))
            delivered_at = random_time(rng, shipped_at, 40, 7 * 24)
            if delivered_at > NOW - timedelta(hours=1):
                delivered_at = (NOW - timedelta(hours=2)).replace(minute=0)
            ship_status = "delivered"
        else:
            placed = random_time(rng, NOW - timedelta(days=300), 0, 298 * 24)
            cancelled_at = random_time(rng, placed, 1, 30)

        # Items.
        n_items = weighted(rng, [(1, 38), (2, 30), (3, 16), (4, 10), (5, 6)])
        chosen: list[Row] = []
        while len(chosen) < n_items:
            product = rng.choices(products, weights=popularity)[0]
            if any(p["product_id"] == product["product_id"] for p in chosen) and (
                rng.random() < 0.9
            ):
                continue
            chosen.append(product)
        items = []
        for line_no, product in enumerate(chosen, start=1):
            variant = rng.choice(self.variants_by_product[product["product_id"]])
            price = variant["price"]
            if rng.random() < 0.15:
                price = cents(price * (1 - rng.choice([0.1, 0.15, 0.2])))
            items.append(
                {
                    "item_id": f"{oid}-{line_no}",
                    "order_id": oid,
                    "line_no": line_no,
                    "product_id": product["product_id"],
                    "variant_id": variant["variant_id"],
                    "unit_price": price,
                    "status": "cancelled" if status == "cancelled" else "active",
                }
            )
        subtotal = cents(sum(i["unit_price"] for i in items))
        fee = (
            0.0
            if subtotal >= FREE_SHIPPING_FROM or user["loyalty_tier"] == "gold"
            else SHIPPING_FEE
        )
        total = cents(subtotal + fee)

        # Payment: cards valid at the time of the order; a gift card only if it covers it.
        methods = self.methods_by_user[user["user_id"]]
        usable = (
            [
                m
                for m in methods
                if m["method_type"] == "wallet"
                or (
                    m["method_type"] == "credit_card"
                    and (
                        status in ("delivered", "cancelled")
                        or date.fromisoformat(m["card_expires_on"]) >= TODAY
                    )
                )
                or (m["method_type"] == "gift_card" and rng.random() < 0.5)
            ]
            or [m for m in methods if m["method_type"] != "gift_card"]
            or methods
        )
        method = rng.choice(usable)

        # Shipping address: usually the account's address, sometimes a gift address.
        if rng.random() < 0.85:
            ship = {
                "line1": user["address_line1"],
                "line2": user["address_line2"],
                "city": user["city"],
                "region": user["region"],
                "postal_code": user["postal_code"],
            }
            ship_name = f"{user['first_name']} {user['last_name']}"
        else:
            ship = self.address()
            firsts, lasts = rng.choice(CULTURES)
            ship_name = f"{rng.choice(firsts)} {rng.choice(lasts)}"

        self.order_rows.append(
            {
                "order_id": oid,
                "user_id": user["user_id"],
                "status": status,
                "placed_at": iso(placed),
                "ship_name": ship_name,
                "ship_line1": ship["line1"],
                "ship_line2": ship["line2"],
                "ship_city": ship["city"],
                "ship_region": ship["region"],
                "ship_postal_code": ship["postal_code"],
                "payment_method_id": method["payment_method_id"],
                "shipping_fee": fee,
                # Some pending orders already had their one item modification (same price).
                "items_modified": status == "pending" and rng.random() < 0.12,
                "cancelled_at": iso(cancelled_at),
                "cancel_reason": rng.choice(CANCEL_REASONS) if status == "cancelled" else None,
            }
        )
        self.item_rows.extend(items)
        tx = [0]

        def add_tx(kind: str, amount: float, when: datetime, pm: str, note: str) -> None:
            tx[0] += 1
            self.tx_rows.append(
                {
                    "transaction_id": f"TX-{num}-{tx[0]}",
                    "order_id": oid,
                    "payment_method_id": pm,
                    "kind": kind,
                    "amount": cents(amount),
                    "created_at": iso(when),
                    "note": note,
                }
            )

        add_tx("charge", total, placed, method["payment_method_id"], "order placed")
        if status == "cancelled":
            assert cancelled_at is not None
            add_tx("refund", total, cancelled_at, method["payment_method_id"], "order cancelled")

        if shipped_at is not None:
            carrier, pattern = rng.choice(CARRIERS)
            tracking = pattern.format(
                d10=self.digits(10), d9=self.digits(9), d4=self.digits(4), d6=self.digits(6)
            )
            assert estimated is not None and ship_status is not None
            self.shipment_rows.append(
                {
                    "shipment_id": f"SH-{num}",
                    "order_id": oid,
                    "carrier": carrier,
                    "tracking_number": tracking,
                    "status": ship_status,
                    "shipped_at": iso(shipped_at),
                    "estimated_delivery": iso(estimated),
                    "delivered_at": iso(delivered_at),
                }
            )
            late = ship_status == "in_transit" and estimated < TODAY
            if late and rng.random() < 0.2:
                self.past_goodwill(user, oid, methods, shipped_at)

        if status == "delivered" and rng.random() < 0.16:
            assert delivered_at is not None
            self.past_return(user, oid, items, methods, method, delivered_at, add_tx)

    def past_goodwill(self, user: Row, oid: str, methods: list[Row], shipped_at: datetime) -> None:
        rng = self.rng
        cap = {"standard": 10.0, "silver": 20.0, "gold": 30.0}[user["loyalty_tier"]]
        amount = cents(rng.choice([5.0, cap / 2, cap]))
        gifts = [m for m in methods if m["method_type"] == "gift_card"]
        when = random_time(rng, max(shipped_at, NOW - timedelta(days=3)), 1, 40)
        when = min(when, NOW - timedelta(hours=1)).replace(second=0)
        if gifts:
            gift = gifts[0]
        else:
            gift = {
                "payment_method_id": f"gift_{oid[3:]}",
                "user_id": user["user_id"],
                "method_type": "gift_card",
                "card_brand": None,
                "card_last4": None,
                "card_expires_on": None,
                "wallet_email": None,
                "gift_card_balance": 0.0,
                "added_on": iso(when.date()),
            }
            methods.append(gift)
            self.tables["payment_methods"].append(gift)
        gift["gift_card_balance"] = cents(gift["gift_card_balance"] + amount)
        self.credit_rows.append(
            {
                "credit_id": f"GW-{oid[3:]}",
                "order_id": oid,
                "user_id": user["user_id"],
                "gift_card_id": gift["payment_method_id"],
                "amount": amount,
                "issued_at": iso(when),
                "note": "late delivery",
            }
        )

    def past_return(
        self,
        user: Row,
        oid: str,
        items: list[Row],
        methods: list[Row],
        paid_with: Row,
        delivered_at: datetime,
        add_tx: Callable[[str, float, datetime, str, str], None],
    ) -> None:
        rng = self.rng
        candidates = [i for i in items if self.product_by_id[i["product_id"]]["returnable"]]
        if not candidates:
            return
        created = random_time(rng, delivered_at, 20, 25 * 24)
        if created > NOW - timedelta(hours=1):
            return
        chosen = rng.sample(candidates, min(len(candidates), rng.choice([1, 1, 2])))
        chosen.sort(key=lambda i: i["line_no"])
        age = (NOW - created).days
        status = "requested" if age < 9 else "received" if age < 15 else "completed"
        kind = "exchange" if rng.random() < 0.2 else "return"
        rid = f"RT-{oid[3:]}-1"
        refund = charge = 0.0
        settlement = None
        new_variants: dict[str, str | None] = {}
        if kind == "return":
            reason = rng.choice(RETURN_REASONS)
            refund = sum(i["unit_price"] for i in chosen)
            if reason in FEE_REASONS and user["loyalty_tier"] != "gold":
                refund -= RETURN_FEE
            refund = cents(refund)
            gifts = [m for m in methods if m["method_type"] == "gift_card"]
            settlement = (gifts[0] if gifts and rng.random() < 0.2 else paid_with)[
                "payment_method_id"
            ]
            for i in chosen:
                i["status"] = "returned" if status == "completed" else "return_requested"
                new_variants[i["item_id"]] = None
        else:
            reason = rng.choice(["wrong size or fit", "not as described"])
            diff = 0.0
            for i in chosen:
                others = [
                    v
                    for v in self.variants_by_product[i["product_id"]]
                    if v["variant_id"] != i["variant_id"]
                ]
                if not others:
                    return
                new = rng.choice(others)
                new_variants[i["item_id"]] = new["variant_id"]
                diff += new["price"] - i["unit_price"]
            diff = cents(diff)
            if diff > 0:
                charge = diff
                settlement = paid_with["payment_method_id"]
                add_tx("charge", charge, created, settlement, f"exchange {rid}")
            elif diff < 0:
                refund = -diff
                settlement = paid_with["payment_method_id"]
            for i in chosen:
                i["status"] = "exchanged" if status == "completed" else "exchange_requested"
        self.return_rows.append(
            {
                "return_id": rid,
                "order_id": oid,
                "kind": kind,
                "reason": reason,
                "status": status,
                "created_at": iso(created),
                "refund_amount": refund,
                "charge_amount": charge,
                "settlement_method_id": settlement,
            }
        )
        for i in chosen:
            self.return_item_rows.append(
                {
                    "return_id": rid,
                    "item_id": i["item_id"],
                    "new_variant_id": new_variants[i["item_id"]],
                }
            )
        if status == "completed" and refund > 0:
            assert settlement is not None
            add_tx(
                "refund",
                refund,
                created + timedelta(days=rng.randint(6, 10)),
                settlement,
                f"{kind} {rid}",
            )

    # -- output -----------------------------------------------------------------------

    def run(self) -> dict[str, list[Row]]:
        self.catalogue()
        self.users()
        self.orders()
        return self.tables
