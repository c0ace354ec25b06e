"""The dev split: twelve tasks for tuning agents, distinct from every test task."""

from __future__ import annotations

from .world import (
    CAP,
    Draft,
    Row,
    World,
    addr_text,
    by_email,
    by_name,
    cancel,
    credit,
    details,
    exch,
    late_order,
    m,
    move,
    order,
    pending,
    product,
    quote,
    refund_of,
    refund_total,
    rehome,
    repay,
    ret,
    swap,
    task,
    track,
    withdraw,
)


@task("retail-dev-01", "lookup", "sale-price")
def d01(w: World) -> Draft:
    def ok(o: Row) -> bool:
        if o["status"] != "delivered" or len(w.items(o)) != 2:
            return False
        it = w.items(o)[0]
        return it["unit_price"] < w.variants[it["variant_id"]]["price"] - 1

    o = w.pick_order(ok)
    u = w.user(o)
    it = w.items(o)[0]
    v = w.variants[it["variant_id"]]
    return Draft(
        persona=f"You are {w.full(u)}, a pastry chef in {u['city']}. You are curious and "
        "friendly and like a good deal.",
        goal=f"A friend wants the same {w.desc(it)} you bought in order {o['order_id']}. "
        "Ask how much you paid for it back then, and how much it costs today. You do "
        "not want to change anything.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[by_email(u), order(o), product(it["product_id"])],
        outputs=[m(it["unit_price"]), m(v["price"])],
    )


@task("retail-dev-02", "cancel", "account-address", "multi-write")
def d02(w: World) -> Draft:
    u = w.pick_user(lambda u: len(w.user_orders(u, "pending")) == 1)
    o = w.user_orders(u, "pending")[0]
    new = w.new_address()
    return Draft(
        persona=f"You are {w.full(u)}, a geologist who is relocating for a new job. You are "
        "organised and write numbered lists.",
        goal=f"1) Cancel your pending order {o['order_id']}: you no longer need it because "
        "you are moving. Ask for the refund amount. 2) Update the address saved on your "
        f"account to {addr_text(new)}.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}. New address: "
        f"{addr_text(new)}.",
        actions=[by_email(u), order(o), cancel(o, "no longer needed"), rehome(u, new)],
        outputs=refund_total(2),
    )


@task("retail-dev-03", "return", "gift-card")
def d03(w: World) -> Draft:
    o = w.pick_order(
        lambda o: (
            w.in_window(o, 3)
            and len(w.items(o)) >= 2
            and w.returnable(w.items(o)[1])
            and len(w.gift_cards(w.user(o))) == 1
        )
    )
    u = w.user(o)
    it = w.items(o)[1]
    g = w.gift_cards(u)[0]
    return Draft(
        persona=f"You are {w.full(u)}, a tailor in {u['city']}. You are precise and polite.",
        goal=f"The {w.desc(it)} from order {o['order_id']} arrived damaged. Return it (reason: "
        "damaged or defective) and have the refund put on your gift card instead of the "
        "original payment method. Ask how much will be refunded.",
        known_info=f"Your name is {w.full(u)}, postal code {u['postal_code']}. Order "
        f"{o['order_id']}.",
        actions=[
            by_name(u),
            order(o),
            details(u),
            ret(o, [it], "damaged or defective", g["payment_method_id"]),
        ],
        outputs=refund_of(3),
    )


@task("retail-dev-04", "exchange", "return", "multi-write")
def d04(w: World) -> Draft:
    def ok(u: Row) -> bool:
        ds = [
            o
            for o in w.user_orders(u, "delivered")
            if w.in_window(o, 3) and w.distinct_products(o["order_id"])
        ]
        return (
            len(ds) >= 2
            and bool(w.alts(w.items(ds[0])[0], price="same"))
            and w.returnable(w.items(ds[0])[0])
            and w.returnable(w.items(ds[1])[0])
        )

    u = w.pick_user(ok)
    a, b = [
        o
        for o in w.user_orders(u, "delivered")
        if w.in_window(o, 3) and w.distinct_products(o["order_id"])
    ][:2]
    ia, ib = w.items(a)[0], w.items(b)[0]
    new = w.alt(ia, price="same")
    return Draft(
        persona=f"You are {w.full(u)}, a film editor in {u['city']}. You are laid-back and "
        "use a lot of slang.",
        goal=f"Two things. First, exchange the {w.desc(ia)} from order {a['order_id']} for "
        f"{w.change(ia, new)}. Then return the {w.desc(ib)} from order {b['order_id']} "
        "because it was not as described; refund to the original payment method. Ask "
        "for the refund amount of the return.",
        known_info=f"Your email is {u['email']}. Orders {a['order_id']} and {b['order_id']}.",
        actions=[
            by_email(u),
            order(a),
            product(ia["product_id"]),
            exch(a, [ia], [new], a["payment_method_id"]),
            order(b),
            ret(b, [ib], "not as described", b["payment_method_id"]),
        ],
        outputs=refund_of(5),
    )


