"""Returns, exchanges and withdrawals on delivered orders (with their refusals)."""

from __future__ import annotations

from .world import (
    Draft,
    Row,
    World,
    by_email,
    by_name,
    details,
    exch,
    m,
    order,
    product,
    quote,
    refund_of,
    ret,
    task,
    withdraw,
)


def open_window(w: World, o: Row, n: int = 1, margin: int = 2) -> bool:
    """Delivered within the window, with at least n returnable items, distinct products."""
    return w.in_window(o, margin) and sum(w.returnable(i) for i in w.items(o)) >= n


def first_returnable(w: World, o: Row, k: int = 1) -> list[Row]:
    return [i for i in w.items(o) if w.returnable(i)][:k]


@task("retail-051", "return", "damaged", "easy")
def t051(w: World) -> Draft:
    o = w.pick_order(lambda o: open_window(w, o) and len(w.items(o)) == 1)
    u = w.user(o)
    (it,) = w.items(o)
    return Draft(
        persona=f"You are {w.full(u)}, a glassblower in {u['city']}. You are disappointed "
        "but courteous.",
        goal=f"The {w.desc(it)} from order {o['order_id']} arrived broken. Return it (it is "
        "damaged) with the refund going back to how you paid. Ask how much you will get "
        "back.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[
            by_email(u),
            order(o),
            ret(o, [it], "damaged or defective", o["payment_method_id"]),
        ],
        outputs=refund_of(2),
    )


@task("retail-052", "return", "fee", "multi-item")
def t052(w: World) -> Draft:
    o = w.pick_order(
        lambda o: open_window(w, o, 2) and len(w.items(o)) == 2,
        user_pred=lambda u: u["loyalty_tier"] != "gold",
    )
    u = w.user(o)
    a, b = w.items(o)
    return Draft(
        persona=f"You are {w.full(u)}, a tech-support worker in {u['city']} who is "
        "decluttering. You are friendly and a bit chatty.",
        goal=f"Return both items of order {o['order_id']} (the {w.name(a)} and the "
        f"{w.name(b)}): you simply no longer need them. Refund to the original payment "
        "method. Ask what the refund will be and accept any return-shipping fee.",
        known_info=f"Your name is {w.full(u)}, postal code {u['postal_code']}. Order "
        f"{o['order_id']}.",
        withheld="You would rather not give your email address.",
        actions=[
            by_name(u),
            order(o),
            quote(o, [a, b], "no longer needed"),
            ret(o, [a, b], "no longer needed", o["payment_method_id"]),
        ],
        outputs=refund_of(3),
    )


@task("retail-053", "return", "gift-card")
def t053(w: World) -> Draft:
    o = w.pick_order(
        lambda o: (
            open_window(w, o)
            and len(w.gift_cards(w.user(o))) == 1
            and w.methods[o["payment_method_id"]]["method_type"] != "gift_card"
        )
    )
    u = w.user(o)
    (it,) = first_returnable(w, o)
    g = w.gift_cards(u)[0]
    return Draft(
        persona=f"You are {w.full(u)}, a florist in {u['city']}. You are cheerful and shop at "
        "Fernwick Market a lot.",
        goal=f"The {w.desc(it)} in order {o['order_id']} looks nothing like the photos. Return "
        "it as not as described. You would like the refund as store credit on your gift "
        "card, since you will shop again soon. Ask for the refund amount.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        withheld="You do not know your gift card id.",
        actions=[
            by_email(u),
            order(o),
            details(u),
            ret(o, [it], "not as described", g["payment_method_id"]),
        ],
        outputs=refund_of(3),
    )


@task("retail-054", "return", "gold", "no-fee")
def t054(w: World) -> Draft:
    o = w.pick_order(
        lambda o: (
            open_window(w, o)
            and w.product_of(first_returnable(w, o)[0])["category"] in ("Apparel", "Footwear")
        ),
        user_pred=lambda u: u["loyalty_tier"] == "gold",
    )
    u = w.user(o)
    (it,) = first_returnable(w, o)
    return Draft(
        persona=f"You are {w.full(u)}, a long-time gold member and a barrister in {u['city']}. "
        "You are courteous and expect things done properly.",
        goal=f"The {w.desc(it)} from order {o['order_id']} does not fit. Return it (wrong size "
        "or fit), refund to the original payment method. Ask how much you will get "
        "back, and whether any fee is deducted.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[
            by_email(u),
            order(o),
            quote(o, [it], "wrong size or fit"),
            ret(o, [it], "wrong size or fit", o["payment_method_id"]),
        ],
        outputs=refund_of(3),
    )


