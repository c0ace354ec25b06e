"""Read-only tasks (a fact to state), refusals, and transfers to a human agent."""

from __future__ import annotations

from .world import Draft, World, by_email, by_name, details, m, order, product, task


@task("retail-001", "lookup", "tracking", "easy")
def t001(w: World) -> Draft:
    o = w.pick_order(
        lambda o: o["status"] == "shipped" and w.ship(o)["status"] == "in_transit" and not w.late(o)
    )
    u, s = w.user(o), w.ship(o)
    return Draft(
        persona=f"You are {w.full(u)}, a harbour-tour guide in {u['city']}. You write short, "
        "cheerful messages with the odd exclamation mark.",
        goal=f"Your order {o['order_id']} has shipped and you want to follow it on the "
        "carrier's website. Ask for the tracking number and the carrier's name. You do "
        "not want to change anything. Once you have the number, thank the agent and end "
        "the conversation.",
        known_info=f"Your email is {u['email']}. Your order id is {o['order_id']}.",
        actions=[by_email(u), ("track_shipment", {"order_id": o["order_id"]})],
        outputs=[s["tracking_number"]],
    )


@task("retail-002", "lookup", "gift-card", "easy")
def t002(w: World) -> Draft:
    u = w.pick_user(
        lambda u: len(w.gift_cards(u)) == 1 and w.gift_cards(u)[0]["gift_card_balance"] > 0
    )
    g = w.gift_cards(u)[0]
    return Draft(
        persona=f"You are {w.full(u)}, a retired schoolteacher living in {u['city']}. You are "
        "polite and unhurried and write in complete sentences.",
        goal="A relative gave you a Fernwick Market gift card, which is saved on your account. "
        "You want to know how much money is left on it before you plan a purchase. You "
        "do not want to buy or change anything today.",
        known_info=f"Your name is {w.full(u)} and your postal code is {u['postal_code']}.",
        withheld="You do not remember which email address the account uses, and you do not "
        "know the gift card's id; the agent can find it on your account.",
        actions=[
            by_name(u),
            details(u),
            ("get_gift_card_balance", {"gift_card_id": g["payment_method_id"]}),
        ],
        outputs=[m(g["gift_card_balance"])],
    )


@task("retail-003", "lookup", "delivery-date", "easy")
def t003(w: World) -> Draft:
    def ok(o: dict) -> bool:
        if o["status"] != "delivered" or w.delivered(o) is None:
            return False
        if (w.window_end(o) - w.delivered(o)).days != 30 or not w.in_window(o, 5):
            return False
        # The product must appear in no other order of this customer.
        names = {w.name(i) for i in w.items(o)}
        others = [w.name(i) for x in w.user_orders(w.user(o)) if x is not o for i in w.items(x)]
        return len(w.items(o)) == 1 and not names & set(others)

    o = w.pick_order(ok)
    u, it = w.user(o), w.items(o)[0]
    return Draft(
        persona=f"You are {w.full(u)}, a night-shift nurse in {u['city']}. You are tired, "
        "terse, and type in lower case.",
        goal=f"Your building's parcel room has lost track of a delivery. You want to know the "
        f"exact date Fernwick Market delivered your order with the {w.name(it)} so you "
        "can ask the concierge. Ask only for the delivery date; you do not want a "
        "return, a refund or anything else.",
        known_info=f"Your email is {u['email']}. The order contained the {w.name(it)}.",
        withheld="You do not know the order id.",
        actions=[by_email(u), details(u), order(o)],
        outputs=[w.delivered(o).isoformat()],
    )


