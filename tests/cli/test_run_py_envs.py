"""``python run.py --env retail`` runs the original tasks, as it does in tau-bench/tau-Trait."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import tautrait.cli.run as run_cli
from tautrait.runner.config import RunConfig

ROOT = Path(__file__).resolve().parents[2]
CHECKOUT = ROOT / "tests" / "fixtures" / "tau_bench_checkout"


def _shim() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tau_run_shim_envs", ROOT / "run.py")
    assert spec and spec.loader
    shim = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(shim)
    return shim


@pytest.mark.parametrize(
    ("argv", "env"),
    [
        ([], "tau-trait/retail"),
        (["--env", "airline"], "tau-trait/airline"),
        (["--env", "telehealth"], "tau-trait/telehealth"),
        (["--env", "airline", "--benchmark", "tau-bench"], "tau-bench/airline"),
        (["--env", "retail", "--benchmark", "tautrait"], "retail"),
        (["--env", "tau-bench/retail"], "tau-bench/retail"),
    ],
)
def test_env_names_the_original_tasks_unless_told_otherwise(argv: list[str], env: str) -> None:
    shim = _shim()
    assert shim.to_config(shim.build_parser().parse_args(argv))["env"] == env


def test_a_qualified_env_wins_over_benchmark_with_a_note(
    capsys: pytest.CaptureFixture[str],
) -> None:
    shim = _shim()
    args = shim.build_parser().parse_args(["--env", "tau-bench/retail", "--benchmark", "tautrait"])
    assert shim.to_config(args)["env"] == "tau-bench/retail"
    assert "--benchmark tautrait is ignored" in capsys.readouterr().err


def test_task_ids_are_positions_in_the_original_split(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TAUTRAIT_TAU_BENCH_PATH", str(CHECKOUT))
    captured: list[RunConfig] = []
    monkeypatch.setattr(run_cli, "start", lambda config, **kw: captured.append(config))
    shim = _shim()
    shim.main(["--benchmark", "tau-bench", "--env", "shop", "--task-ids", "5", "1"])
    [config] = captured
    assert config.env == "tau-bench/shop" and config.task_ids == ["5", "1"]
    with pytest.raises(SystemExit) as exit_info:
        shim.main(["--benchmark", "tau-bench", "--env", "shop", "--task-ids", "6"])
    assert exit_info.value.code == 2
    assert "the split has 6 tasks" in capsys.readouterr().err


def test_run_py_runs_a_tau_bench_checkout_end_to_end(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "run.py", "--benchmark", "tau-bench", "--env", "shop",
         "--model", "scripted/gold", "--user-model", "scripted/user",
         "--task-ids", "0", "1", "--log-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "TAUTRAIT_TAU_BENCH_PATH": str(CHECKOUT)},
        timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (run_dir,) = tmp_path.iterdir()
    manifest = json.loads((run_dir / "run.json").read_text())
    assert manifest["config"]["env"] == "tau-bench/shop"
    assert manifest["domain"]["format"] == "tau-bench"
    episodes = [json.loads(line) for line in (run_dir / "episodes.jsonl").read_text().splitlines()]
    assert sorted((e["task_id"], e["reward"]) for e in episodes) == [("0", 1.0), ("1", 1.0)]
