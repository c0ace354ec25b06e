"""Calibration: where to steer each trait, and how strongly "medium" and "high" are.

For each trait, every (block, coefficient) on a grid is measured on the trait's
**held-out** pairs (never used for extraction):

- *effect*: the shift of log p(positive) - log p(negative) under steering, against the
  unsteered model (:func:`~tautrait.steering.measure.trait_score`);
- *fluency*: the perplexity, under the unsteered model, of greedy replies generated
  with steering to the held-out prompts;
- *degeneration*: the repetition rate of those replies.

A setting is *fluent* when its perplexity stays within ``fluency_factor`` times the
unsteered replies' and its repetition rate within ``repetition_margin`` of theirs.
"high" is, per block, the strongest coefficient that keeps this and every weaker
coefficient fluent; the block whose "high" has the largest effect wins. "medium" is the
weakest coefficient reaching half of "high"'s effect (half of "high" if none does).
"low" is always neutral. Every measurement is deterministic (greedy decoding, fixed
prompts), so the same model and pairs give the same calibration.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import torch

from tautrait.local.chat import encode_prompt, render_prompt
from tautrait.local.generation import GenerationRequest, generate_batch
from tautrait.local.models import LocalModel
from tautrait.steering.basis import TraitBasis, TraitCalibration
from tautrait.steering.extract import SIMULATOR_SYSTEM
from tautrait.steering.measure import ScoredRow, repetition_rate, reply_logprobs
from tautrait.steering.traits import ContrastivePair, TraitDefinition

COEFFICIENTS: tuple[float, ...] = (0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0)


@dataclass
class Measurement:
    """One row of a dose-response table."""

    block: int
    coefficient: float
    effect: float
    perplexity: float
    repetition: float
    fluent: bool = False


def candidate_blocks(num_layers: int, count: int = 5) -> list[int]:
    """Evenly spread blocks between a fifth and four fifths of the depth."""
    low, high = max(1, num_layers // 5), max(1, (4 * num_layers) // 5)
    if count <= 1 or high <= low:
        return [num_layers // 2]
    step = (high - low) / (count - 1)
    return sorted({round(low + i * step) for i in range(count)})


def heldout_pairs(basis: TraitBasis, definition: TraitDefinition) -> list[ContrastivePair]:
    held = basis.meta.traits[definition.name].get("pairs_heldout") or []
    if not held:
        # No pair was held out (too few): measure on all, and say so in the table.
        return list(definition.pairs)
    return [definition.pairs[i] for i in held]


def _generate(
    lm: LocalModel,
    prompts: Sequence[str],
    steerings: Sequence[dict[int, torch.Tensor]],
    max_new_tokens: int,
) -> list[str]:
    requests = []
    for steering in steerings:
        for prompt in prompts:
            messages = [
                {"role": "system", "content": SIMULATOR_SYSTEM},
                {"role": "user", "content": prompt},
            ]
            ids = encode_prompt(lm.tokenizer, render_prompt(lm.tokenizer, messages))
            requests.append(
                GenerationRequest(prompt_ids=ids, max_new_tokens=max_new_tokens, steering=steering)
            )
    return [r.text.strip() for r in generate_batch(lm, requests)]


def measure_trait(
    lm: LocalModel,
    basis: TraitBasis,
    definition: TraitDefinition,
    *,
    blocks: Sequence[int] | None = None,
    coefficients: Sequence[float] = COEFFICIENTS,
    max_new_tokens: int = 40,
) -> tuple[Measurement, list[Measurement]]:
    """The unsteered reference and one measurement per (block, coefficient)."""
    pairs = heldout_pairs(basis, definition)
    prompts = [p.prompt for p in pairs]
    blocks = list(blocks) if blocks is not None else candidate_blocks(lm.num_layers)
    name = definition.name
    norms = basis.norms(name)
    settings: list[tuple[int, float, dict[int, torch.Tensor]]] = []
    for block in blocks:
        unit = basis.vectors[name][block].float()
        unit = unit / unit.norm()
        for coef in coefficients:
            settings.append((block, coef, {block: coef * float(norms[block]) * unit}))
    everything: list[dict[int, torch.Tensor]] = [{}] + [s for _, _, s in settings]
    texts = _generate(lm, prompts, everything, max_new_tokens)
    # Fluency: each reply scored by the unsteered model, all in one batched pass.
    # An empty reply (the model stopped at once) has no tokens to score: it is not fluent.
    spoken = [i for i, t in enumerate(texts) if t.strip()]
    logps = reply_logprobs(lm, [ScoredRow(prompts[i % len(prompts)], texts[i], {}) for i in spoken])
    ppls = [math.inf] * len(texts)
    for i, lp in zip(spoken, logps, strict=True):
        ppls[i] = math.exp(-lp)
    # Effect: log p(positive) - log p(negative) under each setting, batched likewise.
    score_rows = [
        ScoredRow(p.prompt, reply, steering)
        for steering in everything
        for p in pairs
        for reply in (p.positive, p.negative)
    ]
    scores = reply_logprobs(lm, score_rows)
    per_setting = 2 * len(pairs)
    trait = [
        sum(scores[k] - scores[k + 1] for k in range(start, start + per_setting, 2)) / len(pairs)
        for start in range(0, len(scores), per_setting)
    ]
    per = len(prompts)

    def mean(values: Sequence[float]) -> float:
        return sum(values) / len(values)

    def row_of(index: int) -> tuple[float, float]:
        chunk = slice(index * per, (index + 1) * per)
        return mean(ppls[chunk]), mean([repetition_rate(t) for t in texts[chunk]])

    base_ppl, base_rep = row_of(0)
    reference = Measurement(
        block=-1, coefficient=0.0, effect=0.0, perplexity=base_ppl, repetition=base_rep, fluent=True
    )
    rows = []
    for index, (block, coef, _) in enumerate(settings, start=1):
        ppl, rep = row_of(index)
        rows.append(Measurement(block, coef, trait[index] - trait[0], ppl, rep))
    return reference, rows


def choose(
    reference: Measurement,
    rows: list[Measurement],
    *,
    fluency_factor: float = 2.0,
    repetition_margin: float = 0.15,
) -> TraitCalibration | None:
    """Pick the block and the medium/high coefficients (see the module docstring);
    None when no steered setting is fluent."""
    for row in rows:
        row.fluent = (
            row.perplexity <= reference.perplexity * fluency_factor
            and row.repetition <= reference.repetition + repetition_margin
        )
    best: tuple[float, int, Measurement] | None = None
    for block in sorted({r.block for r in rows}):
        ladder = sorted((r for r in rows if r.block == block), key=lambda r: r.coefficient)
        strongest = None
        for row in ladder:
            if not row.fluent:
                break
            strongest = row
        if strongest is None or strongest.effect <= 0:
            continue
        key = (strongest.effect, -block, strongest)
        if best is None or key[:2] > best[:2]:
            best = key
    if best is None:
        return None
    high = best[2]
    ladder = sorted((r for r in rows if r.block == high.block), key=lambda r: r.coefficient)
    medium = next(
        (
            r.coefficient
            for r in ladder
            if r.coefficient < high.coefficient and r.effect >= 0.5 * high.effect
        ),
        high.coefficient / 2,
    )
    return TraitCalibration(
        blocks=[high.block],
        medium=medium,
        high=high.coefficient,
        source="calibrated",
        measurements=[asdict(reference)] + [asdict(r) for r in rows],
    )


def calibrate_trait(
    lm: LocalModel,
    basis: TraitBasis,
    definition: TraitDefinition,
    *,
    blocks: Sequence[int] | None = None,
    coefficients: Sequence[float] = COEFFICIENTS,
    fluency_factor: float = 2.0,
    repetition_margin: float = 0.15,
) -> tuple[TraitCalibration | None, Measurement, list[Measurement]]:
    reference, rows = measure_trait(lm, basis, definition, blocks=blocks, coefficients=coefficients)
    chosen = choose(
        reference, rows, fluency_factor=fluency_factor, repetition_margin=repetition_margin
    )
    return chosen, reference, rows
