"""The mTAD mixture's experts and weights (:mod:`tautrait.steering.mixture`)."""

import pytest
import torch

from tautrait.steering.basis import TraitCalibration, extract_basis
from tautrait.steering.mixture import lora_weight, mixture
from tautrait.steering.traits import ContrastivePair, TraitDefinition
from tests.tiny import tiny_model


def _definition(name: str, flip: bool = False) -> TraitDefinition:
    pairs = [
        ("Hello.", "Hurry up now!", "Hello to you."),
        ("One moment.", "No, now!", "Sure, wait."),
    ]
    return TraitDefinition(
        name=name,
        description="d",
        pairs=[
            ContrastivePair(prompt=p, positive=n if flip else y, negative=y if flip else n)
            for p, y, n in pairs
        ],
    )


def test_mixture_weights_from_trait_experts() -> None:
    lm = tiny_model()
    basis = extract_basis(lm, [_definition("a"), _definition("b", flip=True)])
    for name in ("a", "b"):
        basis.meta.calibration[name] = TraitCalibration(blocks=[1], medium=0.2, high=0.4)
    medium = mixture({"a": "medium"}, basis, {})
    assert [e.weight for e in medium] == [pytest.approx(0.5), pytest.approx(0.5)]
    assert medium[0].steering == {}
    assert torch.allclose(medium[1].steering[1], basis.steering({"a": "high"})[1])
    high = mixture({"a": "high", "b": "high"}, basis, {})
    assert [e.weight for e in high] == [pytest.approx(0.5), pytest.approx(0.5)]
    negative = mixture({"a": -1.0}, basis, {})
    assert torch.allclose(negative[1].steering[1], -basis.steering({"a": "high"})[1])
    assert [e.weight for e in mixture({"a": "low"}, basis, {})] == [1.0]
    lora = mixture({"a": "medium", "b": "high"}, basis, {"b": "/adapters/b"})
    assert [(e.weight, e.adapter) for e in lora] == [
        (pytest.approx(0.5 / 1.5), None),
        (pytest.approx(1 / 1.5), "b"),
    ]


def test_lora_weights_follow_the_intensity_clipped() -> None:
    assert [lora_weight(v) for v in ("low", "medium", "high")] == [0.0, 0.5, 1.0]
    assert [lora_weight(v) for v in (1.0, 3.0, -1.0)] == [0.5, 1.0, 0.0]
