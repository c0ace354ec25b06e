"""The TraitBasis: trait directions for one model, their calibration, and composition.

A basis file is safetensors (never pickle): one fp32 tensor per trait, named by the
trait, of shape ``[num_layers, hidden_size]`` (row i: the direction at the output of
block i). The header's metadata records the model id and weights fingerprint, the
pooling, the pairs used, the typical hidden-state norm of each block (measured on the
trait's own pairs), the chat template's hash and the calibration; loading a basis made
for another model is refused.

**Coefficients are relative.** Steering trait j at block b with coefficient c adds
``c * norms[b] * v_j[b] / |v_j[b]|``: c = 0.1 is a push of a tenth of that block's typical
hidden-state norm, an idea that carries across models. The calibration gives, per trait,
the block(s) to steer at and the coefficient of "medium" (the unit of numeric
intensities) and of "high"; "low" is 0. Several traits add linearly (``sum_j c_j v_j``);
``compose="orthogonal"`` first orthogonalises the unit directions of each block
(Gram-Schmidt, in the order of the trait dict) so overlapping traits are not counted twice.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import torch
from pydantic import BaseModel, Field
from safetensors import safe_open
from safetensors.torch import save_file

from tautrait import paths
from tautrait.errors import UserError
from tautrait.local.models import LocalModel
from tautrait.steering.extract import extract_trait
from tautrait.steering.files import FORMAT_VERSION
from tautrait.steering.options import Compose, Pooling
from tautrait.steering.traits import Intensity, TraitDefinition

log = logging.getLogger(__name__)

# Used until `tautrait traits calibrate` has measured better values for a model; chosen
# on SmolLM2-135M at its middle block (0.5 is strong but fluent, 1.0 degenerates).
DEFAULT_MEDIUM = 0.3
DEFAULT_HIGH = 0.5


class TraitCalibration(BaseModel):
    """Where and how strongly one trait is steered."""

    blocks: list[int]
    """Decoder blocks to add the vector at (``layers[i]`` outputs)."""
    medium: float
    """Relative coefficient of "medium": the unit of numeric intensities."""
    high: float
    """Relative coefficient of "high"."""
    source: Literal["default", "calibrated"] = "default"
    measurements: list[dict[str, Any]] = Field(default_factory=list)
    """The dose-response rows the choice was made from (calibrated bases only)."""

    def coefficient(self, intensity: Intensity) -> float:
        if intensity == "low":
            return 0.0
        if intensity == "medium":
            return self.medium
        if intensity == "high":
            return self.high
        return float(intensity) * self.medium


class BasisMeta(BaseModel):
    model_id: str
    model_fingerprint: str
    model_type: str = "llama"
    """transformers' model_type (llama.cpp's control-vector model hint)."""
    num_layers: int
    hidden_size: int
    pooling: str
    chat_template_sha256: str
    traits: dict[str, dict[str, Any]] = Field(default_factory=dict)
    """Trait -> {"pairs": n, "pairs_sha256": ..., "block_norms": [one float per block]}."""
    calibration: dict[str, TraitCalibration] = Field(default_factory=dict)


@dataclass
class TraitBasis:
    """Directions of several traits for one model (see the module docstring)."""

    vectors: dict[str, torch.Tensor]
    meta: BasisMeta
    _cache: dict[Any, dict[int, torch.Tensor]] = field(default_factory=dict, repr=False)

    def norms(self, trait: str) -> torch.Tensor:
        """The typical hidden-state norm of each block, measured on the trait's pairs."""
        return torch.tensor(self.meta.traits[trait]["block_norms"], dtype=torch.float32)

    def calibration(self, trait: str) -> TraitCalibration:
        if trait in self.meta.calibration:
            return self.meta.calibration[trait]
        middle = self.meta.num_layers // 2
        return TraitCalibration(blocks=[middle], medium=DEFAULT_MEDIUM, high=DEFAULT_HIGH)

    def coefficients(self, intensities: dict[str, Intensity]) -> dict[str, float]:
        """Trait -> relative coefficient for a trait dict's intensities."""
        return {t: self.calibration(t).coefficient(v) for t, v in intensities.items()}

    def steering(
        self, intensities: dict[str, Intensity], compose: Compose = "linear"
    ) -> dict[int, torch.Tensor]:
        """Block -> the fp32 vector to add for these intensities (empty if all neutral)."""
        coefs = {t: c for t, c in self.coefficients(intensities).items() if c != 0.0}
        missing = [t for t in coefs if t not in self.vectors]
        if missing:
            raise UserError(f"the basis has no direction for {', '.join(missing)}")
        key = (tuple(sorted(coefs.items())), compose, tuple(coefs))
        if key in self._cache:
            return self._cache[key]
        by_block: dict[int, list[tuple[str, float]]] = {}
        for trait, coef in coefs.items():
            for block in self.calibration(trait).blocks:
                by_block.setdefault(block, []).append((trait, coef))
        out: dict[int, torch.Tensor] = {}
        for block, items in sorted(by_block.items()):
            units = self.unit_directions(block, [t for t, _ in items], compose)
            total = torch.zeros(self.meta.hidden_size, dtype=torch.float32)
            for (trait, coef), unit in zip(items, units, strict=True):
                total += coef * float(self.norms(trait)[block]) * unit
            out[block] = total
        self._cache[key] = out
        return out

    def trait_expert(
        self, trait: str, intensity: Intensity, compose: Compose = "linear"
    ) -> tuple[float, dict[int, torch.Tensor]]:
        """A single-trait expert for decoding-time mixing (mTAD): the model steered with
        ``trait`` alone at its calibrated "high" (minus "high" for a negative intensity),
        and its weight, intensity / high (0 for a neutral intensity)."""
        coef = self.calibration(trait).coefficient(intensity)
        if coef == 0.0:
            return 0.0, {}
        cal = self.calibration(trait)
        sign = 1.0 if coef > 0 else -1.0
        steering = self.steering({trait: sign * cal.high / cal.medium}, compose)
        return abs(coef) / cal.high, steering

    def unit_directions(
        self, block: int, traits: list[str], compose: Compose
    ) -> list[torch.Tensor]:
        units = [_unit(self.vectors[t][block]) for t in traits]
        if compose == "linear":
            return units
        basis: list[torch.Tensor] = []
        for unit in units:
            residual = unit.clone()
            for prior in basis:
                residual -= (residual @ prior) * prior
            norm = residual.norm()
            basis.append(residual / norm if norm > 1e-6 else torch.zeros_like(residual))
        return basis

    def check_model(self, lm: LocalModel) -> None:
        if self.meta.model_fingerprint != lm.fingerprint:
            raise UserError(
                f"this basis was made for {self.meta.model_id} "
                f"(weights {self.meta.model_fingerprint[:12]}), not {lm.model_id} "
                f"(weights {lm.fingerprint[:12]}); extract one for this model with "
                "`tautrait traits extract`"
            )

    def save(self, path: Path) -> None:
        tensors = {name: v.contiguous().float() for name, v in self.vectors.items()}
        metadata = {"format": FORMAT_VERSION, "tautrait": self.meta.model_dump_json()}
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + f".tmp{os.getpid()}")
        save_file(tensors, str(tmp), metadata=metadata)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> TraitBasis:
        """Read a basis file: safetensors only (a pickle is refused with its reason)."""
        from tautrait.steering.files import check_basis_file

        check_basis_file(path)  # before safetensors: a pickle is refused, never opened
        try:
            with safe_open(str(path), framework="pt") as handle:
                metadata = handle.metadata() or {}
                tensors = {k: handle.get_tensor(k) for k in handle.keys()}  # noqa: SIM118
        except FileNotFoundError:
            raise UserError(f"basis file {path} not found") from None
        except Exception as exc:
            raise UserError(f"{path} is not a safetensors basis file ({exc})") from None
        if metadata.get("format") != FORMAT_VERSION or "tautrait" not in metadata:
            raise UserError(f"{path} is not a tautrait basis file (format {FORMAT_VERSION})")
        meta = BasisMeta.model_validate_json(metadata["tautrait"])
        if set(tensors) != set(meta.traits):
            raise UserError(f"{path}: tensors and metadata name different traits")
        return cls(vectors=tensors, meta=meta)

    def merged(self, other: TraitBasis) -> TraitBasis:
        if other.meta.model_fingerprint != self.meta.model_fingerprint:
            raise ValueError("cannot merge bases of different models")
        meta = self.meta.model_copy(deep=True)
        meta.traits.update(other.meta.traits)
        meta.calibration.update(other.meta.calibration)
        return TraitBasis(vectors={**self.vectors, **other.vectors}, meta=meta)