@task("retail-055", "return", "refusal", "refund-target", "change-of-mind")
def t055(w: World) -> Draft:
    def ok(o: Row) -> bool:
        u = w.user(o)
        other = [
            c for c in w.cards(u, valid=True) if c["payment_method_id"] != o["payment_method_id"]
        ]
        return open_window(w, o) and not w.gift_cards(u) and len(other) == 1

    o = w.pick_order(ok)
    u = w.user(o)
    (it,) = first_returnable(w, o)
    other = next(
        c for c in w.cards(u, valid=True) if c["payment_method_id"] != o["payment_method_id"]
    )
    return Draft(
        persona=f"You are {w.full(u)}, a pilot in {u['city']}. You are crisp and business-like.",
        goal=f"Return the {w.desc(it)} from order {o['order_id']}; it is defective. You want "
        f"the refund on your {other['card_brand']} card ending in {other['card_last4']}. "
        "If the agent says refunds can only go to the original payment method (or a "
        "gift card, which you do not have), accept the original payment method. Ask "
        "for the refund amount.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[
            by_email(u),
            order(o),
            details(u),
            ret(o, [it], "damaged or defective", o["payment_method_id"]),
        ],
        outputs=refund_of(3),
    )


@task("retail-056", "return", "refusal", "final-sale", "partial")
def t056(w: World) -> Draft:
    def ok(o: Row) -> bool:
        its = w.items(o)
        food = [i for i in its if not w.product_of(i)["returnable"]]
        return (
            w.in_window(o, 2)
            and len(its) == 2
            and len(food) == 1
            and any(w.returnable(i) for i in its)
        )

    o = w.pick_order(ok)
    u = w.user(o)
    bad = next(i for i in w.items(o) if not w.product_of(i)["returnable"])
    good = next(i for i in w.items(o) if w.returnable(i))
    return Draft(
        persona=f"You are {w.full(u)}, a podcast host in {u['city']}. You are talkative and "
        "a bit dramatic.",
        goal=f"You want to return both items of order {o['order_id']}, the {w.name(bad)} "
        f"and the {w.name(good)}, because you no longer need them. If the agent says "
        f"the {w.name(bad)} cannot be returned, return just the {w.name(good)}, refund "
        "to the original payment method. Ask for the refund amount.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[by_email(u), order(o), ret(o, [good], "no longer needed", o["payment_method_id"])],
        outputs=refund_of(2),
    )


@task("retail-057", "exchange", "easy")
def t057(w: World) -> Draft:
    o = w.pick_order(
        lambda o: open_window(w, o) and bool(w.alts(first_returnable(w, o)[0], price="same"))
    )
    u = w.user(o)
    (it,) = first_returnable(w, o)
    new = w.alt(it, price="same")
    return Draft(
        persona=f"You are {w.full(u)}, a bus mechanic in {u['city']}. You are cheerful and "
        "informal.",
        goal=f"Exchange the {w.desc(it)} from order {o['order_id']} for {w.change(it, new)}. "
        "If there is any price difference, use the order's payment method.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[
            by_email(u),
            order(o),
            product(it["product_id"]),
            exch(o, [it], [new], o["payment_method_id"]),
        ],
    )


@task("retail-058", "exchange", "multi-item")
def t058(w: World) -> Draft:
    def ok(o: Row) -> bool:
        its = first_returnable(w, o, 2)
        return open_window(w, o, 2) and all(w.alts(i, price="same") for i in its)

    o = w.pick_order(ok)
    u = w.user(o)
    a, b = first_returnable(w, o, 2)
    na, nb = w.alt(a, price="same"), w.alt(b, price="same")
    return Draft(
        persona=f"You are {w.full(u)}, a wildlife photographer in {u['city']}. You are "
        "thoughtful and precise.",
        goal=f"Exchange two items from order {o['order_id']} in one go: the {w.desc(a)} for "
        f"{w.change(a, na)}, and the {w.desc(b)} for {w.change(b, nb)}. Use the order's "
        "payment method for any difference.",
        known_info=f"Your name is {w.full(u)}, postal code {u['postal_code']}. Order "
        f"{o['order_id']}.",
        withheld="Give both changes in one message.",
        actions=[
            by_name(u),
            order(o),
            product(a["product_id"]),
            product(b["product_id"]),
            exch(o, [a, b], [na, nb], o["payment_method_id"]),
        ],
    )


