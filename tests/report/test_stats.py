"""The statistics against values computed by hand (the computation is in each test)."""

from math import sqrt

import numpy as np
import pytest

from tautrait.report import stats


def test_wilson_interval_for_7_of_10() -> None:
    # z = 1.959964, z^2 = 3.841459, n = 10, p = 0.7
    # denominator = 1 + z^2/n = 1.3841459
    # center = (0.7 + z^2/(2n)) / 1.3841459 = 0.8920729 / 1.3841459 = 0.644493
    # half = z / 1.3841459 * sqrt(0.7*0.3/10 + z^2/(4*100))
    #      = 1.416010 * sqrt(0.021 + 0.0096037) = 1.416010 * 0.174939 = 0.247715
    ci = stats.wilson_interval(7, 10)
    assert ci is not None
    assert ci.low == pytest.approx(0.644493 - 0.247715, abs=1e-5)  # 0.396778
    assert ci.high == pytest.approx(0.644493 + 0.247715, abs=1e-5)  # 0.892208


def test_wilson_interval_edges() -> None:
    # 0 of 10: center = (z^2/20) / 1.3841459 = 0.1387722, half the same -> [0, 0.2775]
    ci = stats.wilson_interval(0, 10)
    assert ci is not None and ci.low == 0.0
    assert ci.high == pytest.approx(2 * 0.19207295 / 1.3841459, abs=1e-6)
    full = stats.wilson_interval(10, 10)
    assert full is not None and full.high == 1.0 and full.low == pytest.approx(1 - ci.high)
    assert stats.wilson_interval(0, 0) is None
    with pytest.raises(ValueError):
        stats.wilson_interval(11, 10)


def test_mcnemar_exact_for_b1_c6() -> None:
    # n = b + c = 7 discordant tasks; P[X <= 1] = (C(7,0) + C(7,1)) / 2^7 = 8/128 = 0.0625
    # two-sided p = 2 * 0.0625 = 0.125, whichever direction the change goes
    assert stats.sign_test(1, 6) == pytest.approx(0.125)
    assert stats.sign_test(6, 1) == pytest.approx(0.125)


def test_sign_test_edges() -> None:
    assert stats.sign_test(0, 0) == 1.0  # nothing changed
    assert stats.sign_test(3, 3) == 1.0  # 2 * P[X <= 3 | n = 6] = 2 * 42/64 > 1 -> capped
    # 6 all one way: 2 * (1/64) = 0.03125; 5 all one way: 2 * (1/32) = 0.0625
    assert stats.sign_test(6, 0) == pytest.approx(0.03125)
    assert stats.sign_test(0, 5) == pytest.approx(0.0625)


def test_holm_on_three_p_values() -> None:
    # sorted: 0.01 (x3 = 0.03), 0.03 (x2 = 0.06), 0.04 (x1 = 0.04 -> monotone max 0.06)
    assert stats.holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])


def test_holm_caps_at_one_and_skips_missing() -> None:
    # m = 2 present values: 0.6 x 2 = 1.2 -> 1.0; 0.7 x 1 = 0.7 -> max(1.0, 0.7) = 1.0
    assert stats.holm([0.6, None, 0.7]) == [1.0, None, 1.0]
    assert stats.holm([0.02]) == [0.02]
    assert stats.holm([]) == []


def test_pass_hat_k_from_binomials() -> None:
    # task A: 2 of 3 pass, task B: 3 of 3, task C: 0 of 3
    tasks = [[True, True, False], [True, True, True], [False, False, False]]
    # k=1: (2/3 + 3/3 + 0) / 3 = 5/9
    assert stats.pass_hat_k(tasks, 1) == pytest.approx(5 / 9)
    # k=2: (C(2,2)/C(3,2) + C(3,2)/C(3,2) + 0) / 3 = (1/3 + 1 + 0) / 3 = 4/9
    assert stats.pass_hat_k(tasks, 2) == pytest.approx(4 / 9)
    # k=3: (0 + 1 + 0) / 3 = 1/3
    assert stats.pass_hat_k(tasks, 3) == pytest.approx(1 / 3)
    assert stats.pass_hat_k(tasks, 4) is None


def test_pass_hat_k_leaves_out_tasks_with_fewer_trials() -> None:
    # at k=2 the one-trial task is left out: C(1,2)/C(2,2) = 0 for [True, False] only
    assert stats.pass_hat_k([[True], [True, False]], 2) == 0.0
    assert stats.pass_hat_k([[True], [True, False]], 1) == pytest.approx((1 + 0.5) / 2)


