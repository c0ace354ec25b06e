"""tau-bench and tau-trait results files: what is read from them, and how they pair."""

import json
from pathlib import Path
from typing import Any

import pytest

from tautrait.errors import UserError
from tautrait.report import build_report, compare_runs, load_sources


def result(task: int, reward: float, trial: int = 0, error: str | None = None) -> dict[str, Any]:
    """One element as tau-bench's run.py writes it (EnvRunResult.model_dump())."""
    if error is not None:
        return {
            "task_id": task,
            "reward": 0.0,
            "info": {"error": error, "traceback": "Traceback ..."},
            "traj": [],
            "trial": trial,
        }
    traj = [
        {"role": "system", "content": "# Retail agent policy\n\nAs a retail agent, ..."},
        {"role": "user", "content": f"Hi, I need help with order {task}."},
        {
            "content": None,
            "role": "assistant",
            "tool_calls": [
                {
                    "function": {"arguments": '{"order_id": "#W1"}', "name": "get_order_details"},
                    "id": "call_1",
                    "type": "function",
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "name": "get_order_details", "content": "{}"},
        {"role": "assistant", "content": "Done.", "tool_calls": None},
        {"role": "user", "content": "Thanks! ###STOP###"},
    ]
    return {
        "task_id": task,
        "reward": reward,
        "info": {"task": {"user_id": "u", "actions": [], "outputs": []}, "user_cost": 0.002},
        "traj": traj,
        "trial": trial,
    }


def write(path: Path, results: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2))
    return path


TAU_BENCH_NAME = "tool-calling-gpt-4o-0.0_range_0--1_user-gpt-4o-llm_0101120000.json"


def test_a_tau_bench_file_imports_with_its_name_parsed(tmp_path: Path) -> None:
    path = write(
        tmp_path / TAU_BENCH_NAME,
        [result(0, 1.0), result(1, 0.0), result(2, 0.0, error="RateLimitError")],
    )
    (run,) = load_sources([str(path)])
    info = run.info
    assert (info.kind, info.agent, info.temperature, info.user) == (
        "tau-bench",
        "gpt-4o",
        0.0,
        "llm:gpt-4o",
    )
    assert info.domain == "retail"  # from the policy's title in the system prompt
    assert info.arms == ["baseline"] and info.task_ids == ["0", "1", "2"]
    by_task = {e.record.task_id: e for e in run.episodes}
    assert by_task["0"].passed is True and by_task["1"].passed is False
    # tau-bench scored the crash 0; here it is an infrastructure error, not scored
    crashed = by_task["2"].record
    assert crashed.status == "infra_error" and crashed.reward is None
    assert crashed.error is not None and crashed.error.message == "RateLimitError"
    assert by_task["0"].record.termination == "user_stop"
    assert by_task["0"].record.user_usage.cost == pytest.approx(0.002)
    assert by_task["0"].record.agent_usage.cost is None  # not in the file: unknown
    assert by_task["1"].ref.index == 1 and by_task["1"].ref.line is None
    report = build_report([run])
    arm = report.rows[0].arms[0]
    assert arm.pass_rate == pytest.approx(0.5) and arm.infra_errors == 1


def test_tau_trait_files_pair_into_one_run(tmp_path: Path) -> None:
    folder = tmp_path / "gpt5_trajectories"
    base = write(folder / "retail_none.json", [result(t, 1.0) for t in range(6)])
    trait = write(
        folder / "skeptical_retail.json", [result(t, 0.0 if t < 5 else 1.0) for t in range(6)]
    )
    runs = load_sources([str(base), str(trait)])
    assert len(runs) == 1
    run = runs[0]
    assert run.info.agent == "gpt5" and run.info.domain == "retail"
    assert run.info.arms == ["baseline", "skeptical"]
    report = build_report(runs)
    d = report.rows[0].deltas[0]
    assert (d.arm, d.worse, d.better) == ("skeptical", 5, 0)
    assert d.rel_delta_pct == pytest.approx(-5 / 6 * 100)
    assert d.p_value == pytest.approx(2 / 32)  # 5 lost, none gained
    assert {f.trait.index for f in d.flips} == {0, 1, 2, 3, 4}


def test_overrides_name_what_the_file_name_does_not(tmp_path: Path) -> None:
    a = write(tmp_path / "a.json", [result(0, 1.0), result(1, 1.0)])
    b = write(tmp_path / "b.json", [result(0, 0.0), result(1, 1.0)])
    runs = load_sources(
        [
            f"{a}#domain=airline&model=my-agent&arm=baseline",
            f"{b}#domain=airline&model=my-agent&arm=impatient",
        ]
    )
    assert len(runs) == 1 and runs[0].info.domain == "airline"
    assert runs[0].info.arms == ["baseline", "impatient"]
    with pytest.raises(UserError, match="unknown override colour"):
        load_sources([f"{a}#colour=red"])
    with pytest.raises(UserError, match="bad override"):
        load_sources([f"{a}#arm"])


def test_two_files_claiming_one_arm_are_refused(tmp_path: Path) -> None:
    a = write(tmp_path / "one" / "retail_none.json", [result(0, 1.0)])
    b = write(tmp_path / "two" / "retail_none.json", [result(0, 1.0)])
    with pytest.raises(UserError, match="are both arm 'baseline'"):
        load_sources([str(a), str(b)])


def test_compare_two_tau_bench_agents(tmp_path: Path) -> None:
    a = write(tmp_path / "a" / TAU_BENCH_NAME, [result(t, 1.0) for t in range(8)])
    b = write(
        tmp_path / "b" / TAU_BENCH_NAME.replace("gpt-4o-0.0", "gpt-4o-mini-0.0"),
        [result(t, 0.0) for t in range(8)],
    )
    (run_a,) = load_sources([str(a)])
    (run_b,) = load_sources([str(b)])
    assert run_b.info.agent == "gpt-4o-mini"
    c = compare_runs(run_a, run_b)
    assert c.regression and c.arms[0].delta.worse == 8


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"task_id": 1}, "neither a run folder nor a tau-bench"),
        ([], "holds no results"),
        ([{"task_id": 1, "trial": 0}], "result 0 is not a JSON list of"),
        ("[1, 2", "not valid JSON"),
    ],
)
def test_bad_results_files(tmp_path: Path, content: Any, message: str) -> None:
    path = tmp_path / "results.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    with pytest.raises(UserError, match=message):
        load_sources([str(path)])


def test_a_domain_added_on_the_data_path_is_known_to_the_importer(
    tmp_path: Path, mock_data_path: None
) -> None:
    """The importer knows the installed domains (no list of names): the fixture's mock."""
    folder = tmp_path / "gpt5_trajectories"
    base = write(folder / "mock_none.json", [result(t, 1.0) for t in range(2)])
    trait = write(folder / "skeptical_mock.json", [result(t, 0.0) for t in range(2)])
    [run] = load_sources([str(base), str(trait)])
    assert run.info.domain == "mock" and run.info.arms == ["baseline", "skeptical"]