@task("retail-004", "lookup", "return-window")
def t004(w: World) -> Draft:
    o = w.pick_order(
        lambda o: (
            w.in_window(o, 6) and len(w.items(o)) == 2 and all(w.returnable(i) for i in w.items(o))
        )
    )
    u = w.user(o)
    it = w.items(o)[1]
    return Draft(
        persona=f"You are {w.full(u)}, a graduate student in {u['city']} who is undecided "
        "about everything and thinks out loud.",
        goal=f"You received order {o['order_id']} and are not sure you will keep the "
        f"{w.name(it)}. Ask until what date you could still send it back. Do not start a "
        "return: you want to think about it for a few days. End the chat once you know "
        "the last day.",
        known_info=f"Your email is {u['email']}. Order id {o['order_id']}.",
        actions=[by_email(u), order(o)],
        outputs=[w.window_end(o).isoformat()],
    )


@task("retail-005", "catalog", "price", "easy")
def t005(w: World) -> Draft:
    cands = [
        (p, v)
        for p in w.products.values()
        if len(p["option_names"]) >= 2 and p["category"] in ("Kitchen", "Home")
        for v in w.variants_by_product[p["product_id"]]
        if v["stock"] > 0
    ]
    p, v = w.rng.choice(sorted(cands, key=lambda c: c[1]["variant_id"]))
    u = w.pick_user(lambda u: True)
    return Draft(
        persona=f"You are {w.full(u)}, a keen home cook from {u['city']} who is furnishing a "
        "new flat. You are chatty and friendly.",
        goal=f"You are thinking about buying the {p['name']} with {w.vtext(v)}. Ask what it "
        "costs right now and whether it is in stock. You are only browsing: you do not "
        "want to order or change anything, and you have no account question.",
        known_info=f"The product is the {p['name']} by {p['brand']}, with {w.vtext(v)}.",
        withheld=f"If the agent asks for your email, it is {u['email']}, but you would rather "
        "not share it for a simple price question.",
        actions=[("list_products", {"category": p["category"]}), product(p["product_id"])],
        outputs=[m(v["price"])],
    )


@task("retail-006", "lookup", "refund-quote", "return")
def t006(w: World) -> Draft:
    o = w.pick_order(
        lambda o: (
            w.in_window(o, 4)
            and any(w.returnable(i) for i in w.items(o))
            and w.product_of(w.items(o)[0])["category"] in ("Apparel", "Footwear")
            and w.returnable(w.items(o)[0])
        ),
        user_pred=lambda u: u["loyalty_tier"] != "gold",
    )
    u = w.user(o)
    it = w.items(o)[0]
    return Draft(
        persona=f"You are {w.full(u)}, a bicycle courier in {u['city']}. You are blunt and "
        "only care about numbers.",
        goal=f"The {w.desc(it)} from order {o['order_id']} does not fit. Before deciding "
        "anything, ask how much money you would get back if you returned it because of "
        "the fit. When you hear the amount, say it is not worth the hassle and that you "
        "will keep it. Do not open a return or an exchange.",
        known_info=f"You are {w.full(u)}, postal code {u['postal_code']}. Order {o['order_id']}.",
        withheld="You prefer not to give your email address.",
        actions=[
            by_name(u),
            order(o),
            (
                "calculate_return_refund",
                {
                    "order_id": o["order_id"],
                    "item_ids": [it["item_id"]],
                    "reason": "wrong size or fit",
                },
            ),
        ],
        outputs=[m(it["unit_price"] - 4.95)],
    )


@task("retail-007", "lookup", "order-total")
def t007(w: World) -> Draft:
    o = w.pick_order(
        lambda o: (
            o["status"] == "delivered"
            and o["shipping_fee"] > 0
            and not w.returns_by_order.get(o["order_id"])
        )
    )
    u = w.user(o)
    return Draft(
        persona=f"You are {w.full(u)}, a bookkeeper in {u['city']} reconciling your card "
        "statement. You are precise and a little formal.",
        goal=f"You need the total amount you were charged for order {o['order_id']}, "
        "shipping included, and the shipping fee on its own. You want nothing else.",
        known_info=f"Your email is {u['email']}; the order id is {o['order_id']}.",
        actions=[by_email(u), order(o)],
        outputs=[m(w.total(o)), m(o["shipping_fee"])],
    )