@task("retail-059", "exchange", "price-difference")
def t059(w: World) -> Draft:
    def ok(o: Row) -> bool:
        pm = w.methods[o["payment_method_id"]]
        return (
            open_window(w, o)
            and bool(w.alts(first_returnable(w, o)[0], price="higher"))
            and (pm["method_type"] != "gift_card" and w.card_valid(pm))
        )

    o = w.pick_order(ok)
    u = w.user(o)
    (it,) = first_returnable(w, o)
    new = w.alt(it, price="higher")
    return Draft(
        persona=f"You are {w.full(u)}, a high-school coach in {u['city']}. You are energetic "
        "and decisive.",
        goal=f"Exchange the {w.desc(it)} from order {o['order_id']} for {w.change(it, new)}. "
        "You know it may cost more: pay the difference with the order's original payment "
        "method. Ask how much extra you are charged.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[
            by_email(u),
            order(o),
            product(it["product_id"]),
            exch(o, [it], [new], o["payment_method_id"]),
        ],
        outputs=[m(new["price"] - it["unit_price"])],
    )


@task("retail-060", "exchange", "out-of-stock", "change-of-mind")
def t060(w: World) -> Draft:
    def ok(o: Row) -> bool:
        if not open_window(w, o):
            return False
        it = first_returnable(w, o)[0]
        return bool(w.alts(it, in_stock=False)) and bool(w.alts(it, price="same"))

    o = w.pick_order(ok)
    u = w.user(o)
    (it,) = first_returnable(w, o)
    oos, fb = w.alt(it, in_stock=False), w.alt(it, price="same")
    return Draft(
        persona=f"You are {w.full(u)}, an interior designer in {u['city']}. You have strong "
        "opinions on colour but can compromise.",
        goal=f"Exchange the {w.desc(it)} from order {o['order_id']} for the version with "
        f"{w.vtext(oos)}. If that version is out of stock, take {w.vtext(fb)} instead. "
        "Use the order's payment method for any difference.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[
            by_email(u),
            order(o),
            product(it["product_id"]),
            exch(o, [it], [fb], o["payment_method_id"]),
        ],
    )


@task("retail-061", "exchange", "refusal", "different-product", "return")
def t061(w: World) -> Draft:
    o = w.pick_order(
        lambda o: open_window(w, o) and len(w.items(o)) == 1,
        user_pred=lambda u: u["loyalty_tier"] != "gold",
    )
    u = w.user(o)
    (it,) = w.items(o)
    other = w.rng.choice(
        sorted(
            (
                p
                for p in w.products.values()
                if p["category"] == w.product_of(it)["category"]
                and p["product_id"] != it["product_id"]
                and p["returnable"]
            ),
            key=lambda p: p["product_id"],
        )
    )
    return Draft(
        persona=f"You are {w.full(u)}, a marketing intern in {u['city']}. You are eager and "
        "a bit naive.",
        goal=f"You want to exchange the {w.name(it)} from order {o['order_id']} for the "
        f"{other['name']}. If the agent explains that exchanges are only for another "
        f"version of the same product, return the {w.name(it)} instead because you no "
        "longer need it, refund to the original payment method, and ask how much you "
        "get back.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[by_email(u), order(o), ret(o, [it], "no longer needed", o["payment_method_id"])],
        outputs=refund_of(2),
    )


