"""The process-wide pool of generation workers: one per loaded model.

A local agent (``local/<model>``) and a steered user on the same model share one loaded
copy and one batch queue. The run configures the pool before the first request and
closes it at the end.
"""

from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # torch is imported by the first worker, not by configuring the pool
    from tautrait.local.engine import EngineOptions
    from tautrait.local.generation import GenerationWorker
    from tautrait.local.models import LocalModel

SteeringPosition = Literal["all", "generated"]
"""Where a steering vector is added: every position (prompt included), or generated
tokens only."""


@dataclass
class PoolSettings:
    device: str | None = None
    dtype: str | None = None
    max_batch_size: int = 16
    position: SteeringPosition = "all"
    prefix_cache_mb: int = 4096
    kv_cache_mb: int | None = None
    """Budget of each worker's running batch's keys and values (None: unbounded)."""
    engine: EngineOptions | None = None
    """KV layout, step runner, sampler; None = "auto": as always on a CPU, slots, CUDA
    graphs and the device sampler on a GPU (:mod:`tautrait.local.engine`)."""


MAX_AUTO_PREFIX_MB = 4096
MIN_AUTO_PREFIX_MB = 256


def memory_available_bytes() -> int | None:
    """Memory this process can still use: the kernel's MemAvailable, capped by the
    container's cgroup limit when there is one; None when neither can be read."""
    available: int | None = None
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                available = int(line.split()[1]) * 1024
    with contextlib.suppress(OSError, ValueError):
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if limit != "max":
            used = int(Path("/sys/fs/cgroup/memory.current").read_text().strip())
            room = max(0, int(limit) - used)
            available = room if available is None else min(available, room)
    if available is None:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            available = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return available


def auto_prefix_cache_mb(model_bytes: int, available_bytes: int | None) -> int:
    """The default budget of the prefix cache and of the running batch's KV: a quarter
    of the memory available beside the model, within [256, 4096] MiB (4096 when the
    available memory cannot be read).

    Smaller budgets were measured and lost: with 516 MiB each (the model's size), the
    demo's 8 agent conversations (~49k tokens) no longer fit, prefixes are evicted just
    before their next turn and agents decode two or three at a time, and the demo had
    not finished one episode after 3.5 minutes (the whole run takes 4 minutes with 4096
    MiB each). Give ``--prefix-cache-mb`` and ``--kv-cache-mb`` to bound a run's memory
    on a small machine, at that price."""
    budget = 4096 * 2**20
    if available_bytes is not None:
        budget = max(0, available_bytes - model_bytes) // 4
    mb = budget // 2**20
    return int(min(MAX_AUTO_PREFIX_MB, max(MIN_AUTO_PREFIX_MB, mb)))


class ModelPool:
    """One :class:`GenerationWorker` per loaded model."""

    def __init__(self, settings: PoolSettings) -> None:
        self.settings = settings
        self._workers: dict[int, GenerationWorker] = {}
        self._lock = threading.Lock()

    def worker(self, lm: LocalModel) -> GenerationWorker:
        from tautrait.local.generation import GenerationWorker

        with self._lock:
            key = id(lm)
            if key not in self._workers:
                self._workers[key] = GenerationWorker(
                    lm,
                    max_batch_size=self.settings.max_batch_size,
                    position=self.settings.position,
                    prefix_cache_mb=self.settings.prefix_cache_mb,
                    engine=self.settings.engine,
                    kv_cache_mb=self.settings.kv_cache_mb,
                )
            return self._workers[key]

    def close(self) -> None:
        with self._lock:
            for worker in self._workers.values():
                with contextlib.suppress(Exception):
                    worker.close()
            self._workers.clear()


_lock = threading.Lock()
_settings = PoolSettings()
_pool: ModelPool | None = None


def configure(settings: PoolSettings) -> None:
    """Set how local models are loaded and batched (closes any existing pool)."""
    global _pool, _settings
    with _lock:
        _settings = settings
        if _pool is not None:
            _pool.close()
            _pool = None


def settings() -> PoolSettings:
    return _settings


def shared_pool() -> ModelPool:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ModelPool(_settings)
        return _pool


def close_pool() -> None:
    global _pool
    with _lock:
        if _pool is not None:
            _pool.close()
            _pool = None
