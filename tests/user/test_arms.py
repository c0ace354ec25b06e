"""Arms: named from trait dicts and sweeps, checked against the strategy, immutable."""

import dataclasses

import pytest
from pydantic import ValidationError

from tautrait.errors import UserError
from tautrait.runner.config import RunConfig
from tautrait.user.arms import parse_arms
from tautrait.user.settings import UserStrategy
from tautrait.user.sweep import parse_sweep


def test_sweep_points_become_named_arms_and_zero_is_the_baseline() -> None:
    arms = parse_arms([], "steered", sweeps=["impatient=0,0.5,1,1.5,2", "skepticism=-1,2"])
    assert [a.name for a in arms] == [
        "baseline",
        "sweep:impatience=0.5",
        "sweep:impatience=1",
        "sweep:impatience=1.5",
        "sweep:impatience=2",
        "sweep:skepticism=-1",
        "sweep:skepticism=2",
    ]
    assert arms[3].sweep == ("impatience", 1.5)
    assert arms[3].trait_dict is not None and arms[3].trait_dict.intensities == {"impatience": 1.5}
    assert parse_sweep("impatience=2,0.5").points == (2.0, 0.5)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("impatience", "expected TRAIT=x1,x2"),
        ("impatience=", "expected TRAIT=x1,x2"),
        ("grumpy=1,2", "unknown trait 'grumpy'"),
        ("impatience=1,high", "'high' is not a number"),
        ("impatience=1,nan", "not a finite number"),
        ("impatience=1,inf", "not a finite number"),
        ("impatience=1,20", "far beyond the calibrated"),
        ("impatience=1,1.0", "given twice"),
        ("impatience=0", "needs a point other than 0"),
        ("impatience=1,,2", "'' is not a number"),
    ],
)
def test_bad_sweeps_are_one_line_errors(spec: str, message: str) -> None:
    with pytest.raises(UserError, match=message) as caught:
        parse_arms([], "steered", sweeps=[spec])
    assert "\n" not in str(caught.value)


def test_sweep_refusals() -> None:
    with pytest.raises(UserError, match="swept twice"):
        parse_arms([], "steered", sweeps=["impatience=1", "impatient=2"])
    with pytest.raises(UserError, match="needs the baseline"):
        parse_arms([], "steered", baseline=False, sweeps=["impatience=1"])
    with pytest.raises(UserError, match="cannot express traits"):
        parse_arms([], "llm", sweeps=["impatience=1"])


@pytest.mark.parametrize("strategy", ["prompt", "mtad", "steer"])
def test_schedules_are_refused_where_the_user_cannot_follow_them(strategy: UserStrategy) -> None:
    scheduled = '{"impatience": {"from": "low", "to": "high", "over": 3}}'
    with pytest.raises(UserError, match="only --user-strategy steered can follow"):
        parse_arms([scheduled], strategy)


def test_an_arm_is_immutable() -> None:
    (baseline, impatient) = parse_arms(["impatient.json"], "steered")
    with pytest.raises(dataclasses.FrozenInstanceError):
        impatient.style = "changed"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        baseline.record.style = "changed"


def test_a_run_config_names_its_arms() -> None:
    config = RunConfig(
        trait_dicts=["impatient.json"], sweep=["impatience=1"], user_strategy="prompt"
    )
    assert [a.name for a in config.arms()] == ["baseline", "impatient", "sweep:impatience=1"]
    alone = RunConfig(trait_dicts=["impatient.json"], baseline=False)
    assert [a.name for a in alone.arms()] == ["impatient"]
    with pytest.raises(UserError, match="cannot express traits"):
        RunConfig(trait_dicts=["impatient.json"], user_strategy="human").arms()