@task("retail-062", "exchange", "refund-to-gift-card")
def t062(w: World) -> Draft:
    def ok(o: Row) -> bool:
        return (
            open_window(w, o)
            and bool(w.alts(first_returnable(w, o)[0], price="lower"))
            and (len(w.gift_cards(w.user(o))) == 1)
        )

    o = w.pick_order(ok)
    u = w.user(o)
    (it,) = first_returnable(w, o)
    new = w.alt(it, price="lower")
    g = w.gift_cards(u)[0]
    return Draft(
        persona=f"You are {w.full(u)}, an urban beekeeper in {u['city']}. You are gentle and "
        "a bit whimsical.",
        goal=f"Exchange the {w.desc(it)} from order {o['order_id']} for {w.change(it, new)}. "
        "That version is cheaper: you want the difference on your gift card. Ask how "
        "much you will get back.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[
            by_email(u),
            order(o),
            details(u),
            product(it["product_id"]),
            exch(o, [it], [new], g["payment_method_id"]),
        ],
        outputs=[m(it["unit_price"] - new["price"])],
    )


def open_request(
    w: World, o: Row, status: str = "requested", kind: str | None = None
) -> Row | None:
    for r in w.returns_by_order.get(o["order_id"], []):
        if r["status"] == status and (kind is None or r["kind"] == kind):
            return r
    return None


@task("retail-063", "withdraw", "easy")
def t063(w: World) -> Draft:
    o = w.pick_order(lambda o: open_request(w, o, kind="return") is not None, distinct=False)
    u = w.user(o)
    r = open_request(w, o)
    assert r is not None
    it = next(i for i in w.items(o) if i["item_id"] == w.return_items[r["return_id"]][0]["item_id"])
    return Draft(
        persona=f"You are {w.full(u)}, a violin teacher in {u['city']}. You are apologetic "
        "and gentle.",
        goal=f"You started a return for the {w.name(it)} from order {o['order_id']}, but "
        "you have grown to like it. Cancel (withdraw) that return request; you will "
        "keep the item.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        withheld="You do not know the return request id.",
        actions=[by_email(u), order(o), withdraw(r["return_id"])],
    )


@task("retail-064", "withdraw", "refusal", "received")
def t064(w: World) -> Draft:
    o = w.pick_order(lambda o: open_request(w, o, "received", "return") is not None, distinct=False)
    u = w.user(o)
    r = open_request(w, o, "received")
    assert r is not None
    return Draft(
        persona=f"You are {w.full(u)}, a sculptor in {u['city']}. You are a little wistful.",
        goal=f"You returned items from order {o['order_id']} and now regret it. Ask to "
        "cancel the return and get the items back. If the agent says it is too late "
        "because the warehouse already has them, ask how much the refund will be, "
        "accept, and end the chat.",
        known_info=f"Your name is {w.full(u)}, postal code {u['postal_code']}. Order "
        f"{o['order_id']}.",
        actions=[by_name(u), order(o)],
        outputs=[m(r["refund_amount"])],
    )


@task("retail-065", "withdraw", "exchange", "multi-write", "change-of-mind")
def t065(w: World) -> Draft:
    def ok(o: Row) -> bool:
        r = open_request(w, o, kind="return")
        if r is None or not w.in_window(o, 1) or len(w.return_items[r["return_id"]]) != 1:
            return False
        it = next(
            i for i in w.items(o) if i["item_id"] == w.return_items[r["return_id"]][0]["item_id"]
        )
        return bool(
            [
                v
                for v in w.alts(it, price=None)
                if abs(v["price"] - it["unit_price"]) < 0.01 or v["price"] < it["unit_price"]
            ]
        )

    o = w.pick_order(ok, distinct=True)
    u = w.user(o)
    r = open_request(w, o)
    assert r is not None
    it = next(i for i in w.items(o) if i["item_id"] == w.return_items[r["return_id"]][0]["item_id"])
    new = next(
        v
        for v in w.alts(it, price=None)
        if abs(v["price"] - it["unit_price"]) < 0.01 or v["price"] < it["unit_price"]
    )
    return Draft(
        persona=f"You are {w.full(u)}, a park ranger in {u['city']}. You are practical and "
        "speak slowly.",
        goal=f"You opened a return for the {w.desc(it)} from order {o['order_id']}, but "
        f"you would rather have it in {w.vtext(new)}. Withdraw the return, then "
        "exchange the item for that version instead. Any difference goes to the order's "
        "payment method.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[
            by_email(u),
            order(o),
            withdraw(r["return_id"]),
            product(it["product_id"]),
            exch(o, [it], [new], o["payment_method_id"]),
        ],
    )


