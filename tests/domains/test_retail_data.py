"""The retail seed data: big enough and well-formed (tests/domains/test_generators.py
checks that its generator reproduces it)."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tautrait.domains.retail import rules

from tautrait.domain.environment import Environment
from tautrait.domain.loader import load_domain

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_DIR = ROOT / "domains" / "retail"
DATA = DOMAIN_DIR / "data"
NOW = rules.NOW


def _load(name: str) -> list[dict[str, Any]]:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def test_size_minimums() -> None:
    users, orders, products = _load("users"), _load("orders"), _load("products")
    variants, methods = _load("variants"), _load("payment_methods")
    assert len(users) >= 500
    assert len(orders) >= 1000
    assert len(products) >= 50
    per_product = Counter(v["product_id"] for v in variants)
    assert set(per_product) == {p["product_id"] for p in products}
    assert min(per_product.values()) >= 3, "every product has several variants"
    for pid in per_product:
        own = [v for v in variants if v["product_id"] == pid]
        assert len({json.dumps(v["options"], sort_keys=True) for v in own}) == len(own)
    kinds = Counter(m["method_type"] for m in methods)
    assert kinds["credit_card"] >= 300 and kinds["wallet"] >= 100 and kinds["gift_card"] >= 100
    assert all(m["gift_card_balance"] >= 0 for m in methods if m["method_type"] == "gift_card")
    assert len(_load("order_items")) >= 2000
    assert len(_load("shipments")) >= 800
    assert len(_load("return_requests")) >= 50
    assert len(_load("transactions")) >= len(orders)


def test_realistic_mix() -> None:
    orders = _load("orders")
    share = Counter(o["status"] for o in orders)
    for status in ("pending", "shipped", "delivered", "cancelled"):
        assert share[status] / len(orders) >= 0.05, status
    assert share["delivered"] == max(share.values())
    assert Counter(s["status"] for s in _load("shipments"))["lost"] >= 3
    assert Counter(u["loyalty_tier"] for u in _load("users"))["gold"] >= 20
    variants = _load("variants")
    assert sum(v["stock"] == 0 for v in variants) >= 20, "some variants are unavailable"
    prices = [v["price"] for v in variants]
    assert all(p == round(p, 2) and p > 0 for p in prices)
    assert sum(round(p % 1, 2) != 0 for p in prices) >= len(prices) // 3, "prices with cents"
    cards = [m for m in _load("payment_methods") if m["method_type"] == "credit_card"]
    assert any(date.fromisoformat(c["card_expires_on"]) < NOW.date() for c in cards)


def test_people_are_diverse_and_identifiable() -> None:
    users = _load("users")
    assert len({u["email"] for u in users}) == len(users)
    assert len({u["user_id"] for u in users}) == len(users)
    keys = [(u["first_name"].lower(), u["last_name"].lower(), u["postal_code"]) for u in users]
    assert len(set(keys)) == len(keys), "name + postal code identifies one account"
    assert len({u["last_name"] for u in users}) >= 150
    assert len({u["first_name"] for u in users}) >= 150
    assert all(re.fullmatch(r"\d{5}", u["postal_code"]) for u in users)
    assert len({u["city"] for u in users}) >= 20


def test_dates_are_relative_to_now() -> None:
    for o in _load("orders"):
        assert datetime.fromisoformat(o["placed_at"]) <= NOW
    for s in _load("shipments"):
        shipped = datetime.fromisoformat(s["shipped_at"])
        assert shipped <= NOW
        if s["delivered_at"]:
            assert shipped < datetime.fromisoformat(s["delivered_at"]) <= NOW
    for t in _load("transactions"):
        assert datetime.fromisoformat(t["created_at"]) <= NOW


def test_files_are_canonical() -> None:
    for path in sorted(DATA.glob("*.json")):
        text = path.read_text(encoding="utf-8")
        assert text.endswith("]\n"), path.name
        rows = json.loads(text)
        assert isinstance(rows, list) and rows, path.name
        keys = list(rows[0])
        assert keys == sorted(keys), path.name
        assert all(list(r) == keys for r in rows), f"{path.name}: rows with different keys"


def test_seed_database_loads_with_foreign_keys() -> None:
    env = Environment(load_domain("retail"))
    with env.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        count = conn.exec_driver_sql("SELECT count(*) FROM orders").scalar_one()
    assert count == len(_load("orders"))
