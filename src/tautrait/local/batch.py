"""The rows decoded together: admission, prefill, one decoding step at a time.

A :class:`Batch` holds requests as *groups* of rows (one row, or the K expert rows of a
mixture). Admitting requests prefills their prompts — reusing cached prompt prefixes,
see :mod:`tautrait.local.prefix_cache` — and joins them to the running rows. Each
:meth:`Batch.step` draws one token per group (:mod:`tautrait.local.sampling`), retires
finished groups and runs the remaining rows one position forward.

Where the keys and values live is the *decoder*'s business:

- :class:`GrowingDecoder` keeps one left-padded cache that grows in place
  (:mod:`tautrait.local.kv_cache`) and steers through per-call hooks. Its rows read
  their cached prefixes from the prefix cache, each held once for the batch
  (:mod:`tautrait.local.shared_prefix`); their own cache holds the rest. It is the CPU
  path; its pinned transcripts are unchanged since first published.
- :class:`~tautrait.local.slots.SlotDecoder` gives every row a fixed slot in
  preallocated buffers, so decoding steps have fixed shapes (CUDA graphs).

**Failures stay with their request.** A request that cannot be admitted (a bad block, a
non-finite vector, an unknown adapter) fails alone; a prefill that raises is retried
request by request, so only the culprit fails; a row whose logits are not finite, or
whose draw raises, fails its request while its batch-mates decode on with the tokens
they would have produced without it (rows of a batch never mix). A decoding step that
raises as a whole still fails the whole batch: nothing tells which row caused it.
"""

from __future__ import annotations

import inspect
import logging
import math
import time
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import torch

from tautrait.local.control import Steering
from tautrait.local.engine import Engine
from tautrait.local.heap import map_large_allocations, release_free_memory
from tautrait.local.kv_cache import (
    HEADROOM,
    full_attention_layers,
    kv_bytes_per_token,
    last_columns,
    new_cache,
    release_layers,
    segments_cache,
    stacked_cache,
    supports_growing_cache,
)
from tautrait.local.models import LocalModel
from tautrait.local.pool import SteeringPosition
from tautrait.local.prefix_cache import (
    PrefixCache,
    Segments,
    packed_buffer,
    steering_key,
    unpack,
)
from tautrait.local.probe import RowProbe
from tautrait.local.request import (
    Expert,
    FinishReason,
    GenerationRequest,
    GenerationResult,
    GenerationStats,
)
from tautrait.local.sampling import DeviceSampler, ExactSampler, Sampler, counter_uniform
from tautrait.local.shared_prefix import SharedPrefix, reads_shared_prefix, shared_attention

log = logging.getLogger(__name__)
_warned_unprobed = False


def _forward_params(model: Any) -> Any:
    # A PEFT wrapper passes keyword arguments through to the model it wraps.
    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    return inspect.signature(base.forward).parameters


def cache_kwarg(model: Any) -> str:
    return "cache" if "cache" in _forward_params(model) else "past_key_values"


def _output_cache(output: Any) -> Any:
    cache = getattr(output, "cache", None)
    return cache if cache is not None else getattr(output, "past_key_values", None)


def eos_ids(lm: LocalModel) -> set[int]:
    ids: set[int] = set()
    for source in (lm.model.generation_config, lm.model.config, lm.tokenizer):
        value = getattr(source, "eos_token_id", None)
        if isinstance(value, int):
            ids.add(value)
        elif isinstance(value, list | tuple):
            ids.update(int(v) for v in value)
    return ids


def pad_id(lm: LocalModel, eos: set[int]) -> int:
    pad = lm.tokenizer.pad_token_id
    if pad is None:
        pad = min(eos) if eos else 0
    return int(pad)


def build_deltas(requests: list[GenerationRequest], hidden_size: int) -> dict[int, torch.Tensor]:
    """Per-block ``[batch, hidden]`` steering from each row's own vectors (zeros elsewhere)."""
    blocks = sorted({b for r in requests for b in r.steering})
    deltas: dict[int, torch.Tensor] = {}
    for block in blocks:
        delta = torch.zeros(len(requests), hidden_size, dtype=torch.float32)
        for row, request in enumerate(requests):
            if block in request.steering:
                delta[row] = request.steering[block].float()
        if bool(delta.any()):
            deltas[block] = delta
    return deltas


