"""Choosing each request's next token from its rows' logits.

Two samplers, one distribution (temperature, then nucleus ``top_p``, as
:func:`filtered_probs` defines it):

- :class:`ExactSampler` draws each row with its own CPU ``torch.Generator`` seeded by the
  request, one row at a time. It is what tautrait has always done, so transcripts made on
  a CPU stay reproducible.
- :class:`DeviceSampler` draws every row of the batch at once on the model's device, by
  inverse-CDF sampling with one uniform per row and step. The uniform comes from a
  counter-based generator (splitmix64 of the seed and the draw index), so a row's draws
  depend on its seed alone, never on its batch-mates, and no per-row kernel launches or
  device-to-host copies of the logits are needed. It is the sampler on a GPU, where a
  per-row loop costs more than the decoding step. For the same seed it draws
  **different** tokens than the exact sampler.

Both fail a row, not the batch, when its logits are not finite (NaN or +inf: a broken
steering vector, an overflow): :meth:`Sampler.choose` reports the row's error and the
caller retires that request alone. Mixture requests (several rows, one token) always use
the exact sampler's mixing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

import torch

if TYPE_CHECKING:
    from tautrait.local.batch import Group

_MASK64 = (1 << 64) - 1

NUCLEUS_CANDIDATES = 1024
"""Tokens selected before a nucleus is cut (see :func:`filtered_probs`)."""


def counter_uniform(seed: int, counter: int) -> float:
    """A uniform in (0, 1) from ``(seed, counter)``: splitmix64, 53 bits.

    Deterministic across processes and platforms (pure integer arithmetic).
    """
    z = (seed * 0x9E3779B97F4A7C15 + (counter + 1) * 0xD1B54A32D192ED03) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    z ^= z >> 31
    return ((z >> 11) + 0.5) / float(1 << 53)


def filtered_probs(
    logits: torch.Tensor, temperature: torch.Tensor, top_p: torch.Tensor
) -> torch.Tensor:
    """Unnormalised sampling weights ``[rows, vocab]`` (fp32): softmax at each row's
    temperature, tokens outside the row's nucleus zeroed (a token is kept while the mass
    before it is at most ``top_p``, as the exact sampler does)."""
    probs = torch.softmax(logits.float() / temperature[:, None], dim=-1)
    if not bool((top_p < 1.0).any()):
        return probs
    # A trained model's nucleus is nearly always within its top 1,024 tokens: select
    # those instead of sorting 128k. Rows whose top tokens hold no more than top_p (a
    # flat distribution) need the full sort.
    top = min(NUCLEUS_CANDIDATES, probs.shape[-1])
    ordered, order = torch.topk(probs, top, dim=-1)
    if top == probs.shape[-1] or not bool((ordered.sum(-1) > top_p).all()):
        ordered, order = torch.sort(probs, dim=-1, descending=True)
    before = torch.cumsum(ordered, dim=-1) - ordered
    ordered = ordered.masked_fill(before > top_p[:, None], 0.0)
    return torch.zeros_like(probs).scatter_(-1, order, ordered)


def broken_rows(logits: torch.Tensor) -> torch.Tensor:
    """``[rows]`` bool: the row's logits hold a NaN or +inf (nothing can be sampled)."""
    return ~(logits.amax(dim=-1) < float("inf"))


class Sampler(Protocol):
    def choose(
        self, groups: Sequence[tuple[Group, list[int]]], logits: torch.Tensor
    ) -> list[int | Exception]:
        """One token, or the error that retires it, per group (``rows``: its logits rows)."""
        ...


def _exact_one(group: Group, logits: torch.Tensor, greedy: int) -> int:
    """The exact sampler's token for one group (today's per-row code path)."""
    request = group.request
    if len(group.weights) == 1:
        if group.generator is None:
            return greedy
        probs = torch.softmax(logits[0].float() / request.temperature, dim=-1)
        return _draw(probs, request.top_p, group.generator)
    temperature = request.temperature if request.temperature > 0 else 1.0
    weights = torch.tensor(group.weights, dtype=torch.float32, device=logits.device)
    probs = (weights[:, None] * torch.softmax(logits.float() / temperature, -1)).sum(0)
    if group.generator is None:
        return int(torch.argmax(probs).item())
    return _draw(probs, request.top_p, group.generator)


