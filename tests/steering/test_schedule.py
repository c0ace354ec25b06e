"""Trait schedules: parsing (good and bad), and the intensity of each user turn."""

import pytest
import torch

from tautrait.errors import UserError
from tautrait.steering.basis import BasisMeta, TraitBasis, TraitCalibration
from tautrait.steering.schedule import at_turn, schedule_turns
from tautrait.steering.traits import load_trait_dict, parse_trait_dict


def _parse(raw: object) -> object:
    return parse_trait_dict(raw, label="x", source="x", allow_schedules=True)


def _basis(high: float = 0.6, medium: float = 0.3) -> TraitBasis:
    """Two traits, 4 blocks of 8; impatience calibrated so that high = 2 x medium."""
    generator = torch.Generator().manual_seed(0)
    meta = BasisMeta(
        model_id="m",
        model_fingerprint="f",
        num_layers=4,
        hidden_size=8,
        pooling="reply",
        chat_template_sha256="c",
        traits={t: {"pairs": 0, "block_norms": [2.0] * 4} for t in ("impatience", "skepticism")},
        calibration={
            "impatience": TraitCalibration(blocks=[1], medium=medium, high=high),
        },
    )
    vectors = {t: torch.randn(4, 8, generator=generator) for t in ("impatience", "skepticism")}
    return TraitBasis(vectors=vectors, meta=meta)


def test_ramp_is_linear_in_calibrated_units_then_holds() -> None:
    parsed = _parse({"impatience": {"from": "low", "to": "high", "over": 4}})
    assert parsed.schedules["impatience"].spec() == {"from": "low", "to": "high", "over": 4}
    assert parsed.intensities == {"impatience": "high"}  # the value it holds
    assert parsed.canonical() == "impatience=low..high(4)"
    turns = schedule_turns(parsed, _basis())  # high = 0.6 / 0.3 = 2 units
    assert [t["impatience"] for t in turns] == pytest.approx([0.0, 2 / 3, 4 / 3, 2.0])
    values = [t["impatience"] for t in turns]
    assert at_turn(values, 3) == at_turn(values, 9) == pytest.approx(2.0)


def test_list_gives_each_turn_and_flat_traits_stay_flat() -> None:
    parsed = _parse({"impatience": ["low", 0.5, "medium", "high"], "skeptical": "medium"})
    assert parsed.raw == {"impatience": ["low", 0.5, "medium", "high"], "skeptical": "medium"}
    assert parsed.canonical() == "impatience=low>0.5>medium>high,skepticism=medium"
    turns = schedule_turns(parsed, _basis(high=0.9))
    assert [t["impatience"] for t in turns] == pytest.approx([0.0, 0.5, 1.0, 3.0])
    assert all(t["skepticism"] == 1.0 for t in turns)


def test_descending_ramp_with_numbers() -> None:
    parsed = _parse({"impatience": {"from": 2, "to": 0, "over": 3}})
    assert [t["impatience"] for t in schedule_turns(parsed, _basis())] == [2.0, 1.0, 0.0]
    assert parsed.active() == {"impatience": 0.0}  # steers at first, so it is active


def test_flat_dicts_are_unchanged_by_schedule_support() -> None:
    raw = {"impatience": "low", "skeptical": "medium"}
    assert _parse(raw) == parse_trait_dict(raw, label="x", source="x")
    assert _parse(raw).schedules == {}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"from": "low", "to": "high"}, "missing: over"),
        ({"from": "low", "to": "high", "over": 4, "by": 1}, "unknown: by"),
        ({"from": "low", "to": "high", "over": 1}, "from 2 to"),
        ({"from": "low", "to": "high", "over": 2.5}, "whole number"),
        ({"from": "low", "to": "high", "over": True}, "whole number"),
        ({"from": "low", "to": "extreme", "over": 3}, "not valid"),
        ({"from": "low", "to": float("nan"), "over": 3}, "not a finite number"),
        (["low", 50], "far beyond the calibrated"),
        ([], "empty list"),
        (["low", ["high"]], "not valid"),
    ],
)
def test_bad_schedules_are_one_line_errors(value: object, message: str) -> None:
    with pytest.raises(UserError, match=message) as caught:
        _parse({"impatience": value})
    assert "\n" not in str(caught.value)


def test_schedules_are_refused_outside_a_run() -> None:
    with pytest.raises(UserError, match="only in `tautrait run`"):
        parse_trait_dict({"impatience": ["low", "high"]}, label="x", source="x")
    with pytest.raises(UserError, match="only in `tautrait run`"):
        load_trait_dict('{"impatience": ["low", "high"]}')
    assert load_trait_dict('{"impatience": ["low", "high"]}', allow_schedules=True).schedules


def test_each_turn_steers_with_its_own_intensity() -> None:
    basis = _basis()
    parsed = _parse({"impatience": {"from": "low", "to": "high", "over": 3}})
    vectors = [basis.steering(dict(t)) for t in schedule_turns(parsed, basis)]
    assert vectors[0] == {}  # "low": no vector at all on the first turn
    assert set(vectors[1]) == set(vectors[2]) == {1}
    # Linear in calibrated units: turn 2's vector is exactly twice turn 1's.
    assert torch.allclose(vectors[2][1], 2 * vectors[1][1])
    assert torch.allclose(vectors[2][1], basis.steering({"impatience": "high"})[1])
