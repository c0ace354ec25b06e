"""The CLI as a user meets it: one-line errors with exit status 2, no traceback."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def tautrait(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tautrait", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--env", "nowhere"], "unknown domain 'nowhere'; available domains:"),
        (["run", "--trait-dict", "grumpy.json"], "trait dict 'grumpy.json' not found"),
        (["run", "--trait-dict", '{"grumpy": "high"}'], "unknown trait 'grumpy'"),
        (["run", "--trait-dict", '{"impatience": "extreme"}'], "is not valid; use low"),
        (["run", "--max-concurrency", "0"], "--max-concurrency:"),
        (["run", "--task-split", "nope"], "no task split 'nope'"),
        (["run", "--task-ids", "retail-999"], "unknown task ids"),
        (["run", "--no-baseline"], "--no-baseline needs at least one --trait-dict"),
        (
            ["run", "--user-strategy", "llm", "--trait-dict", "skeptical.json"],
            "trait arms need --user-strategy steered",
        ),
        (["run", "--resume", "/nonexistent"], "is not a run folder"),
        (["report", "/nonexistent"], "is not a run folder"),
    ],
)
def test_bad_input_is_one_line_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    result = (
        tautrait(*args, "--output-dir", str(tmp_path))
        if args[0] == "run" and "--resume" not in args
        else tautrait(*args)
    )
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.stderr
    assert not any(tmp_path.iterdir())  # nothing half-written


def test_env_var_sets_an_option(tmp_path: Path) -> None:
    result = tautrait("run", "--output-dir", str(tmp_path), env={"TAUTRAIT_MAX_CONCURRENCY": "0"})
    # The error names where the bad value came from.
    assert result.returncode == 2 and "TAUTRAIT_MAX_CONCURRENCY" in result.stderr


def test_domains_list_json() -> None:
    result = tautrait("domains", "list", "--json")
    assert result.returncode == 0, result.stderr
    domains = {d["name"]: d for d in json.loads(result.stdout)["domains"]}
    assert {"retail", "airline", "telecom", "telehealth"} <= set(domains)
    retail = domains["retail"]
    assert retail["tables"]["users"] >= 500 and retail["tables"]["orders"] >= 1000
    assert retail["tools"] >= 16 and retail["tasks"]["test"] >= 115


def test_run_py_shim_maps_tau_bench_flags() -> None:
    sys.path.insert(0, str(ROOT))
    try:
        import run as shim
    finally:
        sys.path.remove(str(ROOT))
    args = shim.build_parser().parse_args(
        [
            "--env",
            "retail",
            "--model",
            "gpt-4o",
            "--model-provider",
            "openai",
            "--user-model",
            "gpt-4o",
            "--user-model-provider",
            "steer",
            "--user-strategy",
            "llm",
            "--max-concurrency",
            "5",
            "--trait_dict",
            "skeptical.json",
            "--shuffle",
            "1",
            "--log-dir",
            "out",
            "--num-trials",
            "3",
            "--seed",
            "4",
        ]
    )
    values = shim.to_config(args)
    assert values["model"] == "openai/gpt-4o" and values["user_strategy"] == "steered"
    assert "user_model" not in values and values["trait_dicts"] == ["skeptical.json"]
    assert values["shuffle"] is True and values["output_dir"] == "out"
    assert values["max_concurrency"] == 5 and values["num_trials"] == 3 and values["seed"] == 4
    llm = shim.to_config(
        shim.build_parser().parse_args(
            ["--user-model", "claude-x", "--user-model-provider", "anthropic"]
        )
    )
    assert llm["user_strategy"] == "llm" and llm["user_model"] == "anthropic/claude-x"


def test_run_py_rejects_unsupported_strategies() -> None:
    result = subprocess.run(
        [sys.executable, "run.py", "--agent-strategy", "react"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.strip().startswith("error: --agent-strategy react is not supported")
    result = subprocess.run(
        [sys.executable, "run.py", "--num-trials", "many"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1


def test_run_py_maps_the_steer_provider_with_an_endpoint_to_the_steer_strategy() -> None:
    sys.path.insert(0, str(ROOT))
    try:
        import run as shim
    finally:
        sys.path.remove(str(ROOT))
    args = [
        "--user-model",
        "gpt-4o",
        "--user-model-provider",
        "steer",
        "--trait-dict",
        "skeptical.json",
        "--endpoint",
        "https://steer.example/steer_bare",
    ]
    values = shim.to_config(shim.build_parser().parse_args(args))
    assert values["user_strategy"] == "steer"
    assert values["user_endpoint"] == "https://steer.example/steer_bare"
    assert "user_model" not in values
    local = shim.to_config(shim.build_parser().parse_args(args[:-2]))
    assert local["user_strategy"] == "steered" and "user_endpoint" not in local


def test_run_refuses_an_unreachable_steer_server_in_one_line() -> None:
    result = tautrait(
        "run",
        "--env",
        "retail",
        "--user-strategy",
        "steer",
        "--user-endpoint",
        "http://127.0.0.1:9",
        "--user-api-key",
        "sk-do-not-print",
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert (
        len(lines) == 1 and "cannot reach the steer server at http://127.0.0.1:9/health" in lines[0]
    )
    assert "sk-do-not-print" not in result.stderr + result.stdout


def test_scripted_participants_from_the_command_line(tmp_path: Path) -> None:
    """The harness measured without a model: scripted agent and user, with a latency."""
    fixtures = str(ROOT / "tests" / "fixtures" / "data")
    result = tautrait(
        "run",
        "--env", "mock",
        "--model", "scripted/gold?latency_ms=5",
        "--user-strategy", "llm",
        "--user-model", "scripted/user?latency_ms=5",
        "--output-dir", str(tmp_path),
        env={"TAUTRAIT_DATA_PATH": fixtures},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (run_dir,) = tmp_path.iterdir()
    episodes = [json.loads(line) for line in (run_dir / "episodes.jsonl").read_text().splitlines()]
    assert len(episodes) == 3 and all(e["reward"] == 1.0 for e in episodes)
    tasks = {t["id"]: t for t in json.loads((ROOT / fixtures / "tasks/mock/test.json").read_text())}
    for episode in episodes:
        said = [m for m in episode["messages"] if m["role"] == "user"]
        assert said[0]["content"] == tasks[episode["task_id"]]["scenario"]["goal"]
        assert len(said) == 2 and said[1].get("stop") is True
        assert episode["agent_usage"]["seconds"] >= 0.005 * episode["agent_usage"]["calls"]
    manifest = json.loads((run_dir / "run.json").read_text())
    assert manifest["config"]["user_model"] == "scripted/user?latency_ms=5"
