"""Multi-step tasks: several changes across a customer's orders and account."""

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
    product,
    quote,
    refund_of,
    rehome,
    repay,
    ret,
    swap,
    task,
    track,
    withdraw,
)

# -- what a customer has ------------------------------------------------------------------


def pend(w: World, u: Row, modifiable: bool = False) -> list[Row]:
    return [
        o
        for o in w.user_orders(u, "pending")
        if w.distinct_products(o["order_id"]) and (not modifiable or not o["items_modified"])
    ]


def win(w: World, u: Row) -> list[Row]:
    """Delivered orders inside the return window whose first item can be returned."""
    return [
        o
        for o in w.user_orders(u, "delivered")
        if w.in_window(o, 2) and w.distinct_products(o["order_id"]) and w.returnable(w.items(o)[0])
    ]


def late(w: World, u: Row) -> list[Row]:
    return [o for o in w.user_orders(u, "shipped") if late_order(w, o)]


def gift(w: World, u: Row) -> str:
    g = w.gift_cards(u)
    return g[0]["payment_method_id"] if g else ""


def same_alt(w: World, it: Row) -> bool:
    return bool(w.alts(it, price="same"))


# -- tasks ----------------------------------------------------------------------------------


@task("retail-073", "cancel", "return", "multi-write")
def t073(w: World) -> Draft:
    u = w.pick_user(lambda u: len(pend(w, u)) == 1 and len(win(w, u)) >= 1)
    a, b = pend(w, u)[0], win(w, u)[0]
    ib = w.items(b)[0]
    return Draft(
        persona=f"You are {w.full(u)}, a social worker in {u['city']} trying to cut back on "
        "spending. You are earnest and a little anxious.",
        goal=f"Two things. 1) Cancel order {a['order_id']}, which has not shipped; you no "
        f"longer need it. 2) Return the {w.desc(ib)} from order {b['order_id']}, also "
        "because you no longer need it, refund to the original payment method. Ask for "
        "both refund amounts.",
        known_info=f"Your email is {u['email']}. Orders {a['order_id']} and {b['order_id']}.",
        actions=[
            by_email(u),
            order(a),
            cancel(a, "no longer needed"),
            order(b),
            ret(b, [ib], "no longer needed", b["payment_method_id"]),
        ],
        outputs=lambda r: [m(r[2]["refund_total"]), m(r[4]["refund_amount"])],
    )


@task("retail-074", "return", "exchange", "multi-write")
def t074(w: World) -> Draft:
    u = w.pick_user(lambda u: len(win(w, u)) >= 2 and same_alt(w, w.items(win(w, u)[1])[0]))
    b, c = win(w, u)[:2]
    ib, ic = w.items(b)[0], w.items(c)[0]
    new = w.alt(ic, price="same")
    return Draft(
        persona=f"You are {w.full(u)}, a stage actor in {u['city']}. You are expressive and "
        "theatrical, but you know what you want.",
        goal=f"Return the {w.desc(ib)} from order {b['order_id']} because it arrived damaged "
        "(refund to the original payment method), and exchange the "
        f"{w.desc(ic)} from order {c['order_id']} for {w.change(ic, new)} (any "
        "difference on that order's payment method). Ask for the refund amount.",
        known_info=f"Your name is {w.full(u)}, postal code {u['postal_code']}. Orders "
        f"{b['order_id']} and {c['order_id']}.",
        actions=[
            by_name(u),
            order(b),
            ret(b, [ib], "damaged or defective", b["payment_method_id"]),
            order(c),
            product(ic["product_id"]),
            exch(c, [ic], [new], c["payment_method_id"]),
        ],
        outputs=refund_of(2),
    )


@task("retail-075", "address", "goodwill", "multi-write")
def t075(w: World) -> Draft:
    u = w.pick_user(
        lambda u: len(pend(w, u)) == 1 and len(late(w, u)) == 1 and len(w.gift_cards(u)) <= 1
    )
    a, lt = pend(w, u)[0], late(w, u)[0]
    new = w.new_address(region=u["region"])
    cap = CAP[u["loyalty_tier"]]
    return Draft(
        persona=f"You are {w.full(u)}, an office manager in {u['city']} whose deliveries keep "
        "going wrong. You are exasperated but organised.",
        goal=f"First, order {lt['order_id']} is late: complain and accept the goodwill credit "
        "offered (the full amount). Second, to avoid more trouble, ship your pending "
        f"order {a['order_id']} to your office instead: {addr_text(new)}.",
        known_info=f"Your email is {u['email']}. Late order {lt['order_id']}; pending order "
        f"{a['order_id']}. Office address: {addr_text(new)}.",
        actions=[
            by_email(u),
            track(lt),
            details(u),
            credit(lt, cap, gift(w, u)),
            order(a),
            move(a, new),
        ],
        outputs=[m(cap)],
    )


@task("retail-076", "exchange", "account-address", "multi-write")
def t076(w: World) -> Draft:
    u = w.pick_user(lambda u: len(win(w, u)) >= 1 and same_alt(w, w.items(win(w, u)[0])[0]))
    b = win(w, u)[0]
    ib = w.items(b)[0]
    new = w.alt(ib, price="same")
    home = w.new_address()
    return Draft(
        persona=f"You are {w.full(u)}, a midwife who has just moved to {home['city']}. You are "
        "practical and kind.",
        goal=f"Exchange the {w.desc(ib)} from order {b['order_id']} for {w.change(ib, new)} "
        "(order's payment method for any difference). Also update the address on your "
        f"account to your new home, {addr_text(home)}, so the replacement and future "
        "orders find you.",
        known_info=f"Your email is {u['email']}. Order {b['order_id']}. New address: "
        f"{addr_text(home)}.",
        actions=[
            by_email(u),
            order(b),
            product(ib["product_id"]),
            exch(b, [ib], [new], b["payment_method_id"]),
            rehome(u, home),
        ],
    )


@task("retail-077", "modify-items", "cancel", "multi-write")
def t077(w: World) -> Draft:
    u = w.pick_user(
        lambda u: (
            len(pend(w, u)) == 2
            and any(not o["items_modified"] and same_alt(w, w.items(o)[0]) for o in pend(w, u))
        )
    )
    a = next(o for o in pend(w, u) if not o["items_modified"] and same_alt(w, w.items(o)[0]))
    b = next(o for o in pend(w, u) if o is not a)
    ia = w.items(a)[0]
    new = w.alt(ia, price="same")
    return Draft(
        persona=f"You are {w.full(u)}, a game designer in {u['city']}. You are quick, witty "
        "and sometimes sarcastic.",
        goal=f"In order {a['order_id']}, change the {w.desc(ia)} to {w.change(ia, new)} "
        f"(order's payment method for any difference). Then cancel order {b['order_id']} "
        "entirely, because you ordered it by mistake. Ask for the refund of the "
        "cancelled order.",
        known_info=f"Your email is {u['email']}. Orders {a['order_id']} and {b['order_id']}.",
        actions=[
            by_email(u),
            order(a),
            product(ia["product_id"]),
            swap(a, [ia], [new], a["payment_method_id"]),
            order(b),
            cancel(b, "ordered by mistake"),
        ],
        outputs=lambda r: [m(r[5]["refund_total"])],
    )


@task("retail-078", "address", "payment", "multi-write")
def t078(w: World) -> Draft:
    def ok(u: Row) -> bool:
        ps = pend(w, u)
        return len(ps) >= 1 and any(
            c["payment_method_id"] != ps[0]["payment_method_id"] for c in w.cards(u, valid=True)
        )

    u = w.pick_user(ok)
    a = pend(w, u)[0]
    card = next(
        c for c in w.cards(u, valid=True) if c["payment_method_id"] != a["payment_method_id"]
    )
    new = w.new_address()
    return Draft(
        persona=f"You are {w.full(u)}, a personal assistant in {u['city']} arranging a gift "
        "for your boss. You are crisp and professional.",
        goal=f"Order {a['order_id']} is now a gift for your boss. Change its shipping address "
        f"to {addr_text(new)}, and charge it to {w.pm_text(card)} instead of the current "
        "payment method. Do not touch the address on your account.",
        known_info=f"Your email is {u['email']}. Order {a['order_id']}. Boss's address: "
        f"{addr_text(new)}.",
        actions=[
            by_email(u),
            order(a),
            move(a, new),
            details(u),
            repay(a, card["payment_method_id"]),
        ],
    )


