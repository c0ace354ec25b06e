"""Every shipped domain's seed data is what its generator writes, byte for byte.

The generators are the domains' ``generate.py`` (``tables()``), written by the one
writer of :mod:`tautrait.domain.seedfiles`; each takes about a second.
"""

from __future__ import annotations

import ast
import importlib
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
