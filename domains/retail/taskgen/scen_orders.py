"""Pending-order tasks (cancel, address, payment, items), goodwill credit, and refusals."""

from __future__ import annotations

from .world import (
    CAP,
    REGION_NAMES,
    Draft,
    Row,
    World,
    addr_text,
    address_kwargs,
    by_email,
    by_name,
    cancel,
    credit,
    details,
    late_order,
    m,
    modifiable,
    order,
    pending,
    product,
    refund_total,
    repay,
    swap,
    task,
)


@task("retail-023", "cancel", "easy")
def t023(w: World) -> Draft:
    o = w.pick_order(lambda o: pending(o) and len(w.items(o)) == 2)
    u = w.user(o)
    a, b = w.items(o)
    return Draft(
        persona=f"You are {w.full(u)}, a dental hygienist in {u['city']}. You are friendly "
        "and a little embarrassed.",
        goal=f"You placed order {o['order_id']} (a {w.name(a)} and a {w.name(b)}) by mistake "
        "while comparing products. Cancel the whole order; the reason is that you "
        "ordered it by mistake. Ask how much will be refunded.",
        known_info=f"Your email is {u['email']}. Order id {o['order_id']}.",
        actions=[by_email(u), order(o), cancel(o, "ordered by mistake")],
        outputs=refund_total(2),
    )


@task("retail-024", "cancel", "gift-card", "find-order")
def t024(w: World) -> Draft:
    def ok(o: Row) -> bool:
        if not pending(o) or w.methods[o["payment_method_id"]]["method_type"] != "gift_card":
            return False
        return len(w.user_orders(w.user(o), "pending")) == 1

    o = w.pick_order(ok)
    u = w.user(o)
    it = w.items(o)[0]
    return Draft(
        persona=f"You are {w.full(u)}, a hospital porter in {u['city']}. You are calm and "
        "talk in plain, short sentences.",
        goal=f"You paid for a recent order with your gift card, and it has not shipped yet. "
        f"You no longer need it (it includes the {w.name(it)}). Cancel it and ask "
        "where the money goes and how much comes back.",
        known_info=f"Your name is {w.full(u)}; your postal code is {u['postal_code']}.",
        withheld="You do not know the order id and you do not want to give your email; "
        "the agent can find the order on your account.",
        actions=[by_name(u), details(u), order(o), cancel(o, "no longer needed")],
        outputs=refund_total(3),
    )


@task("retail-025", "cancel", "price-match-refused")
def t025(w: World) -> Draft:
    o = w.pick_order(
        lambda o: pending(o) and len(w.items(o)) == 1 and w.items(o)[0]["unit_price"] > 60
    )
    u = w.user(o)
    it = w.items(o)[0]
    return Draft(
        persona=f"You are {w.full(u)}, a logistics planner in {u['city']} who loves a bargain "
        "and negotiates by reflex.",
        goal=f"You just saw the {w.name(it)} you ordered (order {o['order_id']}) cheaper at "
        "another shop. First ask Fernwick Market to match that price. When the agent "
        "says it cannot, cancel the order, giving 'found a better price' as the reason. "
        "Ask for the refund amount.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        withheld="You will not say the name of the other shop.",
        actions=[by_email(u), order(o), cancel(o, "found a better price")],
        outputs=refund_total(2),
    )


@task("retail-026", "cancel", "find-order", "two-pending")
def t026(w: World) -> Draft:
    def ok(u: Row) -> bool:
        p = w.user_orders(u, "pending")
        return (
            len(p) == 2
            and all(w.distinct_products(o["order_id"]) for o in p)
            and not ({w.name(i) for i in w.items(p[0])} & {w.name(i) for i in w.items(p[1])})
        )

    u = w.pick_user(ok)
    o, keep = (
        w.user_orders(u, "pending")[::-1] if w.rng.random() < 0.5 else w.user_orders(u, "pending")
    )
    it = w.items(o)[-1]
    return Draft(
        persona=f"You are {w.full(u)}, a theatre lighting technician in {u['city']}. You are "
        "direct and slightly impatient.",
        goal=f"You have two orders that have not shipped. Cancel only the one that contains "
        f"the {w.name(it)}, because the delivery is taking too long for you (reason: "
        "delivery too slow). Keep the other order exactly as it is. Ask for the refund "
        "amount.",
        known_info=f"Your email is {u['email']}.",
        withheld="You do not know any order ids.",
        actions=[by_email(u), details(u), order(keep), order(o), cancel(o, "delivery too slow")],
        outputs=refund_total(4),
    )


