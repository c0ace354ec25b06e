"""The seed data seen by the task builder, with helpers to pick and describe things.

Task definitions (``scen_*.py``) pick users, orders and variants with these helpers, so
ids, prices and dates in the tasks always come from the committed data. Picks are
deterministic: candidates are shuffled with a ``random.Random`` seeded by the task id, and
no user is the customer of two tasks.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from generate import REGIONS, STREET_TYPES, STREETS

DATA = Path(__file__).resolve().parents[1] / "data"
REGION_NAMES = {
    "CC": "Calder Coast",
    "HV": "Harlow Valley",
    "BH": "Brannock Highlands",
    "SP": "Sable Plains",
    "EM": "Eastmere",
    "OL": "Orrin Lakes",
}
NOW = datetime(2026, 5, 15, 10, 0)
TODAY = NOW.date()
WINDOW = 30
FEE = 4.95

Row = dict[str, Any]
Action = tuple[str, dict[str, Any]]


def m(value: float) -> str:
    """An amount as the agent should say it: two decimals, no currency sign."""
    return f"{value + 1e-9:.2f}"


@dataclass
class Draft:
    """What a task definition returns; the builder replays ``actions`` and fills outputs."""

    persona: str
    goal: str
    known_info: str
    actions: list[Action]
    withheld: str = ""
    outputs: list[str] | Callable[[list[Any]], list[str]] = field(default_factory=list)


@dataclass
class Registered:
    task_id: str
    tags: list[str]
    fn: Callable[[World], Draft]
    first: bool = False


REGISTRY: list[Registered] = []


def task(
    task_id: str, *tags: str, first: bool = False
) -> Callable[[Callable[[World], Draft]], Callable[..., Draft]]:
    """Register a task definition; ``first`` ones pick their customer before the others
    (for situations only a few customers are in)."""

    def deco(fn: Callable[[World], Draft]) -> Callable[[World], Draft]:
        REGISTRY.append(Registered(task_id, list(tags), fn, first))
        return fn

    return deco


def _load(name: str) -> list[Row]:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


class NoCandidate(LookupError):
    pass


class World:
    def __init__(self) -> None:
        self.users = {u["user_id"]: u for u in _load("users")}
        self.orders = {o["order_id"]: o for o in _load("orders")}
        self.products = {p["product_id"]: p for p in _load("products")}
        self.variants = {v["variant_id"]: v for v in _load("variants")}
        self.methods = {p["payment_method_id"]: p for p in _load("payment_methods")}
        self.items_by_order: dict[str, list[Row]] = {}
        for item in _load("order_items"):
            self.items_by_order.setdefault(item["order_id"], []).append(item)
        for items in self.items_by_order.values():
            items.sort(key=lambda i: i["line_no"])
        self.shipments = {s["order_id"]: s for s in _load("shipments")}
        self.returns_by_order: dict[str, list[Row]] = {}
        for r in _load("return_requests"):
            self.returns_by_order.setdefault(r["order_id"], []).append(r)
        self.return_items: dict[str, list[Row]] = {}
        for ri in _load("return_items"):
            self.return_items.setdefault(ri["return_id"], []).append(ri)
        self.credits = {c["order_id"]: c for c in _load("goodwill_credits")}
        self.orders_by_user: dict[str, list[Row]] = {}
        for o in sorted(self.orders.values(), key=lambda o: (o["placed_at"], o["order_id"])):
            self.orders_by_user.setdefault(o["user_id"], []).append(o)
        self.methods_by_user: dict[str, list[Row]] = {}
        for pm in sorted(self.methods.values(), key=lambda p: p["payment_method_id"]):
            self.methods_by_user.setdefault(pm["user_id"], []).append(pm)
        self.variants_by_product: dict[str, list[Row]] = {}
        for v in sorted(self.variants.values(), key=lambda v: v["variant_id"]):
            self.variants_by_product.setdefault(v["product_id"], []).append(v)
        self.used_users: set[str] = set()
        self.rng = random.Random(0)

    def begin(self, task_id: str) -> None:
        self.rng = random.Random(task_id)

    # -- picking --------------------------------------------------------------------

    def pick(self, candidates: Iterable[Any], user_of: Callable[[Any], str] | None = None) -> Any:
        """One candidate whose user is not yet used (marks the user used)."""
        pool = sorted(candidates, key=lambda c: json.dumps(c, sort_keys=True, default=str))
        self.rng.shuffle(pool)
        for cand in pool:
            uid = user_of(cand) if user_of else cand["user_id"]
            if uid not in self.used_users:
                self.used_users.add(uid)
                return cand
        raise NoCandidate("no candidate left")

    def pick_order(
        self,
        pred: Callable[[Row], bool],
        user_pred: Callable[[Row], bool] | None = None,
        distinct: bool = True,
    ) -> Row:
        """An order matching ``pred`` (items with distinct product names by default)."""
        cands = [
            o
            for o in self.orders.values()
            if (not distinct or self.distinct_products(o["order_id"]))
            and pred(o)
            and (user_pred is None or user_pred(self.users[o["user_id"]]))
        ]
        return self.pick(cands)

    def pick_user(self, pred: Callable[[Row], bool]) -> Row:
        return self.pick([u for u in self.users.values() if pred(u)])

    def claim(self, uid: str) -> None:
        self.used_users.add(uid)

    def free(self, uid: str) -> bool:
        return uid not in self.used_users

    # -- users ----------------------------------------------------------------------

    def user(self, order_or_uid: Row | str) -> Row:
        uid = order_or_uid if isinstance(order_or_uid, str) else order_or_uid["user_id"]
        return self.users[uid]

    def full(self, u: Row) -> str:
        return f"{u['first_name']} {u['last_name']}"

    def user_orders(self, u: Row, status: str | None = None) -> list[Row]:
        return [
            o
            for o in self.orders_by_user.get(u["user_id"], [])
            if status is None or o["status"] == status
        ]

    def gift_cards(self, u: Row) -> list[Row]:
        return [p for p in self.methods_by_user[u["user_id"]] if p["method_type"] == "gift_card"]

    def cards(self, u: Row, valid: bool | None = None) -> list[Row]:
        out = [p for p in self.methods_by_user[u["user_id"]] if p["method_type"] == "credit_card"]
        if valid is not None:
            out = [p for p in out if self.card_valid(p) == valid]
        return out

    def wallets(self, u: Row) -> list[Row]:
        return [p for p in self.methods_by_user[u["user_id"]] if p["method_type"] == "wallet"]

    def card_valid(self, pm: Row) -> bool:
        return (
            pm["method_type"] != "credit_card" or date.fromisoformat(pm["card_expires_on"]) >= TODAY
        )

    def pm_text(self, pm: Row) -> str:
        """How a customer would name a payment method."""
        if pm["method_type"] == "credit_card":
            return f"your {pm['card_brand']} card ending in {pm['card_last4']}"
        if pm["method_type"] == "wallet":
            return "your Paywise wallet"
        return f"your gift card ({pm['payment_method_id']})"

    def new_address(self, region: str | None = None, line2: bool | None = None) -> Row:
        """A fresh, valid address (in ``region`` if given)."""
        rng = self.rng
        code, towns = next(r for r in REGIONS if r[0] == region) if region else rng.choice(REGIONS)
        town, prefix = rng.choice(towns)
        with_unit = rng.random() < 0.35 if line2 is None else line2
        return {
            "address_line1": f"{rng.randint(3, 1990)} {rng.choice(STREETS)} "
            f"{rng.choice(STREET_TYPES)}",
            "address_line2": f"Apt {rng.randint(1, 30)}{rng.choice('ABCD')}" if with_unit else None,
            "city": town,
            "region": code,
            "postal_code": f"{prefix}{rng.randint(1, 99):02d}",
        }

    def user_address(self, u: Row) -> Row:
        return {
            "address_line1": u["address_line1"],
            "address_line2": u["address_line2"],
            "city": u["city"],
            "region": u["region"],
            "postal_code": u["postal_code"],
        }

    # -- orders ---------------------------------------------------------------------

    def items(self, order: Row | str) -> list[Row]:
        oid = order if isinstance(order, str) else order["order_id"]
        return self.items_by_order[oid]

    def distinct_products(self, oid: str) -> bool:
        names = [self.products[i["product_id"]]["name"] for i in self.items_by_order[oid]]
        return len(set(names)) == len(names)

    def subtotal(self, order: Row) -> float:
        return round(sum(i["unit_price"] for i in self.items(order)), 2)

    def total(self, order: Row) -> float:
        return round(self.subtotal(order) + order["shipping_fee"], 2)

    def ship(self, order: Row) -> Row | None:
        return self.shipments.get(order["order_id"])

    def delivered(self, order: Row) -> date | None:
        s = self.ship(order)
        if s is None or s["delivered_at"] is None:
            return None
        return datetime.fromisoformat(s["delivered_at"]).date()

    def window_end(self, order: Row) -> date | None:
        d = self.delivered(order)
        return None if d is None else d + timedelta(days=WINDOW)

    def in_window(self, order: Row, margin: int = 2) -> bool:
        """Delivered, with at least ``margin`` days of the window left (and not too fresh)."""
        end = self.window_end(order)
        return order["status"] == "delivered" and end is not None and (end - TODAY).days >= margin

    def past_window(self, order: Row, min_days: int = 3, max_days: int = 60) -> bool:
        end = self.window_end(order)
        return (
            order["status"] == "delivered"
            and end is not None
            and (min_days <= (TODAY - end).days <= max_days)
        )

    def late(self, order: Row) -> bool:
        s = self.ship(order)
        return bool(
            s and s["status"] == "in_transit" and s["estimated_delivery"] < TODAY.isoformat()
        )

    def returnable(self, item: Row) -> bool:
        return self.products[item["product_id"]]["returnable"] and item["status"] == "active"

    def sized(self, item: Row) -> bool:
        """Whether the item comes in sizes (so 'wrong size or fit' makes sense)."""
        opts = self.variants[item["variant_id"]]["options"]
        return "size" in opts or "waist" in opts

    def product_of(self, item: Row) -> Row:
        return self.products[item["product_id"]]

    def name(self, item: Row) -> str:
        return self.products[item["product_id"]]["name"]

    # -- variants -------------------------------------------------------------------

    def vtext(self, variant: Row) -> str:
        """Natural text for a variant's options, e.g. 'size M, color slate'."""
        return ", ".join(f"{k} {v}" for k, v in variant["options"].items())

    def desc(self, item: Row) -> str:
        v = self.variants[item["variant_id"]]
        return f"{self.name(item)} ({self.vtext(v)})"

    def alts(
        self,
        item: Row,
        in_stock: bool = True,
        one_change: bool = True,
        price: str | None = None,
        option: str | None = None,
    ) -> list[Row]:
        """Other variants of the item's product.

        Args:
            in_stock: True for variants with stock, False for out-of-stock ones.
            one_change: Only variants that differ from the item's in exactly one option.
            price: None, 'same', 'higher' or 'lower' than the price paid.
            option: Only variants that differ in exactly this option (e.g. 'size').
        """
        cur = self.variants[item["variant_id"]]
        out = []
        for v in self.variants_by_product[item["product_id"]]:
            if v["variant_id"] == cur["variant_id"] or (v["stock"] > 0) != in_stock:
                continue
            diffs = [k for k in cur["options"] if cur["options"][k] != v["options"][k]]
            if one_change and len(diffs) != 1:
                continue
            if option is not None and diffs != [option]:
                continue
            paid = item["unit_price"]
            if price == "same" and abs(v["price"] - paid) > 0.001:
                continue
            if price == "higher" and v["price"] <= paid + 0.001:
                continue
            if price == "lower" and v["price"] >= paid - 0.001:
                continue
            out.append(v)
        return out

    def alt(self, item: Row, **kw: Any) -> Row:
        options = self.alts(item, **kw)
        if not options:
            raise NoCandidate(f"no alternative variant for {item['item_id']}")
        return self.rng.choice(options)

    def change(self, item: Row, new: Row) -> str:
        """'size 10 instead of size 9' style text for a variant change."""
        cur = self.variants[item["variant_id"]]["options"]
        parts_new = [f"{k} {new['options'][k]}" for k in cur if cur[k] != new["options"][k]]
        parts_old = [f"{k} {cur[k]}" for k in cur if cur[k] != new["options"][k]]
        return f"{' and '.join(parts_new)} instead of {' and '.join(parts_old)}"


