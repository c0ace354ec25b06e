"""Batched generation with per-row steering, behind one worker thread per model.

Concurrent episodes share **one** loaded model. Each generation request goes into the
model's queue; a single worker thread decodes the running batch one token at a time and,
between steps, admits waiting requests (continuous batching): their prompts are
prefilled — reusing cached prompt prefixes, see :mod:`tautrait.local.prefix_cache` —
and their KV caches joined to the batch's, left-padded to a common length. Finished rows
leave the batch at once. Every row carries its own steering vectors and its own
sampling seed, so a neutral user, a skeptical user and the agent share a batch without
influencing each other.

The decoding loop is written out here, not delegated to ``model.generate``, because the
steering hooks must know whether a forward call is a prefill or a decoding step (see
:mod:`tautrait.steering.control`), because rows join and leave mid-generation, and
because each row samples from its own ``torch.Generator``: a row's tokens depend on its
seed and prompt, not on its batch-mates (up to floating-point differences between batch
shapes). KV caches are never shared across steering settings.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import queue
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import torch

from tautrait.local.kv_cache import (
    full_attention_layers,
    new_cache,
    stacked_cache,
    supports_growing_cache,
)
from tautrait.local.models import LocalModel
from tautrait.local.prefix_cache import (
    DEFAULT_MAX_BYTES,
    KV,
    PrefixCache,
    defer_shared_prefixes,
    steering_key,
)
from tautrait.steering.control import Steering, SteeringPosition

log = logging.getLogger(__name__)

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


@dataclass
class GenerationResult:
    token_ids: list[int]
    text: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: FinishReason


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

    def mean_batch(self) -> float:
        return self.row_steps / self.decode_steps if self.decode_steps else 0.0


def _cache_kwarg(model: Any) -> str:
    # A PEFT wrapper passes keyword arguments through to the model it wraps.
    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    params = inspect.signature(base.forward).parameters
    return "cache" if "cache" in params else "past_key_values"


def _output_cache(output: Any) -> Any:
    cache = getattr(output, "cache", None)
    return cache if cache is not None else getattr(output, "past_key_values", None)


def _eos_ids(lm: LocalModel) -> set[int]:
    ids: set[int] = set()
    for source in (lm.model.generation_config, lm.model.config, lm.tokenizer):
        value = getattr(source, "eos_token_id", None)
        if isinstance(value, int):
            ids.add(value)
        elif isinstance(value, list | tuple):
            ids.update(int(v) for v in value)
    return ids


def _pad_id(lm: LocalModel, eos: set[int]) -> int:
    pad = lm.tokenizer.pad_token_id
    if pad is None:
        pad = min(eos) if eos else 0
    return int(pad)


def _sample(logits: torch.Tensor, request: GenerationRequest, generator: torch.Generator) -> int:
    probs = torch.softmax(logits.float() / request.temperature, dim=-1)
    return _sample_probs(probs, request, generator)


def _sample_probs(
    probs: torch.Tensor, request: GenerationRequest, generator: torch.Generator
) -> int:
    if request.top_p < 1.0:
        sorted_probs, order = torch.sort(probs, descending=True)
        cumulative = torch.cumsum(sorted_probs, dim=-1)
        cut = cumulative - sorted_probs > request.top_p
        sorted_probs[cut] = 0.0
        probs = torch.zeros_like(probs).scatter_(0, order, sorted_probs)
    probs = probs / probs.sum()
    return int(torch.multinomial(probs.cpu(), 1, generator=generator).item())


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
class _Group:
    """One request: a single row, or the K expert rows of a mixture request."""

    request: GenerationRequest
    weights: list[float]
    generator: torch.Generator | None
    future: Future[GenerationResult] | None = None
    tokens: list[int] = field(default_factory=list)
    finish: FinishReason | None = None

    def next_token(self, logits: torch.Tensor, greedy: int) -> int:
        """The group's next token from its rows' logits (``[k, vocab]``)."""
        if len(self.weights) == 1:
            if self.generator is None:
                return greedy
            return _sample(logits[0], self.request, self.generator)
        temperature = self.request.temperature if self.request.temperature > 0 else 1.0
        weights = torch.tensor(self.weights, dtype=torch.float32, device=logits.device)
        probs = (weights[:, None] * torch.softmax(logits.float() / temperature, -1)).sum(0)
        if self.generator is None:
            return int(torch.argmax(probs).item())
        return _sample_probs(probs, self.request, self.generator)


@dataclass
class _Row:
    group: _Group
    adapter: str = "__base__"
    """The LoRA adapter of this row ("__base__": none)."""


class _Batch:
    """The rows being decoded together, and their shared KV cache."""

    def __init__(
        self,
        lm: LocalModel,
        position: SteeringPosition,
        prefix: PrefixCache | None,
        stats: GenerationStats,
    ) -> None:
        self.lm = lm
        self.position = position
        self.prefix = prefix
        self.stats = stats
        self.eos = _eos_ids(lm)
        self.pad = _pad_id(lm, self.eos)
        self.cache_name = _cache_kwarg(lm.model)
        self.rows: list[_Row] = []
        self.cache: Any = None
        self.mask = torch.zeros((0, 0), dtype=torch.long, device=lm.device)
        self.next_pos = torch.zeros((0, 1), dtype=torch.long, device=lm.device)
        self.logits: torch.Tensor | None = None
        self.steering = Steering(lm.model, {}, position)
        self.growing = supports_growing_cache(lm.model)
        self.joinable = self.growing
        """Rows can join a running batch (full-attention models only)."""
        if not self.growing and prefix is not None:
            prefix.max_bytes = 0

    def __len__(self) -> int:
        return len(self.rows)

    # -- admission ----------------------------------------------------------------------

    def admit(
        self, requests: list[GenerationRequest], futures: list[Future[GenerationResult] | None]
    ) -> None:
        """Prefill new requests and join them to the batch."""
        started = time.monotonic()
        rows: list[_Row] = []
        expanded: list[GenerationRequest] = []
        for request, future in zip(requests, futures, strict=True):
            experts = request.experts or [Expert(1.0, request.steering, request.adapter)]
            total = sum(e.weight for e in experts)
            if total <= 0 or any(e.weight < 0 for e in experts):
                raise ValueError("mixture weights must be non-negative and not all zero")
            group = _Group(
                request, [e.weight / total for e in experts], self._generator(request), future
            )
            for expert in experts:
                expanded.append(
                    replace(request, steering=expert.steering, adapter=expert.adapter, experts=[])
                )
                rows.append(_Row(group, expert.adapter or "__base__"))
        requests = expanded
        for row in rows:
            if row.adapter != "__base__" and row.adapter not in self.lm.adapters:
                known = ", ".join(self.lm.adapters) or "none loaded"
                raise ValueError(f"unknown LoRA adapter {row.adapter!r} ({known})")
        # A cache made under one steering or adapter is never reused under another.
        keys = [
            f"{row.adapter}|{steering_key(r.steering, self.position)}"
            for row, r in zip(rows, requests, strict=True)
        ]
        hits: list[tuple[KV | None, int]] = [
            self.prefix.lookup(k, r.prompt_ids) if self.prefix is not None else (None, 0)
            for k, r in zip(keys, requests, strict=True)
        ]
        steering = Steering(
            self.lm.model, build_deltas(requests, self.lm.hidden_size), self.position
        )
        cache, mask, logits, next_pos = self._prefill(requests, hits, steering)
        layers = full_attention_layers(cache) if self.growing else None
        if layers is not None and self.prefix is not None and self.prefix.max_bytes > 0:
            self._store_prefixes(keys, requests, layers, mask)
        if not self.rows:
            self.cache, self.mask, self.logits, self.next_pos = cache, mask, logits, next_pos
            self.steering = steering
        else:
            self._join(cache, mask, logits, next_pos, steering)
        self.rows.extend(rows)
        self.stats.requests += len({id(r.group) for r in rows})
        self.stats.prompt_tokens += sum(len(r.prompt_ids) for r in requests)
        self.stats.reused_prompt_tokens += sum(m for _, m in hits)
        self.stats.prefill_s += time.monotonic() - started

    @staticmethod
    def _generator(request: GenerationRequest) -> torch.Generator | None:
        if request.temperature <= 0:
            return None
        gen = torch.Generator(device="cpu")
        gen.manual_seed(request.seed)
        return gen

    def _prefill(
        self,
        requests: list[GenerationRequest],
        hits: list[tuple[KV | None, int]],
        steering: Steering,
    ) -> tuple[Any, torch.Tensor, torch.Tensor, torch.Tensor]:
        """Encode prompts, reusing cached prefixes.

        Layout of row r: ``[pad | its cached prefix (m_r tokens)]`` in the past cache,
        right-aligned, then ``[pad | the rest of its prompt]`` as the new input,
        right-aligned. The attention mask marks real tokens; positions continue from m_r.
        """
        lm, device = self.lm, self.lm.device
        batch = len(requests)
        past = max(m for _, m in hits)
        rests = [r.prompt_ids[m:] for r, (_, m) in zip(requests, hits, strict=True)]
        width = max(len(rest) for rest in rests)
        input_ids = torch.full((batch, width), self.pad, dtype=torch.long)
        positions = torch.zeros((batch, width), dtype=torch.long)
        mask = torch.zeros((batch, past + width), dtype=torch.long)
        for row, (rest, (_, m)) in enumerate(zip(rests, hits, strict=True)):
            n = len(rest)
            input_ids[row, width - n :] = torch.tensor(rest, dtype=torch.long)
            positions[row, width - n :] = torch.arange(m, m + n)
            mask[row, past - m : past] = 1
            mask[row, past + width - n :] = 1
        kwargs: dict[str, Any] = {}
        if past > 0:
            kwargs[self.cache_name] = self._past_cache(hits, past)
        elif self.growing:
            kwargs[self.cache_name] = new_cache()
        if lm.adapters:
            kwargs["adapter_names"] = [r.adapter or "__base__" for r in requests]
        with steering.applied("prefill"):
            out = lm.model(
                input_ids=input_ids.to(device),
                attention_mask=mask.to(device),
                position_ids=positions.to(device),
                use_cache=True,
                # Only the last position's logits are used: the full [rows, tokens, vocab]
                # tensor was the run's peak memory (GBs for a batch of long prompts).
                logits_to_keep=1,
                **kwargs,
            )
        return (
            _output_cache(out),
            mask.to(device),
            out.logits[:, -1, :],
            positions[:, -1:].to(device) + 1,
        )

    def _past_cache(self, hits: list[tuple[KV | None, int]], past: int) -> Any:
        """Each row's cached prefix, right-aligned to ``past`` positions (rows without
        one are all padding)."""
        template = next(kv for kv, _ in hits if kv is not None)
        empty = [(k[None, :, :0], v[None, :, :0]) for k, v in template]
        parts = [
            [(k[None, :, :m], v[None, :, :m]) for k, v in kv] if kv is not None else empty
            for kv, m in hits
        ]
        return stacked_cache(parts, past)

    def _store_prefixes(
        self,
        keys: list[str],
        requests: list[GenerationRequest],
        layers: list[Any],
        mask: torch.Tensor,
    ) -> None:
        assert self.prefix is not None
        for row, request in enumerate(requests):
            if len(request.prompt_ids) - 1 < self.prefix.min_tokens:
                continue
            index = mask[row].nonzero().squeeze(-1)[:-1]
            kv = [
                (
                    layer.keys[row].index_select(1, index).clone(),
                    layer.values[row].index_select(1, index).clone(),
                )
                for layer in layers
            ]
            self.prefix.store(keys[row], request.prompt_ids, kv)

    def _join(
        self,
        cache: Any,
        mask: torch.Tensor,
        logits: torch.Tensor,
        next_pos: torch.Tensor,
        steering: Steering,
    ) -> None:
        mine = full_attention_layers(self.cache)
        theirs = full_attention_layers(cache)
        assert mine is not None and theirs is not None
        width = max(self.mask.shape[1], mask.shape[1])
        self.cache = stacked_cache(
            [[(a.keys, a.values) for a in mine], [(b.keys, b.values) for b in theirs]], width
        )
        self.mask = torch.cat([_left_pad(self.mask, width, 1), _left_pad(mask, width, 1)], dim=0)
        assert self.logits is not None
        self.logits = torch.cat([self.logits, logits], dim=0)
        self.next_pos = torch.cat([self.next_pos, next_pos], dim=0)
        self.steering.append(steering, rows_before=len(self.rows), rows_added=mask.shape[0])

    # -- decoding -----------------------------------------------------------------------

    def step(self) -> list[_Group]:
        """Draw one token per request (a mixture's rows share theirs), retire finished
        requests (returned), run the remaining rows one step forward."""
        assert self.logits is not None
        started = time.monotonic()
        greedy = torch.argmax(self.logits, dim=-1).tolist()
        members: dict[int, list[int]] = {}
        for i, row in enumerate(self.rows):
            members.setdefault(id(row.group), []).append(i)
        tokens = [0] * len(self.rows)
        done: list[_Group] = []
        for indices in members.values():
            group = self.rows[indices[0]].group
            token = group.next_token(self.logits[indices], greedy[indices[0]])
            for i in indices:
                tokens[i] = token
            if token in self.eos:
                group.finish = "stop"
            else:
                group.tokens.append(token)
                if len(group.tokens) >= group.request.max_new_tokens:
                    group.finish = "length"
                elif group.request.stop_strings and self._hit_stop(group):
                    group.finish = "stop"
            if group.finish is not None:
                done.append(group)
        keep = [i for i, row in enumerate(self.rows) if row.group.finish is None]
        if len(keep) < len(self.rows):
            if not keep:
                self.rows, self.cache, self.logits = [], None, None
                self.stats.decode_s += time.monotonic() - started
                return done
            index = torch.tensor(keep, dtype=torch.long, device=self.lm.device)
            self.cache.batch_select_indices(index)
            self.mask = self.mask.index_select(0, index)
            self.next_pos = self.next_pos.index_select(0, index)
            self.steering.select_rows(index.cpu())
            self.rows = [self.rows[i] for i in keep]
            tokens = [tokens[i] for i in keep]
            self._trim_padding()
        step_ids = torch.tensor(tokens, dtype=torch.long, device=self.lm.device)[:, None]
        self.mask = torch.cat([self.mask, torch.ones_like(step_ids)], dim=-1)
        kwargs: dict[str, Any] = {self.cache_name: self.cache}
        if self.lm.adapters:
            kwargs["adapter_names"] = [row.adapter for row in self.rows]
        with self.steering.applied("decode"):
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
        self.stats.decode_steps += 1
        self.stats.row_steps += len(self.rows)
        self.stats.decode_s += time.monotonic() - started
        return done

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
        self.cache = stacked_cache(
            [[(layer.keys[:, :, start:], layer.values[:, :, start:]) for layer in layers]],
            self.mask.shape[1] - start,
        )
        self.mask = self.mask[:, start:]

    def _hit_stop(self, group: _Group) -> bool:
        tail = self.lm.tokenizer.decode(group.tokens[-16:], skip_special_tokens=True)
        return any(stop in tail for stop in group.request.stop_strings)

    def result(self, group: _Group) -> GenerationResult:
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
        )


@torch.inference_mode()
def generate_batch(
    lm: LocalModel,
    requests: list[GenerationRequest],
    position: SteeringPosition = "all",
    prefix_cache: PrefixCache | None = None,
) -> list[GenerationResult]:
    """Generate every request as one batch, in request order (the worker's code path,
    without admissions)."""
    batch = _Batch(lm, position, prefix_cache, GenerationStats())
    batch.admit(requests, [None] * len(requests))
    order: dict[int, int] = {}
    for row in batch.rows:
        order.setdefault(id(row.group), len(order))
    results: list[GenerationResult | None] = [None] * len(requests)
    while len(batch):
        for group in batch.step():
            results[order[id(group)]] = batch.result(group)
    return [r for r in results if r is not None]


@dataclass
class _Job:
    request: GenerationRequest
    future: Future[GenerationResult]
    held: bool = False


class GenerationWorker:
    """One thread that owns a model and serves requests by continuous batching.

    Args:
        lm: The loaded model.
        max_batch_size: The most rows decoded together.
        position: Where steering applies (see :mod:`tautrait.steering.control`).
        gather_ms: When idle, after the first request wait this long for others to
            arrive, so they share the first prefill.
        prefix_cache_mb: Memory budget of the prompt-prefix KV cache in MiB (0 disables it);
            see :mod:`tautrait.local.prefix_cache`.
    """

    def __init__(
        self,
        lm: LocalModel,
        *,
        max_batch_size: int = 16,
        position: SteeringPosition = "all",
        gather_ms: float = 5.0,
        prefix_cache_mb: int = DEFAULT_MAX_BYTES // 2**20,
    ) -> None:
        self.lm = lm
        self.max_batch_size = max_batch_size
        self.position = position
        self.gather_s = gather_ms / 1000
        self.prefix_cache = PrefixCache(max_bytes=prefix_cache_mb * 2**20)
        self.stats = GenerationStats()
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._held: list[_Job] = []
        """Jobs held back one round so that they reuse a prefix being prefilled."""
        self._closing = False
        self._thread = threading.Thread(target=self._loop, name=f"gen-{lm.name}", daemon=True)
        self._thread.start()

    def submit(self, request: GenerationRequest) -> Future[GenerationResult]:
        future: Future[GenerationResult] = Future()
        self._queue.put(_Job(request, future))
        return future

    async def generate(self, request: GenerationRequest) -> GenerationResult:
        return await asyncio.wrap_future(self.submit(request))

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=30)

    def _take(self, block: bool, limit: int) -> list[_Job]:
        """Up to ``limit`` waiting jobs (held-back ones first); when ``block``, wait for
        the first one."""
        jobs, self._held = self._held[:limit], self._held[limit:]
        deadline = None
        if jobs:
            block = False
        while len(jobs) < limit:
            try:
                if block and not jobs:
                    job = self._queue.get()
                    deadline = time.monotonic() + self.gather_s
                elif deadline is not None and (left := deadline - time.monotonic()) > 0:
                    job = self._queue.get(timeout=left)
                else:
                    job = self._queue.get_nowait()
            except queue.Empty:
                break
            if job is None:
                self._closing = True
                break
            if job.future.set_running_or_notify_cancel():
                jobs.append(job)
        return jobs

    def _hold_back(self, jobs: list[_Job]) -> list[_Job]:
        """The jobs to admit now; the rest wait one round in ``_held`` (see
        :func:`~tautrait.local.prefix_cache.defer_shared_prefixes`)."""
        if len(jobs) < 2:
            return jobs
        keys: list[str | None] = [
            None  # held once already, or a mixture (several rows): admit now
            if j.held or j.request.experts
            else f"{j.request.adapter or '__base__'}|"
            f"{steering_key(j.request.steering, self.position)}"
            for j in jobs
        ]
        defer = defer_shared_prefixes(keys, [j.request.prompt_ids for j in jobs], self.prefix_cache)
        held = [j for j, d in zip(jobs, defer, strict=True) if d]
        for job in held:
            job.held = True
        self._held = held + self._held
        return [j for j, d in zip(jobs, defer, strict=True) if not d]

    def _loop(self) -> None:
        torch.set_grad_enabled(False)
        batch = _Batch(self.lm, self.position, self.prefix_cache, self.stats)
        while not (self._closing and not len(batch) and not self._held):
            room = self.max_batch_size - len(batch)
            if len(batch) and not batch.joinable:
                room = 0
            jobs = (
                self._take(block=not len(batch) and not self._closing, limit=room) if room else []
            )
            jobs = self._hold_back(jobs)
            try:
                with torch.inference_mode():
                    if jobs:
                        batch.admit([j.request for j in jobs], [j.future for j in jobs])
                    if not len(batch):
                        continue
                    for group in batch.step():
                        assert group.future is not None
                        group.future.set_result(batch.result(group))
            except BaseException as exc:  # hand the failure to every waiting caller
                log.exception("generation failed")
                for row in batch.rows:
                    future = row.group.future
                    if future is not None and not future.done():
                        future.set_exception(exc)
                for job in jobs:
                    if not job.future.done():
                        job.future.set_exception(exc)
                batch = _Batch(self.lm, self.position, self.prefix_cache, self.stats)