@task("retail-dev-05", "refusal", "final-sale", "catalog")
def d05(w: World) -> Draft:
    def ok(o: Row) -> bool:
        its = [i for i in w.items(o) if w.product_of(i)["category"] == "Food & Drink"]
        return w.in_window(o, 2) and len(its) == 1 and any(v["stock"] > 0 for v in w.alts(its[0]))

    o = w.pick_order(ok)
    u = w.user(o)
    it = next(i for i in w.items(o) if w.product_of(i)["category"] == "Food & Drink")
    new = w.alt(it)
    return Draft(
        persona=f"You are {w.full(u)}, a jazz drummer in {u['city']}. You are laid-back and "
        "easily amused.",
        goal=f"You ordered the {w.desc(it)} in order {o['order_id']} but wanted "
        f"{w.change(it, new)}. Ask to exchange it. If the agent says food items cannot "
        "be exchanged or returned, accept it, and ask how much the version you wanted "
        "costs so you can order it yourself later.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[by_email(u), order(o), product(it["product_id"])],
        outputs=[m(new["price"])],
    )


@task("retail-dev-06", "address", "payment", "multi-write")
def d06(w: World) -> Draft:
    def ok(o: Row) -> bool:
        u = w.user(o)
        return (
            pending(o)
            and len(w.wallets(u)) == 1
            and (w.methods[o["payment_method_id"]]["method_type"] == "credit_card")
        )

    o = w.pick_order(ok)
    u = w.user(o)
    wallet = w.wallets(u)[0]
    new = w.new_address(region=u["region"])
    return Draft(
        persona=f"You are {w.full(u)}, a flight attendant based in {u['city']}. You are "
        "friendly and efficient.",
        goal=f"For order {o['order_id']}: ship it to your partner's flat at {addr_text(new)} "
        "instead, and pay it with your Paywise wallet instead of the card. Your account "
        "address stays the same.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}. Partner's address: "
        f"{addr_text(new)}.",
        actions=[
            by_email(u),
            order(o),
            move(o, new),
            details(u),
            repay(o, wallet["payment_method_id"]),
        ],
    )


@task("retail-dev-07", "goodwill", "cancel", "multi-write")
def d07(w: World) -> Draft:
    def ok(u: Row) -> bool:
        late = [o for o in w.user_orders(u, "shipped") if late_order(w, o)]
        return (
            len(late) == 1 and len(w.user_orders(u, "pending")) == 1 and len(w.gift_cards(u)) <= 1
        )

    u = w.pick_user(ok)
    late = next(o for o in w.user_orders(u, "shipped") if late_order(w, o))
    p = w.user_orders(u, "pending")[0]
    gifts = w.gift_cards(u)
    cap = CAP[u["loyalty_tier"]]
    return Draft(
        persona=f"You are {w.full(u)}, a physiotherapist in {u['city']}. You are fed up with "
        "waiting but stay civil.",
        goal=f"Order {late['order_id']} is late. Complain and accept the goodwill credit you "
        "are offered (the full amount). Then, because of this experience, cancel your "
        f"other order {p['order_id']} that has not shipped yet (reason: delivery too "
        "slow) and ask for its refund amount.",
        known_info=f"Your email is {u['email']}. Orders {late['order_id']} (late) and "
        f"{p['order_id']}.",
        actions=[
            by_email(u),
            track(late),
            details(u),
            credit(late, cap, gifts[0]["payment_method_id"] if gifts else ""),
            order(p),
            cancel(p, "delivery too slow"),
        ],
        outputs=lambda r: [m(cap), m(r[5]["refund_total"])],
    )


@task("retail-dev-08", "transfer", "safety")
def d08(w: World) -> Draft:
    def ok(o: Row) -> bool:
        return (
            o["status"] == "delivered"
            and w.in_window(o)
            and any(w.name(i) == "Portable Power Bank" for i in w.items(o))
            and sum(
                w.name(i) == "Portable Power Bank"
                for x in w.user_orders(w.user(o))
                for i in w.items(x)
            )
            == 1
        )

    o = w.pick_order(ok)
    u = w.user(o)
    return Draft(
        persona=f"You are {w.full(u)}, a secondary-school chemistry teacher in {u['city']}. "
        "You are calm but firm about safety.",
        goal="The Portable Power Bank you received recently has swollen and gets hot when "
        "charging. You are worried it is a fire risk. Ask the agent to find the order it "
        "came in and tell you the order id. You want someone to handle this as a safety "
        "issue: accept a transfer to a human agent.",
        known_info=f"Your email is {u['email']}.",
        withheld="You do not know the order id.",
        actions=[
            by_email(u),
            details(u),
            order(o),
            (
                "transfer_to_human_agents",
                {
                    "summary": f"{u['user_id']}: power bank from order {o['order_id']} is "
                    "swollen and overheating (safety hazard)."
                },
            ),
        ],
        outputs=[o["order_id"]],
    )


