"""Seed data files: one format, written by a domain's generate.py (`tautrait domains generate`)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tautrait.domain.seedfiles import render_table
from tests.domain.cli import tautrait

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "data"


def test_a_table_is_one_sorted_row_per_line() -> None:
    rows = [{"b": 1, "a": "é"}, {"a": "x", "b": None}]
    assert render_table(rows) == '[\n{"a": "é", "b": 1},\n{"a": "x", "b": null}\n]\n'
    assert json.loads(render_table(rows)) == rows
    with pytest.raises(ValueError, match="rows with different keys"):
        render_table([{"a": 1}, {"b": 2}])


def test_generate_writes_the_data_and_check_compares(tmp_path: Path) -> None:
    domain = tmp_path / "domains" / "mock"
    shutil.copytree(FIXTURES / "domains" / "mock", domain)
    rows = {p.stem: json.loads(p.read_text()) for p in (domain / "data").glob("*.json")}
    (domain / "generate.py").write_text(
        f"def tables() -> dict:\n    return {rows!r}\n", encoding="utf-8"
    )
    stale = tautrait("domains", "generate", "mock", "--check", data_path=str(tmp_path))
    assert stale.returncode == 1
    assert "mock/data/customers.json: differs" in stale.stderr
    written = tautrait("domains", "generate", "mock", data_path=str(tmp_path))
    assert written.returncode == 0, written.stderr
    assert "customers: 2" in written.stdout
    assert (domain / "data" / "customers.json").read_text().startswith('[\n{"customer_id": "C1"')
    checked = tautrait("domains", "generate", "mock", "--check", data_path=str(tmp_path))
    assert checked.returncode == 0 and "data/ is what generate.py writes" in checked.stdout
    (domain / "data" / "extra.json").write_text("[]\n")
    extra = tautrait("domains", "generate", "mock", "--check", data_path=str(tmp_path))
    assert extra.returncode == 1 and "extra.json: not generated" in extra.stderr
    (domain / "generate.py").unlink()
    missing = tautrait("domains", "generate", "mock", data_path=str(tmp_path))
    assert missing.returncode == 2 and "has no generate.py" in missing.stderr
