"""Which decoding machinery a model gets: KV layout, step runner, sampler.

``auto`` (the default everywhere) keeps a CPU exactly as tautrait has always decoded —
a growing left-padded KV cache, eager steps, per-row CPU samplers — so transcripts made
on a CPU stay reproducible. On a CUDA device it picks what the hardware rewards: the
slot KV cache (:mod:`tautrait.local.slots`) with decoding steps replayed as CUDA graphs
and the batched device sampler. Each piece can also be chosen by hand, and the slot
path runs on a CPU, which is how its tokens are tested against the eager path's.

=========  ==========================  =============================================
piece      CPU (auto)                  CUDA (auto)
=========  ==========================  =============================================
kv         growing (left-padded)       slots (one fixed row per request)
step       eager                       cuda-graphs
sampler    exact (CPU generators)      device (batched, counter-based uniforms)
=========  ==========================  =============================================

Models the slot cache cannot serve (LoRA adapters, sliding-window or hybrid attention,
attention kernels other than SDPA and eager) get the growing cache under ``auto``, and
an error when ``slots`` is asked for explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tautrait.local.graphs import StepMode
from tautrait.local.kv_cache import supports_growing_cache
from tautrait.local.models import LocalModel

KVLayout = Literal["growing", "slots"]
SamplerKind = Literal["exact", "device"]


@dataclass(frozen=True)
class EngineOptions:
    """What to use; "auto" decides per model and device (see the module docstring)."""

    kv: KVLayout | Literal["auto"] = "auto"
    step: StepMode | Literal["auto"] = "auto"
    sampler: SamplerKind | Literal["auto"] = "auto"


@dataclass(frozen=True)
class Engine:
    """The resolved choice for one model."""

    kv: KVLayout
    step: StepMode
    sampler: SamplerKind

    def describe(self) -> str:
        return f"kv={self.kv} step={self.step} sampler={self.sampler}"


SLOT_ATTENTION = ("sdpa", "eager")


def slots_unsupported(lm: LocalModel) -> str | None:
    """Why the slot KV cache cannot serve this model, or None if it can."""
    if lm.adapters:
        return "LoRA adapters select weights per row in Python"
    if not supports_growing_cache(lm.model):
        return "not every layer uses full attention"
    attention = getattr(lm.model.config, "_attn_implementation", None)
    if attention not in SLOT_ATTENTION:
        return f"attention implementation {attention!r} (slots need one of {SLOT_ATTENTION})"
    return None


def resolve_engine(options: EngineOptions | None, lm: LocalModel) -> Engine:
    """The engine for ``lm`` (raises ValueError for a combination that cannot work)."""
    options = options or EngineOptions()
    cuda = lm.device.type == "cuda"
    why_not = slots_unsupported(lm)
    kv: KVLayout
    if options.kv == "auto":
        kv = "slots" if cuda and why_not is None else "growing"
    else:
        kv = options.kv
    if kv == "slots" and why_not is not None:
        raise ValueError(f"the slot KV cache cannot serve {lm.model_id}: {why_not}")
    step: StepMode
    if options.step == "auto":
        step = "cuda-graphs" if cuda and kv == "slots" else "eager"
    else:
        step = options.step
    if step != "eager" and kv != "slots":
        raise ValueError(f"step {step!r} needs the slot KV cache (kv='slots')")
    if step == "cuda-graphs" and not cuda:
        raise ValueError("step 'cuda-graphs' needs a CUDA device")
    auto: SamplerKind = "device" if cuda else "exact"
    sampler: SamplerKind = auto if options.sampler == "auto" else options.sampler
    return Engine(kv=kv, step=step, sampler=sampler)