@task("retail-027", "address", "pending")
def t027(w: World) -> Draft:
    o = w.pick_order(lambda o: pending(o) and o["ship_line1"] == w.user(o)["address_line1"])
    u = w.user(o)
    new = w.new_address(region=u["region"], line2=False)
    return Draft(
        persona=f"You are {w.full(u)}, a carpenter in {u['city']}. You are practical and "
        "speak plainly.",
        goal=f"You will be working at a client's site all week, so order {o['order_id']} "
        f"should go there instead: {addr_text(new)}. Change the shipping address of that "
        "order only. Your account's saved address must stay as it is.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}. New shipping address: "
        f"{addr_text(new)}.",
        actions=[
            by_email(u),
            order(o),
            ("modify_pending_order_address", {"order_id": o["order_id"], **address_kwargs(new)}),
        ],
    )


@task("retail-028", "address", "refusal", "region", "change-of-mind")
def t028(w: World) -> Draft:
    o = w.pick_order(lambda o: pending(o))
    u = w.user(o)
    friend = w.new_address(line2=True)
    return Draft(
        persona=f"You are {w.full(u)}, a marine biologist in {u['city']}. You are enthusiastic "
        "and tend to over-explain.",
        goal=f"You are spending the summer at a field station and want order {o['order_id']} "
        "shipped there: 14 Gannet Point Road, Skerrin, Farrow Isles (region FI), postal "
        "code 91204. If the agent says Fernwick Market does not deliver there, ask them "
        f"to ship it to your friend's place instead: {addr_text(friend)} "
        f"({REGION_NAMES[friend['region']]}). Do not change your account address.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}. Field station: 14 "
        "Gannet Point Road, Skerrin, Farrow Isles (FI) 91204. Friend's address: "
        f"{addr_text(friend)}.",
        actions=[
            by_email(u),
            order(o),
            ("modify_pending_order_address", {"order_id": o["order_id"], **address_kwargs(friend)}),
        ],
    )


@task("retail-029", "account-address")
def t029(w: World) -> Draft:
    u = w.pick_user(lambda u: len(w.user_orders(u, "pending")) >= 1 and u["address_line2"] is None)
    new = w.new_address(line2=True)
    return Draft(
        persona=f"You are {w.full(u)}, a veterinary nurse who has just moved to "
        f"{new['city']}. You are organised and careful.",
        goal=f"You moved. Update the address saved on your account to {addr_text(new)}. You "
        "have an order on the way to your old address, but a neighbour will forward it, "
        "so do NOT change any order: only the account address.",
        known_info=f"Your name is {w.full(u)}; the postal code of your old (current account) "
        f"address is {u['postal_code']}. New address: {addr_text(new)}.",
        withheld="You would rather not give your email address.",
        actions=[
            by_name(u),
            details(u),
            ("update_user_default_address", {"user_id": u["user_id"], **address_kwargs(new)}),
        ],
    )


@task("retail-030", "payment", "wallet")
def t030(w: World) -> Draft:
    o = w.pick_order(
        lambda o: pending(o) and w.methods[o["payment_method_id"]]["method_type"] == "credit_card",
        user_pred=lambda u: len(w.wallets(u)) == 1,
    )
    u = w.user(o)
    card, wallet = w.methods[o["payment_method_id"]], w.wallets(u)[0]
    return Draft(
        persona=f"You are {w.full(u)}, a postdoc in {u['city']} who is tidying up personal "
        "finances. You are analytical and polite.",
        goal=f"You want order {o['order_id']}, currently paid with {w.pm_text(card)}, to be "
        "paid with your Paywise wallet instead, so all your shopping shows up in one "
        "place. Ask the agent to switch it.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[
            by_email(u),
            order(o),
            details(u),
            (
                "modify_pending_order_payment",
                {"order_id": o["order_id"], "payment_method_id": wallet["payment_method_id"]},
            ),
        ],
    )


