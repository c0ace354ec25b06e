"""The manipulation check's report maths, on hand-made records with known values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tautrait.report import build_report, load_sources, render
from tests.report.builders import make_run, single

# Per task: each episode's two user turns are (v - 0.5, v + 0.5), so its mean is v.
BASE = {"t0": 0.0, "t1": 1.0, "t2": 2.0}
UP = {"t0": 1.0, "t1": 1.5, "t2": 4.0}  # deltas 1.0, 0.5, 2.0
DOWN = {"t0": -1.0, "t1": 1.0, "t2": 2.5}  # deltas -1.0, 0.0, 0.5


def _run(root: Path, values: dict[str, dict[str, float | None]]) -> Path:
    run = make_run(root, "run-x", {arm: single("PPF") for arm in values})
    path = run / "episodes.jsonl"
    lines = []
    for line in path.read_text().splitlines():
        rec = json.loads(line)
        v = values[rec["arm"]][rec["task_id"]]
        trait = "skeptical" if rec["arm"] == "baseline" else rec["arm"]
        if v is not None:
            turns = [{trait: v - 0.5, "other": 9.0}, {trait: v + 0.5}]
            if rec["arm"] == "baseline":
                turns = [
                    {"skeptical": v - 0.5, "impatient": v - 0.5},
                    {"skeptical": v + 0.5, "impatient": v + 0.5},
                ]
            rec["expression"] = turns
        lines.append(json.dumps(rec))
    path.write_text("\n".join(lines) + "\n")
    return run


def test_paired_means_delta_ci_and_course_per_turn(tmp_path: Path) -> None:
    run = _run(tmp_path, {"baseline": dict(BASE), "skeptical": dict(UP)})
    report = build_report(load_sources([str(run)]))
    (check,) = report.rows[0].expression
    assert (check.arm, check.trait) == ("skeptical", "skeptical")
    assert check.paired_tasks == 3 and check.paired_episodes == 3
    assert check.baseline_mean == pytest.approx(1.0)
    assert check.arm_mean == pytest.approx(6.5 / 3)
    assert check.delta == pytest.approx(3.5 / 3)
    assert check.delta_ci is not None
    assert 0.5 <= check.delta_ci.low <= check.delta <= check.delta_ci.high <= 2.0  # type: ignore[operator]
    assert check.above_baseline and check.warning is None
    assert [(t.turn, t.pairs) for t in check.per_turn] == [(1, 3), (2, 3)]
    assert check.per_turn[0].baseline == pytest.approx(0.5)
    assert check.per_turn[1].arm == pytest.approx(6.5 / 3 + 0.5)
    assert not any("expressed" in note for note in report.notes)
    md = render("md", report, [])
    assert "## Manipulation check" in md and "| skeptical | skeptical | 3 |" in md


def test_an_arm_not_above_the_baseline_is_warned_about_everywhere(tmp_path: Path) -> None:
    run = _run(tmp_path, {"baseline": dict(BASE), "impatient": dict(DOWN)})
    report = build_report(load_sources([str(run)]))
    (check,) = report.rows[0].expression
    assert check.trait == "impatient" and check.delta == pytest.approx(-0.5 / 3)
    assert not check.above_baseline
    assert check.warning is not None and "impatient" in check.warning
    assert any("not above the baseline" in n or "below the baseline" in n for n in report.notes)
    assert check.warning in render("md", report, [])


def test_unmeasured_turns_and_episodes_are_left_out_of_the_pairs(tmp_path: Path) -> None:
    base = dict(BASE)
    up: dict[str, float | None] = dict(UP)
    up["t1"] = None  # the trait arm's episode on t1 measured nothing
    run = _run(tmp_path, {"baseline": base, "skeptical": up})
    report = build_report(load_sources([str(run)]))
    (check,) = report.rows[0].expression
    assert check.paired_tasks == 2
    assert check.delta == pytest.approx(1.5)  # (1.0 + 2.0) / 2


def test_runs_without_the_check_report_nothing_of_it(tmp_path: Path) -> None:
    run = make_run(tmp_path, "run-y", {"baseline": single("PF"), "skeptical": single("FF")})
    report = build_report(load_sources([str(run)]))
    assert report.rows[0].expression == []
    assert "Manipulation check" not in render("md", report, [])