@task("retail-079", "return", "multi-order", "multi-write")
def t079(w: World) -> Draft:
    u = w.pick_user(lambda u: len(win(w, u)) >= 2 and u["loyalty_tier"] != "gold")
    b, c = win(w, u)[:2]
    ib, ic = w.items(b)[0], w.items(c)[0]
    return Draft(
        persona=f"You are {w.full(u)}, a minimalist blogger in {u['city']}. You are calm and "
        "speak in measured sentences.",
        goal=f"You are decluttering. Return the {w.desc(ib)} from order {b['order_id']} and the "
        f"{w.desc(ic)} from order {c['order_id']}, both because you no longer need them, "
        "each refunded to its order's original payment method. Ask for each refund "
        "amount.",
        known_info=f"Your email is {u['email']}. Orders {b['order_id']} and {c['order_id']}.",
        actions=[
            by_email(u),
            order(b),
            ret(b, [ib], "no longer needed", b["payment_method_id"]),
            order(c),
            ret(c, [ic], "no longer needed", c["payment_method_id"]),
        ],
        outputs=lambda r: [m(r[2]["refund_amount"]), m(r[4]["refund_amount"])],
    )


@task("retail-080", "exchange", "multi-order", "multi-write")
def t080(w: World) -> Draft:
    u = w.pick_user(
        lambda u: len(win(w, u)) >= 2 and all(same_alt(w, w.items(o)[0]) for o in win(w, u)[:2])
    )
    b, c = win(w, u)[:2]
    ib, ic = w.items(b)[0], w.items(c)[0]
    nb, nc = w.alt(ib, price="same"), w.alt(ic, price="same")
    return Draft(
        persona=f"You are {w.full(u)}, a textile designer in {u['city']}. You are fussy about "
        "colours and sizes, and polite about it.",
        goal=f"Exchange the {w.desc(ib)} from order {b['order_id']} for {w.change(ib, nb)}, "
        f"and the {w.desc(ic)} from order {c['order_id']} for {w.change(ic, nc)}. Use each "
        "order's payment method for any difference.",
        known_info=f"Your email is {u['email']}. Orders {b['order_id']} and {c['order_id']}.",
        actions=[
            by_email(u),
            order(b),
            product(ib["product_id"]),
            exch(b, [ib], [nb], b["payment_method_id"]),
            order(c),
            product(ic["product_id"]),
            exch(c, [ic], [nc], c["payment_method_id"]),
        ],
    )


@task("retail-081", "withdraw", "return", "gift-card", "multi-write", "change-of-mind")
def t081(w: World) -> Draft:
    def ok(o: Row) -> bool:
        rs = [
            r
            for r in w.returns_by_order.get(o["order_id"], [])
            if r["status"] == "requested" and r["kind"] == "return"
        ]
        u = w.user(o)
        return (
            len(rs) == 1
            and w.in_window(o, 1)
            and len(w.gift_cards(u)) == 1
            and rs[0]["settlement_method_id"] != w.gift_cards(u)[0]["payment_method_id"]
        )

    o = w.pick_order(ok, distinct=False)
    u = w.user(o)
    r = next(r for r in w.returns_by_order[o["order_id"]] if r["status"] == "requested")
    ids = [x["item_id"] for x in w.return_items[r["return_id"]]]
    its = [i for i in w.items(o) if i["item_id"] in ids]
    g = w.gift_cards(u)[0]
    return Draft(
        persona=f"You are {w.full(u)}, a crossword setter in {u['city']}. You are precise and "
        "enjoy wordplay.",
        goal=f"You have an open return for order {o['order_id']} with the refund going to "
        "your original payment method. You would now prefer the refund on your gift "
        "card. If the agent says the destination of an existing return cannot be changed, "
        "ask them to withdraw that return and open a new one for the same item(s) with the "
        f"same reason ({r['reason']}) but with the refund to your gift card. Ask for the "
        "new refund amount.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[
            by_email(u),
            order(o),
            details(u),
            withdraw(r["return_id"]),
            ret(o, its, r["reason"], g["payment_method_id"]),
        ],
        outputs=refund_of(4),
    )


@task("retail-082", "goodwill", "account-address", "multi-write")
def t082(w: World) -> Draft:
    u = w.pick_user(lambda u: len(late(w, u)) == 1 and len(w.gift_cards(u)) <= 1)
    lt = late(w, u)[0]
    home = w.new_address()
    cap = CAP[u["loyalty_tier"]]
    return Draft(
        persona=f"You are {w.full(u)}, a landscape painter. You are dreamy and slightly "
        "disorganised.",
        goal=f"Order {lt['order_id']} is overdue. Ask if anything can be done about it and "
        "accept the full goodwill credit offered. Then mention that you are moving next "
        f"month and ask to update your account address to {addr_text(home)} now.",
        known_info=f"Your name is {w.full(u)}, postal code {u['postal_code']}. Order "
        f"{lt['order_id']}. New address: {addr_text(home)}.",
        actions=[by_name(u), track(lt), details(u), credit(lt, cap, gift(w, u)), rehome(u, home)],
        outputs=[m(cap)],
    )


@task("retail-083", "cancel", "payment", "multi-write")
def t083(w: World) -> Draft:
    def ok(u: Row) -> bool:
        ps = pend(w, u)
        return (
            len(ps) == 2
            and len(w.wallets(u)) == 1
            and (ps[1]["payment_method_id"] != w.wallets(u)[0]["payment_method_id"])
        )

    u = w.pick_user(ok)
    a, b = pend(w, u)
    wallet = w.wallets(u)[0]
    return Draft(
        persona=f"You are {w.full(u)}, a hotel receptionist in {u['city']}. You are polite "
        "and like things confirmed twice.",
        goal=f"Cancel order {a['order_id']} (you found a better price elsewhere) and ask for "
        f"the refund amount. Then switch the payment of order {b['order_id']} to your "
        "Paywise wallet.",
        known_info=f"Your email is {u['email']}. Orders {a['order_id']} and {b['order_id']}.",
        actions=[
            by_email(u),
            order(a),
            cancel(a, "found a better price"),
            order(b),
            details(u),
            repay(b, wallet["payment_method_id"]),
        ],
        outputs=lambda r: [m(r[2]["refund_total"])],
    )


@task("retail-084", "account-address", "address", "multi-write")
def t084(w: World) -> Draft:
    u = w.pick_user(lambda u: len(pend(w, u)) == 2)
    a, b = pend(w, u)
    home = w.new_address(line2=True)
    return Draft(
        persona=f"You are {w.full(u)}, a software developer who just moved to "
        f"{home['city']}. You are concise and technical.",
        goal=f"You moved to {addr_text(home)}. Update the account address and redirect both "
        f"pending orders ({a['order_id']} and {b['order_id']}) to it.",
        known_info=f"Your email is {u['email']}. Orders {a['order_id']} and {b['order_id']}. "
        f"New address: {addr_text(home)}.",
        actions=[by_email(u), rehome(u, home), order(a), move(a, home), order(b), move(b, home)],
    )


@task("retail-085", "modify-items", "exchange", "multi-write")
def t085(w: World) -> Draft:
    def ok(u: Row) -> bool:
        ps = [o for o in pend(w, u, True) if same_alt(w, w.items(o)[0])]
        ws = [o for o in win(w, u) if same_alt(w, w.items(o)[0])]
        return bool(ps) and any(w.name(w.items(o)[0]) != w.name(w.items(ps[0])[0]) for o in ws)

    u = w.pick_user(ok)
    a = next(o for o in pend(w, u, True) if same_alt(w, w.items(o)[0]))
    b = next(
        o
        for o in win(w, u)
        if same_alt(w, w.items(o)[0]) and w.name(w.items(o)[0]) != w.name(w.items(a)[0])
    )
    ia, ib = w.items(a)[0], w.items(b)[0]
    na, nb = w.alt(ia, price="same"), w.alt(ib, price="same")
    return Draft(
        persona=f"You are {w.full(u)}, a circus acrobat in {u['city']}. You are bubbly and "
        "full of energy.",
        goal=f"For order {b['order_id']}, which you already received, exchange the "
        f"{w.desc(ib)} for {w.change(ib, nb)}. For order {a['order_id']}, which has not "
        f"shipped, change the {w.desc(ia)} to {w.change(ia, na)}. Use each order's own "
        "payment method for any difference.",
        known_info=f"Your email is {u['email']}. Orders {a['order_id']} and {b['order_id']}.",
        actions=[
            by_email(u),
            order(b),
            product(ib["product_id"]),
            exch(b, [ib], [nb], b["payment_method_id"]),
            order(a),
            product(ia["product_id"]),
            swap(a, [ia], [na], a["payment_method_id"]),
        ],
    )