@task("retail-066", "return", "change-of-mind", "partial")
def t066(w: World) -> Draft:
    def ok(o: Row) -> bool:
        its = w.items(o)
        return (
            w.in_window(o, 2)
            and len(its) == 2
            and all(w.returnable(i) for i in its)
            and abs(its[0]["unit_price"] - its[1]["unit_price"]) > 5
        )

    o = w.pick_order(ok)
    u = w.user(o)
    a, b = w.items(o)
    dear = a if a["unit_price"] > b["unit_price"] else b
    return Draft(
        persona=f"You are {w.full(u)}, a frugal retiree in {u['city']}. You weigh every "
        "decision aloud.",
        goal=f"You are thinking of returning both items of order {o['order_id']} because "
        "you no longer need them. First ask how much you would get back for both. Then "
        f"change your mind: return only the more expensive one (the {w.name(dear)}) and "
        "keep the other. Refund to the original payment method. Ask for the final refund "
        "amount.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[
            by_email(u),
            order(o),
            quote(o, [a, b], "no longer needed"),
            ret(o, [dear], "no longer needed", o["payment_method_id"]),
        ],
        outputs=refund_of(3),
    )


@task("retail-067", "exchange", "refusal", "expired-card", "change-of-mind")
def t067(w: World) -> Draft:
    def ok(o: Row) -> bool:
        u = w.user(o)
        pm = w.methods[o["payment_method_id"]]
        return (
            open_window(w, o)
            and pm["method_type"] == "credit_card"
            and not w.card_valid(pm)
            and bool(w.alts(first_returnable(w, o)[0], price="higher"))
            and len([p for p in w.wallets(u) + w.cards(u, valid=True)]) >= 1
        )

    o = w.pick_order(ok)
    u = w.user(o)
    (it,) = first_returnable(w, o)
    new = w.alt(it, price="higher")
    alt_pm = (w.wallets(u) + w.cards(u, valid=True))[0]
    return Draft(
        persona=f"You are {w.full(u)}, a watch repairer in {u['city']}. You are patient and "
        "methodical.",
        goal=f"Exchange the {w.desc(it)} from order {o['order_id']} for {w.change(it, new)}. "
        "Pay the extra with the card you used for the order. If the agent says that "
        f"card has expired, pay with {w.pm_text(alt_pm)} instead. Ask how much extra you "
        "paid.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[
            by_email(u),
            order(o),
            product(it["product_id"]),
            details(u),
            exch(o, [it], [new], alt_pm["payment_method_id"]),
        ],
        outputs=[m(new["price"] - it["unit_price"])],
    )


@task("retail-068", "return", "refusal", "already-returned", "partial")
def t068(w: World) -> Draft:
    def ok(o: Row) -> bool:
        done = [i for i in w.items(o) if i["status"] == "returned"]
        left = [i for i in w.items(o) if w.returnable(i)]
        return w.in_window(o, 1) and len(done) == 1 and len(left) >= 1

    o = w.pick_order(ok)
    u = w.user(o)
    done = next(i for i in w.items(o) if i["status"] == "returned")
    left = next(i for i in w.items(o) if w.returnable(i))
    return Draft(
        persona=f"You are {w.full(u)}, a busy parent of three in {u['city']}. You are "
        "scattered and juggling several things at once.",
        goal=f"Return the {w.name(done)} and the {w.name(left)} from order {o['order_id']}, "
        "because they are not as described. If the agent says the "
        f"{w.name(done)} was already returned, return only the {w.name(left)}, refund "
        "to the original payment method. Ask for the refund amount.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[by_email(u), order(o), ret(o, [left], "not as described", o["payment_method_id"])],
        outputs=refund_of(2),
    )


@task("retail-069", "return", "gold", "gift-card")
def t069(w: World) -> Draft:
    o = w.pick_order(
        lambda o: open_window(w, o) and len(w.gift_cards(w.user(o))) >= 1,
        user_pred=lambda u: u["loyalty_tier"] == "gold",
    )
    u = w.user(o)
    (it,) = first_returnable(w, o)
    g = w.gift_cards(u)[0]
    return Draft(
        persona=f"You are {w.full(u)}, a gold member and a retired diplomat in {u['city']}. "
        "You are formal and unfailingly polite.",
        goal=f"Return the {w.desc(it)} from order {o['order_id']}; you no longer need it. "
        f"Put the refund on your gift card {g['payment_method_id']}. Ask for the refund "
        "amount.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}. Gift card "
        f"{g['payment_method_id']}.",
        actions=[by_email(u), order(o), ret(o, [it], "no longer needed", g["payment_method_id"])],
        outputs=refund_of(2),
    )


