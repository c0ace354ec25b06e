"""Building the report from run folders: pairing, infra errors, Holm, pooling, refusals."""

from pathlib import Path

import pytest

from tautrait.errors import UserError
from tautrait.report import build_report, load_run_dir, load_sources
from tautrait.report.schema import Delta, Report
from tests.report.builders import make_run, multi, single


def _delta(report: Report, arm: str, row: int = 0) -> Delta:
    return next(d for d in report.rows[row].deltas if d.arm == arm)


def test_single_trial_delta_by_hand(tmp_path: Path) -> None:
    run = make_run(
        tmp_path,
        "r1",
        {"baseline": single("PPPPPPPPFF"), "skeptical": single("FFFFFFPPFF")},
    )
    report = build_report([load_run_dir(run)])
    d = _delta(report, "skeptical")
    # baseline 8/10, trait 2/10: -60 points, -75% relative
    assert d.baseline_rate == pytest.approx(0.8) and d.arm_rate == pytest.approx(0.2)
    assert d.abs_delta == pytest.approx(-0.6) and d.rel_delta_pct == pytest.approx(-75.0)
    # McNemar: b = 6 tasks lost, c = 0 gained -> p = 2 / 2^6 = 0.03125 (one trait: Holm = p)
    assert (d.test, d.worse, d.better) == ("mcnemar_exact", 6, 0)
    assert d.p_value == pytest.approx(0.03125) and d.p_holm == pytest.approx(0.03125)
    assert d.significant
    assert d.abs_ci is not None and d.abs_ci.high is not None and d.abs_ci.high < 0
    # 6 discordant tasks needed of 10 -> 60 points is the smallest detectable change
    assert d.min_detectable_delta == pytest.approx(0.6)
    assert [f.task_id for f in d.flips] == ["t0", "t1", "t2", "t3", "t4", "t5"]
    assert all(f.direction == "lost" for f in d.flips)
    base = report.rows[0].arms[0]
    # Wilson for 8/10 as the baseline's own CI
    assert base.ci_method == "wilson" and base.pass_rate == pytest.approx(0.8)


def test_flips_point_at_the_lines_of_both_trajectories(tmp_path: Path) -> None:
    run = make_run(tmp_path, "r1", {"baseline": single("PF"), "skeptical": single("FP")})
    report = build_report([load_run_dir(run)])
    flips = _delta(report, "skeptical").flips
    assert [(f.task_id, f.direction) for f in flips] == [("t0", "lost"), ("t1", "gained")]
    lines = (run / "episodes.jsonl").read_text().splitlines()
    for f in flips:
        for ref, arm in ((f.baseline, "baseline"), (f.trait, "skeptical")):
            assert ref.line is not None
            assert f'"task_id":"{f.task_id}"' in lines[ref.line - 1]
            assert f'"arm":"{arm}"' in lines[ref.line - 1]
            assert ref.episode_id == f"r1/{f.task_id}/0/{arm}"


def test_infra_errors_leave_both_arms_of_a_pair_alike(tmp_path: Path) -> None:
    # t1 is an infra error in the trait arm only; t3 in the baseline only
    run = make_run(tmp_path, "r1", {"baseline": single("PPP.P"), "impatient": single("P.PFF")})
    report = build_report([load_run_dir(run)])
    d = _delta(report, "impatient")
    assert d.excluded_infra == 2 and d.paired_tasks == 3
    # scored on t0, t2, t4 only: baseline P P P = 3/3, trait P P F = 2/3
    assert d.baseline_rate == pytest.approx(1.0) and d.arm_rate == pytest.approx(2 / 3)
    arms = {a.arm: a for a in report.rows[0].arms}
    # each arm on its own still shows its errors and scores its own completed episodes
    assert arms["baseline"].infra_errors == 1 and arms["baseline"].pass_rate == 1.0
    assert arms["impatient"].infra_errors == 1
    assert arms["impatient"].pass_rate == pytest.approx(2 / 4)
    assert report.infra_errors == 2


