"""The manipulation check: how much a simulator's own hidden states express each trait.

A reward delta means something only if the steered user really showed the trait. For
every user turn a local simulator generates (every arm, the baseline included), the
generation engine measures, in the same forward passes, the projection of the
simulator's hidden state onto each trait direction of the basis, averaged over the
turn's generated positions; the episode records it per user turn (``expression``).

**What is measured, and why.**

- *Where:* at the output of the trait's steered block (its calibration's block; the
  mean over its blocks when it has several), the layer the paper extracts and steers
  the trait at (TraitBasis §3: ``P_T`` is the mean over a reply's tokens of that
  layer's hidden states, positive minus negative replies).
- *Before the push:* the block's output as the model computed it, *before* the arm's
  vector is added. Projected after the addition, a steered arm would show its own
  coefficient (``c * norm``) whatever the model said: the check would be true by
  construction. Before it, with one steered block, the state is a function of the
  tokens alone (the block reads the unsteered outputs of the blocks below it), so the
  figure is the trait direction *read off the text the simulator wrote*: the same
  pooling the direction was extracted with, applied to the turn. A trait steered at
  several blocks also carries its lower blocks' push into a higher block's reading.
- *Which positions:* those that sample the turn's tokens: the last prompt token and
  each generated token fed back (the state at a token reads the text up to it). The
  final token (or the end-of-sequence token) is not fed back, so it is not read.
- *Units:* the dot product with the **unit** direction (``v / |v|``, not
  orthogonalised), in hidden-state units; the basis's ``block_norms`` (run.json) gives
  the scale, and only differences between arms on the same block mean anything.

Measured by the CPU (growing-cache) engine; the GPU slot engine does not measure it yet
(its user turns record none and the report says so). Users not run on a local model
(prompt, llm, steer, human strategies) have no hidden states here: no expression.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import torch

from tautrait.steering.basis import TraitBasis


@dataclass(frozen=True)
class ExpressionProbe:
    """The directions a run's simulator turns are projected on.

    Attributes:
        traits: Trait -> the blocks it is read at.
        directions: Block -> unit directions ``[k, hidden]``, one per trait in
            ``order[block]``.
        order: Block -> the traits of ``directions[block]``'s rows.
    """

    traits: dict[str, list[int]]
    directions: dict[int, torch.Tensor]
    order: dict[int, list[str]]

    @classmethod
    def from_basis(cls, basis: TraitBasis, traits: list[str]) -> ExpressionProbe | None:
        """Each trait's unit direction at each of its calibrated blocks (None: no trait)."""
        blocks = {t: list(basis.calibration(t).blocks) for t in traits if t in basis.vectors}
        order: dict[int, list[str]] = {}
        for trait, trait_blocks in blocks.items():
            for block in trait_blocks:
                order.setdefault(block, []).append(trait)
        if not order:
            return None
        directions = {
            block: torch.stack(basis.unit_directions(block, names, "linear"))
            for block, names in sorted(order.items())
        }
        return cls(traits=blocks, directions=directions, order=order)

    def read(self, means: dict[int, list[float]] | None) -> dict[str, float] | None:
        """Trait -> expression from a generation result's per-block means (None when
        the engine did not measure them)."""
        if means is None:
            return None
        per_trait: dict[str, list[float]] = {}
        for block, names in self.order.items():
            values = means.get(block)
            if values is None:
                return None
            for name, value in zip(names, values, strict=False):
                per_trait.setdefault(name, []).append(value)
        out: dict[str, float] = {}
        for trait, values in per_trait.items():
            mean = sum(values) / len(values)
            out[trait] = round(mean, 5) if math.isfinite(mean) else float("nan")
        return {t: v for t, v in out.items() if math.isfinite(v)} or None

    def record(self) -> dict[str, Any]:
        """What run.json records about the measurement."""
        return {
            "traits": {t: b for t, b in self.traits.items()},
            "direction": "unit",
            "hidden_state": "output of the trait's steered block, before steering is added",
            "pooling": "mean over the positions that sample the turn's tokens",
        }