@task("retail-008", "lookup", "pending-orders")
def t008(w: World) -> Draft:
    u = w.pick_user(lambda u: len(w.user_orders(u, "pending")) == 2)
    pend = w.user_orders(u, "pending")
    return Draft(
        persona=f"You are {w.full(u)}, a restaurant chef in {u['city']} with a hectic week. "
        "You type fast and do not fix your typos.",
        goal="You have lost track of what you ordered from Fernwick Market. Ask which of your "
        "orders have not shipped yet and get their order ids. You do not want to change "
        "anything today.",
        known_info=f"Your email is {u['email']}.",
        actions=[by_email(u), details(u)],
        outputs=[p["order_id"] for p in pend],
    )


@task("retail-009", "lookup", "return-status")
def t009(w: World) -> Draft:
    o = w.pick_order(
        lambda o: any(
            r["status"] == "received" and r["kind"] == "return"
            for r in w.returns_by_order.get(o["order_id"], [])
        ),
        distinct=False,
    )
    u = w.user(o)
    r = next(r for r in w.returns_by_order[o["order_id"]] if r["status"] == "received")
    return Draft(
        persona=f"You are {w.full(u)}, a piano tuner in {u['city']}: patient, but you want a "
        "clear answer.",
        goal=f"You sent items from order {o['order_id']} back a little while ago. Ask where "
        "your return stands now and how much will be refunded. You do not want anything "
        "else.",
        known_info=f"Your name is {w.full(u)} and your postal code is {u['postal_code']}. "
        f"Order {o['order_id']}.",
        actions=[by_name(u), order(o)],
        outputs=["received", m(r["refund_amount"])],
    )


@task("retail-010", "lookup", "payment")
def t010(w: World) -> Draft:
    o = w.pick_order(
        lambda o: (
            o["status"] == "delivered"
            and w.methods[o["payment_method_id"]]["method_type"] == "credit_card"
            and not w.returns_by_order.get(o["order_id"])
        ),
        user_pred=lambda u: len(w.cards(u)) >= 2,
    )
    u = w.user(o)
    card = w.methods[o["payment_method_id"]]
    return Draft(
        persona=f"You are {w.full(u)}, a pharmacist in {u['city']}. You are organised and "
        "get straight to the point.",
        goal=f"You have two cards saved with Fernwick Market and want to know which one paid "
        f"for order {o['order_id']}. Ask for the last four digits of the card that was "
        "charged and the amount charged. Then end the conversation.",
        known_info=f"Email: {u['email']}. Order id: {o['order_id']}.",
        actions=[by_email(u), order(o), details(u)],
        outputs=[card["card_last4"], m(w.total(o))],
    )


@task("retail-011", "lookup", "tracking")
def t011(w: World) -> Draft:
    o = w.pick_order(
        lambda o: (
            o["status"] == "shipped"
            and w.ship(o)["status"] == "in_transit"
            and w.ship(o)["estimated_delivery"] > "2026-05-15"
        )
    )
    u, s = w.user(o), w.ship(o)
    return Draft(
        persona=f"You are {w.full(u)}, a wedding photographer in {u['city']} who travels a "
        "lot. You are warm but in a hurry.",
        goal=f"You will be away for a few days and want to know when order {o['order_id']} "
        "is expected to arrive, so you can ask a neighbour to take it in. Ask for the "
        "expected delivery date. You do not want to change anything.",
        known_info=f"Your name is {w.full(u)}, postal code {u['postal_code']}; order "
        f"{o['order_id']}.",
        actions=[by_name(u), ("track_shipment", {"order_id": o["order_id"]})],
        outputs=[s["estimated_delivery"]],
    )