@task("retail-031", "payment", "gift-card")
def t031(w: World) -> Draft:
    def ok(o: Row) -> bool:
        if not pending(o) or w.methods[o["payment_method_id"]]["method_type"] == "gift_card":
            return False
        g = w.gift_cards(w.user(o))
        return len(g) == 1 and g[0]["gift_card_balance"] >= w.total(o) + 5

    o = w.pick_order(ok)
    u = w.user(o)
    g = w.gift_cards(u)[0]
    return Draft(
        persona=f"You are {w.full(u)}, a paramedic in {u['city']}. You are warm and chatty.",
        goal=f"You remembered you have a gift card balance. Pay order {o['order_id']} with "
        "your gift card instead of the current method. Ask how much was put on the "
        "gift card.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        withheld="You do not know the gift card id; it is on your account.",
        actions=[
            by_email(u),
            order(o),
            details(u),
            (
                "modify_pending_order_payment",
                {"order_id": o["order_id"], "payment_method_id": g["payment_method_id"]},
            ),
        ],
        outputs=[m(w.total(o))],
    )


@task("retail-032", "payment", "refusal", "gift-card-balance", "change-of-mind")
def t032(w: World) -> Draft:
    def ok(o: Row) -> bool:
        if not pending(o):
            return False
        u = w.user(o)
        g = w.gift_cards(u)
        others = [
            c for c in w.cards(u, valid=True) if c["payment_method_id"] != o["payment_method_id"]
        ]
        return len(g) == 1 and 0 < g[0]["gift_card_balance"] < w.total(o) - 1 and len(others) == 1

    o = w.pick_order(ok)
    u = w.user(o)
    g = w.gift_cards(u)[0]
    other = next(
        c for c in w.cards(u, valid=True) if c["payment_method_id"] != o["payment_method_id"]
    )
    return Draft(
        persona=f"You are {w.full(u)}, a call-centre team leader in {u['city']}. You are "
        "efficient and expect efficiency.",
        goal=f"You want to pay order {o['order_id']} with your gift card. If the agent says "
        "the gift card balance is too low, ask what the balance is, and then ask to pay "
        f"the order with {w.pm_text(other)} instead.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}. Your other card is a "
        f"{other['card_brand']} ending in {other['card_last4']}.",
        actions=[
            by_email(u),
            order(o),
            details(u),
            (
                "modify_pending_order_payment",
                {"order_id": o["order_id"], "payment_method_id": other["payment_method_id"]},
            ),
        ],
        outputs=[m(g["gift_card_balance"])],
    )


@task("retail-033", "payment", "refusal", "expired-card", "change-of-mind")
def t033(w: World) -> Draft:
    def fallback(o: Row) -> list[Row]:
        u = w.user(o)
        return [
            p
            for p in w.wallets(u) + w.cards(u, valid=True)
            if p["payment_method_id"] != o["payment_method_id"]
        ]

    o = w.pick_order(
        lambda o: pending(o) and len(w.cards(w.user(o), valid=False)) >= 1 and len(fallback(o)) == 1
    )
    u = w.user(o)
    old, new = w.cards(u, valid=False)[0], fallback(o)[0]
    return Draft(
        persona=f"You are {w.full(u)}, a retired firefighter in {u['city']}. You are "
        "good-humoured and not very technical.",
        goal=f"You want order {o['order_id']} charged to your {old['card_brand']} card "
        f"ending in {old['card_last4']}, because that is the one you use for household "
        "things. If the agent says that card has expired, laugh it off and ask to use "
        f"{w.pm_text(new)} instead.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[by_email(u), order(o), details(u), repay(o, new["payment_method_id"])],
    )


@task("retail-034", "modify-items", "easy")
def t034(w: World) -> Draft:
    o = w.pick_order(lambda o: modifiable(w, o, 1))
    u = w.user(o)
    it = w.items(o)[0]
    new = w.alt(it, price="same")
    return Draft(
        persona=f"You are {w.full(u)}, a museum curator in {u['city']}. You are courteous "
        "and deliberate.",
        goal=f"In order {o['order_id']} you chose the wrong option for the {w.desc(it)}. "
        f"You want {w.change(it, new)}. Ask the agent to change it before it ships. If "
        "asked how to settle any price difference, use the payment method of the order.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[
            by_email(u),
            order(o),
            product(it["product_id"]),
            swap(o, [it], [new], o["payment_method_id"]),
        ],
    )


