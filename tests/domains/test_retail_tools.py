"""Every retail tool: a success path and its error paths, on a fresh in-memory database.

Entities are picked from the committed seed data by their situation (a pending order, a
delivered order still inside its return window, a late parcel...), never by hard-coded ids,
so the tests keep working when the generator changes.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from tautrait.domain.environment import ToolResult
from tautrait.domain.loader import load_domain
from tests.domains.calls import Probe
from tests.domains.seeds import first, retail_seed

DOMAIN = load_domain("retail")
S = retail_seed()


# -- helpers ----------------------------------------------------------------------------


def env() -> Probe:
    """A fresh episode in which every customer is already authenticated (authentication
    is tested in test_retail_policy.py)."""
    return Probe(DOMAIN, "users", "user_id")


def user_methods(uid: str, kind: str | None = None) -> list[dict[str, Any]]:
    return [
        m
        for m in sorted(S.methods.values(), key=lambda m: m["payment_method_id"])
        if m["user_id"] == uid and (kind is None or m["method_type"] == kind)
    ]


def expired(m: dict[str, Any]) -> bool:
    return m["method_type"] == "credit_card" and date.fromisoformat(m["card_expires_on"]) < S.today


def returnable(item: dict[str, Any]) -> bool:
    return S.products[item["product_id"]]["returnable"] and item["status"] == "active"


def window_end(order: dict[str, Any]) -> date | None:
    s = S.shipments.get(order["order_id"])
    if s is None or s["delivered_at"] is None:
        return None
    return datetime.fromisoformat(s["delivered_at"]).date() + timedelta(days=30)


def in_window(order: dict[str, Any]) -> bool:
    end = window_end(order)
    return order["status"] == "delivered" and end is not None and end >= S.today


def orders(pred: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
    return [o for o in S.orders if pred(o)]


def pending(pred: Callable[[dict[str, Any]], bool] = lambda o: True) -> dict[str, Any]:
    return first(orders(lambda o: o["status"] == "pending" and pred(o)), "pending order")


def alts(item: dict[str, Any], in_stock: bool = True) -> list[dict[str, Any]]:
    return [
        v
        for v in sorted(S.variants.values(), key=lambda v: v["variant_id"])
        if v["product_id"] == item["product_id"]
        and v["variant_id"] != item["variant_id"]
        and (v["stock"] > 0) == in_stock
    ]


def late(order: dict[str, Any]) -> bool:
    s = S.shipments.get(order["order_id"])
    return bool(s and s["status"] == "in_transit" and s["estimated_delivery"] < "2026-05-15")


def other_user_method(uid: str) -> dict[str, Any]:
    return first((m for m in S.methods.values() if m["user_id"] != uid), "foreign method")


# -- accounts -----------------------------------------------------------------------------


def test_find_user_id_by_email_ignores_case_and_spaces() -> None:
    u = next(iter(S.users.values()))
    assert env().ok("find_user_id_by_email", email=f"  {u['email'].upper()} ") == {
        "user_id": u["user_id"]
    }


def test_find_user_id_by_email_unknown() -> None:
    env().refused("find_user_id_by_email", "no account", email="nobody@nowhere.example")


def test_find_user_id_by_name_zip_folds_case_and_accents() -> None:
    u = first(
        (u for u in S.users.values() if not (u["first_name"] + u["last_name"]).isascii()),
        "user with an accented name",
    )

    def plain(s: str) -> str:
        return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()

    found = env().ok(
        "find_user_id_by_name_zip",
        first_name=plain(u["first_name"]),
        last_name=plain(u["last_name"]),
        postal_code=u["postal_code"],
    )
    assert found == {"user_id": u["user_id"]}


def test_find_user_id_by_name_zip_errors() -> None:
    u = next(iter(S.users.values()))
    e = env()
    wrong_zip = "99999" if u["postal_code"] != "99999" else "11111"
    e.refused(
        "find_user_id_by_name_zip",
        "no account",
        first_name=u["first_name"],
        last_name=u["last_name"],
        postal_code=wrong_zip,
    )
    e.refused(
        "find_user_id_by_name_zip",
        "no account",
        first_name="Zebulon",
        last_name=u["last_name"],
        postal_code=u["postal_code"],
    )


def test_get_user_details() -> None:
    uid = S.orders[0]["user_id"]
    d = env().ok("get_user_details", user_id=uid)
    assert d["user_id"] == uid and d["email"] == S.users[uid]["email"]
    assert {m["payment_method_id"] for m in d["payment_methods"]} == {
        m["payment_method_id"] for m in user_methods(uid)
    }
    assert S.orders[0]["order_id"] in {o["order_id"] for o in d["orders"]}
    gifts = [m for m in d["payment_methods"] if m["type"] == "gift_card"]
    assert all("balance" in g for g in gifts)


def test_get_user_details_unknown() -> None:
    env().refused("get_user_details", "no user", user_id="U000000")


def _new_address() -> dict[str, str]:
    return {
        "address_line1": "77 Quarry Lane",
        "city": "Harlow",
        "region": "HV",
        "postal_code": "42077",
        "address_line2": "Unit 5",
    }


def test_update_user_default_address() -> None:
    e = env()
    uid = next(iter(S.users))
    res = e.ok("update_user_default_address", user_id=uid, **_new_address())
    assert res["default_address"]["postal_code"] == "42077"
    row = e.row("users", user_id=uid)
    assert (row["address_line1"], row["address_line2"], row["city"], row["region"]) == (
        "77 Quarry Lane",
        "Unit 5",
        "Harlow",
        "HV",
    )
    # The region may be given by name; the stored value is its code.
    e.ok(
        "update_user_default_address",
        user_id=uid,
        address_line1="9 Kiln Row",
        city="Orrin",
        region="orrin lakes",
        postal_code="86011",
    )
    assert e.row("users", user_id=uid)["region"] == "OL"


def test_update_user_default_address_errors() -> None:
    e = env()
    u = next(iter(S.users.values()))
    good = _new_address()
    e.refused("update_user_default_address", "no user", user_id="U000000", **good)
    e.refused(
        "update_user_default_address",
        "does not deliver",
        user_id=u["user_id"],
        **{**good, "region": "FI", "postal_code": "91204"},
    )
    e.refused(
        "update_user_default_address",
        "5 digits",
        user_id=u["user_id"],
        **{**good, "postal_code": "42O77"},
    )
    e.refused(
        "update_user_default_address",
        "not in region",
        user_id=u["user_id"],
        **{**good, "postal_code": "31077"},
    )
    e.refused(
        "update_user_default_address",
        "street line",
        user_id=u["user_id"],
        **{**good, "address_line1": "  "},
    )
    same = {
        "address_line1": u["address_line1"],
        "city": u["city"],
        "region": u["region"],
        "postal_code": u["postal_code"],
        "address_line2": u["address_line2"] or "",
    }
    e.refused("update_user_default_address", "already", user_id=u["user_id"], **same)


def test_get_gift_card_balance() -> None:
    g = first((m for m in S.methods.values() if m["method_type"] == "gift_card"), "gift card")
    res = env().ok("get_gift_card_balance", gift_card_id=g["payment_method_id"])
    assert res["balance"] == round(g["gift_card_balance"], 2)
    assert res["user_id"] == g["user_id"]


def test_get_gift_card_balance_errors() -> None:
    card = first((m for m in S.methods.values() if m["method_type"] == "credit_card"), "card")
    e = env()
    e.refused("get_gift_card_balance", "not a gift card", gift_card_id=card["payment_method_id"])
    e.refused("get_gift_card_balance", "no payment method", gift_card_id="gift_0000000")


# -- catalogue ----------------------------------------------------------------------------


def test_list_products() -> None:
    e = env()
    everything = e.ok("list_products")
    assert len(everything) == len(S.products)
    kitchen = e.ok("list_products", category="Kitchen")
    assert kitchen and all(p["category"] == "Kitchen" for p in kitchen)
    assert all(p["price_from"] <= p["price_to"] for p in everything)


def test_list_products_rejects_unknown_category() -> None:
    env().refused("list_products", "category", category="Garden Gnomes")


def test_get_product_details() -> None:
    pid = next(iter(S.products))
    d = env().ok("get_product_details", product_id=pid)
    assert d["product_id"] == pid
    ids = {v["variant_id"] for v in d["variants"]}
    assert ids == {v["variant_id"] for v in S.variants.values() if v["product_id"] == pid}
    assert all(v["available"] == (v["stock"] > 0) for v in d["variants"])


def test_get_product_details_unknown() -> None:
    env().refused("get_product_details", "no product", product_id="P0000")


# -- orders -------------------------------------------------------------------------------


def test_get_order_details_accepts_id_variants() -> None:
    o = first(orders(lambda o: o["status"] == "delivered"), "delivered order")
    e = env()
    d = e.ok("get_order_details", order_id=o["order_id"])
    assert d["order_id"] == o["order_id"] and d["status"] == "delivered"
    assert [i["item_id"] for i in d["items"]] == [i["item_id"] for i in S.items[o["order_id"]]]
    assert d["return_window_ends"] == window_end(o).isoformat()
    assert d["shipment"]["tracking_number"] == S.shipments[o["order_id"]]["tracking_number"]
    for alias in (f"#{o['order_id']}", o["order_id"][3:], o["order_id"].lower()):
        assert e.ok("get_order_details", order_id=alias)["order_id"] == o["order_id"]


def test_get_order_details_unknown() -> None:
    env().refused("get_order_details", "no order", order_id="KL-000000")


def test_track_shipment() -> None:
    o = first(orders(lambda o: o["status"] == "shipped"), "shipped order")
    d = env().ok("track_shipment", order_id=o["order_id"])
    s = S.shipments[o["order_id"]]
    assert d["tracking_number"] == s["tracking_number"] and d["status"] == s["status"]
    assert d["late"] == late(o)


def test_track_shipment_errors() -> None:
    e = env()
    e.refused("track_shipment", "no shipment", order_id=pending()["order_id"])
    e.refused("track_shipment", "no order", order_id="KL-000000")


def test_cancel_pending_order_refunds_and_restocks() -> None:
    o = pending(lambda o: S.methods[o["payment_method_id"]]["method_type"] == "gift_card")
    e = env()
    pm = S.methods[o["payment_method_id"]]
    vid = S.items[o["order_id"]][0]["variant_id"]
    stock = e.row("variants", variant_id=vid)["stock"]
    res = e.ok("cancel_pending_order", order_id=o["order_id"], reason="ordered by mistake")
    total = round(sum(i["unit_price"] for i in S.items[o["order_id"]]) + o["shipping_fee"], 2)
    assert res["refund_total"] == total
    row = e.row("orders", order_id=o["order_id"])
    assert row["status"] == "cancelled" and row["cancel_reason"] == "ordered by mistake"
    assert {i["status"] for i in e.rows("order_items", order_id=o["order_id"])} == {"cancelled"}
    assert e.row("variants", variant_id=vid)["stock"] >= stock + 1
    balance = e.row("payment_methods", payment_method_id=pm["payment_method_id"])
    assert round(balance["gift_card_balance"], 2) == round(pm["gift_card_balance"] + total, 2)
    refund = [t for t in e.rows("transactions", order_id=o["order_id"]) if t["kind"] == "refund"]
    assert [round(t["amount"], 2) for t in refund] == [total]


def test_cancel_pending_order_errors() -> None:
    e = env()
    for status in ("shipped", "delivered", "cancelled"):
        o = first(orders(lambda o, s=status: o["status"] == s), f"{status} order")
        e.refused(
            "cancel_pending_order",
            f"is {status}",
            order_id=o["order_id"],
            reason="no longer needed",
        )
    e.refused("cancel_pending_order", "no order", order_id="KL-000000", reason="no longer needed")
    e.refused("cancel_pending_order", "reason", order_id=pending()["order_id"], reason="bored")


def test_modify_pending_order_address() -> None:
    o = pending()
    e = env()
    res = e.ok("modify_pending_order_address", order_id=o["order_id"], **_new_address())
    assert res["shipping_address"]["city"] == "Harlow"
    row = e.row("orders", order_id=o["order_id"])
    assert (row["ship_line1"], row["ship_line2"], row["ship_postal_code"]) == (
        "77 Quarry Lane",
        "Unit 5",
        "42077",
    )
    assert row["ship_name"] == o["ship_name"]


def test_modify_pending_order_address_errors() -> None:
    e = env()
    shipped = first(orders(lambda o: o["status"] == "shipped"), "shipped order")
    e.refused(
        "modify_pending_order_address",
        "only pending",
        order_id=shipped["order_id"],
        **_new_address(),
    )
    o = pending()
    e.refused(
        "modify_pending_order_address",
        "does not deliver",
        order_id=o["order_id"],
        **{**_new_address(), "region": "Farrow Isles"},
    )
    current = {
        "address_line1": o["ship_line1"],
        "address_line2": o["ship_line2"] or "",
        "city": o["ship_city"],
        "region": o["ship_region"],
        "postal_code": o["ship_postal_code"],
    }
    e.refused("modify_pending_order_address", "already ships", order_id=o["order_id"], **current)


def _switchable() -> tuple[dict[str, Any], dict[str, Any]]:
    for o in orders(lambda o: o["status"] == "pending"):
        for m in user_methods(o["user_id"]):
            other = m["payment_method_id"] != o["payment_method_id"]
            if other and m["method_type"] in ("wallet", "credit_card") and not expired(m):
                return o, m
    raise AssertionError("no pending order with a second valid payment method")


def test_modify_pending_order_payment() -> None:
    o, new = _switchable()
    e = env()
    res = e.ok(
        "modify_pending_order_payment",
        order_id=o["order_id"],
        payment_method_id=new["payment_method_id"],
    )
    total = round(sum(i["unit_price"] for i in S.items[o["order_id"]]) + o["shipping_fee"], 2)
    assert res["amount"] == total
    assert res["new_payment_method_id"] == new["payment_method_id"]
    assert e.row("orders", order_id=o["order_id"])["payment_method_id"] == new["payment_method_id"]
    txs = e.rows("transactions", order_id=o["order_id"])
    assert any(
        t["kind"] == "refund" and t["payment_method_id"] == o["payment_method_id"] for t in txs
    )
    assert any(
        t["kind"] == "charge" and t["payment_method_id"] == new["payment_method_id"] for t in txs
    )


def test_modify_pending_order_payment_errors() -> None:
    o, _ = _switchable()
    e = env()
    e.refused(
        "modify_pending_order_payment",
        "already paid",
        order_id=o["order_id"],
        payment_method_id=o["payment_method_id"],
    )
    e.refused(
        "modify_pending_order_payment",
        "does not belong",
        order_id=o["order_id"],
        payment_method_id=other_user_method(o["user_id"])["payment_method_id"],
    )
    e.refused(
        "modify_pending_order_payment",
        "no payment method",
        order_id=o["order_id"],
        payment_method_id="card_0000000",
    )
    delivered = first(orders(lambda o: o["status"] == "delivered"), "delivered order")
    e.refused(
        "modify_pending_order_payment",
        "only pending",
        order_id=delivered["order_id"],
        payment_method_id=delivered["payment_method_id"],
    )


def _modifiable(price: str = "any") -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    for o in orders(lambda o: o["status"] == "pending" and not o["items_modified"]):
        if expired(S.methods[o["payment_method_id"]]):
            continue
        item = S.items[o["order_id"]][0]
        for v in alts(item):
            if price == "any" or v["price"] > item["unit_price"] + 0.005:
                return o, item, v
    raise AssertionError("no modifiable pending order")


def test_modify_pending_order_items() -> None:
    o, item, new = _modifiable("higher")
    e = env()
    old_stock = e.row("variants", variant_id=new["variant_id"])["stock"]
    res = e.ok(
        "modify_pending_order_items",
        order_id=o["order_id"],
        item_ids=[item["item_id"]],
        new_variant_ids=[new["variant_id"]],
        payment_method_id=o["payment_method_id"],
    )
    diff = round(new["price"] - item["unit_price"], 2)
    assert res["price_difference"] == diff and res["charged"] == diff
    row = e.row("order_items", item_id=item["item_id"])
    assert row["variant_id"] == new["variant_id"] and round(row["unit_price"], 2) == new["price"]
    assert e.row("orders", order_id=o["order_id"])["items_modified"] is True
    assert e.row("variants", variant_id=new["variant_id"])["stock"] == old_stock - 1
    charges = [t for t in e.rows("transactions", order_id=o["order_id"]) if t["kind"] == "charge"]
    assert round(charges[-1]["amount"], 2) == diff


def test_modify_pending_order_items_errors() -> None:
    o, item, new = _modifiable()
    e = env()
    base = {
        "order_id": o["order_id"],
        "item_ids": [item["item_id"]],
        "new_variant_ids": [new["variant_id"]],
        "payment_method_id": o["payment_method_id"],
    }
    other_product = first(
        (v for v in S.variants.values() if v["product_id"] != item["product_id"] and v["stock"]),
        "variant of another product",
    )
    e.refused(
        "modify_pending_order_items",
        "same product",
        **{**base, "new_variant_ids": [other_product["variant_id"]]},
    )
    e.refused(
        "modify_pending_order_items",
        "already is",
        **{**base, "new_variant_ids": [item["variant_id"]]},
    )
    e.refused(
        "modify_pending_order_items",
        "one new variant per item",
        **{**base, "new_variant_ids": []},
    )
    e.refused("modify_pending_order_items", "has no item", **{**base, "item_ids": ["KL-1-1"]})
    e.refused("modify_pending_order_items", "empty", **{**base, "item_ids": []})
    e.refused(
        "modify_pending_order_items",
        "twice",
        **{**base, "item_ids": [item["item_id"], item["item_id"]]},
    )
    e.refused(
        "modify_pending_order_items",
        "no product variant",
        **{**base, "new_variant_ids": ["V0000-01"]},
    )
    e.ok("modify_pending_order_items", **base)
    e.refused("modify_pending_order_items", "already modified", **base)
    delivered = first(orders(lambda o: o["status"] == "delivered"), "delivered order")
    e.refused(
        "modify_pending_order_items",
        "only pending",
        **{**base, "order_id": delivered["order_id"]},
    )


def test_modify_pending_order_items_out_of_stock() -> None:
    for o in orders(lambda o: o["status"] == "pending" and not o["items_modified"]):
        item = S.items[o["order_id"]][0]
        if alts(item, in_stock=False):
            oos = alts(item, in_stock=False)[0]
            break
    else:
        raise AssertionError("no pending item with an out-of-stock sibling")
    env().refused(
        "modify_pending_order_items",
        "out of stock",
        order_id=o["order_id"],
        item_ids=[item["item_id"]],
        new_variant_ids=[oos["variant_id"]],
        payment_method_id=o["payment_method_id"],
    )


# -- returns and exchanges ----------------------------------------------------------------


def _returnable_order(
    pred: Callable[[dict[str, Any]], bool] = lambda o: True,
) -> tuple[dict[str, Any], dict[str, Any]]:
    for o in orders(lambda o: in_window(o) and pred(o)):
        for item in S.items[o["order_id"]]:
            if returnable(item):
                return o, item
    raise AssertionError("no order with a returnable item inside its window")


def test_calculate_return_refund() -> None:
    o, item = _returnable_order(lambda o: S.users[o["user_id"]]["loyalty_tier"] != "gold")
    e = env()
    res = e.ok(
        "calculate_return_refund",
        order_id=o["order_id"],
        item_ids=[item["item_id"]],
        reason="no longer needed",
    )
    assert res["return_shipping_fee"] == 4.95
    assert res["refund"] == round(item["unit_price"] - 4.95, 2)
    assert res["return_window_ends"] == window_end(o).isoformat()
    res = e.ok(
        "calculate_return_refund",
        order_id=o["order_id"],
        item_ids=[item["item_id"]],
        reason="damaged or defective",
    )
    assert res["refund"] == round(item["unit_price"], 2)


def test_calculate_return_refund_errors() -> None:
    e = env()
    p = pending()
    e.refused(
        "calculate_return_refund",
        "only delivered",
        order_id=p["order_id"],
        item_ids=[S.items[p["order_id"]][0]["item_id"]],
        reason="no longer needed",
    )
    o, _ = _returnable_order()
    e.refused(
        "calculate_return_refund",
        "has no item",
        order_id=o["order_id"],
        item_ids=["KL-000000-9"],
        reason="no longer needed",
    )


def test_return_delivered_order_items() -> None:
    o, item = _returnable_order()
    e = env()
    res = e.ok(
        "return_delivered_order_items",
        order_id=o["order_id"],
        item_ids=[item["item_id"]],
        reason="not as described",
        refund_method_id=o["payment_method_id"],
    )
    assert res["status"] == "requested" and res["kind"] == "return"
    assert res["refund_amount"] == round(item["unit_price"], 2)
    req = e.row("return_requests", return_id=res["return_id"])
    assert req["settlement_method_id"] == o["payment_method_id"]
    assert e.row("order_items", item_id=item["item_id"])["status"] == "return_requested"
    assert [r["item_id"] for r in e.rows("return_items", return_id=res["return_id"])] == [
        item["item_id"]
    ]


def test_return_delivered_order_items_errors() -> None:
    o, item = _returnable_order()
    e = env()
    base = {
        "order_id": o["order_id"],
        "item_ids": [item["item_id"]],
        "reason": "no longer needed",
        "refund_method_id": o["payment_method_id"],
    }
    e.refused(
        "return_delivered_order_items",
        "does not belong",
        **{**base, "refund_method_id": other_user_method(o["user_id"])["payment_method_id"]},
    )
    e.refused("return_delivered_order_items", "empty", **{**base, "item_ids": []})
    e.refused("return_delivered_order_items", "reason", **{**base, "reason": "meh"})
    e.ok("return_delivered_order_items", **base)
    e.refused("return_delivered_order_items", "only once", **base)


def _exchangeable(
    price: str = "any",
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    for o in orders(in_window):
        if expired(S.methods[o["payment_method_id"]]):
            continue
        if S.methods[o["payment_method_id"]]["method_type"] == "gift_card":
            continue
        for item in S.items[o["order_id"]]:
            if not returnable(item):
                continue
            for v in alts(item):
                if price == "any" or v["price"] > item["unit_price"] + 0.005:
                    return o, item, v
    raise AssertionError("no exchangeable item")


def test_exchange_delivered_order_items_charges_the_difference() -> None:
    o, item, new = _exchangeable("higher")
    e = env()
    stock = e.row("variants", variant_id=new["variant_id"])["stock"]
    res = e.ok(
        "exchange_delivered_order_items",
        order_id=o["order_id"],
        item_ids=[item["item_id"]],
        new_variant_ids=[new["variant_id"]],
        payment_method_id=o["payment_method_id"],
    )
    diff = round(new["price"] - item["unit_price"], 2)
    assert res["kind"] == "exchange" and res["charge_amount"] == diff
    assert e.row("order_items", item_id=item["item_id"])["status"] == "exchange_requested"
    assert e.row("variants", variant_id=new["variant_id"])["stock"] == stock - 1
    ri = e.row("return_items", return_id=res["return_id"])
    assert ri["new_variant_id"] == new["variant_id"]
    charges = [t for t in e.rows("transactions", order_id=o["order_id"]) if t["kind"] == "charge"]
    assert round(charges[-1]["amount"], 2) == diff


def test_exchange_delivered_order_items_errors() -> None:
    o, item, new = _exchangeable()
    e = env()
    base = {
        "order_id": o["order_id"],
        "item_ids": [item["item_id"]],
        "new_variant_ids": [new["variant_id"]],
        "payment_method_id": o["payment_method_id"],
    }
    other = first(
        (v for v in S.variants.values() if v["product_id"] != item["product_id"]), "variant"
    )
    e.refused(
        "exchange_delivered_order_items",
        "same product",
        **{**base, "new_variant_ids": [other["variant_id"]]},
    )
    p = pending()
    e.refused(
        "exchange_delivered_order_items",
        "only delivered",
        **{**base, "order_id": p["order_id"], "item_ids": [S.items[p["order_id"]][0]["item_id"]]},
    )


def test_withdraw_return_request() -> None:
    req = first(
        (r for r in S.returns if r["status"] == "requested" and r["kind"] == "return"),
        "open return",
    )
    e = env()
    res = e.ok("withdraw_return_request", return_id=req["return_id"])
    assert res["status"] == "withdrawn"
    for ri in e.rows("return_items", return_id=req["return_id"]):
        assert e.row("order_items", item_id=ri["item_id"])["status"] == "active"
    e.refused("withdraw_return_request", "is withdrawn", return_id=req["return_id"])


def test_withdraw_exchange_refunds_charge_and_restocks() -> None:
    o, item, new = _exchangeable("higher")
    e = env()
    stock = e.row("variants", variant_id=new["variant_id"])["stock"]
    res = e.ok(
        "exchange_delivered_order_items",
        order_id=o["order_id"],
        item_ids=[item["item_id"]],
        new_variant_ids=[new["variant_id"]],
        payment_method_id=o["payment_method_id"],
    )
    back = e.ok("withdraw_return_request", return_id=res["return_id"])
    assert back["charge_refunded"] == res["charge_amount"]
    assert e.row("variants", variant_id=new["variant_id"])["stock"] == stock
    assert e.row("order_items", item_id=item["item_id"])["status"] == "active"


def test_withdraw_return_request_errors() -> None:
    e = env()
    received = first((r for r in S.returns if r["status"] == "received"), "received return")
    e.refused("withdraw_return_request", "is received", return_id=received["return_id"])
    e.refused("withdraw_return_request", "no return", return_id="RT-000000-1")


# -- goodwill and hand-off ------------------------------------------------------------------


def _late(gifts: int) -> dict[str, Any]:
    return first(
        orders(
            lambda o: (
                late(o)
                and o["order_id"] not in S.credits
                and len(user_methods(o["user_id"], "gift_card")) == gifts
            )
        ),
        f"late order of a customer with {gifts} gift card(s)",
    )


def test_issue_goodwill_credit_onto_existing_gift_card() -> None:
    o = _late(1)
    g = user_methods(o["user_id"], "gift_card")[0]
    e = env()
    res = e.ok(
        "issue_goodwill_credit",
        order_id=o["order_id"],
        amount=7.5,
        gift_card_id=g["payment_method_id"],
    )
    assert res["amount"] == 7.5
    assert res["new_gift_card_balance"] == round(g["gift_card_balance"] + 7.5, 2)
    assert (
        e.row("goodwill_credits", order_id=o["order_id"])["gift_card_id"] == g["payment_method_id"]
    )


def test_issue_goodwill_credit_opens_a_gift_card() -> None:
    o = _late(0)
    e = env()
    res = e.ok("issue_goodwill_credit", order_id=o["order_id"], amount=10)
    card = e.row("payment_methods", payment_method_id=res["gift_card_id"])
    assert card["user_id"] == o["user_id"] and card["method_type"] == "gift_card"
    assert round(card["gift_card_balance"], 2) == 10.0


def test_issue_goodwill_credit_errors() -> None:
    e = env()
    o = _late(1)
    g = user_methods(o["user_id"], "gift_card")[0]["payment_method_id"]
    cap = {"standard": 10.0, "silver": 20.0, "gold": 30.0}[S.users[o["user_id"]]["loyalty_tier"]]
    e.refused("issue_goodwill_credit", "limit", order_id=o["order_id"], amount=cap + 0.01,
            gift_card_id=g)  # fmt: skip
    e.refused("issue_goodwill_credit", "more than 0", order_id=o["order_id"], amount=0,
            gift_card_id=g)  # fmt: skip
    e.refused("issue_goodwill_credit", "finite number", order_id=o["order_id"],
            amount=float("nan"), gift_card_id=g)  # fmt: skip
    e.refused("issue_goodwill_credit", "already has gift card", order_id=o["order_id"], amount=5)
    card = first((m for m in user_methods(o["user_id"]) if m["method_type"] != "gift_card"), "card")
    e.refused("issue_goodwill_credit", "not a gift card", order_id=o["order_id"], amount=5,
            gift_card_id=card["payment_method_id"])  # fmt: skip
    e.refused("issue_goodwill_credit", "does not belong", order_id=o["order_id"], amount=5,
            gift_card_id=other_user_method(o["user_id"])["payment_method_id"])  # fmt: skip
    on_time = first(
        orders(
            lambda o: (
                o["status"] == "shipped"
                and S.shipments[o["order_id"]]["status"] == "in_transit"
                and not late(o)
            )
        ),
        "on-time parcel",
    )
    e.refused("issue_goodwill_credit", "not late", order_id=on_time["order_id"], amount=5)
    lost = first(
        orders(
            lambda o: (
                o["order_id"] in S.shipments and S.shipments[o["order_id"]]["status"] == "lost"
            )
        ),
        "lost parcel",
    )
    e.refused("issue_goodwill_credit", "lost", order_id=lost["order_id"], amount=5)
    e.refused("issue_goodwill_credit", "pending", order_id=pending()["order_id"], amount=5)
    credited = first(orders(lambda o: o["order_id"] in S.credits), "credited order")
    e.refused("issue_goodwill_credit", "only one credit", order_id=credited["order_id"], amount=1)


def test_transfer_to_human_agents_ends_the_episode() -> None:
    e = env()
    before = e.env.state_hash()
    result: ToolResult = e.env.execute("transfer_to_human_agents", {"summary": "lost parcel"})
    assert result.outcome == "ok" and result.ends_episode
    assert e.env.state_hash() == before


def test_transfer_to_human_agents_needs_a_summary() -> None:
    env().refused("transfer_to_human_agents", "summary", summary="   ")


def test_every_tool_is_exercised_here() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    missing = [name for name in DOMAIN.tools if f'"{name}"' not in source]
    assert not missing
    assert len(DOMAIN.tools) >= 16
    assert DOMAIN.tools["transfer_to_human_agents"].ends_episode