@task("retail-012", "catalog", "price")
def t012(w: World) -> Draft:
    cands = [
        p
        for p in w.products.values()
        if len({v["price"] for v in w.variants_by_product[p["product_id"]]}) >= 3
        and any(v["stock"] == 0 for v in w.variants_by_product[p["product_id"]])
    ]
    p = w.rng.choice(sorted(cands, key=lambda p: p["product_id"]))
    cheapest = min(v["price"] for v in w.variants_by_product[p["product_id"]] if v["stock"] > 0)
    u = w.pick_user(lambda u: True)
    return Draft(
        persona=f"You are {w.full(u)}, a university lecturer in {u['city']} on a tight "
        "budget. You are courteous and precise.",
        goal=f"You want the {p['name']} but only the cheapest version that can actually be "
        "ordered today. Ask which variant is the cheapest one in stock and its price. "
        "You are not placing an order in this chat.",
        known_info=f"The product is the {p['name']} ({p['brand']}).",
        actions=[("list_products", {"category": p["category"]}), product(p["product_id"])],
        outputs=[m(cheapest)],
    )


@task("retail-013", "refusal", "goodwill", "already-credited")
def t013(w: World) -> Draft:
    o = w.pick_order(lambda o: w.late(o) and o["order_id"] in w.credits)
    u, c = w.user(o), w.credits[o["order_id"]]
    return Draft(
        persona=f"You are {w.full(u)}, a sound engineer in {u['city']}, irritated by a late "
        "parcel. You are sarcastic but not rude.",
        goal=f"Order {o['order_id']} still has not arrived although it was due days ago. You "
        "already got a goodwill credit for it, but you want another one. Ask for a "
        "second credit. If the agent refuses, ask how much the first credit was, then "
        "accept and end the conversation. Do not ask to speak to a human.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[by_email(u), order(o), ("track_shipment", {"order_id": o["order_id"]})],
        outputs=[m(c["amount"])],
    )


@task("retail-014", "lookup", "address")
def t014(w: World) -> Draft:
    o = w.pick_order(
        lambda o: o["status"] == "pending" and o["ship_line1"] != w.user(o)["address_line1"]
    )
    u = w.user(o)
    return Draft(
        persona=f"You are {w.full(u)}, a primary-school music teacher in {u['city']}. You are "
        "cheerful and a bit scatterbrained.",
        goal=f"Order {o['order_id']} is a present for {o['ship_name']}. You want to "
        "double-check which street address it will be shipped to. If the agent reads "
        f"back an address in {o['ship_city']}, it is right: thank them. Do not change "
        "anything.",
        known_info=f"Your email is {u['email']}; order {o['order_id']}; the recipient is "
        f"{o['ship_name']} in {o['ship_city']}.",
        actions=[by_email(u), order(o)],
        outputs=[o["ship_line1"]],
    )


@task("retail-015", "refusal", "cancel", "shipped")
def t015(w: World) -> Draft:
    o = w.pick_order(
        lambda o: (
            o["status"] == "shipped"
            and w.ship(o)["status"] == "in_transit"
            and w.ship(o)["estimated_delivery"] >= "2026-05-15"
        )
    )
    u, s = w.user(o), w.ship(o)
    it = w.items(o)[0]
    return Draft(
        persona=f"You are {w.full(u)}, a tax adviser in {u['city']}. You are matter-of-fact "
        "and accept rules once they are explained.",
        goal=f"You no longer need order {o['order_id']} (with the {w.name(it)}) and want to "
        "cancel it. If the agent says it cannot be cancelled because it has already "
        "shipped, ask when it is expected to arrive, and accept that you can return it "
        "after delivery. Do not ask for a human.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[by_email(u), order(o)],
        outputs=[s["estimated_delivery"]],
    )