# -- action helpers -------------------------------------------------------------------


def by_email(u: Row) -> Action:
    return ("find_user_id_by_email", {"email": u["email"]})


def by_name(u: Row) -> Action:
    return (
        "find_user_id_by_name_zip",
        {
            "first_name": u["first_name"],
            "last_name": u["last_name"],
            "postal_code": u["postal_code"],
        },
    )


def details(u: Row) -> Action:
    return ("get_user_details", {"user_id": u["user_id"]})


def order(o: Row | str) -> Action:
    return ("get_order_details", {"order_id": o if isinstance(o, str) else o["order_id"]})


def product(pid: str) -> Action:
    return ("get_product_details", {"product_id": pid})


def address_kwargs(addr: dict[str, Any]) -> dict[str, Any]:
    out = {k: addr[k] for k in ("address_line1", "city", "region", "postal_code")}
    if addr.get("address_line2"):
        out["address_line2"] = addr["address_line2"]
    return out


def addr_text(addr: dict[str, Any]) -> str:
    line2 = f", {addr['address_line2']}" if addr.get("address_line2") else ""
    return f"{addr['address_line1']}{line2}, {addr['city']}, {addr['region']} {addr['postal_code']}"


CAP = {"standard": 10.0, "silver": 20.0, "gold": 30.0}