@task("retail-035", "modify-items", "multi-item")
def t035(w: World) -> Draft:
    def ok(o: Row) -> bool:
        return modifiable(w, o, 2, price=None) and w.card_valid(w.methods[o["payment_method_id"]])

    o = w.pick_order(ok)
    u = w.user(o)
    a, b = w.items(o)[:2]
    na, nb = w.alt(a, price=None), w.alt(b, price=None)
    return Draft(
        persona=f"You are {w.full(u)}, an architect in {u['city']}. You are exacting and "
        "list things in order.",
        goal=f"You want two changes to order {o['order_id']} before it ships: the "
        f"{w.desc(a)} should be {w.change(a, na)}, and the {w.desc(b)} should be "
        f"{w.change(b, nb)}. Both changes together. Any price difference goes to or "
        "from the order's own payment method. Ask what the price difference is.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        withheld="Mention both changes in your first request.",
        actions=[
            by_email(u),
            order(o),
            product(a["product_id"]),
            product(b["product_id"]),
            swap(o, [a, b], [na, nb], o["payment_method_id"]),
        ],
        outputs=lambda r: [m(abs(r[-1]["price_difference"]))],
    )


@task("retail-036", "modify-items", "gift-card", "price-difference")
def t036(w: World) -> Draft:
    def ok(o: Row) -> bool:
        if not modifiable(w, o, 1, price="higher"):
            return False
        g = w.gift_cards(w.user(o))
        it = w.items(o)[0]
        need = max(v["price"] for v in w.alts(it, price="higher")) - it["unit_price"]
        return (
            len(g) == 1
            and g[0]["gift_card_balance"] >= need + 1
            and (o["payment_method_id"] != g[0]["payment_method_id"])
        )

    o = w.pick_order(ok)
    u = w.user(o)
    it = w.items(o)[0]
    new = w.alt(it, price="higher")
    g = w.gift_cards(u)[0]
    return Draft(
        persona=f"You are {w.full(u)}, a school librarian in {u['city']}. You are gentle and "
        "careful with money.",
        goal=f"In order {o['order_id']}, change the {w.desc(it)} to {w.change(it, new)}. You "
        "know the new option costs more: pay the extra with your gift card, not with "
        "the order's card or wallet. Ask how much extra you paid.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        withheld="You do not know your gift card's id.",
        actions=[
            by_email(u),
            order(o),
            details(u),
            product(it["product_id"]),
            swap(o, [it], [new], g["payment_method_id"]),
        ],
        outputs=[m(new["price"] - it["unit_price"])],
    )


@task("retail-037", "modify-items", "out-of-stock", "change-of-mind")
def t037(w: World) -> Draft:
    def ok(o: Row) -> bool:
        if not pending(o) or o["items_modified"]:
            return False
        it = w.items(o)[0]
        return bool(w.alts(it, in_stock=False)) and bool(w.alts(it, price="same"))

    o = w.pick_order(ok)
    u = w.user(o)
    it = w.items(o)[0]
    oos = w.alt(it, in_stock=False)
    fallback = w.alt(it, price="same")
    return Draft(
        persona=f"You are {w.full(u)}, a kindergarten teacher in {u['city']}. You are upbeat "
        "and flexible.",
        goal=f"In order {o['order_id']} you want the {w.desc(it)} changed to "
        f"{w.vtext(oos)}. If the agent says that one is out of stock, choose "
        f"{w.vtext(fallback)} instead. Any price difference is settled with the order's "
        "payment method.",
        known_info=f"Your name is {w.full(u)}, postal code {u['postal_code']}. Order "
        f"{o['order_id']}.",
        actions=[
            by_name(u),
            order(o),
            product(it["product_id"]),
            swap(o, [it], [fallback], o["payment_method_id"]),
        ],
    )


@task("retail-038", "refusal", "modify-once", "cancel", "change-of-mind")
def t038(w: World) -> Draft:
    o = w.pick_order(lambda o: pending(o) and o["items_modified"])
    u = w.user(o)
    it = w.items(o)[0]
    return Draft(
        persona=f"You are {w.full(u)}, a radio producer in {u['city']}. You are indecisive "
        "and apologise a lot.",
        goal=f"You already changed an item in order {o['order_id']} once, and now you want to "
        f"change the {w.name(it)} to a different option. If the agent says the items "
        "cannot be changed again, decide to cancel the whole order instead because you "
        "no longer need it. Ask for the refund amount.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[by_email(u), order(o), cancel(o, "no longer needed")],
        outputs=refund_total(2),
    )