@task("retail-016", "refusal", "return", "window")
def t016(w: World) -> Draft:
    o = w.pick_order(
        lambda o: (
            w.past_window(o, 3, 25)
            and all(w.returnable(i) for i in w.items(o))
            and len(w.items(o)) <= 2
        )
    )
    u = w.user(o)
    it = w.items(o)[0]
    return Draft(
        persona=f"You are {w.full(u)}, a civil engineer in {u['city']}. You are reasonable "
        "but want to understand the exact dates.",
        goal=f"You want to return the {w.desc(it)} from order {o['order_id']} because you no "
        "longer need it. If the agent says the return window has closed, ask on which "
        "date it closed, then accept and end the chat. Do not ask for an exception or "
        "a human.",
        known_info=f"You are {w.full(u)}, postal code {u['postal_code']}. Order {o['order_id']}.",
        actions=[by_name(u), order(o)],
        outputs=[w.window_end(o).isoformat()],
    )


@task("retail-017", "refusal", "return", "existing-request")
def t017(w: World) -> Draft:
    o = w.pick_order(
        lambda o: (
            o["status"] == "delivered"
            and any(
                r["status"] == "requested" and r["kind"] == "return"
                for r in w.returns_by_order.get(o["order_id"], [])
            )
        ),
        distinct=False,
    )
    u = w.user(o)
    r = next(r for r in w.returns_by_order[o["order_id"]] if r["status"] == "requested")
    ri = w.return_items[r["return_id"]][0]
    it = next(i for i in w.items(o) if i["item_id"] == ri["item_id"])
    return Draft(
        persona=f"You are {w.full(u)}, a ceramic artist in {u['city']}. You are forgetful "
        "and apologetic about it.",
        goal=f"You want to return the {w.name(it)} from order {o['order_id']}. You forgot "
        "that you already started a return for it. When the agent tells you it is "
        "already part of a return, ask for that return's id and its refund amount, and "
        "then end the chat happily. Do not open anything new.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[by_email(u), order(o)],
        outputs=[r["return_id"], m(r["refund_amount"])],
    )


@task("retail-018", "refusal", "other-person", "gift-card")
def t018(w: World) -> Draft:
    u = w.pick_user(
        lambda u: (
            len(w.gift_cards(u)) == 1
            and len(w.user_orders(u)) >= 1
            and w.gift_cards(u)[0]["gift_card_balance"] > 0
        )
    )
    g = w.gift_cards(u)[0]
    other = w.pick_order(lambda o: o["status"] == "pending")
    ou = w.user(other)
    return Draft(
        persona=f"You are {w.full(u)}, a hairdresser in {u['city']}. You are sociable and "
        "talk about your family a lot.",
        goal=f"First, you want to cancel your sister-in-law {w.full(ou)}'s order "
        f"{other['order_id']} as a favour: she is travelling and asked you to. She has "
        "her own account. If the agent refuses because it is not your account, accept "
        "it. Then ask for the balance of the gift card on your own account, and end the "
        "conversation.",
        known_info=f"Your own email is {u['email']}. Your sister-in-law's order id is "
        f"{other['order_id']}.",
        withheld="You do not know your sister-in-law's email address or postal code, and you "
        "cannot reach her.",
        actions=[
            by_email(u),
            details(u),
            ("get_gift_card_balance", {"gift_card_id": g["payment_method_id"]}),
        ],
        outputs=[m(g["gift_card_balance"])],
    )


@task("retail-019", "refusal", "goodwill", "not-late")
def t019(w: World) -> Draft:
    o = w.pick_order(
        lambda o: (
            o["status"] == "shipped"
            and w.ship(o)["status"] == "in_transit"
            and w.ship(o)["estimated_delivery"] >= "2026-05-16"
        )
    )
    u, s = w.user(o), w.ship(o)
    return Draft(
        persona=f"You are {w.full(u)}, a software tester in {u['city']}. You are impatient "
        "and like to haggle.",
        goal=f"Order {o['order_id']} shipped days ago and you think that is far too slow. "
        "Ask for a credit or discount as compensation. If the agent says the parcel is "
        "not late, ask for the date it is expected, then grudgingly accept. Do not ask "
        "for a human.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[by_email(u), ("track_shipment", {"order_id": o["order_id"]})],
        outputs=[s["estimated_delivery"]],
    )


