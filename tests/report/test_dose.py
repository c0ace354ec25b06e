"""Dose-response in a report: points, paired CIs and the slope, checked by hand."""

import json
from pathlib import Path

import pytest

from tautrait.report import build_report, load_run_dir
from tautrait.report.dose import ols_slope
from tautrait.report.html import render_html
from tautrait.report.markdown import render_markdown
from tautrait.report.schema import DoseResponse
from tests.report.builders import make_run, single


def _sweep_run(tmp_path: Path) -> Path:
    # Per task at intensity 0, 1, 2:  t0 P P P (slope 0), t1 P P F, t2 and t3 P F F
    # (slope -0.5 each); t4's point 1 is an infrastructure error: left out of every point.
    return make_run(
        tmp_path,
        "sweep-run",
        {
            "baseline": single("PPPPP"),
            "sweep:impatience=1": single("PPFF."),
            "sweep:impatience=2": single("PFFFF"),
            "skeptical": single("PPPPP"),
        },
    )


def _dose(tmp_path: Path) -> DoseResponse:
    report = build_report([load_run_dir(_sweep_run(tmp_path))])
    (dose,) = report.rows[0].dose
    return dose


def test_points_and_slope_by_hand(tmp_path: Path) -> None:
    d = _dose(tmp_path)
    assert d.trait == "impatience" and d.method == "ols_task_bootstrap"
    assert (d.tasks, d.units, d.excluded) == (4, 4, 1)
    assert [(p.intensity, p.arm) for p in d.points] == [
        (0.0, "baseline"),
        (1.0, "sweep:impatience=1"),
        (2.0, "sweep:impatience=2"),
    ]
    assert [p.pass_rate for p in d.points] == [1.0, 0.5, 0.25]
    assert [p.abs_delta for p in d.points] == [0.0, -0.5, -0.75]
    assert d.points[0].abs_ci is None
    # Pooled OLS of the (task, intensity) shares: x mean 1, y means 1, 0.5, 0.25.
    assert d.slope == pytest.approx(-0.375)
    # Bootstrap of the task slopes [0, -.5, -.5, -.5]: the upper bound is a resample
    # with three t0 (P = 0.051 > 2.5%), the lower one with none (P = 0.32).
    assert d.slope_ci is not None
    assert (d.slope_ci.low, d.slope_ci.high) == (pytest.approx(-0.5), pytest.approx(-0.125))
    ci = d.points[2].abs_ci
    assert ci is not None and ci.high is not None and ci.high < 0


def test_ols_slope() -> None:
    assert ols_slope([0, 1, 2], [1, 0.5, 0.25]) == pytest.approx(-0.375)
    assert ols_slope([1, 1], [0, 1]) is None
    assert ols_slope([0.0], [1.0]) is None


def test_one_task_has_a_slope_but_no_interval(tmp_path: Path) -> None:
    run = make_run(
        tmp_path,
        "one",
        {"baseline": single("P"), "sweep:impatience=0.5": single("F")},
    )
    (d,) = build_report([load_run_dir(run)]).rows[0].dose
    assert d.slope == pytest.approx(-2.0) and d.slope_ci is None


def test_runs_without_sweeps_have_no_dose_section(tmp_path: Path) -> None:
    run = make_run(tmp_path, "plain", {"baseline": single("PF"), "skeptical": single("FF")})
    report = build_report([load_run_dir(run)])
    assert report.rows[0].dose == []
    assert "Dose-response" not in render_markdown(report)


def test_every_format_shows_the_curve(tmp_path: Path) -> None:
    run = load_run_dir(_sweep_run(tmp_path))
    report = build_report([run])
    md = render_markdown(report)
    assert "### Dose-response: impatience" in md
    assert "| 1 | sweep:impatience=1 | 50.0% | -50.0 [" in md
    assert "slope -37.5 points of pass rate per calibrated unit [-50.0, -12.5]" in md
    data = json.loads(report.model_dump_json())
    assert data["rows"][0]["dose"][0]["slope"] == pytest.approx(-0.375)
    html = render_html(report, [run])
    assert '<svg class="chart dose"' in html and "Dose-response: impatience" in html
    assert html.count("<circle") >= 3
