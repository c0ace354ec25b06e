"""Batched generation with per-row steering, behind one worker thread per model.

Concurrent episodes share **one** loaded model. Each generation request goes into the
model's queue; a single worker thread decodes the running batch one token at a time and,
between steps, admits waiting requests (continuous batching): their prompts are
prefilled — reusing cached prompt prefixes, see :mod:`tautrait.local.prefix_cache` —
and joined to the batch (:mod:`tautrait.local.batch`). Finished rows leave the batch at
once. Every row carries its own steering vectors and its own sampling seed, so a neutral
user, a skeptical user and the agent share a batch without influencing each other.

The decoding loop is written out, not delegated to ``model.generate``, because the
steering hooks must know whether a forward call is a prefill or a decoding step (see
:mod:`tautrait.local.control`), because rows join and leave mid-generation, and
because each row samples from its own seed: a row's tokens depend on its seed and
prompt, not on its batch-mates (up to floating-point differences between batch shapes).
KV caches are never shared across steering settings. How the keys and values are kept
and how a step runs depend on the device (:mod:`tautrait.local.engine`): on a CPU
exactly as before, on a GPU a slot KV cache with steps replayed as CUDA graphs.

A request that fails (bad steering, non-finite logits, a prefill that raises) fails
alone; a request whose caller cancels its future (or sets ``request.cancel``) leaves the
batch before the next step.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from concurrent.futures import CancelledError, Future, InvalidStateError
from dataclasses import dataclass, replace

import torch

from tautrait.local.batch import Batch, Group, build_deltas
from tautrait.local.engine import Engine, EngineOptions, resolve_engine
from tautrait.local.models import LocalModel
from tautrait.local.pool import SteeringPosition
from tautrait.local.prefix_cache import (
    DEFAULT_MAX_BYTES,
    PrefixCache,
    defer_shared_prefixes,
    steering_key,
)
from tautrait.local.request import (
    Expert,
    FinishReason,
    GenerationRequest,
    GenerationResult,
    GenerationStats,
)

__all__ = [
    "Expert",
    "FinishReason",
    "GenerationRequest",
    "GenerationResult",
    "GenerationStats",
    "GenerationWorker",
    "build_deltas",
    "generate_batch",
]

log = logging.getLogger(__name__)


@torch.inference_mode()
def generate_batch(
    lm: LocalModel,
    requests: list[GenerationRequest],
    position: SteeringPosition = "all",
    prefix_cache: PrefixCache | None = None,
    *,
    engine: EngineOptions | Engine | None = None,
) -> list[GenerationResult]:
    """Generate every request as one batch, in request order (the worker's code path,
    without admissions). Raises the first failing request's error."""
    resolved = engine if isinstance(engine, Engine) else resolve_engine(engine, lm)
    rows = sum(max(len(r.experts), 1) for r in requests)
    batch = Batch(lm, position, prefix_cache, GenerationStats(), resolved, rows_hint=rows)
    failed = batch.admit(requests, [None] * len(requests))
    if failed:
        assert failed[0].error is not None
        raise failed[0].error
    order: dict[int, int] = {}
    for row in batch.rows:
        order.setdefault(id(row.group), len(order))
    results: list[GenerationResult | None] = [None] * len(requests)
    while len(batch):
        for group in batch.step():
            if group.error is not None:
                raise group.error
            results[order[id(group)]] = batch.result(group)
    return [r for r in results if r is not None]


@dataclass
class _Job:
    request: GenerationRequest
    future: Future[GenerationResult]
    held: bool = False

    def abandoned(self) -> bool:
        return self.request.abandoned() or self.future.cancelled()


