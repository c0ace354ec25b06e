"""The process-wide pool of generation workers: one per loaded model.

A local agent (``local/<model>``) and a steered user on the same model share one loaded
copy and one batch queue. The run configures the pool before the first request and
closes it at the end.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # torch is imported by the first worker, not by configuring the pool
    from tautrait.local.generation import GenerationWorker
    from tautrait.local.models import LocalModel
    from tautrait.steering.control import SteeringPosition


@dataclass
class PoolSettings:
    device: str | None = None
    dtype: str | None = None
    max_batch_size: int = 16
    position: SteeringPosition = "all"
    prefix_cache_mb: int = 4096


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
                )
            return self._workers[key]

    def workers(self) -> list[GenerationWorker]:
        with self._lock:
            return list(self._workers.values())

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
