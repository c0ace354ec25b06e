"""What a generation request asks for and what it gets back (re-exported by
:mod:`tautrait.local.generation`, the worker's public API)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Literal

import torch

FinishReason = Literal["stop", "length"]


@dataclass(frozen=True)
class Expert:
    """One expert of a decoding-time mixture: the model under some steering, or with a
    LoRA adapter (by name), weighted."""

    weight: float
    steering: dict[int, torch.Tensor] = field(default_factory=dict)
    adapter: str | None = None


@dataclass
class GenerationRequest:
    """One completion to generate.

    Attributes:
        prompt_ids: The rendered prompt's token ids (chat template applied).
        max_new_tokens: Upper bound on generated tokens.
        temperature: 0 for greedy decoding.
        top_p: Nucleus sampling mass (1.0 disables it).
        seed: Seed of this row's sampler (ignored when greedy).
        steering: Block index -> vector ``[hidden]`` added at that block (already
            scaled). Empty means unsteered.
        stop_strings: Generation stops once the decoded text contains any of these.
        adapter: The LoRA adapter this row runs with (models loaded with adapters).
        experts: For decoding-time mixtures (mTAD). Each expert runs as its own batch
            row; every step one token is drawn from the weighted mixture of their
            next-token distributions and fed to all of them. ``steering`` and
            ``adapter`` are then ignored.
        ignore_eos: Keep generating past end-of-sequence tokens, up to
            ``max_new_tokens`` (benchmarks: both sides of a comparison then decode the
            same number of steps). End-of-sequence tokens then appear in the output.
        cancel: Set it to abandon the request (its caller is gone): its rows leave the
            batch before the next decoding step and its future fails with
            ``CancelledError``. Cancelling the future itself does the same;
            :meth:`~tautrait.local.generation.GenerationWorker.generate` does both when
            the awaiting task is cancelled.
        probe: Block index -> directions ``[k, hidden]`` to project that block's output
            on, *before* this row's steering is added, at every position that samples a
            token (the manipulation check, :mod:`tautrait.steering.expression`). The
            result's ``probe`` holds the mean projections. Measured by the growing (CPU)
            decoder only; the slot decoder returns ``probe=None``. A mixture measures
            on its first expert's row.
    """

    prompt_ids: list[int]
    max_new_tokens: int = 256
    temperature: float = 0.0
    top_p: float = 1.0
    seed: int = 0
    steering: dict[int, torch.Tensor] = field(default_factory=dict)
    stop_strings: tuple[str, ...] = ()
    adapter: str | None = None
    experts: list[Expert] = field(default_factory=list)
    ignore_eos: bool = False
    cancel: threading.Event | None = field(default=None, compare=False, repr=False)
    probe: dict[int, torch.Tensor] = field(default_factory=dict, compare=False, repr=False)

    def abandoned(self) -> bool:
        return self.cancel is not None and self.cancel.is_set()


@dataclass
class GenerationResult:
    token_ids: list[int]
    text: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: FinishReason
    probe: dict[int, list[float]] | None = None
    """Block -> mean projection on each of the request's probe directions (None: no
    probe asked, or not measured by this decoder)."""
    probe_positions: int = 0
    """The positions averaged: the last prompt token's and each generated token fed back."""


@dataclass
class GenerationStats:
    """Counters of one worker (for benchmarks and run summaries)."""

    requests: int = 0
    prompt_tokens: int = 0
    reused_prompt_tokens: int = 0
    generated_tokens: int = 0
    decode_steps: int = 0
    row_steps: int = 0
    prefill_s: float = 0.0
    decode_s: float = 0.0
    failed: int = 0
    """Requests that ended in an error of their own (their batch-mates went on)."""
    cancelled: int = 0
    """Requests abandoned by their caller before they finished."""
    kv_waits: int = 0
    """Times a request was held back because its rows did not fit the KV budget."""

    def mean_batch(self) -> float:
        return self.row_steps / self.decode_steps if self.decode_steps else 0.0
