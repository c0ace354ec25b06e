"""One test per hard rule [Rn] of domains/retail/policy.md: the tools enforce it.

Each test makes the call the rule forbids and checks that it is refused with a message
naming the problem and that the database is unchanged (and, where useful, that the
allowed neighbour of the call succeeds). The last test checks that every rule in
policy.md has its test here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from tautrait.domain.loader import load_domain
from tests.domains.calls import Probe
from tests.domains.grading import check_typed_variants_reach_gold, check_writes_need_authentication
from tests.domains.seeds import first, retail_seed

ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "domains" / "retail" / "policy.md"
DOMAIN = load_domain("retail")
S = retail_seed()


def orders(pred: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
    return [o for o in S.orders if pred(o)]


def signed_in() -> Probe:
    """A fresh episode in which every customer is already authenticated, to test the other
    rules (authentication itself: test_changes_need_the_customer_authenticated)."""
    return Probe(DOMAIN, "users", "user_id")


def methods_of(uid: str, kind: str) -> list[dict[str, Any]]:
    return sorted(
        (m for m in S.methods.values() if m["user_id"] == uid and m["method_type"] == kind),
        key=lambda m: m["payment_method_id"],
    )


def expired(m: dict[str, Any]) -> bool:
    return m["method_type"] == "credit_card" and date.fromisoformat(m["card_expires_on"]) < S.today


def delivered_on(o: dict[str, Any]) -> date | None:
    s = S.shipments.get(o["order_id"])
    return datetime.fromisoformat(s["delivered_at"]).date() if s and s["delivered_at"] else None


def in_window(o: dict[str, Any]) -> bool:
    d = delivered_on(o)
    return o["status"] == "delivered" and d is not None and d + timedelta(days=30) >= S.today


def returnable(item: dict[str, Any]) -> bool:
    return S.products[item["product_id"]]["returnable"] and item["status"] == "active"


def returnable_item(pred: Callable[[dict[str, Any]], bool] = lambda o: True) -> tuple[dict, dict]:
    for o in orders(lambda o: in_window(o) and pred(o)):
        for item in S.items[o["order_id"]]:
            if returnable(item):
                return o, item
    raise AssertionError("no returnable item inside its window")


def siblings(item: dict[str, Any], in_stock: bool) -> list[dict[str, Any]]:
    return [
        v
        for v in sorted(S.variants.values(), key=lambda v: v["variant_id"])
        if v["product_id"] == item["product_id"]
        and v["variant_id"] != item["variant_id"]
        and (v["stock"] > 0) == in_stock
    ]


ADDRESS = {"address_line1": "5 Heron Way", "city": "Millbrook", "region": "HV",
           "postal_code": "42311"}  # fmt: skip


def test_R1_identity_requires_exact_email_or_full_name_and_postal_code() -> None:
    e = Probe(DOMAIN)
    u = next(iter(S.users.values()))
    assert e.ok("find_user_id_by_email", email=u["email"])["user_id"] == u["user_id"]
    e.refused("find_user_id_by_email", "no account", email=u["email"] + ".org")
    e.refused("find_user_id_by_email", "no account", email=u["email"].split("@")[0])
    name = {"first_name": u["first_name"], "last_name": u["last_name"]}
    assert e.ok("find_user_id_by_name_zip", **name, postal_code=u["postal_code"])
    other_zip = first(
        (x["postal_code"] for x in S.users.values() if x["postal_code"] != u["postal_code"]), "zip"
    )
    e.refused("find_user_id_by_name_zip", "no account", **name, postal_code=other_zip)
    e.refused("find_user_id_by_name_zip", "no account", **name, postal_code="")
    e.refused(
        "find_user_id_by_name_zip",
        "no account",
        first_name=u["first_name"],
        last_name="Nobody",
        postal_code=u["postal_code"],
    )


def test_R2_only_pending_orders_can_be_cancelled() -> None:
    e = signed_in()
    for status in ("shipped", "delivered", "cancelled"):
        o = first(orders(lambda o, s=status: o["status"] == s), status)
        e.refused(
            "cancel_pending_order",
            "only pending orders can be cancelled",
            order_id=o["order_id"],
            reason="no longer needed",
        )
        assert e.value("orders", "status", order_id=o["order_id"]) == status
    p = first(orders(lambda o: o["status"] == "pending"), "pending")
    assert e.ok("cancel_pending_order", order_id=p["order_id"], reason="no longer needed")


def test_R3_only_pending_orders_can_be_modified() -> None:
    e = signed_in()
    for status in ("shipped", "delivered", "cancelled"):
        o = first(orders(lambda o, s=status: o["status"] == s), status)
        e.refused(
            "modify_pending_order_address",
            "only pending",
            order_id=o["order_id"],
            **ADDRESS,
        )
        other = (
            first(
                (
                    m
                    for m in S.methods.values()
                    if m["user_id"] == o["user_id"]
                    and m["payment_method_id"] != o["payment_method_id"]
                ),
                "second method",
            )
            if len([m for m in S.methods.values() if m["user_id"] == o["user_id"]]) > 1
            else None
        )
        if other is not None:
            e.refused(
                "modify_pending_order_payment",
                "only pending",
                order_id=o["order_id"],
                payment_method_id=other["payment_method_id"],
            )
        item = S.items[o["order_id"]][0]
        sib = siblings(item, True)
        if sib:
            e.refused(
                "modify_pending_order_items",
                "only pending",
                order_id=o["order_id"],
                item_ids=[item["item_id"]],
                new_variant_ids=[sib[0]["variant_id"]],
                payment_method_id=o["payment_method_id"],
            )


def test_R4_items_can_be_modified_only_once() -> None:
    done = first(orders(lambda o: o["status"] == "pending" and o["items_modified"]), "modified")
    item = S.items[done["order_id"]][0]
    e = signed_in()
    e.refused(
        "modify_pending_order_items",
        "already modified",
        order_id=done["order_id"],
        item_ids=[item["item_id"]],
        new_variant_ids=[
            first(siblings(item, True) or siblings(item, False), "sibling")["variant_id"]
        ],
        payment_method_id=done["payment_method_id"],
    )
    # A fresh order: the first modification works, a second one is refused.
    for o in orders(lambda o: o["status"] == "pending" and not o["items_modified"]):
        its = [i for i in S.items[o["order_id"]] if siblings(i, True)]
        if len(its) >= 2 and not expired(S.methods[o["payment_method_id"]]):
            break
    else:
        raise AssertionError("no pending order with two swappable items")
    a, b = its[:2]
    gift = {"payment_method_id": o["payment_method_id"]}
    e.ok(
        "modify_pending_order_items",
        order_id=o["order_id"],
        item_ids=[a["item_id"]],
        new_variant_ids=[siblings(a, True)[0]["variant_id"]],
        **gift,
    )
    e.refused(
        "modify_pending_order_items",
        "only once",
        order_id=o["order_id"],
        item_ids=[b["item_id"]],
        new_variant_ids=[siblings(b, True)[0]["variant_id"]],
        **gift,
    )


def test_R5_swaps_only_to_an_in_stock_variant_of_the_same_product() -> None:
    e = signed_in()
    for o in orders(lambda o: o["status"] == "pending" and not o["items_modified"]):
        item = S.items[o["order_id"]][0]
        if siblings(item, False) and siblings(item, True):
            break
    else:
        raise AssertionError("no pending item with in- and out-of-stock siblings")
    call = {"order_id": o["order_id"], "item_ids": [item["item_id"]],
            "payment_method_id": o["payment_method_id"]}  # fmt: skip
    oos = siblings(item, False)[0]
    e.refused("modify_pending_order_items", "out of stock", **call,
            new_variant_ids=[oos["variant_id"]])  # fmt: skip
    foreign = first(
        (v for v in S.variants.values() if v["product_id"] != item["product_id"] and v["stock"]),
        "foreign variant",
    )
    e.refused("modify_pending_order_items", "same product", **call,
            new_variant_ids=[foreign["variant_id"]])  # fmt: skip
    e.refused("modify_pending_order_items", "already is", **call,
            new_variant_ids=[item["variant_id"]])  # fmt: skip
    # The same holds for exchanges of delivered items.
    for d in orders(in_window):
        ex = [i for i in S.items[d["order_id"]] if returnable(i) and siblings(i, False)]
        if ex:
            break
    else:
        raise AssertionError("no delivered item with an out-of-stock sibling")
    e.refused(
        "exchange_delivered_order_items",
        "out of stock",
        order_id=d["order_id"],
        item_ids=[ex[0]["item_id"]],
        new_variant_ids=[siblings(ex[0], False)[0]["variant_id"]],
        payment_method_id=d["payment_method_id"],
    )


def test_R6_returns_only_for_delivered_orders_within_30_days() -> None:
    e = signed_in()
    late_order = first(
        orders(
            lambda o: (
                o["status"] == "delivered"
                and (S.today - delivered_on(o)).days == 31
                and any(returnable(i) for i in S.items[o["order_id"]])
            )
        )
        or orders(
            lambda o: (
                o["status"] == "delivered"
                and (S.today - delivered_on(o)).days > 31
                and any(returnable(i) for i in S.items[o["order_id"]])
            )
        ),
        "order delivered more than 30 days ago",
    )
    item = first((i for i in S.items[late_order["order_id"]] if returnable(i)), "item")
    msg = e.refused(
        "return_delivered_order_items",
        "return window ended",
        order_id=late_order["order_id"],
        item_ids=[item["item_id"]],
        reason="no longer needed",
        refund_method_id=late_order["payment_method_id"],
    )
    end = delivered_on(late_order) + timedelta(days=30)
    assert end.isoformat() in msg
    sib = siblings(item, True)
    if sib:
        e.refused(
            "exchange_delivered_order_items",
            "return window ended",
            order_id=late_order["order_id"],
            item_ids=[item["item_id"]],
            new_variant_ids=[sib[0]["variant_id"]],
            payment_method_id=late_order["payment_method_id"],
        )
    shipped = first(orders(lambda o: o["status"] == "shipped"), "shipped order")
    e.refused(
        "return_delivered_order_items",
        "only delivered",
        order_id=shipped["order_id"],
        item_ids=[S.items[shipped["order_id"]][0]["item_id"]],
        reason="no longer needed",
        refund_method_id=shipped["payment_method_id"],
    )
    # The last day of the window still counts.
    edge = orders(
        lambda o: (
            o["status"] == "delivered"
            and (S.today - delivered_on(o)).days == 30
            and any(returnable(i) for i in S.items[o["order_id"]])
        )
    )
    for o in edge[:1]:
        it = first((i for i in S.items[o["order_id"]] if returnable(i)), "item")
        e.ok(
            "calculate_return_refund",
            order_id=o["order_id"],
            item_ids=[it["item_id"]],
            reason="no longer needed",
        )


def test_R7_final_sale_products_cannot_be_returned_or_exchanged() -> None:
    e = signed_in()
    for o in orders(in_window):
        final = [i for i in S.items[o["order_id"]] if not S.products[i["product_id"]]["returnable"]]
        if final and final[0]["status"] == "active":
            break
    else:
        raise AssertionError("no final-sale item inside its window")
    item = final[0]
    assert S.products[item["product_id"]]["category"] in ("Personal Care", "Food & Drink")
    e.refused(
        "return_delivered_order_items",
        "final sale",
        order_id=o["order_id"],
        item_ids=[item["item_id"]],
        reason="damaged or defective",
        refund_method_id=o["payment_method_id"],
    )
    sib = siblings(item, True)
    if sib:
        e.refused(
            "exchange_delivered_order_items",
            "final sale",
            order_id=o["order_id"],
            item_ids=[item["item_id"]],
            new_variant_ids=[sib[0]["variant_id"]],
            payment_method_id=o["payment_method_id"],
        )


def test_R8_an_item_is_returned_or_exchanged_only_once() -> None:
    e = signed_in()
    o, item = returnable_item()
    call = {"order_id": o["order_id"], "item_ids": [item["item_id"]],
            "refund_method_id": o["payment_method_id"]}  # fmt: skip
    e.ok("return_delivered_order_items", **call, reason="not as described")
    e.refused("return_delivered_order_items", "only once", **call, reason="not as described")
    sib = siblings(item, True)
    if sib:
        e.refused(
            "exchange_delivered_order_items",
            "only once",
            order_id=o["order_id"],
            item_ids=[item["item_id"]],
            new_variant_ids=[sib[0]["variant_id"]],
            payment_method_id=o["payment_method_id"],
        )
    # Items already returned in the seed data are refused too.
    done = first(
        (
            (x, i)
            for x in orders(in_window)
            for i in S.items[x["order_id"]]
            if i["status"] in ("returned", "exchanged")
        ),
        "returned item inside its window",
    )
    e.refused(
        "return_delivered_order_items",
        "only once",
        order_id=done[0]["order_id"],
        item_ids=[done[1]["item_id"]],
        reason="no longer needed",
        refund_method_id=done[0]["payment_method_id"],
    )


def test_R9_refunds_go_to_the_original_method_or_a_gift_card() -> None:
    def has_other(o: dict[str, Any]) -> bool:
        return any(
            m["payment_method_id"] != o["payment_method_id"] and m["method_type"] != "gift_card"
            for m in S.methods.values()
            if m["user_id"] == o["user_id"]
        ) and bool(methods_of(o["user_id"], "gift_card"))

    o, item = returnable_item(has_other)
    other = first(
        (
            m
            for m in S.methods.values()
            if m["user_id"] == o["user_id"]
            and m["payment_method_id"] != o["payment_method_id"]
            and m["method_type"] != "gift_card"
        ),
        "other method",
    )
    e = signed_in()
    call = {"order_id": o["order_id"], "item_ids": [item["item_id"]], "reason": "not as described"}
    e.refused("return_delivered_order_items", "original payment method", **call,
            refund_method_id=other["payment_method_id"])  # fmt: skip
    gift = methods_of(o["user_id"], "gift_card")[0]
    res = e.ok("return_delivered_order_items", **call, refund_method_id=gift["payment_method_id"])
    assert res["settlement_method_id"] == gift["payment_method_id"]


def test_R10_gift_card_balance_never_goes_negative() -> None:
    for o in orders(lambda o: o["status"] == "pending"):
        total = round(sum(i["unit_price"] for i in S.items[o["order_id"]]) + o["shipping_fee"], 2)
        low = [
            g
            for g in methods_of(o["user_id"], "gift_card")
            if g["gift_card_balance"] < total and g["payment_method_id"] != o["payment_method_id"]
        ]
        if low:
            break
    else:
        raise AssertionError("no pending order bigger than a gift card of its customer")
    e = signed_in()
    e.refused(
        "modify_pending_order_payment",
        "cannot go negative",
        order_id=o["order_id"],
        payment_method_id=low[0]["payment_method_id"],
    )
    assert (
        e.value(
            "payment_methods", "gift_card_balance", payment_method_id=low[0]["payment_method_id"]
        )
        == low[0]["gift_card_balance"]
    )


def test_R11_only_own_and_unexpired_payment_methods_are_charged() -> None:
    e = signed_in()
    for o in orders(lambda o: o["status"] == "pending"):
        old = [m for m in methods_of(o["user_id"], "credit_card") if expired(m)]
        if old:
            break
    else:
        raise AssertionError("no pending order whose customer has an expired card")
    e.refused(
        "modify_pending_order_payment",
        "expired",
        order_id=o["order_id"],
        payment_method_id=old[0]["payment_method_id"],
    )
    foreign = first((m for m in S.methods.values() if m["user_id"] != o["user_id"]), "foreign")
    e.refused(
        "modify_pending_order_payment",
        "does not belong",
        order_id=o["order_id"],
        payment_method_id=foreign["payment_method_id"],
    )


def test_R12_return_refund_is_price_paid_minus_fee_where_due() -> None:
    e = signed_in()
    o, item = returnable_item(lambda o: S.users[o["user_id"]]["loyalty_tier"] != "gold")
    price = round(item["unit_price"], 2)
    for reason, expected in (
        ("no longer needed", round(price - 4.95, 2)),
        ("wrong size or fit", round(price - 4.95, 2)),
        ("damaged or defective", price),
        ("not as described", price),
    ):
        quote = e.ok(
            "calculate_return_refund",
            order_id=o["order_id"],
            item_ids=[item["item_id"]],
            reason=reason,
        )
        assert quote["refund"] == max(0.0, expected), reason
    g, gitem = returnable_item(lambda o: S.users[o["user_id"]]["loyalty_tier"] == "gold")
    quote = e.ok(
        "calculate_return_refund",
        order_id=g["order_id"],
        item_ids=[gitem["item_id"]],
        reason="no longer needed",
    )
    assert quote["return_shipping_fee"] == 0 and quote["refund"] == round(gitem["unit_price"], 2)
    # Returning every item refunds no more than was paid for the order.
    o2 = first(
        orders(lambda o: in_window(o) and all(returnable(i) for i in S.items[o["order_id"]])),
        "fully returnable order",
    )
    res = e.ok(
        "return_delivered_order_items",
        order_id=o2["order_id"],
        item_ids=[i["item_id"] for i in S.items[o2["order_id"]]],
        reason="not as described",
        refund_method_id=o2["payment_method_id"],
    )
    paid = round(sum(i["unit_price"] for i in S.items[o2["order_id"]]) + o2["shipping_fee"], 2)
    assert res["refund_amount"] <= paid


def _late(pred: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    return first(
        orders(
            lambda o: (
                o["order_id"] in S.shipments
                and S.shipments[o["order_id"]]["status"] == "in_transit"
                and S.shipments[o["order_id"]]["estimated_delivery"] < S.today.isoformat()
                and pred(o)
            )
        ),
        "late parcel",
    )


def test_R13_goodwill_credit_only_for_late_parcels_within_the_cap() -> None:
    e = signed_in()
    o = _late(
        lambda o: o["order_id"] not in S.credits and not methods_of(o["user_id"], "gift_card")
    )
    cap = {"standard": 10.0, "silver": 20.0, "gold": 30.0}[S.users[o["user_id"]]["loyalty_tier"]]
    e.refused("issue_goodwill_credit", "limit", order_id=o["order_id"], amount=cap + 1)
    assert e.ok("issue_goodwill_credit", order_id=o["order_id"], amount=cap)["amount"] == cap
    e.refused("issue_goodwill_credit", "only one credit", order_id=o["order_id"], amount=1)
    on_time = first(
        orders(
            lambda o: (
                o["status"] == "shipped"
                and S.shipments[o["order_id"]]["status"] == "in_transit"
                and S.shipments[o["order_id"]]["estimated_delivery"] >= S.today.isoformat()
            )
        ),
        "on-time parcel",
    )
    e.refused("issue_goodwill_credit", "not late", order_id=on_time["order_id"], amount=5)
    delivered = first(orders(lambda o: o["status"] == "delivered"), "delivered order")
    e.refused("issue_goodwill_credit", "in transit", order_id=delivered["order_id"], amount=5)


def test_R14_only_requested_returns_can_be_withdrawn() -> None:
    e = signed_in()
    for status in ("received", "completed"):
        r = first((r for r in S.returns if r["status"] == status), f"{status} return")
        e.refused("withdraw_return_request", "only a request", return_id=r["return_id"])
    r = first((r for r in S.returns if r["status"] == "requested"), "open request")
    assert e.ok("withdraw_return_request", return_id=r["return_id"])["status"] == "withdrawn"
    e.refused("withdraw_return_request", "only a request", return_id=r["return_id"])


def test_R15_addresses_must_be_in_a_served_region() -> None:
    e = signed_in()
    uid = next(iter(S.users))
    o = first(orders(lambda o: o["status"] == "pending"), "pending order")
    for tool, key in (("update_user_default_address", {"user_id": uid}),
                      ("modify_pending_order_address", {"order_id": o["order_id"]})):  # fmt: skip
        e.refused(tool, "does not deliver", **key, **{**ADDRESS, "region": "FI",
                                                      "postal_code": "91204"})  # fmt: skip
        e.refused(tool, "not in region", **key, **{**ADDRESS, "postal_code": "75311"})
        e.refused(tool, "5 digits", **key, **{**ADDRESS, "postal_code": "4231"})
        e.refused(tool, "city", **key, **{**ADDRESS, "city": ""})
        e.ok(tool, **key, **ADDRESS)


def test_changes_need_the_customer_authenticated() -> None:
    e = Probe(DOMAIN)
    u = next(iter(S.users.values()))
    e.refused("find_user_id_by_email", "no account", email=u["email"] + ".org")
    assert e.env.auth.verified == frozenset()
    e.ok("find_user_id_by_name_zip", first_name=u["first_name"].upper(),
       last_name=u["last_name"], postal_code=u["postal_code"])  # fmt: skip
    assert e.env.auth.verified == {u["user_id"]}
    typed = "\u00a0" + "".join(chr(ord(c) + 0xFEE0) for c in u["email"].upper())  # full width
    assert Probe(DOMAIN).ok("find_user_id_by_email", email=typed)["user_id"] == u["user_id"]
    check_writes_need_authentication(
        DOMAIN, ("find_user_id_by_email", "find_user_id_by_name_zip"), stranger="U000000"
    )


def test_addresses_are_stored_in_one_form_however_they_are_typed() -> None:
    address = ["address_line1", "address_line2", "city"]
    checked = check_typed_variants_reach_gold(
        DOMAIN, {"modify_pending_order_address": address, "update_user_default_address": address}
    )
    assert len(checked) >= 3
    e = signed_in()
    u = next(iter(S.users.values()))
    typed = {"address_line1": u["address_line1"].upper(), "city": f"  {u['city'].lower()} ",
             "region": u["region"].lower(), "postal_code": u["postal_code"],
             "address_line2": (u["address_line2"] or "").lower()}  # fmt: skip
    e.refused("update_user_default_address", "already", user_id=u["user_id"], **typed)


def test_request_and_payment_ids_do_not_depend_on_the_order_of_requests() -> None:
    def ok_order(o: dict[str, Any]) -> bool:
        its = S.items[o["order_id"]]
        return (
            o["status"] == "delivered"
            and len(its) >= 2
            and all(
                S.products[i["product_id"]]["returnable"] and i["status"] == "active" for i in its
            )
            and not any(r["order_id"] == o["order_id"] for r in S.returns)
            and date.fromisoformat(S.shipments[o["order_id"]]["delivered_at"][:10])
            >= S.today - timedelta(days=30)
        )

    o = first(orders(ok_order), "delivered order with two returnable items in its window")
    a, b = S.items[o["order_id"]][:2]
    ret_a = {"order_id": o["order_id"], "item_ids": [a["item_id"]], "reason": "no longer needed",
             "refund_method_id": o["payment_method_id"]}  # fmt: skip
    ret_b = {**ret_a, "item_ids": [b["item_id"]], "reason": "damaged or defective"}
    states = []
    for first_call, second_call in ((ret_a, ret_b), (ret_b, ret_a)):
        e = signed_in()
        ids = [e.ok("return_delivered_order_items", **c)["return_id"]
               for c in (first_call, second_call)]  # fmt: skip
        states.append(e.env.state_hash())
        number = o["order_id"][3:]
        assert sorted(ids) == [f"RT-{number}-I{a['line_no']}", f"RT-{number}-I{b['line_no']}"]
    assert states[0] == states[1]
    # A request withdrawn and made again gets its own id, after the first.
    e = signed_in()
    rid = e.ok("return_delivered_order_items", **ret_a)["return_id"]
    e.ok("withdraw_return_request", return_id=rid)
    assert e.ok("return_delivered_order_items", **ret_a)["return_id"] == f"{rid}-R2"


def test_every_policy_rule_has_a_test() -> None:
    rules = sorted({int(n) for n in re.findall(r"\*\*\[R(\d+)\]\*\*", POLICY.read_text())})
    assert rules == list(range(1, len(rules) + 1)), "rules are numbered R1..Rn without gaps"
    tested = {
        int(m.group(1))
        for name in globals()
        if (m := re.match(r"test_R(\d+)_", name)) and callable(globals()[name])
    }
    assert set(rules) == tested, {"untested": set(rules) - tested, "unknown": tested - set(rules)}
