"""Measurements of a steered model, used by calibration and by ``traits eval``.

- :func:`reply_logprobs` — teacher-forced mean log-probability of a reply given its
  prompt, per row, each row under its own steering (one batched forward per chunk).
- :func:`trait_score` — log p(positive) - log p(negative) on contrastive pairs: how much
  more likely the model finds the trait-bearing reply. Steering that expresses the trait
  raises it; its shift against the unsteered model is the *effect*.
- :func:`perplexity` — of generated text under the unsteered model (fluency).
- :func:`repetition_rate` and :func:`distinct_n` — degeneration and diversity of text.

Log-probabilities are averaged per token so that long and short replies weigh alike.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from tautrait.local.control import Steering
from tautrait.local.models import LocalModel
from tautrait.steering.extract import SIMULATOR_SYSTEM, encode_pair_side, left_padded
from tautrait.steering.traits import ContrastivePair


@dataclass
class ScoredRow:
    prompt: str
    reply: str
    steering: dict[int, torch.Tensor]


@torch.inference_mode()
def reply_logprobs(
    lm: LocalModel,
    rows: Sequence[ScoredRow],
    *,
    batch_size: int = 32,
    system: str = SIMULATOR_SYSTEM,
) -> list[float]:
    """Mean log p(reply token | everything before it), per row, under the row's steering."""
    out: list[float] = []
    for start in range(0, len(rows), batch_size):
        chunk = rows[start : start + batch_size]
        encoded = [
            encode_pair_side(lm.tokenizer, r.prompt, r.reply, "reply", system) for r in chunk
        ]
        ids, attn, target = left_padded(lm, encoded)
        blocks = sorted({b for r in chunk for b in r.steering})
        deltas = {}
        for block in blocks:
            delta = torch.zeros(len(chunk), lm.hidden_size)
            for row, r in enumerate(chunk):
                if block in r.steering:
                    delta[row] = r.steering[block].float()
            deltas[block] = delta
        positions = (attn.cumsum(-1) - 1).clamp(min=0)
        steering = Steering(lm.model, deltas, "all")
        with steering.applied("prefill"):
            logits = (
                lm.model(
                    input_ids=ids.to(lm.device),
                    attention_mask=attn.to(lm.device),
                    position_ids=positions.to(lm.device),
                )
                .logits.float()
                .cpu()
            )
        logp = torch.log_softmax(logits[:, :-1], dim=-1)
        picked = logp.gather(-1, ids[:, 1:, None]).squeeze(-1)  # log p(token t | < t)
        mask = target[:, 1:]
        for row in range(len(chunk)):
            values = picked[row][mask[row]]
            out.append(float(values.mean()) if len(values) else float("nan"))
    return out


def trait_score(
    lm: LocalModel, pairs: Sequence[ContrastivePair], steering: dict[int, torch.Tensor]
) -> float:
    """Mean over pairs of [log p(positive) - log p(negative)] under ``steering``."""
    rows = []
    for pair in pairs:
        rows.append(ScoredRow(pair.prompt, pair.positive, steering))
        rows.append(ScoredRow(pair.prompt, pair.negative, steering))
    scores = reply_logprobs(lm, rows)
    diffs = [scores[i] - scores[i + 1] for i in range(0, len(scores), 2)]
    return sum(diffs) / len(diffs)


def perplexity(lm: LocalModel, prompt: str, text: str, *, system: str = SIMULATOR_SYSTEM) -> float:
    """Perplexity of ``text`` as a reply to ``prompt`` under the unsteered model."""
    if not text.strip():
        return float("inf")
    (value,) = reply_logprobs(lm, [ScoredRow(prompt, text, {})], system=system)
    return math.exp(-value)


def ngrams(tokens: Sequence[str], n: int) -> list[tuple[str, ...]]:
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


def repetition_rate(text: str, n: int = 3) -> float:
    """Share of word n-grams that repeat an earlier n-gram of the same text (0 = none)."""
    grams = ngrams(text.lower().split(), n)
    if not grams:
        return 0.0
    return 1.0 - len(set(grams)) / len(grams)


def distinct_n(texts: Sequence[str], n: int = 2) -> float:
    """Distinct word n-grams over all n-grams, across several texts (higher = more varied)."""
    grams = [g for t in texts for g in ngrams(t.lower().split(), n)]
    return len(set(grams)) / len(grams) if grams else 0.0