@task("retail-086", "cancel", "withdraw", "multi-write")
def t086(w: World) -> Draft:
    def ok(u: Row) -> bool:
        reqs = [
            o
            for o in w.user_orders(u, "delivered")
            if any(r["status"] == "requested" for r in w.returns_by_order.get(o["order_id"], []))
        ]
        return len(pend(w, u)) == 1 and len(reqs) == 1

    u = w.pick_user(ok)
    a = pend(w, u)[0]
    b = next(
        o
        for o in w.user_orders(u, "delivered")
        if any(r["status"] == "requested" for r in w.returns_by_order.get(o["order_id"], []))
    )
    r = next(r for r in w.returns_by_order[b["order_id"]] if r["status"] == "requested")
    return Draft(
        persona=f"You are {w.full(u)}, a bus driver in {u['city']}. You are good-natured and "
        "a little forgetful.",
        goal=f"Cancel order {a['order_id']}: you ordered it by mistake. Also, you asked to "
        f"send something back from order {b['order_id']}, but you have decided to keep "
        "it: withdraw that request. Ask for the refund of the cancelled order.",
        known_info=f"Your email is {u['email']}. Orders {a['order_id']} and {b['order_id']}.",
        actions=[
            by_email(u),
            order(a),
            cancel(a, "ordered by mistake"),
            order(b),
            withdraw(r["return_id"]),
        ],
        outputs=lambda r: [m(r[2]["refund_total"])],
    )


@task("retail-087", "change-of-mind", "address", "modify-items", "multi-write")
def t087(w: World) -> Draft:
    o = w.pick_order(
        lambda o: (
            o["status"] == "pending" and not o["items_modified"] and same_alt(w, w.items(o)[0])
        )
    )
    u = w.user(o)
    it = w.items(o)[0]
    new = w.alt(it, price="same")
    dest = w.new_address(region=o["ship_region"])
    return Draft(
        persona=f"You are {w.full(u)}, an amateur astronomer in {u['city']}. You are "
        "thoughtful and change your plans as you talk.",
        goal=f"Start by asking to cancel order {o['order_id']}, because the {w.name(it)} is "
        "the wrong option and you will be away. Before the agent cancels (or as soon "
        "as they ask you to confirm), change your mind: keep the order, but change the "
        f"{w.name(it)} to {w.change(it, new)} and ship the order to your cousin's address "
        f"{addr_text(dest)} instead. Do NOT cancel in the end.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}. Cousin's address: "
        f"{addr_text(dest)}.",
        actions=[
            by_email(u),
            order(o),
            product(it["product_id"]),
            swap(o, [it], [new], o["payment_method_id"]),
            move(o, dest),
        ],
    )


@task("retail-088", "return", "payment", "multi-write")
def t088(w: World) -> Draft:
    def ok(u: Row) -> bool:
        ps = pend(w, u)
        return (
            any(w.sized(w.items(o)[0]) for o in win(w, u))
            and len(ps) == 1
            and any(
                p["payment_method_id"] != ps[0]["payment_method_id"]
                for p in w.wallets(u) + w.cards(u, valid=True)
            )
        )

    u = w.pick_user(ok)
    a = pend(w, u)[0]
    b = next(o for o in win(w, u) if w.sized(w.items(o)[0]))
    ib = w.items(b)[0]
    pm = next(
        p
        for p in w.wallets(u) + w.cards(u, valid=True)
        if p["payment_method_id"] != a["payment_method_id"]
    )
    return Draft(
        persona=f"You are {w.full(u)}, a dance teacher in {u['city']}. You are lively and "
        "talk with your hands (and it shows in your typing).",
        goal=f"Return the {w.desc(ib)} from order {b['order_id']} because it does not fit "
        "(refund to the original payment method) and ask for the refund amount. Then pay "
        f"your pending order {a['order_id']} with {w.pm_text(pm)} instead of the current "
        "method.",
        known_info=f"Your email is {u['email']}. Orders {b['order_id']} and {a['order_id']}.",
        actions=[
            by_email(u),
            order(b),
            ret(b, [ib], "wrong size or fit", b["payment_method_id"]),
            order(a),
            details(u),
            repay(a, pm["payment_method_id"]),
        ],
        outputs=refund_of(2),
    )


@task("retail-089", "exchange", "withdraw", "multi-write")
def t089(w: World) -> Draft:
    def ok(u: Row) -> bool:
        reqs = [
            o
            for o in w.user_orders(u, "delivered")
            if any(r["status"] == "requested" for r in w.returns_by_order.get(o["order_id"], []))
        ]
        ws = [o for o in win(w, u) if o not in reqs and same_alt(w, w.items(o)[0])]
        return len(reqs) == 1 and bool(ws)

    u = w.pick_user(ok)
    c = next(
        o
        for o in w.user_orders(u, "delivered")
        if any(r["status"] == "requested" for r in w.returns_by_order.get(o["order_id"], []))
    )
    r = next(r for r in w.returns_by_order[c["order_id"]] if r["status"] == "requested")
    b = next(o for o in win(w, u) if o is not c and same_alt(w, w.items(o)[0]))
    ib = w.items(b)[0]
    nb = w.alt(ib, price="same")
    return Draft(
        persona=f"You are {w.full(u)}, a hospital pharmacist in {u['city']}. You are careful "
        "and double-check everything.",
        goal=f"Withdraw your open request {r['return_id']} on order {c['order_id']}: you are "
        f"keeping those items. Then exchange the {w.desc(ib)} from order {b['order_id']} "
        f"for {w.change(ib, nb)}, with any difference on that order's payment method.",
        known_info=f"Your email is {u['email']}. Orders {c['order_id']} and {b['order_id']}; "
        f"request {r['return_id']}.",
        actions=[
            by_email(u),
            order(c),
            withdraw(r["return_id"]),
            order(b),
            product(ib["product_id"]),
            exch(b, [ib], [nb], b["payment_method_id"]),
        ],
    )


@task("retail-090", "account-address", "payment", "multi-write")
def t090(w: World) -> Draft:
    def ok(u: Row) -> bool:
        ps = pend(w, u)
        return (
            len(ps) == 1
            and len(w.wallets(u)) == 1
            and (ps[0]["payment_method_id"] != w.wallets(u)[0]["payment_method_id"])
        )

    u = w.pick_user(ok)
    a = pend(w, u)[0]
    wallet = w.wallets(u)[0]
    home = w.new_address()
    return Draft(
        persona=f"You are {w.full(u)}, a bakery owner in {u['city']}. You write in a warm, "
        "motherly tone.",
        goal=f"Two account chores: update your saved address to {addr_text(home)} (your order "
        f"{a['order_id']} should still go where it is going now), and pay order "
        f"{a['order_id']} with your Paywise wallet instead.",
        known_info=f"Your name is {w.full(u)}, postal code {u['postal_code']}. Order "
        f"{a['order_id']}. New address: {addr_text(home)}.",
        withheld="Do not give your email unless you cannot be found otherwise.",
        actions=[
            by_name(u),
            details(u),
            rehome(u, home),
            order(a),
            repay(a, wallet["payment_method_id"]),
        ],
    )


@task("retail-091", "cancel", "return", "exchange", "account-address", "multi-write", "hard")
def t091(w: World) -> Draft:
    u = w.pick_user(
        lambda u: (
            len(pend(w, u)) >= 1 and len(win(w, u)) >= 2 and same_alt(w, w.items(win(w, u)[1])[0])
        )
    )
    a = pend(w, u)[0]
    b, c = win(w, u)[:2]
    ib, ic = w.items(b)[0], w.items(c)[0]
    nc = w.alt(ic, price="same")
    home = w.new_address()
    return Draft(
        persona=f"You are {w.full(u)}, a project manager in {u['city']} who handles "
        "everything in one sitting with a checklist.",
        goal=f"Your checklist: (1) cancel order {a['order_id']} - no longer needed; (2) "
        f"return the {w.desc(ib)} from order {b['order_id']} - no longer needed, refund "
        f"to the original payment method; (3) exchange the {w.desc(ic)} from order "
        f"{c['order_id']} for {w.change(ic, nc)}, order's payment method for any "
        f"difference; (4) update your account address to {addr_text(home)}. Ask for the "
        "refund amounts of (1) and (2).",
        known_info=f"Your email is {u['email']}. Orders {a['order_id']}, {b['order_id']}, "
        f"{c['order_id']}. New address: {addr_text(home)}.",
        actions=[
            by_email(u),
            order(a),
            cancel(a, "no longer needed"),
            order(b),
            ret(b, [ib], "no longer needed", b["payment_method_id"]),
            order(c),
            product(ic["product_id"]),
            exch(c, [ic], [nc], c["payment_method_id"]),
            rehome(u, home),
        ],
        outputs=lambda r: [m(r[2]["refund_total"]), m(r[4]["refund_amount"])],
    )