@task("retail-039", "modify-items", "refund-to-gift-card")
def t039(w: World) -> Draft:
    def ok(o: Row) -> bool:
        return (
            modifiable(w, o, 1, price="lower")
            and len(w.gift_cards(w.user(o))) == 1
            and w.methods[o["payment_method_id"]]["method_type"] != "gift_card"
        )

    o = w.pick_order(ok)
    u = w.user(o)
    it = w.items(o)[0]
    new = w.alt(it, price="lower")
    g = w.gift_cards(u)[0]
    return Draft(
        persona=f"You are {w.full(u)}, a tram driver in {u['city']}. You are dry and funny.",
        goal=f"Change the {w.desc(it)} in order {o['order_id']} to {w.change(it, new)}. "
        "That option is cheaper; you want the difference put on your gift card rather "
        "than back on the original payment method. Ask how much goes onto the gift "
        "card.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[
            by_email(u),
            order(o),
            details(u),
            product(it["product_id"]),
            swap(o, [it], [new], g["payment_method_id"]),
        ],
        outputs=[m(it["unit_price"] - new["price"])],
    )


@task("retail-040", "goodwill", "late")
def t040(w: World) -> Draft:
    o = w.pick_order(lambda o: late_order(w, o) and len(w.gift_cards(w.user(o))) == 1)
    u = w.user(o)
    g = w.gift_cards(u)[0]
    cap = CAP[u["loyalty_tier"]]
    return Draft(
        persona=f"You are {w.full(u)}, a fishmonger in {u['city']}. You are grumpy about the "
        "delay but fair.",
        goal=f"Order {o['order_id']} should have arrived by now and is still in transit. "
        "Complain about the delay and ask what Fernwick Market can do. Accept a goodwill "
        "credit if offered (take the full amount offered, on your existing gift card). "
        "Ask how much the credit is.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[
            by_email(u),
            ("track_shipment", {"order_id": o["order_id"]}),
            details(u),
            credit(o, cap, g["payment_method_id"]),
        ],
        outputs=[m(cap)],
    )


@task("retail-041", "goodwill", "late", "new-gift-card")
def t041(w: World) -> Draft:
    o = w.pick_order(lambda o: late_order(w, o) and not w.gift_cards(w.user(o)))
    u = w.user(o)
    cap = CAP[u["loyalty_tier"]]
    return Draft(
        persona=f"You are {w.full(u)}, a yoga instructor in {u['city']}. You are calm but "
        "disappointed.",
        goal=f"Your order {o['order_id']} is late and you needed it for a class. Tell the "
        "agent you are disappointed. If a goodwill credit is offered, accept the full "
        "amount; you have no gift card yet, so accept a new one. Ask how much it is.",
        known_info=f"Your name is {w.full(u)}, postal code {u['postal_code']}. Order "
        f"{o['order_id']}.",
        actions=[
            by_name(u),
            ("track_shipment", {"order_id": o["order_id"]}),
            details(u),
            credit(o, cap),
        ],
        outputs=[m(cap)],
    )


@task("retail-042", "goodwill", "late", "cap")
def t042(w: World) -> Draft:
    o = w.pick_order(lambda o: late_order(w, o) and len(w.gift_cards(w.user(o))) <= 1)
    u = w.user(o)
    gifts = w.gift_cards(u)
    cap = CAP[u["loyalty_tier"]]
    return Draft(
        persona=f"You are {w.full(u)}, a sales manager in {u['city']}. You are pushy and "
        "always open with a high demand.",
        goal=f"Order {o['order_id']} is late. Demand a 50.00 credit for the trouble. If the "
        "agent says the most they can give is lower, accept the highest amount they can "
        "give (on your gift card, or a new one if you have none).",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[
            by_email(u),
            ("track_shipment", {"order_id": o["order_id"]}),
            details(u),
            credit(o, cap, gifts[0]["payment_method_id"] if gifts else ""),
        ],
        outputs=[m(cap)],
    )