def test_min_discordant_and_min_detectable_delta() -> None:
    # 2 * 0.5^k <= 0.05  <=>  2^k >= 40  <=>  k >= 6 (2^5 = 32 is not enough)
    assert stats.min_discordant(0.05) == 6
    # Holm's strictest level with 4 traits: 0.05 / 4 = 0.0125 -> 2^k >= 160 -> k = 8
    assert stats.min_discordant(0.0125) == 8
    # 20 single-trial tasks: 6 of them must flip one way -> 6/20 = 0.30
    assert stats.min_detectable_delta(20, 1, 0.05) == pytest.approx(0.30)
    # 3 trials: the smallest per-task step is 1/3 -> 6 * (1/3) / 20 = 0.10
    assert stats.min_detectable_delta(20, 3, 0.05) == pytest.approx(0.10)
    # 40 tasks, 4 traits -> 8 / 40 = 0.20
    assert stats.min_detectable_delta(40, 1, 0.05, tests=4) == pytest.approx(0.20)
    # 4 tasks cannot reach 6 discordant ones: nothing is detectable
    assert stats.min_detectable_delta(4, 1, 0.05) is None


def test_relative_change_conventions() -> None:
    out = stats.relative_change(np.array([0.5, 0.0, 0.0, 0.4]), np.array([0.25, 0.0, 0.2, 0.6]))
    # (0.25-0.5)/0.5 = -0.5; 0 -> 0 is "no change"; 0 -> 0.2 is unbounded; (0.6-0.4)/0.4 = 0.5
    assert list(out) == [pytest.approx(-0.5), 0.0, np.inf, pytest.approx(0.5)]


def test_bootstrap_is_degenerate_on_constant_data_and_seeded() -> None:
    ci = stats.bootstrap_mean_interval([1.0, 1.0, 1.0])
    assert ci == stats.Interval(1.0, 1.0)
    values = [0.0, 1.0, 1.0, 0.5, 0.0, 1.0]
    assert stats.bootstrap_mean_interval(values) == stats.bootstrap_mean_interval(values)
    assert stats.bootstrap_mean_interval([]) is None


def test_bootstrap_matches_the_normal_approximation_on_large_samples() -> None:
    # 100 tasks, half pass: mean 0.5, sd of the mean sqrt(0.25/100) = 0.05
    # normal 95% CI: 0.5 +- 1.96 * 0.05 = [0.402, 0.598]
    ci = stats.bootstrap_mean_interval([0.0, 1.0] * 50)
    assert ci is not None and ci.low is not None and ci.high is not None
    assert ci.low == pytest.approx(0.5 - 1.96 * sqrt(0.25 / 100), abs=0.015)
    assert ci.high == pytest.approx(0.5 + 1.96 * sqrt(0.25 / 100), abs=0.015)


def test_paired_bootstrap_moves_both_arms_together() -> None:
    # Every task drops by exactly 1 -> every resample's delta is -1: the CI is a point.
    # An unpaired bootstrap would resample the arms separately and give a wide interval.
    a = [1.0] * 5 + [0.0] * 5
    b = [0.0] * 5 + [-1.0] * 5  # not rates, but it isolates the pairing
    boot = stats.paired_bootstrap(a, b)
    assert boot is not None
    assert boot.abs_delta == stats.Interval(-1.0, -1.0)


def test_paired_bootstrap_relative_interval() -> None:
    boot = stats.paired_bootstrap([1.0] * 10, [0.0] * 10)
    assert boot is not None and boot.rel_delta == stats.Interval(-1.0, -1.0)
    # a zero baseline has no relative change on the data itself
    zero = stats.paired_bootstrap([0.0] * 4, [1.0, 0.0, 0.0, 0.0])
    assert zero is not None and zero.rel_delta is None
    assert stats.paired_bootstrap([], []) is None
    with pytest.raises(ValueError):
        stats.paired_bootstrap([1.0], [1.0, 0.0])


def test_relative_interval_can_be_unbounded() -> None:
    # baseline passes 1 task of 10: resamples without it have a zero baseline and a
    # positive arm -> +inf, so the upper bound is unbounded (None), never a fake number
    boot = stats.paired_bootstrap([1.0] + [0.0] * 9, [1.0] * 10)
    assert boot is not None and boot.rel_delta is not None and boot.rel_delta.high is None


def test_z_value() -> None:
    assert stats.z_value(0.95) == pytest.approx(1.959964, abs=1e-6)
    assert stats.z_value(0.99) == pytest.approx(2.575829, abs=1e-6)
