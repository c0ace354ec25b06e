"""Fernwick Market's catalogue and its customers (addresses, payment methods)."""

from __future__ import annotations

from datetime import date, timedelta

from ..rules import NOW
from .state import Row, State, ascii_fold, cents, iso, weighted
from .world import (
    CARD_BRANDS,
    CATALOGUE,
    CULTURES,
    MAIL_DOMAINS,
    N_USERS,
    STREET_TYPES,
    STREETS,
    TOWNS,
    UNIT_FORMATS,
)

TODAY = NOW.date()


class People(State):
    """Makes the catalogue, then the customers."""

    # -- catalogue --------------------------------------------------------------------

    def catalogue(self) -> None:
        rng = self.rng
        products: list[Row] = []
        variants: list[Row] = []
        for name, brand, category, description, base, options, returnable in CATALOGUE:
            pid = self.unique(lambda: f"P{rng.randint(1000, 9899)}")
            tail = rng.choice([0.0, 0.49, 0.5, 0.95, 0.99, 0.99, 0.0, 0.95])
            combos: list[list[tuple[str, str, float]]] = [[]]
            for opt_name, values in options:
                combos = [[*c, (opt_name, v, d)] for c in combos for v, d in values]
            if len(combos) > 12:
                keep = sorted(rng.sample(range(len(combos)), rng.randint(9, 12)))
                combos = [combos[i] for i in keep]
            products.append(
                {
                    "product_id": pid,
                    "name": name,
                    "brand": brand,
                    "category": category,
                    "description": description,
                    "option_names": [o[0] for o in options],
                    "returnable": returnable,
                }
            )
            for n, combo in enumerate(combos, start=1):
                price = cents(base + sum(d for _, _, d in combo) + tail)
                stock = 0 if rng.random() < 0.17 else rng.randint(1, 60)
                variants.append(
                    {
                        "variant_id": f"V{pid[1:]}-{n:02d}",
                        "product_id": pid,
                        "options": {k: v for k, v, _ in combo},
                        "price": price,
                        "stock": stock,
                    }
                )
        self.tables["products"] = products
        self.tables["variants"] = variants
        self.variants_by_product: dict[str, list[Row]] = {}
        for v in variants:
            self.variants_by_product.setdefault(v["product_id"], []).append(v)
        self.product_by_id = {p["product_id"]: p for p in products}

    # -- people ---------------------------------------------------------------------

    def address(self) -> Row:
        rng = self.rng
        region, towns = rng.choice(TOWNS)
        town, prefix = rng.choice(towns)
        line2 = None
        if rng.random() < 0.3:
            fmt = rng.choice(UNIT_FORMATS)
            line2 = fmt.format(n=rng.randint(1, 48), l=rng.choice("ABCDEF"), f=rng.randint(2, 9))
        return {
            "line1": f"{rng.randint(2, 2990)} {rng.choice(STREETS)} {rng.choice(STREET_TYPES)}",
            "line2": line2,
            "city": town,
            "region": region,
            "postal_code": f"{prefix}{rng.randint(1, 99):02d}",
        }

    def users(self) -> None:
        rng = self.rng
        users: list[Row] = []
        methods: list[Row] = []
        seen_names: set[tuple[str, str, str]] = set()
        emails: set[str] = set()
        while len(users) < N_USERS:
            firsts, lasts = rng.choice(CULTURES)
            first = rng.choice(firsts)
            last = rng.choice(rng.choice(CULTURES)[1] if rng.random() < 0.1 else lasts)
            addr = self.address()
            key = (ascii_fold(first), ascii_fold(last), addr["postal_code"])
            if key in seen_names:
                continue
            f, la = ascii_fold(first), ascii_fold(last)
            style = rng.randint(0, 5)
            local = [
                f"{f}.{la}",
                f"{f}{la}",
                f"{f[0]}.{la}",
                f"{f}_{la}",
                f"{f}.{la}{rng.randint(1, 99)}",
                f"{la}.{f}{rng.randint(70, 99)}",
            ][style]
            email = f"{local}@{rng.choice(MAIL_DOMAINS)}"
            if email in emails:
                continue
            seen_names.add(key)
            emails.add(email)
            uid = self.unique(lambda: f"U{rng.randint(100000, 999999)}")
            tier = weighted(rng, [("standard", 0.68), ("silver", 0.22), ("gold", 0.10)])
            since = TODAY - timedelta(days=rng.randint(420, 2900))
            users.append(
                {
                    "user_id": uid,
                    "first_name": first,
                    "last_name": last,
                    "email": email,
                    "phone": f"{rng.randint(201, 989)}-555-{rng.randint(1000, 9999)}",
                    "address_line1": addr["line1"],
                    "address_line2": addr["line2"],
                    "city": addr["city"],
                    "region": addr["region"],
                    "postal_code": addr["postal_code"],
                    "loyalty_tier": tier,
                    "member_since": iso(since),
                }
            )
            methods.extend(self.payment_methods(uid, email, since))
        self.tables["users"] = users
        self.tables["payment_methods"] = methods
        self.methods_by_user: dict[str, list[Row]] = {}
        for m in methods:
            self.methods_by_user.setdefault(m["user_id"], []).append(m)

    def payment_methods(self, uid: str, email: str, since: date) -> list[Row]:
        rng = self.rng
        kinds = ["credit_card"]
        if rng.random() < 0.45:
            kinds.append("credit_card")
        if rng.random() < 0.4:
            kinds.append("wallet")
        if rng.random() < 0.35:
            kinds.append("gift_card")
            if rng.random() < 0.15:
                kinds.append("gift_card")
        if rng.random() < 0.12:
            kinds[0] = "wallet"
        rows = []
        for kind in kinds:
            added = since + timedelta(days=rng.randint(0, max(1, (TODAY - since).days - 30)))
            row: Row = {
                "user_id": uid,
                "method_type": kind,
                "card_brand": None,
                "card_last4": None,
                "card_expires_on": None,
                "wallet_email": None,
                "gift_card_balance": None,
                "added_on": iso(added),
            }
            if kind == "credit_card":
                row["payment_method_id"] = self.unique(lambda: f"card_{self.digits(7)}")
                row["card_brand"] = weighted(rng, CARD_BRANDS)
                row["card_last4"] = self.digits(4)
                # Expiry: the last day of a month; about one card in eight has expired.
                months_ahead = rng.randint(-14, -1) if rng.random() < 0.12 else rng.randint(1, 56)
                year, month = divmod(TODAY.year * 12 + TODAY.month - 1 + months_ahead, 12)
                month += 1
                nxt = date(year + (month == 12), month % 12 + 1, 1)
                row["card_expires_on"] = iso(nxt - timedelta(days=1))
            elif kind == "wallet":
                row["payment_method_id"] = self.unique(lambda: f"wallet_{self.digits(7)}")
                row["wallet_email"] = email
            else:
                row["payment_method_id"] = self.unique(lambda: f"gift_{self.digits(7)}")
                row["gift_card_balance"] = (
                    0.0 if rng.random() < 0.15 else cents(rng.randint(5, 260) + rng.random())
                )
            rows.append(row)
        return rows
