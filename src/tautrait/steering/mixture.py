"""The mTAD mixture: the experts a trait dict decodes from, and their weights.

Seed paper 001's alternative to adding a trait dict's vectors together: every active
trait is its own expert (its LoRA adapter when one is given, else the model steered
with that trait alone at "high"), the experts' next-token distributions are mixed with
weights from the intensities, and an unsteered expert takes the weight left over. The
generation worker (:class:`~tautrait.local.generation.Expert`) does the decoding.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tautrait.steering.options import Compose
from tautrait.steering.traits import Intensity

if TYPE_CHECKING:  # torch only where a local model is loaded
    from tautrait.local.generation import Expert
    from tautrait.steering.basis import TraitBasis


def lora_weight(intensity: Intensity) -> float:
    """Mixture weight of a LoRA expert: low 0, medium 0.5, high 1; a number x gives x/2
    (medium is the unit), clipped to [0, 1]."""
    if isinstance(intensity, str):
        return {"low": 0.0, "medium": 0.5, "high": 1.0}[intensity]
    return min(max(intensity / 2, 0.0), 1.0)


def mixture(
    intensities: dict[str, Intensity],
    basis: TraitBasis | None,
    adapters: dict[str, str],
    compose: Compose = "linear",
) -> list[Expert]:
    """The mTAD experts of a trait dict: one per active trait (its LoRA adapter when one
    is given, else the model steered with that trait alone at "high"), weighted by
    intensity; an unsteered expert takes the remaining weight, so "medium" mixes the
    trait with the neutral model. Trait weights summing past 1 are normalised and the
    neutral expert drops out."""
    from tautrait.local.generation import Expert

    experts: list[Expert] = []
    for trait, intensity in intensities.items():
        if trait in adapters:
            weight = lora_weight(intensity)
            if weight > 0:
                experts.append(Expert(weight, {}, adapter=trait))
        elif basis is not None:
            weight, steering = basis.trait_expert(trait, intensity, compose)
            if weight > 0:
                experts.append(Expert(weight, steering))
    total = sum(e.weight for e in experts)
    if total > 1.0:
        return [Expert(e.weight / total, e.steering, e.adapter) for e in experts]
    neutral = 1.0 - total
    return ([Expert(neutral)] if neutral > 0 else []) + experts
