"""``tautrait report / compare / view`` as a user meets them, on real runs.

The runs are made by the real runner (scripted agents through litellm, the tiny steered
user model) on the mock domain: a gold agent, a do-nothing agent (a crafted regression)
and an agent that drops one task (a raw drop that is not significant).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.report.builders import make_run, single

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "data"


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def tautrait(*args: str) -> Result:
    """The console entry point in-process (fast), exactly as the script runs it."""
    from tautrait.cli.app import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with (
        pytest.MonkeyPatch.context() as mp,
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        mp.setattr(sys, "argv", ["tautrait", *args])
        mp.setenv("TAUTRAIT_DATA_PATH", str(FIXTURES))
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return Result(code, out.getvalue(), err.getvalue())


def tautrait_process(*args: str) -> subprocess.CompletedProcess[str]:
    """A real process, for the exit statuses a CI job sees."""
    return subprocess.run(
        [sys.executable, "-m", "tautrait", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "TAUTRAIT_DATA_PATH": str(FIXTURES)},
        timeout=120,
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from tautrait.runner.config import RunConfig
    from tautrait.runner.run import execute_run, prepare_run
    from tautrait.scripted import gold_script, register_script
    from tests.tiny import save_tiny_checkpoint

    root = tmp_path_factory.mktemp("cli-runs")
    user = save_tiny_checkpoint(root / "tiny-user")

    def drop_one(messages: list[dict[str, Any]], task: dict[str, Any] | None) -> dict[str, Any]:
        if task and task["id"] == "mock-1":
            return {"content": "I'm sorry, I can't help with that."}
        return gold_script(messages, task)

    register_script("drop-one", drop_one)
    out: dict[str, Path] = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TAUTRAIT_DATA_PATH", str(FIXTURES))
        mp.setenv("TAUTRAIT_CACHE_DIR", str(root / "cache"))
        for name, model in (
            ("gold", "scripted/gold"),
            ("null", "scripted/null"),
            ("drop", "scripted/drop-one"),
        ):
            config = RunConfig(
                env="mock",
                model=model,
                user_model=str(user),
                # run ids are made from the second and argv: keep the runs in separate folders
                output_dir=root / "results" / name,
                max_steps=5,
                user_max_tokens=6,
                trait_dicts=["skeptical.json"],
            )
            out[name] = execute_run(prepare_run(config))
    return out


def one_line_error(result: Result | subprocess.CompletedProcess[str], message: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_the_run_writes_its_report_md(runs: dict[str, Path]) -> None:
    text = (runs["gold"] / "report.md").read_text()
    assert "| domain | agent | skeptical | average |" in text
    assert "| mock | scripted/gold | +0.0% [+0.0, +0.0]<br>+0.0 pts |" in text


def test_report_merges_runs_into_one_table(runs: dict[str, Path]) -> None:
    result = tautrait("report", str(runs["gold"]), str(runs["null"]), "--format", "md")
    assert result.returncode == 0, result.stderr
    md = result.stdout
    assert "| domain | agent | skeptical | average |" in md
    assert "| mock | scripted/gold |" in md
    # the null agent fails everywhere: a zero baseline has no relative change
    assert "| mock | scripted/null | n/a<br>+0.0 pts | n/a |" in md


@pytest.mark.parametrize("fmt", ["text", "md", "json", "junit", "html"])
def test_every_format_writes_a_file(runs: dict[str, Path], tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "sub" / f"report.{fmt}"
    result = tautrait(
        "report", str(runs["gold"]), str(runs["drop"]), "--format", fmt, "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(out)
    text = out.read_text()
    if fmt == "json":
        data = json.loads(text)
        assert data["schema_version"] == 1 and len(data["rows"]) == 2
    elif fmt == "junit":
        root = ET.fromstring(text)
        assert root.get("tests") == str(3 * 2 * 2)  # 3 tasks x 2 arms x 2 runs
        assert root.get("failures") == "2"  # drop-one fails mock-1 in both arms
    elif fmt == "html":
        assert text.startswith("<!DOCTYPE html>") and "tautrait-data" in text
    elif fmt == "md":
        assert "| mock | scripted/drop-one |" in text
    else:
        assert "Reward delta per trait" in text
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no temp file left


def test_compare_a_run_with_itself_exits_0(runs: dict[str, Path]) -> None:
    result = tautrait_process("compare", str(runs["gold"]), str(runs["gold"]))
    assert result.returncode == 0, result.stderr
    assert "verdict: no regression (exit 0)" in result.stdout


def test_compare_a_crafted_regression_exits_1(runs: dict[str, Path]) -> None:
    result = tautrait_process("compare", str(runs["gold"]), str(runs["null"]), "--format", "json")
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["regression"] is True
    for arm in data["arms"]:
        # every task passes in A and fails in B: the whole CI is at -100 points
        assert arm["delta"]["abs_ci"] == {"low": -1.0, "high": -1.0}
        assert arm["regression"] and "CI of the delta lies below" in arm["reasons"][0]


def test_a_raw_drop_that_is_not_significant_exits_0(runs: dict[str, Path]) -> None:
    result = tautrait("compare", str(runs["gold"]), str(runs["drop"]))
    assert result.returncode == 0, result.stderr
    assert "-33.3" in result.stdout  # the point drop is shown, but gates nothing


def test_compare_refuses_different_task_sets_unless_forced(tmp_path: Path) -> None:
    a = make_run(tmp_path, "A", {"baseline": single("PPPP")})
    b = make_run(tmp_path, "B", {"baseline": single("PPP")}, task_ids=["t0", "t1", "t2"])
    one_line_error(
        tautrait_process("compare", str(a), str(b)),
        "are not over the same tasks: task sets differ (1 only in the first, 0 only in the "
        "second); pass --force to compare their 3 common task(s) only",
    )
    forced = tautrait("compare", str(a), str(b), "--force", "--format", "md")
    assert forced.returncode == 0, forced.stderr
    assert "on 3 retail task(s): no regression" in forced.stdout


def test_view_writes_the_page_into_the_run_and_prints_its_path(runs: dict[str, Path]) -> None:
    result = tautrait("view", str(runs["drop"]))
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.strip())
    assert path == (runs["drop"] / "report.html").resolve() and path.is_file()


def test_a_tau_bench_results_file_imports(tmp_path: Path) -> None:
    def result(task: int, reward: float) -> dict[str, Any]:
        traj = [
            {"role": "system", "content": "# Airline Agent Policy"},
            {"role": "user", "content": "hi"},
            {"role": "assistant", "content": "hello"},
            {"role": "user", "content": "###STOP###"},
        ]
        return {"task_id": task, "reward": reward, "info": {}, "traj": traj, "trial": 0}

    name = "tool-calling-gpt-4o-0.0_range_0-4_user-gpt-4o-llm_1126101500.json"
    path = tmp_path / name
    path.write_text(json.dumps([result(t, float(t % 2)) for t in range(4)]))
    md = tautrait("report", str(path), "--format", "md")
    assert md.returncode == 0, md.stderr
    assert "| baseline | 4 | 4 | 4 | 0 | 50.0% |" in md.stdout
    assert "| tau-bench | airline | gpt-4o | llm:gpt-4o | baseline |" in md.stdout
    same = tautrait("compare", str(path), str(path))
    assert same.returncode == 0, same.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "/nonexistent/run"], "is not a run folder or a results file"),
        (["report", "README.md"], "not valid JSON"),
        (["report", "{run}", "--format", "pdf"], "unknown --format 'pdf'"),
        (["report", "{run}", "--alpha", "2"], "--alpha must be between 0 and 1"),
        (["compare", "{run}", "/nonexistent"], "is not a run folder or a results file"),
        (["compare", "{run}", "{run}", "--max-drop", "-5"], "--max-drop must be 0 or more"),
        (["view", "{empty}"], "has no episodes yet"),
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    run = make_run(tmp_path, "r", {"baseline": single("PF")})
    empty = make_run(tmp_path, "e", {"baseline": single("P")})
    (empty / "episodes.jsonl").write_text("")
    out = tmp_path / "out" / "report.txt"
    argv = [a.format(run=run, empty=empty) for a in args] + ["--out", str(out)]
    one_line_error(tautrait(*argv), message)
    assert not out.exists() and not out.parent.exists()  # nothing half-written
