"""Offline measures of simulated users: no judge, every method scored by one model.

Every user turn is read by the **unsteered** scorer model (the user model when it is
local), in the same rendering the trait directions were extracted from: the extraction
system prompt, the agent message the turn answers in the *user* role and the turn as the
*assistant*'s reply (:func:`tautrait.steering.extract.encode_pair_side`). The same model
scores the steered, mTAD and prompted users, so no method is read by its own mechanism.

**Trait score** (a standardised projection). Let ``h_b`` be the turn's hidden state at
the output of block ``b``, mean-pooled like extraction (the basis's pooling, by default
over the reply's tokens), and ``u_b`` the trait's unit direction at ``b``. With ``P_b``
and ``N_b`` the mean projections ``h_b . u_b`` of the positive and of the negative
replies of the trait's **held-out** contrastive pairs (all pairs when none were held
out; the output says which)::

    score = mean over the trait's calibrated blocks b of (h_b . u_b - N_b) / (P_b - N_b)

so 0 reads like the pairs' trait-free replies and 1 like their trait-bearing ones (it
may leave [0, 1]). A method's dose-response is this score at low, medium and high.

**Fluency.** The perplexity of the user turns under the scorer, each turn given the
agent message it answers: ``exp(-mean over turns of the turn's mean token
log-probability)`` (a geometric mean of per-turn perplexities).

**Diversity and degeneration.** distinct-2: distinct word bigrams over all bigrams of
all user turns of a cell; repetition: the share of word trigrams of a conversation's
user turns (joined) that repeat an earlier one, averaged over conversations.

**Drift.** Per conversation, the mean trait score of the last ``w`` user turns minus
that of the first ``w``, with ``w = min(4, turns // 2)`` (the paper's first and last
four turns when conversations have eight or more; never overlapping). Positive drift:
the trait grows over the conversation; negative: it fades.

Empty user turns are left out of every measure (and counted).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import fmean
from typing import Any

import torch

from tautrait.local.models import LocalModel
from tautrait.steering.basis import TraitBasis
from tautrait.steering.extract import SIMULATOR_SYSTEM, block_outputs, encode_pair_side
from tautrait.steering.measure import ScoredRow, distinct_n, repetition_rate, reply_logprobs
from tautrait.steering.options import Pooling
from tautrait.steering.traits import TraitDefinition

MAX_WINDOW = 4


@dataclass
class TraitAxis:
    """How one trait is read: directions at its blocks and the standardising means."""

    trait: str
    blocks: list[int]
    units: dict[int, torch.Tensor]
    negative: dict[int, float]
    positive: dict[int, float]
    pairs: str
    """"heldout" or "all": which contrastive pairs standardise the score."""
    n_pairs: int

    def standardise(self, projections: dict[int, float]) -> float:
        values = []
        for block in self.blocks:
            gap = self.positive[block] - self.negative[block]
            if gap == 0:
                return math.nan
            values.append((projections[block] - self.negative[block]) / gap)
        return fmean(values)

    def describe(self) -> dict[str, Any]:
        return {
            "blocks": self.blocks,
            "pairs": self.pairs,
            "n_pairs": self.n_pairs,
            "mean_projection_negative": {str(b): round(v, 6) for b, v in self.negative.items()},
            "mean_projection_positive": {str(b): round(v, 6) for b, v in self.positive.items()},
        }


class Scorer:
    """The unsteered model that reads every method's user turns."""

    def __init__(
        self,
        lm: LocalModel,
        basis: TraitBasis,
        definitions: dict[str, TraitDefinition],
        traits: Sequence[str],
        *,
        batch_size: int = 8,
    ) -> None:
        self.lm = lm
        self.basis = basis
        self.batch_size = batch_size
        pooling = basis.meta.pooling
        self.pooling: Pooling = "all" if pooling == "all" else "reply"
        self.axes: dict[str, TraitAxis] = {}
        for trait in traits:
            self.axes[trait] = self._axis(trait, definitions[trait])

    def _axis(self, trait: str, definition: TraitDefinition) -> TraitAxis:
        blocks = list(self.basis.calibration(trait).blocks)
        units = {}
        for block in blocks:
            vector = self.basis.vectors[trait][block].float()
            units[block] = vector / vector.norm()
        held = self.basis.meta.traits[trait].get("pairs_heldout") or []
        pairs = [definition.pairs[i] for i in held] if held else list(definition.pairs)
        rows = [(p.prompt, p.positive) for p in pairs] + [(p.prompt, p.negative) for p in pairs]
        pooled = self.pooled(rows, blocks)
        n = len(pairs)
        positive = {b: float((pooled[b][:n] @ units[b]).mean()) for b in blocks}
        negative = {b: float((pooled[b][n:] @ units[b]).mean()) for b in blocks}
        return TraitAxis(
            trait=trait,
            blocks=blocks,
            units=units,
            negative=negative,
            positive=positive,
            pairs="heldout" if held else "all",
            n_pairs=n,
        )

    def pooled(
        self, rows: Sequence[tuple[str, str]], blocks: Sequence[int]
    ) -> dict[int, torch.Tensor]:
        """Block -> ``[len(rows), hidden]`` pooled hidden states of (prompt, reply) rows."""
        out: dict[int, list[torch.Tensor]] = {b: [] for b in blocks}
        for start in range(0, len(rows), self.batch_size):
            chunk = rows[start : start + self.batch_size]
            encoded = [
                encode_pair_side(self.lm.tokenizer, prompt, reply, self.pooling)
                for prompt, reply in chunk
            ]
            outputs, pool = block_outputs(self.lm, encoded)
            weights = pool.float()
            counts = weights.sum(-1, keepdim=True)
            for block in blocks:
                out[block].append((outputs[block] * weights[..., None]).sum(1) / counts)
        empty = torch.zeros(0, self.lm.hidden_size)
        return {b: torch.cat(v) if v else empty for b, v in out.items()}

    def trait_scores(self, rows: Sequence[tuple[str, str]]) -> dict[str, list[float]]:
        """Trait -> the standardised score of every (prompt, reply) row."""
        blocks = sorted({b for axis in self.axes.values() for b in axis.blocks})
        pooled = self.pooled(rows, blocks)
        scores: dict[str, list[float]] = {}
        for trait, axis in self.axes.items():
            projections = {b: (pooled[b] @ axis.units[b]).tolist() for b in axis.blocks}
            scores[trait] = [
                axis.standardise({b: projections[b][i] for b in axis.blocks})
                for i in range(len(rows))
            ]
        return scores

    def logprobs(self, rows: Sequence[tuple[str, str]]) -> list[float]:
        """Mean token log-probability of each reply under the unsteered scorer."""
        return reply_logprobs(
            self.lm,
            [ScoredRow(prompt, reply, {}) for prompt, reply in rows],
            batch_size=self.batch_size,
            system=SIMULATOR_SYSTEM,
        )

    def describe(self) -> dict[str, Any]:
        return {
            "model_id": self.lm.model_id,
            "fingerprint": self.lm.fingerprint,
            "pooling": self.pooling,
            "traits": {t: a.describe() for t, a in self.axes.items()},
        }