@task("retail-020", "transfer", "lost-parcel")
def t020(w: World) -> Draft:
    o = w.pick_order(lambda o: o["status"] == "shipped" and w.ship(o)["status"] == "lost")
    u, s = w.user(o), w.ship(o)
    return Draft(
        persona=f"You are {w.full(u)}, a small-business owner in {u['city']}. You are worried "
        "and a little anxious, but polite.",
        goal=f"Order {o['order_id']} never arrived and the carrier's website shows no "
        "progress. Ask what is going on and ask for the tracking number so you can "
        "call the carrier yourself. If the agent says the parcel is lost and offers a "
        "human colleague to sort out a replacement or refund, agree to be transferred.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[
            by_email(u),
            ("track_shipment", {"order_id": o["order_id"]}),
            (
                "transfer_to_human_agents",
                {
                    "summary": f"{u['user_id']}: parcel of order {o['order_id']} is marked "
                    "lost; customer needs a carrier investigation and a "
                    "replacement or refund."
                },
            ),
        ],
        outputs=[s["tracking_number"]],
    )


@task("retail-021", "transfer", "unrecognised-charge")
def t021(w: World) -> Draft:
    o = w.pick_order(
        lambda o: (
            o["status"] == "delivered"
            and o["ship_line1"] != w.user(o)["address_line1"]
            and o["placed_at"] > "2026-03-01"
            and [w.total(x) for x in w.user_orders(w.user(o))].count(w.total(o)) == 1
        )
    )
    u = w.user(o)
    return Draft(
        persona=f"You are {w.full(u)}, an airline dispatcher in {u['city']}. You are alarmed "
        "and speak in short bursts.",
        goal=f"Your card statement shows a Fernwick Market charge of {m(w.total(o))} that you "
        "do not recognise. Ask the agent to find which order it was and where it was "
        f"shipped. When you hear it went to {o['ship_name']} in {o['ship_city']}, say "
        "you never placed that order and do not know that person, and ask for "
        "someone who can investigate. Accept a transfer to a human agent.",
        known_info=f"Your name is {w.full(u)}, postal code {u['postal_code']}. The charge "
        f"was {m(w.total(o))}.",
        withheld=f"You do not know any order id. Only if asked, your email is {u['email']}.",
        actions=[
            by_name(u),
            details(u),
            order(o),
            (
                "transfer_to_human_agents",
                {
                    "summary": f"{u['user_id']} does not recognise order {o['order_id']} "
                    f"({m(w.total(o))}), shipped to {o['ship_name']}; possible "
                    "unauthorised use of the account."
                },
            ),
        ],
        outputs=[o["order_id"]],
    )


@task("retail-022", "transfer", "email-change", "gift-card")
def t022(w: World) -> Draft:
    u = w.pick_user(
        lambda u: len(w.gift_cards(u)) == 1 and w.gift_cards(u)[0]["gift_card_balance"] > 0
    )
    g = w.gift_cards(u)[0]
    return Draft(
        persona=f"You are {w.full(u)}, a landscape gardener in {u['city']}. You are "
        "easy-going and chatty.",
        goal="Two things. First, ask for the balance of the gift card on your account. "
        "Second, you changed email providers and want the email address on your "
        "account changed to a new one. If the agent cannot do that and offers a human "
        "agent, accept the transfer.",
        known_info=f"Your current account email is {u['email']}. Your new address would be "
        f"{u['first_name'].lower()}.{u['last_name'].lower().replace(' ', '')}"
        "@newmail.example.",
        actions=[
            by_email(u),
            details(u),
            ("get_gift_card_balance", {"gift_card_id": g["payment_method_id"]}),
            (
                "transfer_to_human_agents",
                {"summary": f"{u['user_id']} wants to change the account email address."},
            ),
        ],
        outputs=[m(g["gift_card_balance"])],
    )
