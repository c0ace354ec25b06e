"""The telecom seed data and tasks: reproducible, big enough, consistent."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import datetime

from tautrait.domain.loader import load_domain

DOMAIN = load_domain("telecom")
DATA = DOMAIN.path / "data"
ROOT = DOMAIN.path.parents[1]
TASKS = ROOT / "tasks" / "telecom"


def rows(table: str) -> list[dict]:
    return json.loads((DATA / f"{table}.json").read_text(encoding="utf-8"))


def test_data_files_are_sorted_lists_with_uniform_keys() -> None:
    for path in sorted(DATA.glob("*.json")):
        text = path.read_text(encoding="utf-8")
        assert text.endswith("]\n"), path.name
        data = json.loads(text)
        assert isinstance(data, list) and data, path.name
        assert len({tuple(r) for r in data}) == 1, path.name
        assert all(list(r) == sorted(r) for r in data), path.name


def test_size_minimums() -> None:
    tables = set(DOMAIN.spec.metadata.tables)
    assert len(tables) >= 5
    assert {
        "customers",
        "plans",
        "lines",
        "addons",
        "devices",
        "invoices",
        "invoice_items",
        "payments",
        "credits",
        "tickets",
        "outages",
    } <= tables
    assert len(rows("customers")) >= 200
    assert len(DOMAIN.tools) >= 17
    assert len(json.loads((TASKS / "test.json").read_text())) >= 40
    assert len(json.loads((TASKS / "dev.json").read_text())) >= 12


def test_realistic_variety() -> None:
    customers = rows("customers")
    assert len({c["last_name"] for c in customers}) >= 100
    assert len({c["city"] for c in customers}) >= 8
    assert len({c["account_id"] for c in customers}) == len(customers)
    assert set(Counter(i["status"] for i in rows("invoices"))) == {"open", "overdue", "paid"}
    assert {ln["status"] for ln in rows("lines")} == {"active", "suspended"}
    assert {t["status"] for t in rows("tickets")} == {"open", "in_progress", "resolved", "closed"}
    prices = [p["monthly_price"] for p in rows("plans")]
    assert any(round(p * 100) % 100 for p in prices)  # prices with cents


def test_billing_is_consistent() -> None:
    totals: defaultdict[str, int] = defaultdict(int)
    for item in rows("invoice_items"):
        totals[item["invoice_id"]] += round(item["amount"] * 100)
    for inv in rows("invoices"):
        assert totals[inv["invoice_id"]] == round(inv["total"] * 100), inv["invoice_id"]
        balance = round((inv["total"] - inv["amount_paid"] - inv["credit_total"]) * 100)
        assert balance >= 0
        assert (inv["status"] == "paid") == (balance == 0), inv["invoice_id"]
        if inv["status"] == "overdue":
            assert inv["due_date"] < "2026-06-10"
    per_invoice: defaultdict[str, int] = defaultdict(int)
    for credit in rows("credits"):
        per_invoice[credit["invoice_id"]] += round(credit["amount"] * 100)
    assert max(per_invoice.values()) <= 3000


def test_nothing_happens_after_now() -> None:
    now = DOMAIN.spec.now
    for table, column in [
        ("payments", "paid_at"),
        ("credits", "created_at"),
        ("tickets", "updated_at"),
        ("ticket_notes", "created_at"),
        ("outage_reports", "reported_at"),
        ("outages", "started_at"),
    ]:
        assert all(datetime.fromisoformat(r[column]) <= now for r in rows(table)), table
    today = now.date().isoformat()
    assert all(inv["issue_date"] <= today for inv in rows("invoices"))
    assert all(d["purchased_on"] <= today for d in rows("devices"))


def test_tasks_are_well_formed() -> None:
    ids: list[str] = []
    for split, pattern in (("test", "telecom-"), ("dev", "telecom-dev-")):
        tasks = json.loads((TASKS / f"{split}.json").read_text())
        multi = 0
        for task in tasks:
            ids.append(task["id"])
            assert task["id"].startswith(pattern)
            assert task["scenario"]["persona"].startswith("You are ")
            writes = [a for a in task["gold_actions"] if DOMAIN.tools[a["name"]].writes]
            multi += len(writes) >= 2
            if not writes:
                assert task["required_outputs"], task["id"]
        assert multi / len(tasks) >= 0.35, split
    assert len(ids) == len(set(ids))