@task("retail-092", "modify-items", "address", "multi-write")
def t092(w: World) -> Draft:
    o = w.pick_order(
        lambda o: (
            o["status"] == "pending"
            and not o["items_modified"]
            and len(w.items(o)) >= 2
            and all(same_alt(w, i) for i in w.items(o)[:2])
        )
    )
    u = w.user(o)
    a, b = w.items(o)[:2]
    na, nb = w.alt(a, price="same"), w.alt(b, price="same")
    dest = w.new_address()
    return Draft(
        persona=f"You are {w.full(u)}, a wedding planner in {u['city']}. You are juggling "
        "details and want everything exactly right.",
        goal=f"Order {o['order_id']} is for a client's event. Change the {w.desc(a)} to "
        f"{w.change(a, na)} and the {w.desc(b)} to {w.change(b, nb)} (both together, "
        "order's payment method for any difference), and ship the order to the venue: "
        f"{addr_text(dest)}.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}. Venue: {addr_text(dest)}.",
        withheld="Give both item changes in one message.",
        actions=[
            by_email(u),
            order(o),
            product(a["product_id"]),
            product(b["product_id"]),
            swap(o, [a, b], [na, nb], o["payment_method_id"]),
            move(o, dest),
        ],
    )


@task("retail-093", "cancel", "multi-order", "multi-write")
def t093(w: World) -> Draft:
    u = w.pick_user(lambda u: len(pend(w, u)) == 2 and len(w.user_orders(u, "pending")) == 2)
    a, b = pend(w, u)
    return Draft(
        persona=f"You are {w.full(u)}, a student who has just lost a part-time job in "
        f"{u['city']}. You are a bit embarrassed and want to save money.",
        goal=f"Cancel both of your orders that have not shipped. The first ({a['order_id']}) "
        f"you ordered by mistake; the second ({b['order_id']}) you no longer need. Ask "
        "for the total you will get back.",
        known_info=f"Your email is {u['email']}.",
        withheld="You do not know the order ids; the agent can find them. (They are "
        f"{a['order_id']} and {b['order_id']} if you are asked which is which.)",
        actions=[
            by_email(u),
            details(u),
            order(a),
            cancel(a, "ordered by mistake"),
            order(b),
            cancel(b, "no longer needed"),
        ],
        outputs=lambda r: [m(r[3]["refund_total"]), m(r[5]["refund_total"])],
    )


@task("retail-094", "return", "goodwill", "gift-card", "multi-write")
def t094(w: World) -> Draft:
    u = w.pick_user(
        lambda u: len(win(w, u)) >= 1 and len(late(w, u)) == 1 and len(w.gift_cards(u)) == 1
    )
    b, lt = win(w, u)[0], late(w, u)[0]
    ib = w.items(b)[0]
    g = w.gift_cards(u)[0]
    cap = CAP[u["loyalty_tier"]]
    return Draft(
        persona=f"You are {w.full(u)}, a pottery teacher in {u['city']}. You are serene and "
        "like store credit.",
        goal=f"Return the {w.desc(ib)} from order {b['order_id']} (not as described) with the "
        "refund on your gift card. Then mention that order "
        f"{lt['order_id']} is late, and accept the full goodwill credit offered on the "
        "same gift card. Ask for the return refund amount.",
        known_info=f"Your email is {u['email']}. Orders {b['order_id']} and {lt['order_id']}.",
        actions=[
            by_email(u),
            order(b),
            details(u),
            ret(b, [ib], "not as described", g["payment_method_id"]),
            track(lt),
            credit(lt, cap, g["payment_method_id"]),
        ],
        outputs=lambda r: [m(r[3]["refund_amount"]), m(cap)],
    )


@task("retail-095", "refusal", "cancel", "return", "multi-write")
def t095(w: World) -> Draft:
    def ok(u: Row) -> bool:
        ships = [o for o in w.user_orders(u, "shipped") if w.ship(o)["status"] == "in_transit"]
        return len(ships) >= 1 and len(pend(w, u)) >= 1 and len(win(w, u)) >= 1

    u = w.pick_user(ok)
    s = next(o for o in w.user_orders(u, "shipped") if w.ship(o)["status"] == "in_transit")
    a, b = pend(w, u)[0], win(w, u)[0]
    ib = w.items(b)[0]
    return Draft(
        persona=f"You are {w.full(u)}, a stockbroker in {u['city']}. You are fast, demanding "
        "and hate wasting time.",
        goal=f"You want to cancel orders {s['order_id']} and {a['order_id']} (no longer "
        f"needed), and return the {w.desc(ib)} from order {b['order_id']} (no longer "
        "needed, refund to the original payment method). If one of the cancellations is "
        "refused because the order already shipped, accept that and do the rest. Ask "
        "for the refund amounts.",
        known_info=f"Your email is {u['email']}. Orders {s['order_id']}, {a['order_id']} and "
        f"{b['order_id']}.",
        actions=[
            by_email(u),
            order(s),
            order(a),
            cancel(a, "no longer needed"),
            order(b),
            ret(b, [ib], "no longer needed", b["payment_method_id"]),
        ],
        outputs=lambda r: [m(r[3]["refund_total"]), m(r[5]["refund_amount"])],
    )


@task("retail-096", "payment", "return", "gift-card", "multi-write")
def t096(w: World) -> Draft:
    def ok(u: Row) -> bool:
        g = w.gift_cards(u)
        ps = pend(w, u)
        return (
            len(g) == 1
            and len(ps) == 1
            and len(win(w, u)) >= 1
            and g[0]["gift_card_balance"] >= w.total(ps[0]) + 1
            and ps[0]["payment_method_id"] != g[0]["payment_method_id"]
        )

    u = w.pick_user(ok)
    g = w.gift_cards(u)[0]
    a, b = pend(w, u)[0], win(w, u)[0]
    ib = w.items(b)[0]
    return Draft(
        persona=f"You are {w.full(u)}, a retired postal worker in {u['city']} who loves using "
        "up gift cards. You are chatty and kind.",
        goal=f"Pay your pending order {a['order_id']} with your gift card instead of the "
        f"current method. Then return the {w.desc(ib)} from order {b['order_id']} because "
        "it is defective, with the refund going onto the same gift card. Ask for the "
        "refund amount.",
        known_info=f"Your email is {u['email']}. Orders {a['order_id']} and {b['order_id']}.",
        actions=[
            by_email(u),
            details(u),
            order(a),
            repay(a, g["payment_method_id"]),
            order(b),
            ret(b, [ib], "damaged or defective", g["payment_method_id"]),
        ],
        outputs=refund_of(5),
    )


@task("retail-097", "exchange", "gift-card", "account-address", "multi-write")
def t097(w: World) -> Draft:
    def ok(u: Row) -> bool:
        g = w.gift_cards(u)
        ws = [o for o in win(w, u) if w.alts(w.items(o)[0], price="higher")]
        if len(g) != 1 or not ws:
            return False
        it = w.items(ws[0])[0]
        need = max(v["price"] for v in w.alts(it, price="higher")) - it["unit_price"]
        return g[0]["gift_card_balance"] >= need + 1

    u = w.pick_user(ok)
    b = next(o for o in win(w, u) if w.alts(w.items(o)[0], price="higher"))
    ib = w.items(b)[0]
    nb = w.alt(ib, price="higher")
    g = w.gift_cards(u)[0]
    home = w.new_address()
    return Draft(
        persona=f"You are {w.full(u)}, a cartographer in {u['city']}. You are exact and a "
        "little pedantic.",
        goal=f"Exchange the {w.desc(ib)} from order {b['order_id']} for {w.change(ib, nb)}, "
        "paying the extra with your gift card. Ask how much extra it was. Then update "
        f"your account address to {addr_text(home)}.",
        known_info=f"Your email is {u['email']}. Order {b['order_id']}. New address: "
        f"{addr_text(home)}.",
        actions=[
            by_email(u),
            order(b),
            details(u),
            product(ib["product_id"]),
            exch(b, [ib], [nb], g["payment_method_id"]),
            rehome(u, home),
        ],
        outputs=[m(nb["price"] - ib["unit_price"])],
    )