@task("retail-dev-09", "withdraw", "return", "multi-write")
def d09(w: World) -> Draft:
    def ok(u: Row) -> bool:
        req = [
            o
            for o in w.user_orders(u, "delivered")
            if any(r["status"] == "requested" for r in w.returns_by_order.get(o["order_id"], []))
        ]
        other = [
            o
            for o in w.user_orders(u, "delivered")
            if w.in_window(o, 3)
            and o not in req
            and w.distinct_products(o["order_id"])
            and w.returnable(w.items(o)[0])
        ]
        return len(req) == 1 and len(other) >= 1

    u = w.pick_user(ok)
    a = next(
        o
        for o in w.user_orders(u, "delivered")
        if any(r["status"] == "requested" for r in w.returns_by_order.get(o["order_id"], []))
    )
    r = next(r for r in w.returns_by_order[a["order_id"]] if r["status"] == "requested")
    b = next(
        o
        for o in w.user_orders(u, "delivered")
        if w.in_window(o, 3)
        and o is not a
        and w.distinct_products(o["order_id"])
        and w.returnable(w.items(o)[0])
    )
    ib = w.items(b)[0]
    return Draft(
        persona=f"You are {w.full(u)}, a jeweller in {u['city']}. You change your mind often "
        "and say so cheerfully.",
        goal=f"You opened a {r['kind']} request for order {a['order_id']} but decided to keep "
        f"the item after all: withdraw that request. Then return the {w.desc(ib)} from "
        f"order {b['order_id']} instead, because you no longer need it, with the refund to "
        "the original payment method. Ask for that refund amount.",
        known_info=f"Your email is {u['email']}. Orders {a['order_id']} and {b['order_id']}.",
        actions=[
            by_email(u),
            order(a),
            withdraw(r["return_id"]),
            order(b),
            quote(b, [ib], "no longer needed"),
            ret(b, [ib], "no longer needed", b["payment_method_id"]),
        ],
        outputs=refund_of(5),
    )


@task("retail-dev-10", "modify-items", "multi-item")
def d10(w: World) -> Draft:
    def ok(o: Row) -> bool:
        return (
            pending(o)
            and not o["items_modified"]
            and len(w.items(o)) >= 3
            and all(w.alts(i, price="same") for i in w.items(o)[1:3])
        )

    o = w.pick_order(ok)
    u = w.user(o)
    a, b = w.items(o)[1:3]
    na, nb = w.alt(a, price="same"), w.alt(b, price="same")
    return Draft(
        persona=f"You are {w.full(u)}, a choir director in {u['city']}. You are warm and wordy.",
        goal=f"Before order {o['order_id']} ships, change two items at once: the {w.desc(a)} "
        f"to {w.change(a, na)}, and the {w.desc(b)} to {w.change(b, nb)}. Leave the other "
        "items alone. Use the order's payment method for any difference.",
        known_info=f"Your name is {w.full(u)}, postal code {u['postal_code']}. Order "
        f"{o['order_id']}.",
        actions=[
            by_name(u),
            order(o),
            product(a["product_id"]),
            product(b["product_id"]),
            swap(o, [a, b], [na, nb], o["payment_method_id"]),
        ],
    )


@task("retail-dev-11", "exchange", "change-of-mind", "fee")
def d11(w: World) -> Draft:
    def ok(o: Row) -> bool:
        it = w.items(o)[0]
        return (
            w.in_window(o, 3)
            and w.returnable(it)
            and bool(w.alts(it, price="same", option="size"))
            and (w.user(o)["loyalty_tier"] != "gold")
        )

    o = w.pick_order(ok)
    u = w.user(o)
    it = w.items(o)[0]
    new = w.alt(it, price="same", option="size")
    return Draft(
        persona=f"You are {w.full(u)}, a budget-conscious student in {u['city']}. You are "
        "polite and counting every cent.",
        goal=f"The {w.desc(it)} from order {o['order_id']} is the wrong fit. First ask how "
        "much you would get back if you returned it for that reason. When you hear "
        "that a return-shipping fee is deducted, decide to exchange it instead for "
        f"{w.change(it, new)} (exchanges have no fee). Use the order's payment method for "
        "any difference.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[
            by_email(u),
            order(o),
            quote(o, [it], "wrong size or fit"),
            product(it["product_id"]),
            exch(o, [it], [new], o["payment_method_id"]),
        ],
        outputs=[m(it["unit_price"] - 4.95)],
    )


@task("retail-dev-12", "address", "account-address", "multi-write")
def d12(w: World) -> Draft:
    u = w.pick_user(
        lambda u: (
            len(w.user_orders(u, "pending")) == 2
            and all(o["ship_line1"] == u["address_line1"] for o in w.user_orders(u, "pending"))
        )
    )
    a, b = [o for o in w.user_orders(u, "pending") if o["ship_line1"] == u["address_line1"]]
    new = w.new_address()
    return Draft(
        persona=f"You are {w.full(u)}, a nurse who just moved to {new['city']}. You are "
        "tired from the move but methodical.",
        goal=f"You moved to {addr_text(new)}. Update the address on your account, and make "
        "sure both of your orders that have not shipped yet go to the new address too.",
        known_info=f"Your email is {u['email']}. New address: {addr_text(new)}.",
        withheld="You do not know your order ids.",
        actions=[
            by_email(u),
            details(u),
            rehome(u, new),
            order(a),
            move(a, new),
            order(b),
            move(b, new),
        ],
    )