@task("retail-043", "goodwill", "late", "small-amount")
def t043(w: World) -> Draft:
    o = w.pick_order(lambda o: late_order(w, o) and len(w.gift_cards(w.user(o))) == 1)
    u = w.user(o)
    g = w.gift_cards(u)[0]
    return Draft(
        persona=f"You are {w.full(u)}, a monk-turned-baker in {u['city']}. You are modest and "
        "never want more than what is fair.",
        goal=f"Order {o['order_id']} is a few days late. You do not want much, but you would "
        "appreciate a small gesture: ask for exactly 5.00 of store credit on your gift "
        "card, and refuse anything larger. Ask what your gift card balance is afterwards.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[
            by_email(u),
            ("track_shipment", {"order_id": o["order_id"]}),
            details(u),
            credit(o, 5.0, g["payment_method_id"]),
        ],
        # The amount is the user's own ("5.00"): the agent must read the new balance.
        outputs=lambda r: [m(r[3]["new_gift_card_balance"])],
    )


@task("retail-044", "goodwill", "late", "choose-gift-card")
def t044(w: World) -> Draft:
    def ok(o: Row) -> bool:
        g = w.gift_cards(w.user(o))
        return (
            late_order(w, o)
            and len(g) == 2
            and (g[0]["gift_card_balance"] != g[1]["gift_card_balance"])
        )

    o = w.pick_order(ok)
    u = w.user(o)
    g = sorted(w.gift_cards(u), key=lambda x: x["gift_card_balance"])[0]
    cap = CAP[u["loyalty_tier"]]
    return Draft(
        persona=f"You are {w.full(u)}, an accountant in {u['city']} who likes to keep things tidy.",
        goal=f"Your order {o['order_id']} is overdue. Ask whether you can get something for "
        "the delay. If a goodwill credit is offered, accept the full amount and ask for "
        "it on the gift card that has the SMALLER balance (you want to use that one up).",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}. You have two gift "
        "cards on your account.",
        actions=[
            by_email(u),
            ("track_shipment", {"order_id": o["order_id"]}),
            details(u),
            credit(o, cap, g["payment_method_id"]),
        ],
        outputs=[m(cap)],
    )


@task("retail-045", "cancel", "auth-retry")
def t045(w: World) -> Draft:
    o = w.pick_order(lambda o: pending(o) and len(w.items(o)) <= 3)
    u = w.user(o)
    old_zip = f"{u['postal_code'][0]}{(int(u['postal_code'][1:]) + 37) % 10000:04d}"
    return Draft(
        persona=f"You are {w.full(u)}, a long-distance lorry driver from {u['city']}. You "
        "chat from a motorway rest stop and are a bit distracted.",
        goal=f"Cancel order {o['order_id']}; you no longer need it. When asked to identify "
        f"yourself, first give your name with your OLD postal code {old_zip}; if that "
        f"does not work, remember that you moved and give {u['postal_code']}. Ask for "
        "the refund amount.",
        known_info=f"Your name is {w.full(u)}. Current postal code {u['postal_code']}, old "
        f"postal code {old_zip}. Order {o['order_id']}.",
        withheld="You do not want to give your email address.",
        actions=[by_name(u), order(o), cancel(o, "no longer needed")],
        outputs=refund_total(2),
    )


@task("retail-046", "address", "pending", "unit")
def t046(w: World) -> Draft:
    o = w.pick_order(lambda o: pending(o) and o["ship_line2"] is not None)
    u = w.user(o)
    new = {
        "address_line1": o["ship_line1"],
        "address_line2": None,
        "city": o["ship_city"],
        "region": o["ship_region"],
        "postal_code": o["ship_postal_code"],
    }
    return Draft(
        persona=f"You are {w.full(u)}, a translator in {u['city']}. You are meticulous about "
        "details.",
        goal=f"The shipping address of order {o['order_id']} contains '{o['ship_line2']}', "
        "but the building has no units: couriers get confused. Ask to remove that "
        "second address line from the order's shipping address; everything else stays "
        "the same. Do not change the account's address.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}, shipping to "
        f"{o['ship_line1']}, {o['ship_line2']}, {o['ship_city']}, "
        f"{o['ship_region']} {o['ship_postal_code']}.",
        actions=[
            by_email(u),
            order(o),
            ("modify_pending_order_address", {"order_id": o["order_id"], **address_kwargs(new)}),
        ],
    )