@task("retail-098", "modify-items", "payment", "multi-write")
def t098(w: World) -> Draft:
    def ok(o: Row) -> bool:
        u = w.user(o)
        return (
            o["status"] == "pending"
            and not o["items_modified"]
            and same_alt(w, w.items(o)[0])
            and len(w.wallets(u)) == 1
            and o["payment_method_id"] != w.wallets(u)[0]["payment_method_id"]
        )

    o = w.pick_order(ok)
    u = w.user(o)
    it = w.items(o)[0]
    new = w.alt(it, price="same")
    wallet = w.wallets(u)[0]
    return Draft(
        persona=f"You are {w.full(u)}, a sommelier in {u['city']}. You are refined and unhurried.",
        goal=f"For order {o['order_id']}: change the {w.desc(it)} to {w.change(it, new)}, and "
        "pay the whole order with your Paywise wallet instead of the current method.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[
            by_email(u),
            order(o),
            product(it["product_id"]),
            swap(o, [it], [new], o["payment_method_id"]),
            details(u),
            repay(o, wallet["payment_method_id"]),
        ],
    )


@task("retail-099", "return", "transfer", "safety")
def t099(w: World) -> Draft:
    def ok(u: Row) -> bool:
        ws = win(w, u)
        return len(ws) >= 2 and w.name(w.items(ws[1])[0]) != w.name(w.items(ws[0])[0])

    u = w.pick_user(ok)
    b, c = win(w, u)[:2]
    ib, ic = w.items(b)[0], w.items(c)[0]
    return Draft(
        persona=f"You are {w.full(u)}, a safety inspector in {u['city']}. You are serious and "
        "specific.",
        goal=f"First, return the {w.desc(ib)} from order {b['order_id']}: you no longer need "
        "it; refund to the original payment method; ask for the refund amount. Second, "
        f"the {w.name(ic)} from order {c['order_id']} gave off sparks and a burning smell "
        "the first time you used it. You consider it a safety hazard and want a "
        "specialist to handle it: accept a transfer to a human agent.",
        known_info=f"Your email is {u['email']}. Orders {b['order_id']} and {c['order_id']}.",
        actions=[
            by_email(u),
            order(b),
            ret(b, [ib], "no longer needed", b["payment_method_id"]),
            order(c),
            (
                "transfer_to_human_agents",
                {
                    "summary": f"{u['user_id']}: {w.name(ic)} from order {c['order_id']} "
                    "sparked and smelled of burning (safety hazard)."
                },
            ),
        ],
        outputs=refund_of(2),
    )


@task("retail-100", "cancel", "transfer", "lost-parcel")
def t100(w: World) -> Draft:
    u = w.pick_user(
        lambda u: (
            len(pend(w, u)) >= 1
            and any(w.ship(o)["status"] == "lost" for o in w.user_orders(u, "shipped"))
        )
    )
    a = pend(w, u)[0]
    lost = next(o for o in w.user_orders(u, "shipped") if w.ship(o)["status"] == "lost")
    return Draft(
        persona=f"You are {w.full(u)}, a lab technician in {u['city']}. You have lost trust "
        "in deliveries and sound it.",
        goal=f"First cancel order {a['order_id']} (delivery too slow, in your view) and ask for "
        f"the refund amount. Then ask what happened to order {lost['order_id']}, which "
        "never arrived. If the agent says it is lost and offers a human colleague, "
        "accept the transfer.",
        known_info=f"Your email is {u['email']}. Orders {a['order_id']} and {lost['order_id']}.",
        actions=[
            by_email(u),
            order(a),
            cancel(a, "delivery too slow"),
            track(lost),
            (
                "transfer_to_human_agents",
                {
                    "summary": f"{u['user_id']}: parcel of order {lost['order_id']} is lost; "
                    "needs carrier investigation and replacement or refund."
                },
            ),
        ],
        outputs=lambda r: [m(r[2]["refund_total"])],
    )


@task("retail-101", "goodwill", "address", "cancel", "multi-write", "hard")
def t101(w: World) -> Draft:
    u = w.pick_user(
        lambda u: len(pend(w, u)) == 2 and len(late(w, u)) == 1 and len(w.gift_cards(u)) <= 1
    )
    lt = late(w, u)[0]
    a, b = pend(w, u)
    dest = w.new_address(region=u["region"])
    cap = CAP[u["loyalty_tier"]]
    return Draft(
        persona=f"You are {w.full(u)}, a community nurse in {u['city']}. You are direct and "
        "have had a long day.",
        goal=f"(1) Order {lt['order_id']} is late: accept the full goodwill credit offered. "
        f"(2) Send order {a['order_id']} to your workplace, {addr_text(dest)}, so it is "
        f"not left on the doorstep. (3) Cancel order {b['order_id']}; you no longer need "
        "it. Ask for the refund amount.",
        known_info=f"Your email is {u['email']}. Orders {lt['order_id']}, {a['order_id']}, "
        f"{b['order_id']}. Workplace: {addr_text(dest)}.",
        actions=[
            by_email(u),
            track(lt),
            details(u),
            credit(lt, cap, gift(w, u)),
            order(a),
            move(a, dest),
            order(b),
            cancel(b, "no longer needed"),
        ],
        outputs=lambda r: [m(cap), m(r[7]["refund_total"])],
    )


@task("retail-102", "exchange", "return", "multi-item", "multi-write")
def t102(w: World) -> Draft:
    def ok(u: Row) -> bool:
        ws = win(w, u)
        multi = [
            o
            for o in ws
            if sum(w.returnable(i) for i in w.items(o)) >= 2
            and all(same_alt(w, i) for i in w.items(o)[:2] if w.returnable(i))
            and all(w.returnable(i) for i in w.items(o)[:2])
        ]
        return bool(multi) and any(o not in multi for o in ws)

    u = w.pick_user(ok)
    ws = win(w, u)
    b = next(
        o
        for o in ws
        if all(w.returnable(i) for i in w.items(o)[:2])
        and len(w.items(o)) >= 2
        and all(same_alt(w, i) for i in w.items(o)[:2])
    )
    c = next(o for o in ws if o is not b)
    i1, i2 = w.items(b)[:2]
    n1, n2 = w.alt(i1, price="same"), w.alt(i2, price="same")
    ic = w.items(c)[0]
    return Draft(
        persona=f"You are {w.full(u)}, a costume designer in {u['city']}. You are creative "
        "and scatter-brained, but you wrote everything down this time.",
        goal=f"From order {b['order_id']}, exchange the {w.desc(i1)} for {w.change(i1, n1)} "
        f"and the {w.desc(i2)} for {w.change(i2, n2)} (one exchange, order's payment "
        f"method for any difference). From order {c['order_id']}, return the "
        f"{w.desc(ic)} because it is not as described (refund to the original payment "
        "method). Ask for the refund amount.",
        known_info=f"Your email is {u['email']}. Orders {b['order_id']} and {c['order_id']}.",
        withheld="Give both exchange items together.",
        actions=[
            by_email(u),
            order(b),
            product(i1["product_id"]),
            product(i2["product_id"]),
            exch(b, [i1, i2], [n1, n2], b["payment_method_id"]),
            order(c),
            ret(c, [ic], "not as described", c["payment_method_id"]),
        ],
        outputs=refund_of(6),
    )


@task("retail-103", "account-address", "address", "payment", "multi-write", "hard")
def t103(w: World) -> Draft:
    def ok(u: Row) -> bool:
        ps = pend(w, u)
        return (
            len(ps) == 1
            and len(w.wallets(u)) == 1
            and (ps[0]["payment_method_id"] != w.wallets(u)[0]["payment_method_id"])
        )

    u = w.pick_user(ok)
    a = pend(w, u)[0]
    wallet = w.wallets(u)[0]
    home = w.new_address()
    return Draft(
        persona=f"You are {w.full(u)}, a violin maker relocating to {home['city']}. You are "
        "gentle and detail-oriented.",
        goal=f"You moved to {addr_text(home)}. Update your account address, send your pending "
        f"order {a['order_id']} to the new address as well, and pay that order with your "
        "Paywise wallet instead of the current method.",
        known_info=f"Your email is {u['email']}. Order {a['order_id']}. New address: "
        f"{addr_text(home)}.",
        actions=[
            by_email(u),
            details(u),
            rehome(u, home),
            order(a),
            move(a, home),
            repay(a, wallet["payment_method_id"]),
        ],
    )