class GenerationWorker:
    """One thread that owns a model and serves requests by continuous batching.

    Args:
        lm: The loaded model.
        max_batch_size: The most rows decoded together.
        position: Where steering applies (see :mod:`tautrait.local.control`).
        gather_ms: When idle, after the first request wait this long for others to
            arrive, so they share the first prefill.
        prefix_cache_mb: Memory budget of the prompt-prefix KV cache in MiB (0 disables it);
            see :mod:`tautrait.local.prefix_cache`.
        engine: KV layout, step runner and sampler (default: chosen for the device; see
            :mod:`tautrait.local.engine`).
        kv_cache_mb: Memory budget (MiB) of the running batch's keys and values (None:
            unbounded). A request joins only while :meth:`Batch.kv_bytes` stays within
            it, else it waits for rows to leave; one request alone always runs. Joining
            copies the cache, so the batch may briefly hold twice the budget.

    The future :meth:`submit` returns stays *pending* until the request ends, so that
    ``future.cancel()`` works at any time: the request's rows leave the batch before the
    next decoding step.
    """

    def __init__(
        self,
        lm: LocalModel,
        *,
        max_batch_size: int = 16,
        position: SteeringPosition = "all",
        gather_ms: float = 5.0,
        prefix_cache_mb: int = DEFAULT_MAX_BYTES // 2**20,
        engine: EngineOptions | Engine | None = None,
        kv_cache_mb: int | None = None,
    ) -> None:
        self.lm = lm
        self.kv_budget = None if kv_cache_mb is None else kv_cache_mb * 2**20
        self.max_batch_size = max_batch_size
        self.position = position
        self.gather_s = gather_ms / 1000
        self.engine = engine if isinstance(engine, Engine) else resolve_engine(engine, lm)
        self.prefix_cache = PrefixCache(max_bytes=prefix_cache_mb * 2**20)
        self.stats = GenerationStats()
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._held: list[_Job] = []
        """Jobs held back one round so that they reuse a prefix being prefilled."""
        self._closing = False
        self._dead: BaseException | None = None
        """Why the worker thread stopped, if it did (requests then fail at once)."""
        self._submitting = threading.Lock()
        self._thread = threading.Thread(target=self._run, name=f"gen-{lm.name}", daemon=True)
        self._thread.start()

    def submit(self, request: GenerationRequest) -> Future[GenerationResult]:
        future: Future[GenerationResult] = Future()
        with self._submitting:
            if self._dead is None:
                self._queue.put(_Job(request, future))
                return future
        _settle(future, error=RuntimeError(f"the generation worker stopped: {self._dead}"))
        return future

    async def generate(self, request: GenerationRequest) -> GenerationResult:
        """Generate ``request``; cancelling the awaiting task frees its batch rows."""
        if request.cancel is None:
            request = replace(request, cancel=threading.Event())
        assert request.cancel is not None
        try:
            return await asyncio.wrap_future(self.submit(request))
        except asyncio.CancelledError:
            request.cancel.set()
            raise

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=30)

    def _take(self, block: bool, limit: int) -> list[_Job]:
        """Up to ``limit`` waiting jobs (held-back ones first); when ``block``, wait for
        the first one. Abandoned jobs are settled here and never prefilled."""
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
            jobs.append(job)
        for job in jobs:
            if job.abandoned():
                self.stats.cancelled += 1
                _settle_cancelled(job.future)
        return [j for j in jobs if not j.abandoned()]

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

    def _within_budget(self, batch: Batch, jobs: list[_Job]) -> list[_Job]:
        """The first jobs whose rows fit the KV budget beside the running batch; the
        rest wait (in order) in ``_held`` until rows leave."""
        if self.kv_budget is None or not jobs:
            return jobs
        admitted: list[_Job] = []
        for i, job in enumerate(jobs):
            requests = [j.request for j in [*admitted, job]]
            if (len(batch) or admitted) and batch.kv_bytes(requests) > self.kv_budget:
                waiting = jobs[i:]
                for held in waiting:
                    held.held = True
                self._held = waiting + self._held
                self.stats.kv_waits += len(waiting)
                break
            admitted.append(job)
        return admitted

    def _new_batch(self) -> Batch:
        return Batch(
            self.lm,
            self.position,
            self.prefix_cache,
            self.stats,
            self.engine,
            rows_hint=self.max_batch_size,
        )

    def _settle(self, batch: Batch, group: Group) -> None:
        """Hand a finished, failed or abandoned request's outcome to its caller."""
        future = group.future
        if future is None:
            return
        if group.cancelled:
            self.stats.cancelled += 1
            _settle_cancelled(future)
            return
        if group.error is None:
            try:
                result = batch.result(group)
            except Exception as exc:  # decoding the text failed: this request's alone
                group.error = exc
            else:
                _settle(future, result=result)
                return
        self.stats.failed += 1
        log.warning("a generation request failed: %s", group.error)
        _settle(future, error=group.error)

    def _run(self) -> None:
        """The worker thread: :meth:`_loop`, and should it ever stop on an error, every
        waiting request (and each later one) fails with it instead of waiting forever."""
        try:
            self._loop()
        except BaseException as exc:
            log.exception("the generation worker stopped")
            with self._submitting:
                self._dead = exc
            error = RuntimeError(f"the generation worker stopped: {exc}")
            for job in self._held:
                _settle(job.future, error=error)
            self._held = []
            while True:
                try:
                    waiting = self._queue.get_nowait()
                except queue.Empty:
                    break
                if waiting is not None:
                    _settle(waiting.future, error=error)

    def _loop(self) -> None:
        torch.set_grad_enabled(False)
        batch = self._new_batch()
        while not (self._closing and not len(batch) and not self._held):
            room = self.max_batch_size - len(batch)
            if len(batch) and not batch.joinable:
                room = 0
            jobs = (
                self._take(block=not len(batch) and not self._closing, limit=room) if room else []
            )
            jobs = self._within_budget(batch, self._hold_back(jobs))
            try:
                with torch.inference_mode():
                    if jobs:
                        failed = batch.admit([j.request for j in jobs], [j.future for j in jobs])
                        for group in failed:
                            self._settle(batch, group)
                    if not len(batch):
                        continue
                    for group in batch.step():
                        self._settle(batch, group)
            except BaseException as exc:  # the batch as a whole failed: tell every caller
                log.exception("generation failed")
                for row in batch.rows:
                    if row.group.future is not None:
                        _settle(row.group.future, error=exc)
                for job in jobs:
                    _settle(job.future, error=exc)
                batch = self._new_batch()


def _settle(
    future: Future[GenerationResult],
    *,
    result: GenerationResult | None = None,
    error: BaseException | None = None,
) -> None:
    """Set a future's outcome unless it is already settled (its caller may have
    cancelled it meanwhile)."""
    if future.done():
        return
    try:
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]
    except InvalidStateError:
        pass


def _settle_cancelled(future: Future[GenerationResult]) -> None:
    if not future.cancelled():
        _settle(future, error=CancelledError())