@task("retail-047", "modify-items", "refusal", "expired-card", "change-of-mind")
def t047(w: World) -> Draft:
    def ok(o: Row) -> bool:
        u = w.user(o)
        return (
            modifiable(w, o, 1, price="higher")
            and len(w.cards(u, valid=False)) == 1
            and w.card_valid(w.methods[o["payment_method_id"]])
            and w.methods[o["payment_method_id"]]["method_type"] != "gift_card"
        )

    o = w.pick_order(ok)
    u = w.user(o)
    it = w.items(o)[0]
    new = w.alt(it, price="higher")
    exp = w.cards(u, valid=False)[0]
    orig = w.methods[o["payment_method_id"]]
    return Draft(
        persona=f"You are {w.full(u)}, an orchestra violist in {u['city']}. You are elegant "
        "and a little absent-minded.",
        goal=f"In order {o['order_id']}, change the {w.desc(it)} to {w.change(it, new)}. Pay "
        f"the extra cost with your {exp['card_brand']} card ending in "
        f"{exp['card_last4']}. If the agent says that card has expired, use "
        f"{w.pm_text(orig)} (the order's own payment method) instead.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[
            by_email(u),
            order(o),
            details(u),
            product(it["product_id"]),
            swap(o, [it], [new], orig["payment_method_id"]),
        ],
    )


@task("retail-048", "refusal", "different-product", "cancel", "change-of-mind")
def t048(w: World) -> Draft:
    o = w.pick_order(lambda o: pending(o) and len(w.items(o)) == 1 and not o["items_modified"])
    u = w.user(o)
    it = w.items(o)[0]
    other = w.rng.choice(
        sorted(
            (
                p
                for p in w.products.values()
                if p["category"] == w.product_of(it)["category"]
                and p["product_id"] != it["product_id"]
            ),
            key=lambda p: p["product_id"],
        )
    )
    return Draft(
        persona=f"You are {w.full(u)}, a property manager in {u['city']}. You are brisk and "
        "decisive.",
        goal=f"In order {o['order_id']} you want to swap the {w.name(it)} for the "
        f"{other['name']} instead. If the agent says items can only be swapped for "
        "another version of the same product, cancel the whole order (reason: no "
        "longer needed) and ask for the refund amount.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[by_email(u), order(o), cancel(o, "no longer needed")],
        outputs=refund_total(2),
    )


@task("retail-049", "refusal", "address", "shipped")
def t049(w: World) -> Draft:
    o = w.pick_order(lambda o: o["status"] == "shipped" and w.ship(o)["status"] == "in_transit")
    u, s = w.user(o), w.ship(o)
    new = w.new_address(region=u["region"])
    return Draft(
        persona=f"You are {w.full(u)}, an event caterer in {u['city']}. You are stressed and "
        "talk fast.",
        goal=f"You want order {o['order_id']} redirected to {addr_text(new)}. If the agent "
        "says it has already shipped and the address cannot change, ask for the "
        "tracking number so you can contact the carrier yourself, and end the chat.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}. New address: "
        f"{addr_text(new)}.",
        actions=[by_email(u), order(o), ("track_shipment", {"order_id": o["order_id"]})],
        outputs=[s["tracking_number"]],
    )


@task("retail-050", "refusal", "payment", "delivered")
def t050(w: World) -> Draft:
    o = w.pick_order(
        lambda o: (
            o["status"] == "delivered"
            and w.methods[o["payment_method_id"]]["method_type"] == "credit_card"
            and not w.returns_by_order.get(o["order_id"])
            and o["placed_at"] > "2026-02-01"
        ),
        user_pred=lambda u: len(w.wallets(u)) == 1,
    )
    u = w.user(o)
    card = w.methods[o["payment_method_id"]]
    return Draft(
        persona=f"You are {w.full(u)}, a freelance illustrator in {u['city']}. You are "
        "relaxed and curious.",
        goal=f"You would like order {o['order_id']} to be charged to your Paywise wallet "
        "instead of your card, for your business expenses. If the agent says a "
        "delivered order's payment cannot change, ask which card it was charged to "
        "(last four digits) and the amount, and end the chat.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[by_email(u), order(o), details(u)],
        outputs=[card["card_last4"], m(w.total(o))],
    )