def _unit(v: torch.Tensor) -> torch.Tensor:
    norm = v.float().norm()
    return v.float() / norm if norm > 0 else v.float()


def chat_template_hash(lm: LocalModel) -> str:
    template = getattr(lm.tokenizer, "chat_template", None) or ""
    return hashlib.sha256(str(template).encode()).hexdigest()


def split_pairs(count: int, holdout: int) -> tuple[list[int], list[int]]:
    """Indices of the pairs used for extraction and of those held out for measurement:
    every ``holdout``-th pair is held out (none when ``holdout`` < 2 or too few pairs)."""
    if holdout < 2 or count < 2 * holdout:
        return list(range(count)), []
    used = [i for i in range(count) if i % holdout != holdout - 1]
    held = [i for i in range(count) if i % holdout == holdout - 1]
    return used, held


def extract_basis(
    lm: LocalModel,
    definitions: list[TraitDefinition],
    *,
    pooling: Pooling = "reply",
    holdout: int = 4,
) -> TraitBasis:
    """Extract every given trait (all blocks) for a model, from its non-held-out pairs."""
    vectors: dict[str, torch.Tensor] = {}
    traits: dict[str, dict[str, Any]] = {}
    if not definitions:
        raise ValueError("no traits to extract")
    for definition in definitions:
        used, held = split_pairs(len(definition.pairs), holdout)
        result = extract_trait(lm, [definition.pairs[i] for i in used], pooling=pooling)
        vectors[definition.name] = result.directions
        traits[definition.name] = {
            "pairs": result.pairs,
            "pairs_sha256": definition.pairs_hash(),
            "pairs_used": used,
            "pairs_heldout": held,
            "block_norms": [round(float(x), 6) for x in result.norms],
        }
    meta = BasisMeta(
        model_id=lm.model_id,
        model_fingerprint=lm.fingerprint,
        model_type=str(getattr(lm.model.config, "model_type", "llama")),
        num_layers=lm.num_layers,
        hidden_size=lm.hidden_size,
        pooling=pooling,
        chat_template_sha256=chat_template_hash(lm),
        traits=traits,
    )
    return TraitBasis(vectors=vectors, meta=meta)