def _left_pad(t: torch.Tensor, width: int, dim: int) -> torch.Tensor:
    missing = width - t.shape[dim]
    if missing <= 0:
        return t
    shape = list(t.shape)
    shape[dim] = missing
    return torch.cat([torch.zeros(shape, dtype=t.dtype, device=t.device), t], dim=dim)


@dataclass
class Group:
    """One request: a single row, or the K expert rows of a mixture request."""

    request: GenerationRequest
    weights: list[float]
    generator: torch.Generator | None
    future: Future[GenerationResult] | None = None
    tokens: list[int] = field(default_factory=list)
    finish: FinishReason | None = None
    error: Exception | None = None
    """Why this request failed (its batch-mates are unaffected)."""
    cancelled: bool = False
    """Retired because its caller went away (no result is made for it)."""
    draws: int = 0
    """Uniforms drawn so far by the device sampler."""
    probe: dict[int, list[float]] | None = None
    """The request's mean probe projections, read as it retires (growing decoder)."""
    probe_positions: int = 0

    @property
    def done(self) -> bool:
        return self.finish is not None or self.error is not None or self.cancelled

    def abandoned(self) -> bool:
        return self.request.abandoned() or (self.future is not None and self.future.cancelled())

    def next_uniform(self) -> float:
        value = counter_uniform(self.request.seed, self.draws)
        self.draws += 1
        return value


@dataclass
class Row:
    group: Group
    adapter: str = "__base__"
    """The LoRA adapter of this row ("__base__": none)."""
    steering: dict[int, torch.Tensor] = field(default_factory=dict)
    """This row's own vectors (block -> ``[hidden]``)."""
    shared: int = 0
    """Prompt tokens this row reads from the batch's shared prefix, not its own cache."""


@dataclass
class Prefilled:
    """New rows after their prompts went through the model, ready to join a batch."""

    cache: Any
    """Their keys and values (a growing cache when the model allows it), left-padded."""
    mask: torch.Tensor
    """``[rows, width]``: 1 where ``cache`` holds a real token."""
    logits: torch.Tensor
    """``[rows, vocab]``: next-token logits after each prompt."""
    next_pos: torch.Tensor
    """``[rows, 1]``: each row's next position (its prompt length)."""
    steering: Steering
    """Their steering, as used during prefill."""
    rows: list[Row]
    needs: list[int]
    """Per row, the positions it may fill: prompt plus tokens to generate."""
    shared: SharedPrefix | None = None
    """The cached prefixes the rows attend to beside ``cache`` (growing decoder only:
    ``cache`` then holds only what follows each row's prefix)."""


class Decoder(Protocol):
    """Where a batch's keys and values live and how a decoding step runs."""

    logits: torch.Tensor | None
    joinable: bool
    """Rows can join while others decode."""

    def join(self, new: Prefilled) -> None:
        """Append the new rows after the current ones (``logits`` grows to match)."""
        ...

    def remove(self, keep: list[int]) -> list[int]:
        """Keep only these rows (ascending indices); returns the old index of each row
        in the new order."""
        ...

    def forward(self, tokens: list[int], adapters: list[str] | None) -> None:
        """Feed one token per row; ``logits`` become the next ones."""
        ...

    def clear(self) -> None: ...