def pending(o: Row) -> bool:
    return o["status"] == "pending"


def cancel(o: Row, reason: str) -> Action:
    return ("cancel_pending_order", {"order_id": o["order_id"], "reason": reason})


def refund_total(i: int) -> Callable[[list[Any]], list[str]]:
    """Outputs: the refund total reported by the i-th gold action."""
    return lambda r: [m(r[i]["refund_total"])]


def modifiable(w: World, o: Row, n: int = 1, price: str | None = "same") -> bool:
    """Pending, items never modified, and the first n items have an alternative."""
    return (
        pending(o)
        and not o["items_modified"]
        and len(w.items(o)) >= n
        and all(w.alts(i, price=price) for i in w.items(o)[:n])
    )


def swap(o: Row, items: list[Row], variants: list[Row], pm: str) -> Action:
    return (
        "modify_pending_order_items",
        {
            "order_id": o["order_id"],
            "item_ids": [i["item_id"] for i in items],
            "new_variant_ids": [v["variant_id"] for v in variants],
            "payment_method_id": pm,
        },
    )


def late_order(w: World, o: Row) -> bool:
    return w.late(o) and o["order_id"] not in w.credits


def credit(o: Row, amount: float, gift: str = "") -> Action:
    kw: dict[str, Any] = {"order_id": o["order_id"], "amount": amount}
    if gift:
        kw["gift_card_id"] = gift
    return ("issue_goodwill_credit", kw)


