"""The telehealth seed data: big enough and well formed (tests/domains/test_generators.py
checks that its generator reproduces it)."""

from __future__ import annotations

import json

from tautrait.domain.loader import load_domain
from tautrait.domain.tasks import load_tasks

DOMAIN = load_domain("telehealth")
DATA_DIR = DOMAIN.path / "data"


def test_data_files_are_sorted_uniform_json_lists() -> None:
    for path in sorted(DATA_DIR.glob("*.json")):
        text = path.read_text(encoding="utf-8")
        assert text.endswith("]\n"), path.name
        rows = json.loads(text)
        assert isinstance(rows, list) and rows, path.name
        keys = list(rows[0])
        assert keys == sorted(keys), path.name
        assert all(list(row) == keys for row in rows), path.name


def test_size_minimums() -> None:
    tables = DOMAIN.spec.metadata.tables
    assert len(tables) >= 9
    for required in (
        "patients",
        "providers",
        "provider_licenses",
        "slots",
        "appointments",
        "medical_records",
        "prescriptions",
        "refill_requests",
        "suppliers",
        "supplier_stock",
        "drug_interactions",
        "devices",
        "uploads",
        "invoices",
    ):
        assert required in tables
    rows = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in DATA_DIR.glob("*.json")}
    assert len(rows["patients"]) >= 100
    assert len(DOMAIN.tools) >= 22
    assert "transfer_to_human_agents" in DOMAIN.tools
    assert DOMAIN.tools["transfer_to_human_agents"].ends_episode
    assert len(load_tasks("telehealth", "test").tasks) >= 40
    assert len(load_tasks("telehealth", "dev").tasks) >= 12


def test_data_is_varied() -> None:
    rows = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in DATA_DIR.glob("*.json")}
    patients = rows["patients"]
    assert len({p["last_name"] for p in patients}) >= 60
    assert len({p["state"] for p in patients}) == 8
    assert {p["status"] for p in patients} == {"active", "inactive"}
    assert {a["status"] for a in rows["appointments"]} == {
        "scheduled",
        "completed",
        "cancelled",
        "no_show",
    }
    assert {o["status"] for o in rows["device_orders"]} == {
        "placed",
        "shipped",
        "delivered",
        "cancelled",
    }
    assert {i["severity"] for i in rows["drug_interactions"]} == {"minor", "moderate", "severe"}
    assert any(round(i["amount"] * 100) % 100 for i in rows["invoices"])  # prices with cents


def test_task_splits_are_well_formed() -> None:
    test = load_tasks("telehealth", "test").tasks
    dev = load_tasks("telehealth", "dev").tasks
    ids = [t.id for t in test + dev]
    assert len(ids) == len(set(ids))
    assert all(t.id.startswith("telehealth-") and "-dev-" not in t.id for t in test)
    assert all(t.id.startswith("telehealth-dev-") for t in dev)
    for split in (test, dev):
        multi = 0
        for t in split:
            writes = sum(DOMAIN.tools[a.name].writes for a in t.gold_actions)
            multi += writes >= 2
            if writes == 0:
                assert t.required_outputs, t.id
            assert t.scenario.persona.startswith("You are"), t.id
        assert multi / len(split) >= 0.35
    scenarios = [t.scenario.goal for t in test + dev]
    assert len(scenarios) == len(set(scenarios))