@task("retail-070", "return", "refusal", "window", "partial")
def t070(w: World) -> Draft:
    def ok(u: Row) -> bool:
        ds = w.user_orders(u, "delivered")
        return any(
            w.past_window(o, 2, 40)
            and w.distinct_products(o["order_id"])
            and w.returnable(w.items(o)[0])
            for o in ds
        ) and any(open_window(w, o) and w.distinct_products(o["order_id"]) for o in ds)

    u = w.pick_user(ok)
    old = next(
        o
        for o in w.user_orders(u, "delivered")
        if w.past_window(o, 2, 40)
        and w.distinct_products(o["order_id"])
        and w.returnable(w.items(o)[0])
    )
    new = next(
        o
        for o in w.user_orders(u, "delivered")
        if open_window(w, o) and w.distinct_products(o["order_id"])
    )
    io, (inew,) = w.items(old)[0], first_returnable(w, new)
    return Draft(
        persona=f"You are {w.full(u)}, a nightclub DJ in {u['city']}. You are casual and use "
        "lots of abbreviations.",
        goal=f"You want to return two things because you no longer need them: the "
        f"{w.name(io)} from order {old['order_id']} and the {w.name(inew)} from order "
        f"{new['order_id']}. If the agent says the first order is past its return window, "
        "ask when the window closed, and go ahead with the other return only (refund to "
        "the original payment method). Ask for that refund amount.",
        known_info=f"Your email is {u['email']}. Orders {old['order_id']} and {new['order_id']}.",
        actions=[
            by_email(u),
            order(old),
            order(new),
            ret(new, [inew], "no longer needed", new["payment_method_id"]),
        ],
        outputs=lambda r: [w.window_end(old).isoformat(), m(r[3]["refund_amount"])],
    )


@task("retail-071", "exchange", "unavailable-option", "change-of-mind")
def t071(w: World) -> Draft:
    def ok(o: Row) -> bool:
        if not open_window(w, o):
            return False
        it = first_returnable(w, o)[0]
        p = w.product_of(it)
        return (
            "size" in p["option_names"]
            and bool(w.alts(it, price="same"))
            and any(k == "size" for k in w.variants[it["variant_id"]]["options"])
        )

    o = w.pick_order(ok)
    u = w.user(o)
    (it,) = first_returnable(w, o)
    fb = w.alt(it, price="same")
    return Draft(
        persona=f"You are {w.full(u)}, a professional basketball player in {u['city']}. You "
        "are tall, good-natured and used to nothing fitting.",
        goal=f"Exchange the {w.desc(it)} from order {o['order_id']} for a size 'XXXL'. If "
        f"the agent says that size does not exist, settle for {w.vtext(fb)} instead. Use "
        "the order's payment method for any difference.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[
            by_email(u),
            order(o),
            product(it["product_id"]),
            exch(o, [it], [fb], o["payment_method_id"]),
        ],
    )


@task("retail-072", "return", "whole-order")
def t072(w: World) -> Draft:
    o = w.pick_order(
        lambda o: (
            w.in_window(o, 2) and len(w.items(o)) == 3 and all(w.returnable(i) for i in w.items(o))
        )
    )
    u = w.user(o)
    its = w.items(o)
    return Draft(
        persona=f"You are {w.full(u)}, a restaurant owner in {u['city']}. You are annoyed: "
        "the whole delivery was not what the website showed.",
        goal=f"Return all three items of order {o['order_id']} because none of them is as "
        "described. Refund to the original payment method. Ask for the total refund.",
        known_info=f"Your name is {w.full(u)}, postal code {u['postal_code']}. Order "
        f"{o['order_id']}.",
        actions=[by_name(u), order(o), ret(o, its, "not as described", o["payment_method_id"])],
        outputs=refund_of(2),
    )