def test_several_trials_use_the_sign_test_and_bootstrap(tmp_path: Path) -> None:
    run = make_run(
        tmp_path,
        "r1",
        {
            "baseline": multi(["PPF", "PPP", "FFF", "PFP"]),
            "confused": multi(["FFF", "PPF", "FFF", "FFP"]),
        },
    )
    report = build_report([load_run_dir(run)])
    d = _delta(report, "confused")
    # per task shares: baseline 2/3, 1, 0, 2/3 ; trait 0, 2/3, 0, 1/3
    assert d.baseline_rate == pytest.approx((2 / 3 + 1 + 0 + 2 / 3) / 4)
    assert d.arm_rate == pytest.approx((0 + 2 / 3 + 0 + 1 / 3) / 4)
    # three tasks went down, one tie -> sign test p = 2 / 2^3 = 0.25
    assert (d.test, d.worse, d.better, d.trials) == ("sign_test", 3, 0, 3)
    assert d.p_value == pytest.approx(0.25) and not d.significant
    assert d.min_detectable_delta is None  # 4 tasks can never give 6 discordant ones
    base = report.rows[0].arms[0]
    assert base.ci_method == "bootstrap"
    # pass^k by hand for the baseline: k=1 (2/3+1+0+2/3)/4, k=2 (1/3+1+0+1/3)/4, k=3 1/4
    hat = {p.k: p.value for p in base.pass_hat_k}
    assert hat == pytest.approx({1: 7 / 12, 2: 5 / 12, 3: 1 / 4})


def test_holm_runs_across_the_traits_of_a_row(tmp_path: Path) -> None:
    run = make_run(
        tmp_path,
        "r1",
        {
            "baseline": single("PPPPPPPP"),
            "skeptical": single("FFFFFFFP"),  # 7 lost: p = 2/128 = 0.015625
            "impatient": single("FFFFFFPP"),  # 6 lost: p = 2/64 = 0.03125
        },
    )
    report = build_report([load_run_dir(run)])
    sk, im = _delta(report, "skeptical"), _delta(report, "impatient")
    assert sk.p_value == pytest.approx(0.015625) and im.p_value == pytest.approx(0.03125)
    # Holm, m = 2: 0.015625 x 2 = 0.03125; 0.03125 x 1 -> max(0.03125, 0.03125)
    assert sk.p_holm == pytest.approx(0.03125) and im.p_holm == pytest.approx(0.03125)
    assert sk.significant and im.significant
    # smallest detectable at alpha/2: 2^k >= 80 -> 7 of 8 tasks
    assert sk.min_detectable_delta == pytest.approx(7 / 8)
    row = report.rows[0]
    # same paired tasks in both -> the average gets a joint CI
    assert row.average_rel_delta_pct == pytest.approx((-87.5 + -75.0) / 2)
    assert row.average_ci is not None


def test_zero_baseline_has_no_relative_delta(tmp_path: Path) -> None:
    run = make_run(tmp_path, "r1", {"baseline": single("FFFF"), "skeptical": single("FFFF")})
    d = _delta(build_report([load_run_dir(run)]), "skeptical")
    assert d.rel_delta_pct is None and d.rel_ci is None
    assert d.abs_delta == 0.0 and d.p_value == 1.0


def test_rows_are_domain_by_agent_and_columns_the_traits(tmp_path: Path) -> None:
    a = make_run(tmp_path, "a", {"baseline": single("PP"), "skeptical": single("PF")})
    b = make_run(
        tmp_path,
        "b",
        {"baseline": single("PP"), "impatient": single("FF")},
        model="anthropic/claude",
    )
    c = make_run(
        tmp_path, "c", {"baseline": single("PF"), "skeptical": single("PP")}, domain="airline"
    )
    report = build_report(load_sources([str(a), str(b), str(c)]))
    assert report.traits == ["skeptical", "impatient"]
    assert [(r.domain, r.label) for r in report.rows] == [
        ("retail", "openai/gpt-4o"),
        ("retail", "anthropic/claude"),
        ("airline", "openai/gpt-4o"),
    ]
    assert [d.arm for d in report.rows[1].deltas] == ["impatient"]


def test_two_temperatures_of_one_model_are_two_rows(tmp_path: Path) -> None:
    cold = make_run(tmp_path, "cold", {"baseline": single("PP"), "skeptical": single("PF")})
    warm = make_run(
        tmp_path, "warm", {"baseline": single("PF"), "skeptical": single("FF")}, temperature=0.7
    )
    report = build_report(load_sources([str(cold), str(warm)]))
    assert [r.label for r in report.rows] == ["openai/gpt-4o (T=0)", "openai/gpt-4o (T=0.7)"]


def test_repeated_runs_pool_as_trials_paired_within_their_run(tmp_path: Path) -> None:
    one = make_run(tmp_path, "one", {"baseline": single("PP"), "skeptical": single("FP")})
    two = make_run(tmp_path, "two", {"baseline": single("PF"), "skeptical": single("PF")})
    report = build_report(load_sources([str(one), str(two)]))
    assert len(report.rows) == 1 and report.rows[0].runs == ["one", "two"]
    d = _delta(report, "skeptical")
    # 2 pairs per task: t0 base (P, P) trait (F, P); t1 base (P, F) trait (P, F)
    assert d.paired_episodes == 4 and d.trials == 2 and d.test == "sign_test"
    assert d.baseline_rate == pytest.approx((1 + 0.5) / 2)
    assert d.arm_rate == pytest.approx((0.5 + 0.5) / 2)
    assert [(f.run_id, f.task_id) for f in d.flips] == [("one", "t0")]


