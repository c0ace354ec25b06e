"""Running a decoding step of fixed shapes: eagerly, as a replayed CUDA graph, or compiled.

A slot batch (:mod:`tautrait.local.slots`) decodes through steps whose tensors all live
in persistent buffers and whose shapes come from a few buckets (rows, attended length,
steered blocks). Such a step can be recorded once per bucket and replayed: on a GPU,
launching a 32-block model's few hundred kernels one by one from Python costs more than
the kernels themselves at small batch sizes, and a CUDA graph launches them all at once.

A runner gets the step as a closure and a hashable key naming its shapes; the caller
passes the same closure object for the same key (a compiled or captured step is looked
up by key, and ``torch.compile`` guards on the closure's identity):

- :class:`EagerRunner` calls it (CPU, and the reference in tests).
- :class:`CudaGraphRunner` captures it the first time a key is seen (after warm-up
  calls on a side stream), then replays it. The closure must read its inputs only from
  buffers the caller fills in place, and the tensor it returns is overwritten by the
  next replay of any graph: copy what you keep. The step must be idempotent (warm-up
  runs it several times). If capture fails the runner says so once in the log and runs
  eagerly from then on; :attr:`CudaGraphRunner.failure` keeps the reason.
- :class:`CompiledRunner` runs the closure through ``torch.compile`` (one compilation
  per key; works on CPU too).
- :class:`ReplayEmulator` imitates a graph runner without CUDA, for tests: it keeps the
  tensor returned at "capture" and writes each later call's result into it, so a caller
  that forgets to read the returned buffer, or feeds inputs outside the buffers, gets
  stale values as it would from a real replay.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Literal, Protocol

import torch

log = logging.getLogger(__name__)

StepMode = Literal["eager", "cuda-graphs", "compile"]

Step = Callable[[], torch.Tensor]


class StepRunner(Protocol):
    mode: StepMode

    def run(self, key: Hashable, step: Step) -> torch.Tensor:
        """The step's output for these shapes (possibly a buffer reused by later calls)."""
        ...

    def reset(self) -> None:
        """Forget recorded steps (the buffers they read were reallocated)."""
        ...


class EagerRunner:
    mode: StepMode = "eager"

    def run(self, key: Hashable, step: Step) -> torch.Tensor:
        return step()

    def reset(self) -> None:
        pass


class CudaGraphRunner:
    """Captures one CUDA graph per key, replays it afterwards (see the module docstring).

    Args:
        max_graphs: Graphs kept (least recently used dropped first). All share one
            memory pool, so the memory they hold is about that of the largest one.
        warmup: Eager calls on a side stream before capturing a key.
    """

    mode: StepMode = "cuda-graphs"

    def __init__(self, max_graphs: int = 96, warmup: int = 2) -> None:
        self.max_graphs = max_graphs
        self.warmup = warmup
        self.graphs: OrderedDict[Hashable, tuple[Any, torch.Tensor]] = OrderedDict()
        self.captures = 0
        self.replays = 0
        self.failure: str | None = None
        self._pool: Any = None

    def run(self, key: Hashable, step: Step) -> torch.Tensor:
        if self.failure is not None:
            return step()
        entry = self.graphs.get(key)
        if entry is None:
            try:
                entry = self._capture(step)
            except Exception as exc:  # any capture problem: fall back, loudly, once
                self.failure = f"{type(exc).__name__}: {exc}"
                log.warning("CUDA graph capture failed, decoding eagerly: %s", self.failure)
                self.reset()
                return step()
            self.graphs[key] = entry
            self.captures += 1
            while len(self.graphs) > self.max_graphs:
                self.graphs.popitem(last=False)
        else:
            self.graphs.move_to_end(key)
        graph, output = entry
        graph.replay()
        self.replays += 1
        return output

    def _capture(self, step: Step) -> tuple[Any, torch.Tensor]:
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(self.warmup):
                step()
        torch.cuda.current_stream().wait_stream(side)
        if self._pool is None:
            self._pool = torch.cuda.graph_pool_handle()
        graph = torch.cuda.CUDAGraph()
        # thread_local: CUDA work by other threads (the event loop building steering
        # vectors, say) must not invalidate this thread's capture.
        with torch.cuda.graph(graph, pool=self._pool, capture_error_mode="thread_local"):
            output = step()
        return graph, output

    def reset(self) -> None:
        self.graphs.clear()


class CompiledRunner:
    """Runs steps through ``torch.compile`` (``dynamic=False``: one compilation per key).

    Args:
        backend: The ``torch.compile`` backend ("inductor"; "eager" only traces, for tests).
    """

    mode: StepMode = "compile"

    def __init__(self, backend: str = "inductor") -> None:
        self.backend = backend
        self._compiled: dict[Hashable, Step] = {}

    def run(self, key: Hashable, step: Step) -> torch.Tensor:
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = torch.compile(step, backend=self.backend, dynamic=False)
            self._compiled[key] = compiled
        return compiled()

    def reset(self) -> None:
        self._compiled.clear()


class ReplayEmulator:
    """A CPU stand-in for :class:`CudaGraphRunner` in tests (see the module docstring)."""

    mode: StepMode = "cuda-graphs"

    def __init__(self) -> None:
        self.outputs: dict[Hashable, torch.Tensor] = {}
        self.captures = 0
        self.replays = 0
        self.failure: str | None = None

    def run(self, key: Hashable, step: Step) -> torch.Tensor:
        output = self.outputs.get(key)
        if output is None:
            output = step().clone()
            self.outputs[key] = output
            self.captures += 1
        else:
            output.copy_(step())
        self.replays += 1
        return output

    def reset(self) -> None:
        self.outputs.clear()


def make_runner(mode: StepMode, device: torch.device) -> StepRunner:
    if mode == "cuda-graphs":
        if device.type != "cuda":
            raise ValueError("CUDA graphs need a CUDA device; use step 'eager' or 'compile'")
        return CudaGraphRunner()
    if mode == "compile":
        return CompiledRunner()
    return EagerRunner()