def model_basis_path(fingerprint: str, pooling: str = "reply") -> Path:
    """Where a model's own basis (extracted traits and their calibration) is kept."""
    return paths.cache_dir() / "bases" / fingerprint[:16] / f"basis-{pooling}.safetensors"


def shipped_basis_path(fingerprint: str, pooling: str = "reply") -> Path | None:
    """A calibrated basis shipped in ``traits/bases/`` for this model, if any (the
    embedded model's, so that runs on it use measured levels from the start)."""
    for root in paths.find_dirs("traits"):
        path = root / "bases" / f"{fingerprint[:16]}-{pooling}.safetensors"
        if path.is_file():
            return path
    return None


def read_model_basis(fingerprint: str, pooling: str = "reply") -> TraitBasis | None:
    """The model's basis from the cache, else the one shipped for it, else None."""
    path = model_basis_path(fingerprint, pooling)
    if not path.is_file():
        path = shipped_basis_path(fingerprint, pooling) or path
    if not path.is_file():
        return None
    try:
        basis = TraitBasis.load(path)
    except UserError:
        log.warning("ignoring unreadable basis file %s", path)
        return None
    return basis if basis.meta.model_fingerprint == fingerprint else None


def model_basis(
    lm: LocalModel, definitions: list[TraitDefinition], *, pooling: Pooling = "reply"
) -> TraitBasis:
    """The model's basis for these traits, extracting (and saving) any trait missing from
    it or whose pairs or chat template changed since; calibrations made by
    ``tautrait traits calibrate`` are kept for traits that did not change."""
    path = model_basis_path(lm.fingerprint, pooling)
    path.parent.mkdir(parents=True, exist_ok=True)
    with paths.file_lock(path.with_suffix(".lock")):
        basis = read_model_basis(lm.fingerprint, pooling)
        template = chat_template_hash(lm)
        if basis is not None and basis.meta.chat_template_sha256 != template:
            basis = None
        stale = [
            d
            for d in definitions
            if basis is None
            or d.name not in basis.vectors
            or basis.meta.traits[d.name].get("pairs_sha256") != d.pairs_hash()
        ]
        if stale:
            fresh = extract_basis(lm, stale, pooling=pooling)
            if basis is None:
                basis = fresh
            else:
                for definition in stale:
                    basis.meta.calibration.pop(definition.name, None)
                basis = basis.merged(fresh)
            basis.save(path)
    assert basis is not None
    return basis


def save_model_basis(basis: TraitBasis) -> Path:
    path = model_basis_path(basis.meta.model_fingerprint, basis.meta.pooling)
    with paths.file_lock(path.with_suffix(".lock")):
        basis.save(path)
    return path


def describe(basis: TraitBasis) -> dict[str, Any]:
    """What to record in run.json about the basis in use."""
    return json.loads(basis.meta.model_dump_json())