@task("retail-104", "cancel", "exchange", "change-of-mind", "multi-write")
def t104(w: World) -> Draft:
    u = w.pick_user(
        lambda u: (
            len(pend(w, u)) >= 1 and len(win(w, u)) >= 1 and same_alt(w, w.items(win(w, u)[0])[0])
        )
    )
    a, b = pend(w, u)[0], win(w, u)[0]
    ib = w.items(b)[0]
    nb = w.alt(ib, price="same")
    return Draft(
        persona=f"You are {w.full(u)}, a radio DJ in {u['city']}. You are upbeat and change "
        "your mind on air all the time.",
        goal=f"Cancel order {a['order_id']} (found a better price) and ask for the refund. "
        f"Then say you want to return the {w.desc(ib)} from order {b['order_id']} (no "
        "longer needed); but when the agent asks you to confirm the return, change your "
        f"mind and ask for an exchange instead: you want {w.change(ib, nb)} (order's payment "
        "method for any difference). Do not end up with a return.",
        known_info=f"Your email is {u['email']}. Orders {a['order_id']} and {b['order_id']}.",
        actions=[
            by_email(u),
            order(a),
            cancel(a, "found a better price"),
            order(b),
            product(ib["product_id"]),
            exch(b, [ib], [nb], b["payment_method_id"]),
        ],
        outputs=lambda r: [m(r[2]["refund_total"])],
    )


@task("retail-105", "modify-items", "gift-card", "cancel", "multi-write")
def t105(w: World) -> Draft:
    def ok(u: Row) -> bool:
        ps = pend(w, u)
        low = [o for o in ps if not o["items_modified"] and w.alts(w.items(o)[0], price="lower")]
        return len(ps) == 2 and bool(low) and len(w.gift_cards(u)) == 1

    u = w.pick_user(ok)
    ps = pend(w, u)
    a = next(o for o in ps if not o["items_modified"] and w.alts(w.items(o)[0], price="lower"))
    b = next(o for o in ps if o is not a)
    ia = w.items(a)[0]
    na = w.alt(ia, price="lower")
    g = w.gift_cards(u)[0]
    return Draft(
        persona=f"You are {w.full(u)}, an economist in {u['city']}. You are dry and like "
        "precise figures.",
        goal=f"In order {a['order_id']}, downgrade the {w.desc(ia)} to {w.change(ia, na)}; put "
        "the price difference on your gift card and ask how much it is. Then cancel order "
        f"{b['order_id']} because you found a better price, and ask for its refund.",
        known_info=f"Your email is {u['email']}. Orders {a['order_id']} and {b['order_id']}.",
        actions=[
            by_email(u),
            order(a),
            details(u),
            product(ia["product_id"]),
            swap(a, [ia], [na], g["payment_method_id"]),
            order(b),
            cancel(b, "found a better price"),
        ],
        outputs=lambda r: [m(ia["unit_price"] - na["price"]), m(r[6]["refund_total"])],
    )


@task("retail-106", "address", "refusal", "region", "account-address", "multi-write")
def t106(w: World) -> Draft:
    u = w.pick_user(lambda u: len(pend(w, u)) == 1)
    a = pend(w, u)[0]
    alt = w.new_address(line2=False)
    return Draft(
        persona=f"You are {w.full(u)}, a ferry deckhand. You are rugged, cheerful and brief.",
        goal=f"You are moving to the islands. First ask to ship order {a['order_id']} to 3 "
        "Puffin Row, Skerrin, Farrow Isles (FI) 91077 and to make that your account "
        "address. If the agent says Fernwick Market does not deliver to the Farrow Isles, "
        f"use your mainland mailbox instead for both the order and the account: "
        f"{addr_text(alt)}.",
        known_info=f"Your name is {w.full(u)}, postal code {u['postal_code']}. Order "
        f"{a['order_id']}. Mainland mailbox: {addr_text(alt)}.",
        withheld="You would rather not give your email address.",
        actions=[by_name(u), order(a), move(a, alt), rehome(u, alt)],
    )


@task(
    "retail-107",
    "cancel",
    "gift-card",
    "payment",
    "multi-write",
    "order-matters",
    "hard",
    first=True,
)
def t107(w: World) -> Draft:
    def combo(u: Row) -> tuple[Row, Row, Row] | None:
        ps = w.user_orders(u, "pending")
        for g in w.gift_cards(u):
            paid = [o for o in ps if o["payment_method_id"] == g["payment_method_id"]]
            other = [o for o in ps if o["payment_method_id"] != g["payment_method_id"]]
            if (
                len(ps) == 2
                and len(paid) == 1
                and len(other) == 1
                and (
                    g["gift_card_balance"]
                    < w.total(other[0])
                    <= g["gift_card_balance"] + w.total(paid[0])
                )
            ):
                return g, paid[0], other[0]
        return None

    u = w.pick_user(lambda u: combo(u) is not None)
    found = combo(u)
    assert found is not None
    g, a, b = found
    return Draft(
        persona=f"You are {w.full(u)}, a careful saver in {u['city']} who likes to use every "
        "cent of a gift card. You are patient and methodical.",
        goal=f"First cancel order {a['order_id']}, which you paid with a gift card (you no "
        "longer need it), so the money goes back onto that gift card. Only after that, "
        f"pay order {b['order_id']} with the same gift card instead of its current "
        "payment method. Ask what the gift card balance was after the cancellation.",
        known_info=f"Your email is {u['email']}. Orders {a['order_id']} and {b['order_id']}.",
        actions=[
            by_email(u),
            order(a),
            cancel(a, "no longer needed"),
            details(u),
            order(b),
            repay(b, g["payment_method_id"]),
        ],
        outputs=[m(g["gift_card_balance"] + w.total(a))],
    )


@task("retail-108", "return", "modify-items", "multi-write")
def t108(w: World) -> Draft:
    u = w.pick_user(
        lambda u: any(same_alt(w, w.items(o)[0]) for o in pend(w, u, True)) and len(win(w, u)) >= 1
    )
    a = next(o for o in pend(w, u, True) if same_alt(w, w.items(o)[0]))
    b = win(w, u)[0]
    ia, ib = w.items(a)[0], w.items(b)[0]
    na = w.alt(ia, price="same")
    return Draft(
        persona=f"You are {w.full(u)}, a tattoo artist in {u['city']}. You are laid-back and "
        "friendly.",
        goal=f"The {w.name(ib)} from order {b['order_id']} was the wrong size, so return it "
        "(wrong size or fit; refund to the original payment method) and ask for the "
        f"refund amount. Also change the {w.desc(ia)} in your "
        f"pending order {a['order_id']} to {w.change(ia, na)} (order's payment method for "
        "any difference).",
        known_info=f"Your email is {u['email']}. Orders {b['order_id']} and {a['order_id']}.",
        actions=[
            by_email(u),
            order(b),
            quote(b, [ib], "wrong size or fit"),
            ret(b, [ib], "wrong size or fit", b["payment_method_id"]),
            order(a),
            product(ia["product_id"]),
            swap(a, [ia], [na], a["payment_method_id"]),
        ],
        outputs=refund_of(3),
    )


@task("retail-109", "exchange", "goodwill", "multi-write")
def t109(w: World) -> Draft:
    u = w.pick_user(
        lambda u: (
            len(late(w, u)) == 1
            and len(w.gift_cards(u)) <= 1
            and any(same_alt(w, w.items(o)[0]) for o in win(w, u))
        )
    )
    lt = late(w, u)[0]
    b = next(o for o in win(w, u) if same_alt(w, w.items(o)[0]))
    ib = w.items(b)[0]
    nb = w.alt(ib, price="same")
    cap = CAP[u["loyalty_tier"]]
    return Draft(
        persona=f"You are {w.full(u)}, a mountain guide in {u['city']}. You are calm, "
        "friendly and precise about gear.",
        goal=f"Exchange the {w.desc(ib)} from order {b['order_id']} for {w.change(ib, nb)} "
        "(order's payment method for any difference). Then point out that order "
        f"{lt['order_id']} is overdue and accept the full goodwill credit you are "
        "offered. Ask how much the credit is.",
        known_info=f"Your name is {w.full(u)}, postal code {u['postal_code']}. Orders "
        f"{b['order_id']} and {lt['order_id']}.",
        actions=[
            by_name(u),
            order(b),
            product(ib["product_id"]),
            exch(b, [ib], [nb], b["payment_method_id"]),
            track(lt),
            details(u),
            credit(lt, cap, gift(w, u)),
        ],
        outputs=[m(cap)],
    )


