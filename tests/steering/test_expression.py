"""Which directions the manipulation check projects on, and how results map to traits."""

import math

import pytest
import torch

from tautrait.steering.basis import BasisMeta, TraitBasis, TraitCalibration
from tautrait.steering.expression import ExpressionProbe


def _basis() -> TraitBasis:
    gen = torch.Generator().manual_seed(0)
    vectors = {t: torch.randn(4, 8, generator=gen) * 3 for t in ("impatience", "confusion")}
    meta = BasisMeta(
        model_id="m",
        model_fingerprint="f",
        num_layers=4,
        hidden_size=8,
        pooling="reply",
        chat_template_sha256="c",
        traits={t: {"block_norms": [1.0] * 4} for t in vectors},
        calibration={
            "impatience": TraitCalibration(blocks=[1, 2], medium=0.3, high=0.5),
            "confusion": TraitCalibration(blocks=[2], medium=0.3, high=0.5),
        },
    )
    return TraitBasis(vectors=vectors, meta=meta)


def test_unit_directions_at_each_traits_own_blocks() -> None:
    basis = _basis()
    probe = ExpressionProbe.from_basis(basis, ["impatience", "confusion", "unknown"])
    assert probe is not None
    assert probe.traits == {"impatience": [1, 2], "confusion": [2]}
    assert probe.order == {1: ["impatience"], 2: ["impatience", "confusion"]}
    block2 = probe.directions[2]
    assert block2.shape == (2, 8)
    assert torch.allclose(block2.norm(dim=-1), torch.ones(2))
    raw = basis.vectors["confusion"][2]
    assert torch.allclose(block2[1], raw / raw.norm())  # not orthogonalised


def test_results_map_to_traits_averaging_a_traits_blocks() -> None:
    probe = ExpressionProbe.from_basis(_basis(), ["impatience", "confusion"])
    assert probe is not None
    read = probe.read({1: [1.0], 2: [3.0, -2.0]})
    assert read == {"impatience": pytest.approx(2.0), "confusion": pytest.approx(-2.0)}
    assert probe.read(None) is None
    assert probe.read({2: [3.0, -2.0]}) is None  # a block not measured: nothing claimed
    nan = probe.read({1: [math.nan], 2: [math.nan, 1.0]})
    assert nan == {"confusion": 1.0}


def test_no_traits_no_probe() -> None:
    assert ExpressionProbe.from_basis(_basis(), []) is None
