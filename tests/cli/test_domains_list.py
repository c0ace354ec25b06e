"""``tautrait domains list`` shows the original benchmarks' domains, installed or not."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tautrait.cli import domains as domains_cli
from tautrait.cli.app import app

CHECKOUT = Path(__file__).parents[1] / "fixtures" / "tau_bench_checkout"
HAS_TAU_TRAIT = importlib.util.find_spec("tau_trait") is not None


def _forget_tau_bench(monkeypatch: pytest.MonkeyPatch) -> None:
    # An earlier test may have loaded the fixture: its placeholder package would be found.
    for name in [n for n in sys.modules if n == "tau_bench" or n.startswith("tau_bench.")]:
        monkeypatch.delitem(sys.modules, name)


def test_a_checkout_found_by_the_path_option_is_listed_with_its_tasks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _forget_tau_bench(monkeypatch)
    monkeypatch.setenv("TAUTRAIT_TAU_BENCH_PATH", str(CHECKOUT))
    rows = {r["name"]: r for r in domains_cli._foreign_rows()}
    shop = rows["tau-bench/shop"]
    assert shop["installed"] and shop["format"] == "tau-bench"
    assert shop["tools"] == 3 and shop["tasks"] == {"test": 6}
    assert shop["package_path"] == str((CHECKOUT / "tau_bench").resolve())
    assert "tau-bench/*" not in rows


def test_a_missing_format_is_one_row_saying_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _forget_tau_bench(monkeypatch)
    monkeypatch.delenv("TAUTRAIT_TAU_BENCH_PATH", raising=False)
    if importlib.util.find_spec("tau_bench") is not None:
        pytest.skip("a tau-bench package is installed here")
    monkeypatch.setenv("TAUTRAIT_TAU_TRAIT_PATH", str(CHECKOUT))  # a checkout without tau_trait
    rows = {r["name"]: r for r in domains_cli._foreign_rows()}
    assert not any(
        name.startswith(("tau-bench/", "tau-trait/")) for name in rows if "*" not in name
    )
    assert rows["tau-bench/*"] == {
        "name": "tau-bench/*",
        "format": "tau-bench",
        "installed": False,
        "problem": rows["tau-bench/*"]["problem"],
    }
    assert "is not installed" in rows["tau-bench/*"]["problem"]
    assert "TAUTRAIT_TAU_BENCH_PATH" in rows["tau-bench/*"]["problem"]
    assert "no tau_trait/envs/ folder" in rows["tau-trait/*"]["problem"]


@pytest.mark.skipif(not HAS_TAU_TRAIT, reason="tau-trait is not installed")
def test_the_command_lists_native_and_original_domains(monkeypatch: pytest.MonkeyPatch) -> None:
    _forget_tau_bench(monkeypatch)
    monkeypatch.delenv("TAUTRAIT_TAU_BENCH_PATH", raising=False)
    monkeypatch.delenv("TAUTRAIT_TAU_TRAIT_PATH", raising=False)
    result = CliRunner().invoke(app, ["domains", "list", "--json"])
    assert result.exit_code == 0, result.output
    listing = json.loads(result.output)
    assert {"retail", "airline", "telecom", "telehealth"} <= {d["name"] for d in listing["domains"]}
    foreign = {r["name"]: r for r in listing["foreign"]}
    assert foreign["tau-trait/retail"]["tasks"] == {"dev": 20, "test": 120, "train": 500}
    assert foreign["tau-trait/airline"]["tasks"] == {"test": 60}
    assert foreign["tau-trait/retail"]["tools"] == 16
    assert {"tau-trait/telecom", "tau-trait/telehealth"} <= set(foreign)
    assert foreign["tau-trait/retail"]["package_version"] == "0.1.1"
    monkeypatch.setenv("COLUMNS", "300")
    text = CliRunner().invoke(app, ["domains", "list"])
    assert text.exit_code == 0, text.output
    assert "Original benchmarks" in text.output
    line = next(x for x in text.output.splitlines() if "tau-trait/retail" in x)
    assert "installed (0.1.1" in line and "dev 20, test 120, train 500" in line