@task("retail-110", "return", "account-address", "cancel", "multi-write", "hard")
def t110(w: World) -> Draft:
    u = w.pick_user(
        lambda u: (
            len(pend(w, u)) == 1
            and u["loyalty_tier"] != "gold"
            and any(w.sized(w.items(o)[0]) for o in win(w, u))
        )
    )
    a = pend(w, u)[0]
    b = next(o for o in win(w, u) if w.sized(w.items(o)[0]))
    ib = w.items(b)[0]
    home = w.new_address()
    return Draft(
        persona=f"You are {w.full(u)}, a retired sailor in {u['city']} who is moving in with "
        "family. You are gruff but polite.",
        goal=f"(1) Return the {w.desc(ib)} from order {b['order_id']} because it is the wrong "
        "fit (refund to the original payment method); ask the refund amount. (2) Update "
        f"your account address to {addr_text(home)}. (3) Cancel order {a['order_id']}: "
        "you no longer need it. Ask for its refund too.",
        known_info=f"Your email is {u['email']}. Orders {b['order_id']} and {a['order_id']}. "
        f"New address: {addr_text(home)}.",
        actions=[
            by_email(u),
            order(b),
            ret(b, [ib], "wrong size or fit", b["payment_method_id"]),
            rehome(u, home),
            order(a),
            cancel(a, "no longer needed"),
        ],
        outputs=lambda r: [m(r[2]["refund_amount"]), m(r[5]["refund_total"])],
    )


@task("retail-111", "refusal", "final-sale", "return", "exchange", "multi-write")
def t111(w: World) -> Draft:
    def ok(u: Row) -> bool:
        fs = [
            o
            for o in w.user_orders(u, "delivered")
            if w.in_window(o, 2) and any(not w.product_of(i)["returnable"] for i in w.items(o))
        ]
        ws = [o for o in win(w, u) if o not in fs and same_alt(w, w.items(o)[0])]
        return bool(fs) and bool(ws)

    u = w.pick_user(ok)
    f = next(
        o
        for o in w.user_orders(u, "delivered")
        if w.in_window(o, 2) and any(not w.product_of(i)["returnable"] for i in w.items(o))
    )
    fi = next(i for i in w.items(f) if not w.product_of(i)["returnable"])
    b = next(o for o in win(w, u) if o is not f and same_alt(w, w.items(o)[0]))
    ib = w.items(b)[0]
    nb = w.alt(ib, price="same")
    return Draft(
        persona=f"You are {w.full(u)}, a fitness coach in {u['city']}. You are upbeat and "
        "straightforward.",
        goal=f"Return the {w.name(fi)} from order {f['order_id']} (you no longer need it). If "
        "the agent says it is final sale, accept that. Then exchange the "
        f"{w.desc(ib)} from order {b['order_id']} for {w.change(ib, nb)} (order's payment "
        "method for any difference).",
        known_info=f"Your email is {u['email']}. Orders {f['order_id']} and {b['order_id']}.",
        actions=[
            by_email(u),
            order(f),
            order(b),
            product(ib["product_id"]),
            exch(b, [ib], [nb], b["payment_method_id"]),
        ],
    )


@task("retail-112", "cancel", "payment", "account-address", "multi-write", "hard")
def t112(w: World) -> Draft:
    def ok(u: Row) -> bool:
        ps = pend(w, u)
        return len(ps) == 2 and any(
            p["payment_method_id"] != ps[1]["payment_method_id"]
            for p in w.wallets(u) + w.cards(u, valid=True)
        )

    u = w.pick_user(ok)
    a, b = pend(w, u)
    pm = next(
        p
        for p in w.wallets(u) + w.cards(u, valid=True)
        if p["payment_method_id"] != b["payment_method_id"]
    )
    home = w.new_address()
    return Draft(
        persona=f"You are {w.full(u)}, an orthodontist in {u['city']}. You are brisk and "
        "number your requests.",
        goal=f"1) Cancel order {a['order_id']} (ordered by mistake); ask for the refund. 2) Pay "
        f"order {b['order_id']} with {w.pm_text(pm)} instead. 3) Update your account "
        f"address to {addr_text(home)}; order {b['order_id']} keeps its current shipping "
        "address.",
        known_info=f"Your email is {u['email']}. Orders {a['order_id']} and {b['order_id']}. "
        f"New address: {addr_text(home)}.",
        actions=[
            by_email(u),
            order(a),
            cancel(a, "ordered by mistake"),
            order(b),
            details(u),
            repay(b, pm["payment_method_id"]),
            rehome(u, home),
        ],
        outputs=lambda r: [m(r[2]["refund_total"])],
    )


@task("retail-113", "return", "change-of-mind", "refund-target", "multi-write")
def t113(w: World) -> Draft:
    u = w.pick_user(lambda u: len(win(w, u)) >= 2 and len(w.gift_cards(u)) == 1)
    b, c = win(w, u)[:2]
    ib, ic = w.items(b)[0], w.items(c)[0]
    g = w.gift_cards(u)[0]
    return Draft(
        persona=f"You are {w.full(u)}, a museum guard in {u['city']}. You are slow-talking "
        "and friendly.",
        goal=f"Return the {w.desc(ib)} from order {b['order_id']} because it is defective, "
        "refund to the original payment method. Then return the "
        f"{w.desc(ic)} from order {c['order_id']} (no longer needed): first say you want "
        "that refund on the original payment method too, but when the agent asks you to "
        "confirm it, change your mind and ask for it on your gift card instead. Ask for "
        "both refund amounts.",
        known_info=f"Your email is {u['email']}. Orders {b['order_id']} and {c['order_id']}.",
        actions=[
            by_email(u),
            order(b),
            ret(b, [ib], "damaged or defective", b["payment_method_id"]),
            order(c),
            details(u),
            ret(c, [ic], "no longer needed", g["payment_method_id"]),
        ],
        outputs=lambda r: [m(r[2]["refund_amount"]), m(r[5]["refund_amount"])],
    )


@task("retail-114", "modify-items", "address", "cancel", "multi-write", "hard")
def t114(w: World) -> Draft:
    u = w.pick_user(
        lambda u: (
            len(pend(w, u)) == 2
            and any(
                not o["items_modified"] and len(w.items(o)) >= 2 and same_alt(w, w.items(o)[1])
                for o in pend(w, u)
            )
        )
    )
    a = next(
        o
        for o in pend(w, u)
        if not o["items_modified"] and len(w.items(o)) >= 2 and same_alt(w, w.items(o)[1])
    )
    b = next(o for o in pend(w, u) if o is not a)
    ia = w.items(a)[1]
    na = w.alt(ia, price="same")
    dest = w.new_address()
    return Draft(
        persona=f"You are {w.full(u)}, a travelling nurse between contracts. You are "
        "organised and a little tired.",
        goal=f"For order {a['order_id']}: change the {w.desc(ia)} to {w.change(ia, na)} "
        f"(order's payment method for any difference) and ship it to {addr_text(dest)}, "
        f"where your next contract is. Then cancel order {b['order_id']}; you no longer "
        "need it. Ask for the refund of the cancelled order.",
        known_info=f"Your email is {u['email']}. Orders {a['order_id']} and {b['order_id']}. "
        f"New shipping address: {addr_text(dest)}.",
        actions=[
            by_email(u),
            order(a),
            product(ia["product_id"]),
            swap(a, [ia], [na], a["payment_method_id"]),
            move(a, dest),
            order(b),
            cancel(b, "no longer needed"),
        ],
        outputs=lambda r: [m(r[6]["refund_total"])],
    )