class GrowingDecoder:
    """The left-padded, growing KV cache with per-call steering hooks (the CPU path)."""

    def __init__(self, lm: LocalModel, position: SteeringPosition) -> None:
        self.lm = lm
        self.position = position
        self.cache_name = cache_kwarg(lm.model)
        self.growing = supports_growing_cache(lm.model)
        self.joinable = self.growing
        self.cache: Any = None
        self.mask = torch.zeros((0, 0), dtype=torch.long, device=lm.device)
        self.next_pos = torch.zeros((0, 1), dtype=torch.long, device=lm.device)
        self.logits: torch.Tensor | None = None
        self.steering = Steering(lm.model, {}, position)
        if lm.device.type == "cpu":
            map_large_allocations()
        self.shared = SharedPrefix.empty(0)
        """The cached prefixes rows attend to beside their own cache (each held once)."""
        self.rows = 0

    def join(self, new: Prefilled) -> None:
        theirs_shared = new.shared or SharedPrefix.empty(new.mask.shape[0])
        if self.rows == 0:
            self.cache, self.mask, self.logits = new.cache, new.mask, new.logits
            self.next_pos, self.steering = new.next_pos, new.steering
            self.shared = theirs_shared
            self.rows = new.mask.shape[0]
            self._release()  # the prefill's activations
            return
        mine = full_attention_layers(self.cache)
        theirs = full_attention_layers(new.cache)
        assert mine is not None and theirs is not None
        width = max(self.mask.shape[1], new.mask.shape[1])
        # Both caches are freed block by block as the joined one is filled: the peak is
        # the two caches plus one block, not twice the batch.
        parts = [release_layers(mine), release_layers(theirs)]
        self.cache = new.cache = None
        self.cache = stacked_cache(parts, width, consume=True)
        self.mask = torch.cat([_left_pad(self.mask, width, 1), _left_pad(new.mask, width, 1)])
        assert self.logits is not None
        self.logits = torch.cat([self.logits, new.logits], dim=0)
        self.next_pos = torch.cat([self.next_pos, new.next_pos], dim=0)
        self.steering.append(new.steering, rows_before=self.rows, rows_added=new.mask.shape[0])
        self.shared = self.shared.join(theirs_shared)
        self.rows += new.mask.shape[0]
        self._release()

    def remove(self, keep: list[int]) -> list[int]:
        index = torch.tensor(keep, dtype=torch.long, device=self.lm.device)
        self.cache.batch_select_indices(index)
        self.mask = self.mask.index_select(0, index)
        self.next_pos = self.next_pos.index_select(0, index)
        self.steering.select_rows(index.cpu())
        self.shared = self.shared.select(keep)
        self.rows = len(keep)
        self._trim_padding()
        self._release()
        return keep

    def _release(self) -> None:
        """The old caches are gone: hand their pages back to the system (a CPU's heap
        keeps them otherwise; see :mod:`tautrait.local.heap`)."""
        if self.lm.device.type == "cpu":
            release_free_memory()

    def _trim_padding(self) -> None:
        """Drop leading columns that are padding in every remaining row (left by a long
        row that finished), so later steps stop attending over them."""
        if not self.joinable:
            return
        used = self.mask.any(dim=0).nonzero()
        start = int(used[0]) if len(used) else 0
        if start < 64:
            return
        layers = full_attention_layers(self.cache)
        if layers is None:
            return
        part: list[tuple[torch.Tensor, torch.Tensor] | None] = [
            (keys[:, :, start:], values[:, :, start:])
            for keys, values in (pair for pair in release_layers(layers) if pair is not None)
        ]
        self.cache = None
        self.cache = stacked_cache([part], self.mask.shape[1] - start, consume=True)
        self.mask = self.mask[:, start:]

    def forward(self, tokens: list[int], adapters: list[str] | None) -> None:
        step_ids = torch.tensor(tokens, dtype=torch.long, device=self.lm.device)[:, None]
        self.mask = torch.cat([self.mask, torch.ones_like(step_ids)], dim=-1)
        kwargs: dict[str, Any] = {self.cache_name: self.cache}
        if adapters is not None:
            kwargs["adapter_names"] = adapters
        if self.shared:
            kwargs["shared_prefix"] = self.shared
        with self.steering.applied("decode"), shared_attention(self.lm.model, bool(self.shared)):
            out = self.lm.model(
                input_ids=step_ids,
                attention_mask=self.mask,
                position_ids=self.next_pos,
                use_cache=True,
                **kwargs,
            )
        self.cache = _output_cache(out)
        self.logits = out.logits[:, -1, :]
        self.next_pos = self.next_pos + 1

    def clear(self) -> None:
        self.cache, self.logits, self.rows = None, None, 0
        self.steering = Steering(self.lm.model, {}, self.position)
        self.shared = SharedPrefix.empty(0)
        self._release()


