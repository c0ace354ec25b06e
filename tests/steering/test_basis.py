from pathlib import Path

import pytest
import torch

from tautrait.errors import UserError
from tautrait.steering.basis import (
    TraitBasis,
    TraitCalibration,
    extract_basis,
    model_basis,
    split_pairs,
)
from tautrait.steering.traits import ContrastivePair, TraitDefinition
from tests.tiny import tiny_model


def _definition(name: str, flip: bool = False) -> TraitDefinition:
    pairs = [
        ContrastivePair(prompt="Hello.", positive="Hurry up now!", negative="Hello to you."),
        ContrastivePair(prompt="One moment.", positive="No, now!", negative="Sure, wait."),
    ]
    if flip:
        pairs = [
            ContrastivePair(prompt=p.prompt, positive=p.negative, negative=p.positive)
            for p in pairs
        ]
    return TraitDefinition(name=name, description="d", pairs=pairs)


def test_save_load_roundtrip_exact(tmp_path: Path) -> None:
    lm = tiny_model()
    basis = extract_basis(lm, [_definition("impatience"), _definition("calm", flip=True)])
    basis.meta.calibration["impatience"] = TraitCalibration(blocks=[1, 2], medium=0.2, high=0.4)
    path = tmp_path / "basis.safetensors"
    basis.save(path)
    loaded = TraitBasis.load(path)
    assert set(loaded.vectors) == {"impatience", "calm"}
    for name, vec in basis.vectors.items():
        assert torch.equal(loaded.vectors[name], vec)
        assert vec.shape == (lm.num_layers, lm.hidden_size) and vec.dtype == torch.float32
    assert loaded.meta == basis.meta
    assert loaded.meta.traits["impatience"]["pairs"] == 2
    assert len(loaded.meta.traits["impatience"]["block_norms"]) == lm.num_layers


def test_other_model_is_refused(tmp_path: Path) -> None:
    basis = extract_basis(tiny_model(), [_definition("impatience")])
    with pytest.raises(UserError, match="made for"):
        basis.check_model(tiny_model(seed=1))
    (tmp_path / "junk.safetensors").write_bytes(b"not a basis")
    with pytest.raises(UserError):
        TraitBasis.load(tmp_path / "junk.safetensors")


def test_coefficients_are_relative_to_block_norm() -> None:
    lm = tiny_model()
    basis = extract_basis(lm, [_definition("impatience")])
    basis.meta.calibration["impatience"] = TraitCalibration(blocks=[2], medium=0.25, high=0.5)
    steer = basis.steering({"impatience": "medium"})
    assert list(steer) == [2]
    norm = basis.meta.traits["impatience"]["block_norms"][2]
    assert torch.isclose(steer[2].norm(), torch.tensor(0.25 * norm), rtol=1e-4)
    direction = basis.vectors["impatience"][2]
    assert torch.isclose(
        torch.nn.functional.cosine_similarity(steer[2], direction, dim=0),
        torch.tensor(1.0),
        atol=1e-5,
    )
    assert basis.steering({"impatience": "low"}) == {}
    double = basis.steering({"impatience": 2.0})[2]
    assert torch.allclose(double, basis.steering({"impatience": "high"})[2], atol=1e-5)
    negative = basis.steering({"impatience": -1.0})[2]
    assert torch.allclose(negative, -steer[2], atol=1e-6)


def test_composition_linear_and_orthogonal() -> None:
    lm = tiny_model()
    basis = extract_basis(lm, [_definition("a"), _definition("b", flip=True)])
    for name in ("a", "b"):
        basis.meta.calibration[name] = TraitCalibration(blocks=[1], medium=0.1, high=0.2)
    a = basis.steering({"a": "medium"})[1]
    b = basis.steering({"b": "medium"})[1]
    both = basis.steering({"a": "medium", "b": "medium"})[1]
    assert torch.allclose(both, a + b, atol=1e-5)
    units = basis.unit_directions(1, ["a", "b"], "orthogonal")
    assert abs(float(units[0] @ units[1])) < 1e-5
    # b is exactly -a here, so nothing of it is left once a is projected out.
    ortho = basis.steering({"a": "medium", "b": "medium"}, compose="orthogonal")[1]
    assert torch.allclose(ortho, a, atol=1e-5)


def test_model_basis_extracts_once_and_keeps_calibration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tautrait.steering.basis as module

    monkeypatch.setenv("TAUTRAIT_CACHE_DIR", str(tmp_path))
    lm = tiny_model()
    first = model_basis(lm, [_definition("impatience")])
    first.meta.calibration["impatience"] = TraitCalibration(
        blocks=[1], medium=0.1, high=0.2, source="calibrated"
    )
    module.save_model_basis(first)
    assert len(list(tmp_path.rglob("*.safetensors"))) == 1
    real_extract = module.extract_basis
    calls: list[list[str]] = []

    def counting(lm_, definitions, **kw):  # type: ignore[no-untyped-def]
        calls.append([d.name for d in definitions])
        return real_extract(lm_, definitions, **kw)

    monkeypatch.setattr(module, "extract_basis", counting)
    second = model_basis(lm, [_definition("impatience"), _definition("calm", flip=True)])
    assert calls == [["calm"]]
    assert torch.equal(first.vectors["impatience"], second.vectors["impatience"])
    assert second.calibration("impatience").source == "calibrated"
    # Changed pairs invalidate that trait's vector and calibration.
    changed = _definition("impatience", flip=True)
    third = model_basis(lm, [changed])
    assert calls[-1] == ["impatience"] and "impatience" not in third.meta.calibration


def test_held_out_pairs() -> None:
    assert split_pairs(14, 4) == ([0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13], [3, 7, 11])
    assert split_pairs(5, 4) == ([0, 1, 2, 3, 4], [])


def test_shipped_basis_seeds_the_model_basis(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tautrait.steering.basis as module

    monkeypatch.setenv("TAUTRAIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("TAUTRAIT_DATA_PATH", str(tmp_path / "data"))
    lm = tiny_model()
    definition = _definition("impatience")
    shipped = extract_basis(lm, [definition])
    shipped.meta.calibration["impatience"] = TraitCalibration(
        blocks=[3], medium=0.05, high=0.1, source="calibrated"
    )
    shipped.save(
        tmp_path / "data" / "traits" / "bases" / f"{lm.fingerprint[:16]}-reply.safetensors"
    )
    monkeypatch.setattr(module, "extract_basis", lambda *a, **k: pytest.fail("re-extracted"))
    basis = model_basis(lm, [definition])
    assert basis.calibration("impatience").blocks == [3]