def window(turns: int) -> int:
    """Turns per drift window: ``min(4, turns // 2)``."""
    return min(MAX_WINDOW, turns // 2)


def drift(scores: Sequence[float]) -> tuple[float, float, float] | None:
    """(first-window mean, last-window mean, last - first); None below two turns."""
    w = window(len(scores))
    if w < 1:
        return None
    first = fmean(scores[:w])
    last = fmean(scores[-w:])
    return first, last, last - first


def perplexity_of(logprobs: Sequence[float]) -> float:
    """``exp(-mean log-probability)`` over turns (NaN when there are none)."""
    values = [v for v in logprobs if not math.isnan(v)]
    return math.exp(-fmean(values)) if values else math.nan


def conversation_repetition(texts: Sequence[str]) -> float:
    """Repetition rate of a conversation's user turns, joined."""
    return repetition_rate(" ".join(texts))


def distinct_2(texts: Sequence[str]) -> float:
    return distinct_n(texts, 2)


def mean_or_nan(values: Sequence[float]) -> float:
    clean = [v for v in values if not math.isnan(v)]
    return fmean(clean) if clean else math.nan


# --- per conversation, then per cell -------------------------------------------------


@dataclass
class ConversationMeasures:
    """The offline readings of one conversation's non-empty user turns."""

    texts: list[str]
    scores: dict[str, list[float]]
    """Trait -> score of each non-empty user turn, in order."""
    logprobs: list[float]
    empty_turns: int

    def to_json(self) -> dict[str, Any]:
        return {
            "scores": {t: [_round(v) for v in s] for t, s in self.scores.items()},
            "logprobs": [_round(v) for v in self.logprobs],
            "empty_turns": self.empty_turns,
        }


def measure_conversations(
    scorer: Scorer, conversations: Sequence[Any]
) -> dict[str, ConversationMeasures]:
    """Conversation id -> its measures, all turns read in shared batches."""
    rows: list[tuple[str, str]] = []
    owners: list[str] = []
    empties: dict[str, int] = {}
    for conversation in conversations:
        empties[conversation.id] = 0
        for prompt, text in conversation.user_turns():
            if not text.strip():
                empties[conversation.id] += 1
                continue
            rows.append((prompt, text))
            owners.append(conversation.id)
    scores = scorer.trait_scores(rows)
    logprobs = scorer.logprobs(rows) if rows else []
    out = {
        c.id: ConversationMeasures([], {t: [] for t in scorer.axes}, [], empties[c.id])
        for c in conversations
    }
    for index, owner in enumerate(owners):
        measures = out[owner]
        measures.texts.append(rows[index][1])
        measures.logprobs.append(logprobs[index])
        for trait in scorer.axes:
            measures.scores[trait].append(scores[trait][index])
    return out


def cell_summary(trait: str, members: Sequence[ConversationMeasures]) -> dict[str, Any]:
    """One (method, trait, intensity) cell: the trait's score, fluency, diversity, drift."""
    scored = [m for m in members if m.scores[trait]]
    drifts = [d for m in scored if (d := drift(m.scores[trait])) is not None]
    return {
        "conversations": len(members),
        "turns_scored": sum(len(m.texts) for m in members),
        "empty_turns": sum(m.empty_turns for m in members),
        "score": _round(mean_or_nan([fmean(m.scores[trait]) for m in scored])),
        "perplexity": _round(perplexity_of([v for m in members for v in m.logprobs])),
        "distinct_2": _round(distinct_2([t for m in members for t in m.texts])),
        "repetition": _round(
            mean_or_nan([conversation_repetition(m.texts) for m in members if m.texts])
        ),
        "drift": {
            "window": window(min((len(m.scores[trait]) for m in scored), default=0)),
            "first": _round(mean_or_nan([d[0] for d in drifts])),
            "last": _round(mean_or_nan([d[1] for d in drifts])),
            "delta": _round(mean_or_nan([d[2] for d in drifts])),
            "conversations": len(drifts),
        },
    }


def method_summary(
    cells: Sequence[dict[str, Any]], members: Sequence[ConversationMeasures]
) -> dict[str, Any]:
    """A method's offline row: dose-response averaged over traits, drift at medium and
    high, and fluency/diversity over its distinct single-trait conversations."""

    def level_mean(level: str, key: str = "score") -> float:
        return mean_or_nan([c[key] for c in cells if c["intensity"] == level])

    dose = {level: _round(level_mean(level)) for level in ("low", "medium", "high")}
    drifts = [c["drift"]["delta"] for c in cells if c["intensity"] in ("medium", "high")]
    return {
        "score": dose,
        "effect": _round(dose["high"] - dose["low"]),
        "monotone_traits": _monotone(cells),
        "drift": _round(mean_or_nan(drifts)),
        "perplexity": _round(perplexity_of([v for m in members for v in m.logprobs])),
        "distinct_2": _round(distinct_2([t for m in members for t in m.texts])),
        "repetition": _round(
            mean_or_nan([conversation_repetition(m.texts) for m in members if m.texts])
        ),
    }


def _monotone(cells: Sequence[dict[str, Any]]) -> list[str]:
    """Traits whose score rises strictly from low to medium to high."""
    by_trait: dict[str, dict[str, float]] = {}
    for cell in cells:
        by_trait.setdefault(cell["trait"], {})[cell["intensity"]] = cell["score"]
    return [
        t
        for t, s in by_trait.items()
        if all(k in s for k in ("low", "medium", "high")) and s["low"] < s["medium"] < s["high"]
    ]


def _round(value: float, digits: int = 4) -> float:
    return value if math.isnan(value) or math.isinf(value) else round(value, digits)
