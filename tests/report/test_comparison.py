"""``compare``: paired B - A per arm, and what counts as a regression."""

from pathlib import Path

import pytest

from tautrait.errors import UserError
from tautrait.report import compare_runs, load_run_dir
from tests.report.builders import make_run, single


def _pair(tmp_path: Path, a: str, b: str, **kw: object) -> tuple[Path, Path]:
    return (
        make_run(tmp_path, "A", {"baseline": single(a)}),
        make_run(tmp_path, "B", {"baseline": single(b)}, **kw),  # type: ignore[arg-type]
    )


def test_a_run_against_itself_is_no_regression(tmp_path: Path) -> None:
    run = load_run_dir(make_run(tmp_path, "A", {"baseline": single("PPFFP.")}))
    c = compare_runs(run, run)
    d = c.arms[0].delta
    assert not c.regression and d.abs_delta == 0.0 and d.p_value == 1.0 and d.flips == []
    assert d.excluded_infra == 1


def test_a_consistent_drop_is_a_regression_by_ci_and_by_test(tmp_path: Path) -> None:
    a, b = _pair(tmp_path, "PPPPPPPPPP", "FFFFFFFFPP")
    c = compare_runs(load_run_dir(a), load_run_dir(b))
    arm = c.arms[0]
    assert c.regression and arm.regression
    # 8 lost, 0 gained: p = 2 / 2^8 = 0.0078; every resample drops by 80 points or more
    assert arm.delta.p_value == pytest.approx(2 / 256)
    assert len(arm.reasons) == 2
    assert "CI of the delta lies below 0 points" in arm.reasons[0]
    assert "paired test is significant" in arm.reasons[1]
    assert [f.direction for f in arm.delta.flips] == ["lost"] * 8


def test_a_raw_point_drop_alone_is_not_a_regression(tmp_path: Path) -> None:
    # -20 points, but 1 lost + 3 ties -> the CI reaches 0 and p = 1
    a, b = _pair(tmp_path, "PPPP", "PPPF")
    c = compare_runs(load_run_dir(a), load_run_dir(b))
    d = c.arms[0].delta
    assert d.abs_delta == pytest.approx(-0.25)
    assert d.abs_ci is not None and d.abs_ci.high == 0.0
    assert not c.regression and c.arms[0].reasons == []


def test_max_drop_tolerates_a_bounded_drop(tmp_path: Path) -> None:
    # 6 of 20 lost: a CI around -30 points, significant (p = 2/64)
    a, b = _pair(tmp_path, "P" * 20, "F" * 6 + "P" * 14)
    run_a, run_b = load_run_dir(a), load_run_dir(b)
    strict = compare_runs(run_a, run_b)
    assert strict.regression
    high = strict.arms[0].delta.abs_ci.high  # type: ignore[union-attr]
    assert high is not None and high < 0
    # with a tolerance past the CI's upper bound, only the significant test still flags it
    loose = compare_runs(run_a, run_b, max_drop=-high * 100 + 1)
    assert loose.regression and len(loose.arms[0].reasons) == 1
    assert "paired test" in loose.arms[0].reasons[0]
    # at a stricter alpha the test no longer rejects, and nothing is left
    assert not compare_runs(run_a, run_b, max_drop=-high * 100 + 1, alpha=0.01).regression


def test_an_improvement_is_never_a_regression(tmp_path: Path) -> None:
    a, b = _pair(tmp_path, "FFFFFFFF", "PPPPPPPP")
    c = compare_runs(load_run_dir(a), load_run_dir(b))
    assert c.arms[0].delta.significant and not c.regression


def test_infra_errors_are_excluded_from_both_runs(tmp_path: Path) -> None:
    # B's outage on t0..t2 must not read as three lost tasks
    a, b = _pair(tmp_path, "PPPPP", "...PP")
    c = compare_runs(load_run_dir(a), load_run_dir(b))
    d = c.arms[0].delta
    assert d.excluded_infra == 3 and d.paired_tasks == 2 and d.abs_delta == 0.0
    assert not c.regression


def test_different_task_sets_are_refused_unless_forced(tmp_path: Path) -> None:
    a = make_run(tmp_path, "A", {"baseline": single("PPPP")})
    b = make_run(
        tmp_path, "B", {"baseline": single("PPF")}, task_ids=["t0", "t1", "t2"], tasks_sha="u" * 64
    )
    with pytest.raises(UserError, match=r"not over the same tasks: .*--force to compare their 3"):
        compare_runs(load_run_dir(a), load_run_dir(b))
    c = compare_runs(load_run_dir(a), load_run_dir(b), force=True)
    assert c.tasks == ["t0", "t1", "t2"] and c.forced
    assert c.arms[0].delta.paired_tasks == 3


def test_different_domains_are_refused(tmp_path: Path) -> None:
    a = make_run(tmp_path, "A", {"baseline": single("P")})
    b = make_run(tmp_path, "B", {"baseline": single("P")}, domain="airline")
    with pytest.raises(UserError, match=r"domains differ \(retail vs airline\)"):
        compare_runs(load_run_dir(a), load_run_dir(b))


def test_arms_match_by_name_with_holm_across_them(tmp_path: Path) -> None:
    a = make_run(tmp_path, "A", {"baseline": single("PPPPPPP"), "skeptical": single("PPPPPPP")})
    b = make_run(tmp_path, "B", {"baseline": single("PPPPPPP"), "skeptical": single("FFFFFFF")})
    c = compare_runs(load_run_dir(a), load_run_dir(b))
    assert [(x.arm_a, x.arm_b) for x in c.arms] == [
        ("baseline", "baseline"),
        ("skeptical", "skeptical"),
    ]
    sk = c.arms[1].delta
    # 7 lost: p = 2/128 = 0.015625; Holm over 2 arms -> 0.03125
    assert sk.p_value == pytest.approx(0.015625) and sk.p_holm == pytest.approx(0.03125)
    assert c.regression and not c.arms[0].regression


def test_no_common_arm_is_refused(tmp_path: Path) -> None:
    a = make_run(tmp_path, "A", {"baseline": single("P"), "skeptical": single("P")})
    b = make_run(tmp_path, "B", {"impatient": single("P"), "confused": single("P")})
    with pytest.raises(UserError, match="no arm in common"):
        compare_runs(load_run_dir(a), load_run_dir(b))


def test_bad_settings(tmp_path: Path) -> None:
    run = load_run_dir(make_run(tmp_path, "A", {"baseline": single("P")}))
    with pytest.raises(UserError, match="--max-drop"):
        compare_runs(run, run, max_drop=-1)
    with pytest.raises(UserError, match="--alpha"):
        compare_runs(run, run, alpha=0)