def ret(o: Row, items: list[Row], reason: str, pm: str) -> Action:
    return (
        "return_delivered_order_items",
        {
            "order_id": o["order_id"],
            "item_ids": [i["item_id"] for i in items],
            "reason": reason,
            "refund_method_id": pm,
        },
    )


def quote(o: Row, items: list[Row], reason: str) -> Action:
    return (
        "calculate_return_refund",
        {"order_id": o["order_id"], "item_ids": [i["item_id"] for i in items], "reason": reason},
    )


def exch(o: Row, items: list[Row], variants: list[Row], pm: str) -> Action:
    return (
        "exchange_delivered_order_items",
        {
            "order_id": o["order_id"],
            "item_ids": [i["item_id"] for i in items],
            "new_variant_ids": [v["variant_id"] for v in variants],
            "payment_method_id": pm,
        },
    )


def track(o: Row) -> Action:
    return ("track_shipment", {"order_id": o["order_id"]})


def move(o: Row, addr: Row) -> Action:
    return ("modify_pending_order_address", {"order_id": o["order_id"], **address_kwargs(addr)})


def rehome(u: Row, addr: Row) -> Action:
    return ("update_user_default_address", {"user_id": u["user_id"], **address_kwargs(addr)})


def repay(o: Row, pm: str) -> Action:
    return ("modify_pending_order_payment", {"order_id": o["order_id"], "payment_method_id": pm})


def withdraw(rid: str) -> Action:
    return ("withdraw_return_request", {"return_id": rid})


def refund_of(i: int) -> Callable[[list[Any]], list[str]]:
    """Outputs: the refund amount of the return created by the i-th gold action."""
    return lambda r: [m(r[i]["refund_amount"])]