class Batch:
    """The rows being decoded together (see the module docstring).

    Args:
        lm: The model.
        position: Where steering applies.
        prefix: The prompt-prefix cache (None: no reuse).
        stats: Counters to update.
        engine: KV layout, step runner and sampler (:mod:`tautrait.local.engine`).
        rows_hint: The most rows expected at once (sizes the slot buffers).
    """

    def __init__(
        self,
        lm: LocalModel,
        position: SteeringPosition,
        prefix: PrefixCache | None,
        stats: GenerationStats,
        engine: Engine | None = None,
        rows_hint: int = 16,
    ) -> None:
        self.lm = lm
        self.position = position
        self.prefix = prefix
        self.stats = stats
        self.engine = engine or Engine(kv="growing", step="eager", sampler="exact")
        self.eos = eos_ids(lm)
        self.pad = pad_id(lm, self.eos)
        self.cache_name = cache_kwarg(lm.model)
        self.rows: list[Row] = []
        self.growing = supports_growing_cache(lm.model)
        self.kv_token_bytes = kv_bytes_per_token(lm.model, lm.dtype)
        self.decoder: Decoder
        self.prefill_tokens: int | None = None
        """Prompt tokens prefilled in one forward call at most (None: all admitted at once)."""
        # Only the prompts' last logits are used: without this a prefill returns
        # ``[rows, tokens, vocab]`` fp32 logits, 192 KiB a prompt token on the embedded
        # model (the demo's 8 agent prompts of ~3,800 tokens: 5.6 GiB). The last row of
        # the head's product is the same either way (the pinned transcripts hold).
        self.last_logits_only = "logits_to_keep" in _forward_params(lm.model)
        """Ask the model for the prompts' last logits only, not ``[rows, tokens, vocab]``."""
        if self.engine.kv == "slots":
            from tautrait.local.slots import PREFILL_TOKENS, SlotDecoder

            self.decoder = SlotDecoder(lm, self.engine.step, self.pad, rows_hint)
            self.prefill_tokens = PREFILL_TOKENS
        else:
            self.decoder = GrowingDecoder(lm, position)
        self.sampler: Sampler = (
            DeviceSampler() if self.engine.sampler == "device" else ExactSampler()
        )
        if not self.growing and prefix is not None:
            prefix.max_bytes = 0
        self.shares = (
            isinstance(self.decoder, GrowingDecoder)
            and self.growing
            and prefix is not None
            and prefix.max_bytes > 0
            and reads_shared_prefix(lm.model, lm.num_layers, lm.device, lm.dtype, self.cache_name)
        )
        """Rows read cached prefixes through a shared prefix (:mod:`tautrait.local.shared_prefix`)
        instead of holding copies."""

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def joinable(self) -> bool:
        """Rows can join a running batch (full-attention models only)."""
        return self.decoder.joinable

    @property
    def logits(self) -> torch.Tensor | None:
        return self.decoder.logits

    def kv_bytes(self, requests: Sequence[GenerationRequest] = ()) -> int:
        """An upper bound on the keys and values the batch holds once ``requests`` join
        and every row has generated its last token: rows x the longest row's own part
        (the growing cache pads every row to the longest one), plus the shared prefix.

        A row's own part is its prompt after the cached prefix it reads from the shared
        one, plus its tokens to generate. A request yet to join is counted with the
        prefix the prefix cache holds for it now, and its cached prefixes with the
        batch's as one shared segment (the longest)."""
        shared = self.shares
        rows = len(self.rows) + sum(max(len(r.experts), 1) for r in requests)
        reused = [self._reusable(r) if shared else 0 for r in requests]
        own = [
            len(r.prompt_ids) - m + r.max_new_tokens for r, m in zip(requests, reused, strict=True)
        ]
        for row in self.rows:
            request = row.group.request
            own.append(len(request.prompt_ids) - row.shared + request.max_new_tokens)
        width = max(own, default=0)
        held = self.decoder.shared.tokens if isinstance(self.decoder, GrowingDecoder) else 0
        return (rows * width + max([held, *reused])) * self.kv_token_bytes

    def _reusable(self, request: GenerationRequest) -> int:
        """Prompt tokens of ``request`` the prefix cache would hand back now."""
        assert self.prefix is not None
        key = f"{request.adapter or '__base__'}|{steering_key(request.steering, self.position)}"
        return self.prefix.cached_length(key, request.prompt_ids)

    # -- admission ----------------------------------------------------------------------

    def admit(
        self, requests: list[GenerationRequest], futures: list[Future[GenerationResult] | None]
    ) -> list[Group]:
        """Prefill new requests and join them to the batch. Returns the requests that
        failed (``error`` set); the others joined."""
        failed: list[Group] = []
        groups: list[Group] = []
        for request, future in zip(requests, futures, strict=True):
            group = self._group(request, future)
            (failed if group.error is not None else groups).append(group)
        if not groups:
            return failed
        chunks = self._chunks(groups)
        if len(chunks) > 1:
            for chunk in chunks:
                failed += self.admit([g.request for g in chunk], [g.future for g in chunk])
            return failed
        started = time.monotonic()
        try:
            new = self._prefill(groups)
        except Exception as exc:
            if len(groups) == 1:
                groups[0].error = exc
                return [*failed, groups[0]]
            # Which request broke the prefill? Each one alone tells.
            for group in groups:
                failed += self.admit([group.request], [group.future])
            return failed
        try:
            self.decoder.join(new)
        except Exception as exc:  # no room for them (memory): they fail, the batch goes on
            for group in groups:
                group.error = exc
            return [*failed, *groups]
        self.rows.extend(new.rows)
        self.stats.requests += len(groups)
        self.stats.prefill_s += time.monotonic() - started
        return failed

    def _chunks(self, groups: list[Group]) -> list[list[Group]]:
        """Consecutive runs of groups of at most ``prefill_tokens`` prompt tokens (a
        group larger than that goes alone)."""
        if self.prefill_tokens is None:
            return [groups]
        chunks: list[list[Group]] = [[]]
        tokens = 0
        for group in groups:
            size = len(group.request.prompt_ids) * len(group.weights)
            if chunks[-1] and tokens + size > self.prefill_tokens:
                chunks.append([])
                tokens = 0
            chunks[-1].append(group)
            tokens += size
        return chunks

    def _group(self, request: GenerationRequest, future: Future[GenerationResult] | None) -> Group:
        """The request as a group, or with ``error`` set when it cannot run."""
        group = Group(request, [1.0], None, future)
        try:
            experts = request.experts or [Expert(1.0, request.steering, request.adapter)]
            total = sum(e.weight for e in experts)
            if not total > 0 or any(not e.weight >= 0 for e in experts):
                raise ValueError("mixture weights must be non-negative and not all zero")
            if not request.prompt_ids:
                raise ValueError("empty prompt")
            if not (math.isfinite(request.temperature) and request.temperature >= 0):
                raise ValueError(f"temperature must be a number >= 0, not {request.temperature}")
            if not 0 < request.top_p <= 1:
                raise ValueError(f"top_p must be in (0, 1], not {request.top_p}")
            for expert in experts:
                self._check(expert)
            group.weights = [e.weight / total for e in experts]
            group.generator = self._generator(request)
        except Exception as exc:
            group.error = exc
        return group

    def _check(self, expert: Expert) -> None:
        adapter = expert.adapter or "__base__"
        if adapter != "__base__" and adapter not in self.lm.adapters:
            known = ", ".join(self.lm.adapters) or "none loaded"
            raise ValueError(f"unknown LoRA adapter {adapter!r} ({known})")
        blocks = self.lm.num_layers
        for block, vec in expert.steering.items():
            if not 0 <= block < blocks:
                raise ValueError(f"block {block} out of range (0..{blocks - 1})")
            if vec.numel() != self.lm.hidden_size:
                raise ValueError(
                    f"block {block}: steering vector has {vec.numel()} values, the model's "
                    f"hidden size is {self.lm.hidden_size}"
                )
            if not bool(torch.isfinite(vec).all()):
                raise ValueError(f"block {block}: steering vector is not finite")

    @staticmethod
    def _generator(request: GenerationRequest) -> torch.Generator | None:
        if request.temperature <= 0:
            return None
        gen = torch.Generator(device="cpu")
        gen.manual_seed(request.seed)
        return gen

    def _prefill(self, groups: list[Group]) -> Prefilled:
        """Encode prompts, reusing cached prefixes.

        Layout of row r: ``[pad | its cached prefix (m_r tokens)]`` in the past cache,
        right-aligned, then ``[pad | the rest of its prompt]`` as the new input,
        right-aligned. The attention mask marks real tokens; positions continue from m_r.
        """
        lm, device = self.lm, self.lm.device
        rows: list[Row] = []
        requests: list[GenerationRequest] = []
        probes: list[dict[int, torch.Tensor]] = []
        for group in groups:
            request = group.request
            experts = request.experts or [Expert(1.0, request.steering, request.adapter)]
            for i, expert in enumerate(experts):
                requests.append(
                    replace(request, steering=expert.steering, adapter=expert.adapter, experts=[])
                )
                rows.append(Row(group, expert.adapter or "__base__", dict(expert.steering)))
                # A mixture is measured on its first expert's row only.
                probes.append(request.probe if i == 0 else {})
        # A cache made under one steering or adapter is never reused under another.
        keys = [
            f"{row.adapter}|{steering_key(r.steering, self.position)}"
            for row, r in zip(rows, requests, strict=True)
        ]
        hits: list[tuple[Segments | None, int]] = [
            self.prefix.lookup(k, r.prompt_ids) if self.prefix is not None else (None, 0)
            for k, r in zip(keys, requests, strict=True)
        ]
        probe = RowProbe(probes, lm.hidden_size) if any(probes) else None
        steering = Steering(lm.model, build_deltas(requests, lm.hidden_size), self.position, probe)
        batch = len(requests)
        # The growing decoder attends to cached prefixes where the prefix cache holds
        # them (each once for the whole batch); its rows' own caches start after them.
        shared = (
            SharedPrefix([segments or [] for segments, _ in hits])
            if self.shares and any(m for _, m in hits)
            else None
        )
        if shared is not None:
            for each, (_, m) in zip(rows, hits, strict=True):
                each.shared = m
        past = 0 if shared is not None else max(m for _, m in hits)
        rests = [r.prompt_ids[m:] for r, (_, m) in zip(requests, hits, strict=True)]
        width = max(len(rest) for rest in rests)
        input_ids = torch.full((batch, width), self.pad, dtype=torch.long)
        positions = torch.zeros((batch, width), dtype=torch.long)
        mask = torch.zeros((batch, past + width), dtype=torch.long)
        for row, (rest, (_, m)) in enumerate(zip(rests, hits, strict=True)):
            n = len(rest)
            input_ids[row, width - n :] = torch.tensor(rest, dtype=torch.long)
            positions[row, width - n :] = torch.arange(m, m + n)
            if past:
                mask[row, past - m : past] = 1
            mask[row, past + width - n :] = 1
        kwargs: dict[str, Any] = {}
        if past > 0:
            kwargs[self.cache_name] = self._past_cache(hits, past, room=width + HEADROOM)
        elif self.growing:
            kwargs[self.cache_name] = new_cache()
        if lm.adapters:
            kwargs["adapter_names"] = [r.adapter or "__base__" for r in requests]
        if self.last_logits_only:
            kwargs["logits_to_keep"] = 1
        if shared is not None:
            kwargs["shared_prefix"] = shared
        with steering.applied("prefill"), shared_attention(lm.model, shared is not None):
            out = lm.model(
                input_ids=input_ids.to(device),
                attention_mask=mask.to(device),
                position_ids=positions.to(device),
                use_cache=True,
                **kwargs,
            )
        cache = _output_cache(out)
        mask = mask.to(device)
        layers = full_attention_layers(cache) if self.growing else None
        if layers is not None and self.prefix is not None and self.prefix.max_bytes > 0:
            outside = [m if shared is not None else 0 for _, m in hits]
            self._store_prefixes(keys, requests, layers, mask, outside)
            if self.shares:
                cache, mask, shared = self._read_stored(keys, requests, rows, hits, cache, mask)
        self.stats.prompt_tokens += sum(len(r.prompt_ids) for r in requests)
        self.stats.reused_prompt_tokens += sum(m for _, m in hits)
        return Prefilled(
            cache=cache,
            mask=mask,
            logits=out.logits[:, -1, :],
            next_pos=positions[:, -1:].to(device) + 1,
            steering=steering,
            rows=rows,
            needs=[len(r.prompt_ids) + r.max_new_tokens for r in requests],
            shared=shared,
        )

    def _read_stored(
        self,
        keys: list[str],
        requests: list[GenerationRequest],
        rows: list[Row],
        hits: list[tuple[Segments | None, int]],
        cache: Any,
        mask: torch.Tensor,
    ) -> tuple[Any, torch.Tensor, SharedPrefix | None]:
        """Once the prompts are stored, each row reads what the prefix cache holds of
        its prompt from there, through the shared prefix, and keeps only the rest in its
        own cache (its last token, mostly). Without this, a long prompt just prefilled
        (the first agent's policy) widens every row of the batch to its length for as
        long as it decodes. Returns the narrowed cache, its mask and the shared prefix."""
        assert self.prefix is not None
        own = mask.sum(dim=1).tolist()  # prompt tokens in each row's own cache
        segments: list[Segments] = []
        keep: list[int] = []
        for key, request, row, (hit, _), n in zip(keys, requests, rows, hits, own, strict=True):
            held, stored = self.prefix.held(key, request.prompt_ids)
            if stored > len(request.prompt_ids) - n:
                segments.append(held)
                keep.append(len(request.prompt_ids) - stored)
                row.shared = stored
            else:  # nothing more was stored (too short, over budget): as prefilled
                segments.append(hit or [])
                keep.append(n)
        shared = SharedPrefix(segments) if any(segments) else None
        if keep == own:
            return cache, mask, shared
        narrow = torch.zeros((len(keep), max(keep)), dtype=mask.dtype, device=mask.device)
        for r, n in enumerate(keep):
            narrow[r, narrow.shape[1] - n :] = 1
        layers = full_attention_layers(cache)
        assert layers is not None
        return last_columns(layers, keep), narrow, shared

    def _past_cache(self, hits: list[tuple[Segments | None, int]], past: int, room: int) -> Any:
        """Each row's cached prefix, right-aligned to ``past`` positions (rows without
        one are all padding)."""
        return segments_cache([segments or [] for segments, _ in hits], past, room)

    def _store_prefixes(
        self,
        keys: list[str],
        requests: list[GenerationRequest],
        layers: list[Any],
        mask: torch.Tensor,
        outside: list[int],
    ) -> None:
        """Hand the prefix cache each prompt's keys and values, only the tokens it does
        not hold yet (a shared policy is copied out once, not once per row). The first
        ``outside[row]`` prompt tokens of a row are not in ``layers`` (it read them from
        the shared prefix)."""
        assert self.prefix is not None
        for row, request in enumerate(requests):
            if len(request.prompt_ids) - 1 < self.prefix.min_tokens:
                continue
            held = self.prefix.stored_length(keys[row], request.prompt_ids)
            if held < outside[row]:
                continue  # evicted meanwhile: the tokens it needs are not in this cache
            index = mask[row].nonzero().squeeze(-1)[held - outside[row] : -1]
            if index.numel() == 0:
                continue
            # Straight into one buffer (see prefix_cache.pack).
            buffer = packed_buffer(len(layers), layers[0].keys[row], int(index.numel()))
            for block, layer in enumerate(layers):
                torch.index_select(layer.keys[row], 1, index, out=buffer[block, 0])
                torch.index_select(layer.values[row], 1, index, out=buffer[block, 1])
            kv = unpack(buffer)
            self.prefix.store(keys[row], request.prompt_ids, kv, start=held)

    # -- decoding -----------------------------------------------------------------------

    def step(self) -> list[Group]:
        """Draw one token per request (a mixture's rows share theirs), retire finished,
        failed and abandoned requests (returned), run the remaining rows one step
        forward."""
        logits = self.decoder.logits
        assert logits is not None
        started = time.monotonic()
        members: dict[int, tuple[Group, list[int]]] = {}
        for i, row in enumerate(self.rows):
            members.setdefault(id(row.group), (row.group, []))[1].append(i)
        done: list[Group] = []
        live: list[tuple[Group, list[int]]] = []
        for group, indices in members.values():
            if group.abandoned():
                group.cancelled = True
                done.append(group)
            else:
                live.append((group, indices))
        tokens = [self.pad] * len(self.rows)
        for (group, indices), choice in zip(live, self.sampler.choose(live, logits), strict=True):
            if isinstance(choice, Exception):
                group.error = choice
            else:
                for i in indices:
                    tokens[i] = choice
                self._advance(group, choice)
            if group.done:
                done.append(group)
        self._read_probes(done)
        keep = [i for i, row in enumerate(self.rows) if not row.group.done]
        if len(keep) < len(self.rows):
            if not keep:
                self.rows = []
                self.decoder.clear()
                self.stats.decode_s += time.monotonic() - started
                return done
            order = self.decoder.remove(keep)
            self.rows = [self.rows[i] for i in order]
            tokens = [tokens[i] for i in order]
        adapters = [row.adapter for row in self.rows] if self.lm.adapters else None
        self.decoder.forward(tokens, adapters)
        self.stats.decode_steps += 1
        self.stats.row_steps += len(self.rows)
        self.stats.decode_s += time.monotonic() - started
        return done

    def _read_probes(self, done: list[Group]) -> None:
        """Keep each finished request's probe means before its rows leave the batch (a
        slot decoder has no probe: its requests get none)."""
        global _warned_unprobed
        steering = getattr(self.decoder, "steering", None)
        probe = steering.probe if isinstance(steering, Steering) else None
        if probe is None and not _warned_unprobed and any(g.request.probe for g in done):
            _warned_unprobed = True
            log.warning(
                "the manipulation check is not measured by the %s KV engine: user turns "
                "record no expression (run on the CPU engine to measure it)",
                self.engine.kv,
            )
        if probe is None or not done:
            return
        first: dict[int, int] = {}
        for i, row in enumerate(self.rows):
            first.setdefault(id(row.group), i)
        for group in done:
            if group.finish is not None and group.request.probe and id(group) in first:
                group.probe, group.probe_positions = probe.read(first[id(group)])

    def _advance(self, group: Group, token: int) -> None:
        request = group.request
        if token in self.eos and not request.ignore_eos:
            group.finish = "stop"
            return
        group.tokens.append(token)
        if len(group.tokens) >= request.max_new_tokens:
            group.finish = "length"
        elif request.stop_strings:
            try:
                if self._hit_stop(group):
                    group.finish = "stop"
            except Exception as exc:  # a decoding failure is this request's alone
                group.error = exc

    def _hit_stop(self, group: Group) -> bool:
        tail = self.lm.tokenizer.decode(group.tokens[-16:], skip_special_tokens=True)
        return any(stop in tail for stop in group.request.stop_strings)

    def result(self, group: Group) -> GenerationResult:
        text = self.lm.tokenizer.decode(group.tokens, skip_special_tokens=True)
        for stop in group.request.stop_strings:
            if stop in text:
                text = text[: text.index(stop) + len(stop)]
        self.stats.generated_tokens += len(group.tokens)
        return GenerationResult(
            token_ids=group.tokens,
            text=text,
            prompt_tokens=len(group.request.prompt_ids),
            completion_tokens=len(group.tokens),
            finish_reason=group.finish or "length",
            probe=group.probe,
            probe_positions=group.probe_positions,
        )