def test_runs_over_different_task_sets_are_refused_unless_forced(tmp_path: Path) -> None:
    one = make_run(tmp_path, "one", {"baseline": single("PPP"), "skeptical": single("FPP")})
    two = make_run(
        tmp_path,
        "two",
        {"baseline": single("PP"), "skeptical": single("FP")},
        task_ids=["t0", "t1"],
        tasks_sha="u" * 64,
    )
    runs = load_sources([str(one), str(two)])
    with pytest.raises(UserError, match=r"not over the same tasks: task files differ.*--force"):
        build_report(runs)
    report = build_report(runs, force=True)
    assert report.rows[0].tasks == ["t0", "t1"] and report.forced
    assert any("common to" in note for note in report.notes)


def test_domain_versions_must_match(tmp_path: Path) -> None:
    one = make_run(tmp_path, "one", {"baseline": single("P")})
    two = make_run(tmp_path, "two", {"baseline": single("P")}, domain_sha="e" * 64)
    with pytest.raises(UserError, match="domain versions differ"):
        build_report(load_sources([str(one), str(two)]))


def test_an_arm_name_meaning_two_trait_dicts_is_refused(tmp_path: Path) -> None:
    import json

    one = make_run(tmp_path, "one", {"baseline": single("P"), "skeptical": single("P")})
    two = make_run(tmp_path, "two", {"baseline": single("P"), "skeptical": single("F")})
    manifest = json.loads((two / "run.json").read_text())
    manifest["arms"][1]["trait_dict"] = {"skepticism": "high"}
    (two / "run.json").write_text(json.dumps(manifest))
    with pytest.raises(UserError, match="'skeptical' is a different trait dict"):
        build_report(load_sources([str(one), str(two)]))


def test_a_run_given_twice_is_refused(tmp_path: Path) -> None:
    one = make_run(tmp_path, "one", {"baseline": single("P")})
    with pytest.raises(UserError, match="given twice"):
        load_sources([str(one), str(one)])


def test_no_baseline_means_no_delta_and_a_note(tmp_path: Path) -> None:
    run = make_run(tmp_path, "r1", {"skeptical": single("PF")})
    report = build_report([load_run_dir(run)])
    assert report.rows[0].deltas == [] and "no baseline arm" in report.notes[0]


def test_torn_and_unreadable_lines_are_noted_not_hidden(tmp_path: Path) -> None:
    run = make_run(tmp_path, "r1", {"baseline": single("PPF")})
    path = run / "episodes.jsonl"
    lines = path.read_text().splitlines()
    path.write_text(lines[0] + "\n{not json}\n" + lines[1] + "\n" + lines[2][:40])
    loaded = load_run_dir(run)
    assert [e.ref.line for e in loaded.episodes] == [1, 3]
    assert loaded.info.notes == [
        "skipped a torn last line (episodes.jsonl:4)",
        "skipped 1 unreadable line(s) of episodes.jsonl: 2",
    ]
    report = build_report([loaded])
    assert any("torn last line" in note for note in report.notes)


def test_a_resumed_episode_replaces_its_infra_error(tmp_path: Path) -> None:
    from tests.report.builders import record

    run = make_run(tmp_path, "r1", {"baseline": single(".P")})
    with (run / "episodes.jsonl").open("a") as f:
        f.write(record("r1", "retail", "t0", 0, "baseline", True).model_dump_json() + "\n")
    loaded = load_run_dir(run)
    t0 = next(e for e in loaded.episodes if e.record.task_id == "t0")
    assert t0.passed is True and t0.ref.line == 3
    assert build_report([loaded]).infra_errors == 0


def test_bad_inputs_are_one_line_user_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="is not a run folder or a results file"):
        load_sources([str(tmp_path / "missing")])
    (tmp_path / "empty").mkdir()
    with pytest.raises(UserError, match="is not a run folder"):
        load_sources([str(tmp_path / "empty")])
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "run.json").write_text("{oops")
    with pytest.raises(UserError, match="not valid JSON"):
        load_sources([str(broken)])
    with pytest.raises(UserError, match="--alpha"):
        build_report([], alpha=1.5)
