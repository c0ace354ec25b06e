"""Every shipped domain's seed data is what its generator writes, byte for byte.

The generators are the domains' ``generate.py`` (``tables()``), written by the one
writer of :mod:`tautrait.domain.seedfiles`; each takes about a second.
"""

from __future__ import annotations

import ast
import importlib
from datetime import timedelta
from pathlib import Path

import pytest

from tautrait.domain.loader import load_domain
from tautrait.domain.seedfiles import generate_tables, stale_files, write_tables

SHIPPED = ("airline", "retail", "telecom", "telehealth")


@pytest.mark.parametrize("name", SHIPPED)
def test_generator_reproduces_the_committed_data(name: str, tmp_path: Path) -> None:
    domain = load_domain(name)
    tables = generate_tables(domain)
    counts = write_tables(tables, tmp_path)
    data = domain.path / "data"
    committed = sorted(p.name for p in data.glob("*.json"))
    assert sorted(p.name for p in tmp_path.glob("*.json")) == committed
    for file_name in committed:
        assert (tmp_path / file_name).read_bytes() == (data / file_name).read_bytes(), file_name
    assert set(counts) == set(domain.spec.metadata.tables)
    assert stale_files(domain, tables) == []


@pytest.mark.parametrize("name", SHIPPED)
def test_generator_tools_and_domain_share_one_fixed_time(name: str) -> None:
    domain = load_domain(name)
    rules = importlib.import_module(f"tautrait.domains.{name}.rules")
    generate = importlib.import_module(f"tautrait.domains.{name}.generate")
    assert domain.spec.now is rules.NOW
    assert generate.NOW is rules.NOW
    # Nothing in the domain states the time again.
    now = rules.NOW
    written = f"datetime({now.year}, {now.month}, {now.day}"
    for path in domain.path.rglob("*.py"):
        if path.name != "rules.py":
            assert written not in path.read_text(encoding="utf-8"), path


def test_the_return_fee_is_stated_from_one_place() -> None:
    from tautrait.domains.retail import rules

    domain = load_domain("retail")
    fee = f"{rules.RETURN_FEE:.2f}"
    assert f"minus a {fee}\nreturn-shipping fee" in domain.policy
    for tool in ("calculate_return_refund", "return_delivered_order_items"):
        assert f"minus a {fee}" in " ".join(domain.tools[tool].description.split()), tool
    # The texts above quote it for the agent; no code repeats the number.
    for path in domain.path.rglob("*.py"):
        if path.name != "rules.py":
            tree = ast.parse(path.read_text(encoding="utf-8"))
            numbers = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)}
            assert rules.RETURN_FEE not in numbers, path


@pytest.mark.parametrize("name", SHIPPED)
def test_generator_is_an_entry_point_over_world_and_steps(name: str) -> None:
    """``generate.py`` runs the steps of ``seed/``; the world's vocabulary is in
    ``seed/world.py``; no module of the generator grows past the house limit."""
    domain = load_domain(name)
    generate = importlib.import_module(f"tautrait.domains.{name}.generate")
    world = importlib.import_module(f"tautrait.domains.{name}.seed.world")
    assert generate.SEED is world.SEED
    modules = [domain.path / "generate.py", *sorted((domain.path / "seed").glob("*.py"))]
    for path in modules:
        lines = path.read_text(encoding="utf-8").count("\n")
        assert lines <= (100 if path.name == "generate.py" else 600), (path, lines)


def test_rules_shared_by_tools_and_generators_are_stated_once() -> None:
    from tautrait.domains.retail import rules as retail
    from tautrait.domains.telecom import rules as telecom

    # The tools' parameter types are the generator's reasons.
    orders = importlib.import_module("tautrait.domains.retail.tools.orders")
    returns = importlib.import_module("tautrait.domains.retail.tools.returns")
    assert orders.CancelReason is retail.CancelReason
    assert returns.ReturnReason is retail.ReturnReason
    assert retail.CANCEL_REASONS[0] == "no longer needed"
    assert set(retail.FEE_REASONS) <= set(retail.RETURN_REASONS)
    # R10: price / 30 per started day, half up (cents); 24 h and a second is two days.
    assert telecom.outage_credit(days=1, monthly_price=3000) == 100
    assert telecom.outage_credit(days=2, monthly_price=4500) == 300
    assert telecom.outage_credit(days=1, monthly_price=15) == 1  # 0.5 cent rounds up
    start = telecom.NOW
    assert telecom.outage_days(start, start) == 1
    assert telecom.outage_days(start, start + timedelta(days=1, seconds=1)) == 2