def _draw(probs: torch.Tensor, top_p: float, generator: torch.Generator) -> int:
    if top_p < 1.0:
        sorted_probs, order = torch.sort(probs, descending=True)
        cumulative = torch.cumsum(sorted_probs, dim=-1)
        cut = cumulative - sorted_probs > top_p
        sorted_probs[cut] = 0.0
        probs = torch.zeros_like(probs).scatter_(0, order, sorted_probs)
    probs = probs / probs.sum()
    return int(torch.multinomial(probs.cpu(), 1, generator=generator).item())


class ExactSampler:
    """Per-row draws from CPU generators (see the module docstring)."""

    def choose(
        self, groups: Sequence[tuple[Group, list[int]]], logits: torch.Tensor
    ) -> list[int | Exception]:
        broken = broken_rows(logits).tolist()
        greedy = torch.argmax(logits, dim=-1).tolist()
        out: list[int | Exception] = []
        for group, rows in groups:
            if any(broken[i] for i in rows):
                out.append(_not_finite())
                continue
            try:
                out.append(_exact_one(group, logits[rows], greedy[rows[0]]))
            except Exception as exc:  # this request's draw failed, not the batch's
                out.append(exc)
        return out


class DeviceSampler:
    """Batched draws on the logits' device (see the module docstring)."""

    def choose(
        self, groups: Sequence[tuple[Group, list[int]]], logits: torch.Tensor
    ) -> list[int | Exception]:
        out: list[int | Exception] = [0] * len(groups)
        single = [i for i, (g, _) in enumerate(groups) if len(g.weights) == 1]
        mixtures = [i for i, (g, _) in enumerate(groups) if len(g.weights) > 1]
        if single:
            rows = [groups[i][1][0] for i in single]
            tokens, broken = self._draw_rows([groups[i][0] for i in single], logits, rows)
            for i, token, bad in zip(single, tokens, broken, strict=True):
                out[i] = _not_finite() if bad else token
        if mixtures:
            chosen = ExactSampler().choose([groups[i] for i in mixtures], logits)
            for i, value in zip(mixtures, chosen, strict=True):
                out[i] = value
        return out

    @staticmethod
    def _draw_rows(
        groups: list[Group], logits: torch.Tensor, rows: list[int]
    ) -> tuple[list[int], list[bool]]:
        device = logits.device
        picked = logits if rows == list(range(logits.shape[0])) else logits[rows]
        temps = [g.request.temperature for g in groups]
        tops = [g.request.top_p if g.request.temperature > 0 else 1.0 for g in groups]
        greedy = torch.argmax(picked, dim=-1)
        broken = broken_rows(picked)
        if any(t > 0 for t in temps):
            temperature = torch.tensor([t if t > 0 else 1.0 for t in temps], device=device)
            top_p = torch.tensor(tops, dtype=torch.float32, device=device)
            uniforms = torch.tensor(
                [g.next_uniform() if g.request.temperature > 0 else 0.5 for g in groups],
                dtype=torch.float64,
                device=device,
            )
            weights = filtered_probs(picked, temperature, top_p)
            cdf = torch.cumsum(weights.double(), dim=-1)
            target = (uniforms * cdf[:, -1])[:, None]
            drawn = torch.searchsorted(cdf, target, right=True).squeeze(-1)
            drawn = drawn.clamp(max=picked.shape[-1] - 1)
            sampled = torch.tensor([t > 0 for t in temps], device=device)
            greedy = torch.where(sampled, drawn, greedy)
        both = torch.stack([greedy, broken.long()]).tolist()
        return [int(t) for t in both[0]], [bool(b) for b in both[1]]


def _not_finite() -> Exception:
    return FloatingPointError(
        "the model produced non-finite logits for this request (a NaN or infinite "
        "steering vector, or an intensity far beyond the calibrated range?)"
    )