@task("retail-115", "withdraw", "refusal", "return", "multi-item", first=True)
def t115(w: World) -> Draft:
    def ok(o: Row) -> bool:
        return (
            any(r["status"] == "received" for r in w.returns_by_order.get(o["order_id"], []))
            and w.in_window(o, 1)
            and sum(w.returnable(i) for i in w.items(o)) >= 2
        )

    o = w.pick_order(ok, distinct=False)
    u = w.user(o)
    r = next(r for r in w.returns_by_order[o["order_id"]] if r["status"] == "received")
    back = [
        i
        for i in w.items(o)
        if i["item_id"] in {x["item_id"] for x in w.return_items[r["return_id"]]}
    ]
    rest = [i for i in w.items(o) if w.returnable(i)][:2]
    return Draft(
        persona=f"You are {w.full(u)}, an indecisive art student in {u['city']}. You are "
        "sweet and easily flustered.",
        goal=f"You sent the {w.name(back[0])} from order {o['order_id']} back and now regret "
        "it: ask to cancel that return. If the agent says the warehouse already received "
        "it, accept. Then, since you are sending things back anyway, return the "
        f"{w.desc(rest[0])} and the {w.desc(rest[1])} from the same order, both because "
        "they are not as described, refunded to the original payment method. Ask for the "
        "refund amount.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[by_email(u), order(o), ret(o, rest, "not as described", o["payment_method_id"])],
        outputs=refund_of(2),
    )


@task("retail-116", "goodwill", "payment", "multi-write")
def t116(w: World) -> Draft:
    def ok(u: Row) -> bool:
        ps = pend(w, u)
        return (
            len(late(w, u)) == 1
            and len(ps) == 1
            and len(w.gift_cards(u)) <= 1
            and any(
                p["payment_method_id"] != ps[0]["payment_method_id"]
                for p in w.wallets(u) + w.cards(u, valid=True)
            )
        )

    u = w.pick_user(ok)
    lt, a = late(w, u)[0], pend(w, u)[0]
    pm = next(
        p
        for p in w.wallets(u) + w.cards(u, valid=True)
        if p["payment_method_id"] != a["payment_method_id"]
    )
    cap = CAP[u["loyalty_tier"]]
    return Draft(
        persona=f"You are {w.full(u)}, an air-traffic controller in {u['city']}. You are calm "
        "under pressure and very exact.",
        goal=f"Order {lt['order_id']} is past its expected date: ask what can be done and "
        "accept the full goodwill credit offered. Then pay your pending order "
        f"{a['order_id']} with {w.pm_text(pm)} instead of the current method.",
        known_info=f"Your email is {u['email']}. Orders {lt['order_id']} and {a['order_id']}.",
        actions=[
            by_email(u),
            track(lt),
            details(u),
            credit(lt, cap, gift(w, u)),
            order(a),
            repay(a, pm["payment_method_id"]),
        ],
        outputs=[m(cap)],
    )


@task("retail-117", "exchange", "return", "same-order", "multi-write")
def t117(w: World) -> Draft:
    def ok(o: Row) -> bool:
        its = w.items(o)
        return (
            w.in_window(o, 2)
            and len(its) == 2
            and all(w.returnable(i) for i in its)
            and same_alt(w, its[0])
        )

    o = w.pick_order(ok)
    u = w.user(o)
    a, b = w.items(o)
    na = w.alt(a, price="same")
    return Draft(
        persona=f"You are {w.full(u)}, a librarian in {u['city']}. You are orderly and do "
        "one thing at a time.",
        goal=f"Two separate requests for order {o['order_id']}: exchange the {w.desc(a)} for "
        f"{w.change(a, na)} (order's payment method for any difference), and return the "
        f"{w.desc(b)} because you no longer need it (refund to the original payment "
        "method); ask for the refund amount.",
        known_info=f"Your email is {u['email']}. Order {o['order_id']}.",
        actions=[
            by_email(u),
            order(o),
            product(a["product_id"]),
            exch(o, [a], [na], o["payment_method_id"]),
            ret(o, [b], "no longer needed", o["payment_method_id"]),
        ],
        outputs=refund_of(4),
    )


@task("retail-118", "cancel", "account-address", "find-order", "multi-write")
def t118(w: World) -> Draft:
    def ok(u: Row) -> bool:
        ps = pend(w, u)
        return len(ps) == 2 and not (
            {w.name(i) for i in w.items(ps[0])} & {w.name(i) for i in w.items(ps[1])}
        )

    u = w.pick_user(ok)
    a, b = pend(w, u)
    it = w.items(b)[0]
    home = w.new_address()
    return Draft(
        persona=f"You are {w.full(u)}, a carpenter's apprentice moving to {home['city']}. You "
        "are young, casual and write in lower case.",
        goal=f"Cancel the pending order that contains the {w.name(it)} (you no longer need "
        "it) and ask for the refund. Leave your other pending order alone. Then update "
        f"your account address to {addr_text(home)}.",
        known_info=f"Your name is {w.full(u)}, postal code {u['postal_code']}. New address: "
        f"{addr_text(home)}.",
        withheld="You do not know any order ids.",
        actions=[
            by_name(u),
            details(u),
            order(a),
            order(b),
            cancel(b, "no longer needed"),
            rehome(u, home),
        ],
        outputs=lambda r: [m(r[4]["refund_total"])],
    )


@task("retail-119", "return", "exchange", "gift-card", "multi-write")
def t119(w: World) -> Draft:
    def ok(u: Row) -> bool:
        ws = win(w, u)
        return (
            len(ws) >= 2
            and len(w.gift_cards(u)) == 1
            and bool(w.alts(w.items(ws[1])[0], price="lower"))
        )

    u = w.pick_user(ok)
    b, c = win(w, u)[:2]
    ib, ic = w.items(b)[0], w.items(c)[0]
    nc = w.alt(ic, price="lower")
    g = w.gift_cards(u)[0]
    # Named without its options: "size 12" would read as the 12.00 price difference.
    assert [w.name(i) for i in w.items(b)].count(w.name(ib)) == 1
    return Draft(
        persona=f"You are {w.full(u)}, a schoolteacher in {u['city']} who prefers store "
        "credit. You are patient and cheerful.",
        goal=f"Return the {w.name(ib)} from order {b['order_id']} (no longer needed) and "
        f"exchange the {w.desc(ic)} from order {c['order_id']} for the cheaper "
        f"{w.change(ic, nc)}. Every refund, including the exchange's price difference, "
        "should go onto your gift card. Ask for the amounts.",
        known_info=f"Your email is {u['email']}. Orders {b['order_id']} and {c['order_id']}.",
        actions=[
            by_email(u),
            details(u),
            order(b),
            ret(b, [ib], "no longer needed", g["payment_method_id"]),
            order(c),
            product(ic["product_id"]),
            exch(c, [ic], [nc], g["payment_method_id"]),
        ],
        outputs=lambda r: [m(r[3]["refund_amount"]), m(ic["unit_price"] - nc["price"])],
    )


@task("retail-120", "modify-items", "refusal", "out-of-stock", "cancel", "multi-write")
def t120(w: World) -> Draft:
    def ok(u: Row) -> bool:
        ps = pend(w, u, True)
        good = [
            o for o in ps if w.alts(w.items(o)[0], in_stock=False) and same_alt(w, w.items(o)[0])
        ]
        return len(good) >= 1 and len(pend(w, u)) == 2

    u = w.pick_user(ok)
    a = next(
        o
        for o in pend(w, u, True)
        if w.alts(w.items(o)[0], in_stock=False) and same_alt(w, w.items(o)[0])
    )
    b = next(o for o in pend(w, u) if o is not a)
    ia = w.items(a)[0]
    oos, fb = w.alt(ia, in_stock=False), w.alt(ia, price="same")
    return Draft(
        persona=f"You are {w.full(u)}, a beekeeper and part-time poet in {u['city']}. You "
        "are whimsical but know your mind.",
        goal=f"In order {a['order_id']}, change the {w.desc(ia)} to {w.vtext(oos)}; if that "
        f"is out of stock, take {w.vtext(fb)} (order's payment method for any "
        f"difference). Then cancel order {b['order_id']} because the delivery is too slow "
        "for you, and ask for its refund.",
        known_info=f"Your email is {u['email']}. Orders {a['order_id']} and {b['order_id']}.",
        actions=[
            by_email(u),
            order(a),
            product(ia["product_id"]),
            swap(a, [ia], [fb], a["payment_method_id"]),
            order(b),
            cancel(b, "delivery too slow"),
        ],
        outputs=lambda r: [m(r[5]["refund_total"])],
    )
