"""llama.cpp control vectors: exact round trips and refusals."""

from pathlib import Path

import pytest
import torch

from tautrait.errors import UserError
from tautrait.steering.basis import TraitCalibration, extract_basis
from tautrait.steering.export import export_raw, export_steering, read_control_vector
from tautrait.steering.traits import ContrastivePair, TraitDefinition
from tests.tiny import tiny_model


def _basis():  # type: ignore[no-untyped-def]
    pairs = [ContrastivePair(prompt="Hi.", positive="Now!", negative="Whenever suits you.")]
    return extract_basis(
        tiny_model(),
        [
            TraitDefinition(name="impatience", description="d", pairs=pairs),
            TraitDefinition(name="skepticism", description="d", pairs=pairs[::-1]),
        ],
    )


def test_raw_directions_round_trip_exactly(tmp_path: Path) -> None:
    basis = _basis()
    path = tmp_path / "impatience.gguf"
    written = export_raw(basis, "impatience", path)
    vectors, metadata = read_control_vector(path)
    directions = basis.vectors["impatience"]
    assert sorted(vectors) == list(range(1, directions.shape[0]))
    for block, vector in vectors.items():
        assert torch.equal(vector, directions[block]) and torch.equal(vector, written[block])
    assert metadata["kind"] == "raw" and metadata["trait"] == "impatience"
    assert metadata["model_fingerprint"] == basis.meta.model_fingerprint


def test_steering_export_is_what_a_run_adds(tmp_path: Path) -> None:
    basis = _basis()
    basis.meta.calibration["impatience"] = TraitCalibration(blocks=[2], medium=0.2, high=0.4)
    basis.meta.calibration["skepticism"] = TraitCalibration(blocks=[1, 2], medium=0.1, high=0.3)
    intensities = {"impatience": "high", "skepticism": "medium"}
    path = tmp_path / "mix.gguf"
    export_steering(basis, intensities, path)  # type: ignore[arg-type]
    vectors, metadata = read_control_vector(path)
    expected = basis.steering(intensities)  # type: ignore[arg-type]
    assert sorted(vectors) == sorted(expected) == [1, 2]
    for block in expected:
        assert torch.equal(vectors[block], expected[block].float())
    assert metadata["kind"] == "steering"


def test_neutral_dicts_and_block_zero_are_refused(tmp_path: Path) -> None:
    basis = _basis()
    basis.meta.calibration["impatience"] = TraitCalibration(blocks=[0], medium=0.2, high=0.4)
    with pytest.raises(UserError, match="block 0"):
        export_steering(basis, {"impatience": "high"}, tmp_path / "a.gguf")
    with pytest.raises(UserError, match="neutral"):
        export_steering(basis, {"impatience": "low"}, tmp_path / "b.gguf")
    assert not (tmp_path / "a.gguf").exists() and not (tmp_path / "b.gguf").exists()
