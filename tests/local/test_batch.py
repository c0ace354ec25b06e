"""One bad row never takes its batch down; abandoned requests leave the batch."""

import asyncio
import functools
import math
import threading
import time
from concurrent.futures import CancelledError
from typing import Any

import pytest
import torch

from tautrait.local.batch import Batch, Group
from tautrait.local.engine import Engine
from tautrait.local.generation import (
    GenerationRequest,
    GenerationStats,
    GenerationWorker,
    generate_batch,
)
from tests.tiny import tiny_model

ENGINES = {
    "eager": Engine(kv="growing", step="eager", sampler="exact"),
    "slots": Engine(kv="slots", step="eager", sampler="exact"),
    "slots-device-sampler": Engine(kv="slots", step="eager", sampler="device"),
}


def _ids(text: str) -> list[int]:
    return list(tiny_model().tokenizer(text, add_special_tokens=False)["input_ids"])


def _good() -> GenerationRequest:
    return GenerationRequest(
        prompt_ids=_ids("a normal customer asks a question"),
        max_new_tokens=14,
        temperature=0.8,
        seed=4,
        steering={2: torch.ones(tiny_model().hidden_size)},
    )


def _alone(request: GenerationRequest, engine: Engine) -> list[int]:
    return generate_batch(tiny_model(), [request], engine=engine)[0].token_ids


@pytest.mark.parametrize("name", list(ENGINES))
def test_a_row_whose_logits_turn_nan_mid_generation_fails_alone(name: str) -> None:
    engine = ENGINES[name]
    lm = tiny_model()
    bad = GenerationRequest(
        prompt_ids=_ids("this one will break"),
        max_new_tokens=20,
        steering={1: torch.ones(lm.hidden_size)},
    )
    good = _good()
    batch = Batch(lm, "all", None, GenerationStats(), engine)
    assert batch.admit([bad, good], [None, None]) == []
    for _ in range(3):
        assert batch.step() == []
    # Poison the bad row's steering where the decoder keeps it (row 0 of block 1).
    steering: Any = batch.decoder.steering  # type: ignore[attr-defined]
    store = steering.buffers if hasattr(steering, "buffers") else steering.deltas
    store[1][0] = math.nan
    finished: dict[int, Group] = {}
    while len(batch):
        for group in batch.step():
            finished[id(group.request)] = group
    broken, fine = finished[id(bad)], finished[id(good)]
    # Three steps drew three tokens and computed the logits of a fourth, unpoisoned.
    assert isinstance(broken.error, FloatingPointError) and len(broken.tokens) == 4
    assert fine.error is None and fine.tokens == _alone(good, engine)


@pytest.mark.parametrize("name", ["eager", "slots"])
def test_worker_fails_only_the_request_that_broke(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three ways to fail, each beside a normal request admitted in the same round:
    refused at admission (a NaN vector), a prefill that raises, a failure after a few
    tokens. The normal requests get exactly the tokens they get alone."""
    engine = ENGINES[name]
    lm = tiny_model()
    sentinel = _ids("~")[0]
    real_forward = lm.model.forward

    @functools.wraps(real_forward)
    def forward(*args: Any, **kwargs: Any) -> Any:
        ids = kwargs["input_ids"]
        if ids.shape[1] > 1 and bool((ids == sentinel).any()):
            raise RuntimeError("injected prefill failure")
        return real_forward(*args, **kwargs)

    monkeypatch.setattr(lm.model, "forward", forward)
    real_hit_stop = Batch._hit_stop

    def hit_stop(self: Batch, group: Group) -> bool:
        if group.request.seed == 666 and len(group.tokens) == 3:
            raise UnicodeDecodeError("utf-8", b"", 0, 1, "injected")
        return real_hit_stop(self, group)

    monkeypatch.setattr(Batch, "_hit_stop", hit_stop)
    nan = torch.full((lm.hidden_size,), math.nan)
    bad = [
        GenerationRequest(prompt_ids=_ids("nan user"), steering={1: nan}),
        GenerationRequest(prompt_ids=_ids("a prompt with ~ inside"), max_new_tokens=8),
        GenerationRequest(
            prompt_ids=_ids("late failure"), max_new_tokens=30, seed=666, stop_strings=("zz",)
        ),
    ]
    expected = _alone(_good(), engine)
    worker = GenerationWorker(lm, gather_ms=200, prefix_cache_mb=0, engine=engine)
    try:
        for request, error in zip(bad, (ValueError, RuntimeError, UnicodeDecodeError), strict=True):
            futures = [worker.submit(request), worker.submit(_good())]
            with pytest.raises(error):
                futures[0].result(timeout=120)
            assert futures[1].result(timeout=120).token_ids == expected
    finally:
        worker.close()
    assert worker.stats.failed == 3


def _long(seed: int = 0) -> GenerationRequest:
    return GenerationRequest(
        prompt_ids=_ids("tell me a very long story"),
        max_new_tokens=5000,
        ignore_eos=True,
        temperature=1.0,
        seed=seed,
    )


def _wait(predicate: Any, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.mark.parametrize("name", ["eager", "slots"])
def test_cancelling_a_future_frees_its_row_at_the_next_step(name: str) -> None:
    worker = GenerationWorker(tiny_model(), prefix_cache_mb=0, engine=ENGINES[name])
    try:
        doomed = worker.submit(_long())
        _wait(lambda: worker.stats.decode_steps >= 3)
        kept = worker.submit(_good())
        assert doomed.cancel() and doomed.cancelled()
        _wait(lambda: worker.stats.cancelled == 1)
        steps = worker.stats.decode_steps
        assert kept.result(timeout=60).token_ids == _alone(_good(), ENGINES[name])
        # The long request is gone: the batch emptied once the short one finished.
        _wait(lambda: worker.stats.requests == 2)
        assert worker.stats.decode_steps - steps <= 14
        assert worker.stats.row_steps < 2 * worker.stats.decode_steps
        # A request cancelled before it was admitted never runs.
        event = threading.Event()
        event.set()
        never = worker.submit(GenerationRequest(prompt_ids=_ids("x"), cancel=event))
        with pytest.raises(CancelledError):
            never.result(timeout=60)
    finally:
        worker.close()
    assert worker.stats.requests == 2


def test_cancelling_the_awaiting_task_frees_its_row() -> None:
    worker = GenerationWorker(tiny_model(), prefix_cache_mb=0)

    async def main() -> None:
        task = asyncio.create_task(worker.generate(_long()))
        while worker.stats.decode_steps < 3:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    try:
        asyncio.run(main())
        _wait(lambda: worker.stats.cancelled == 1)
        steps = worker.stats.decode_steps
        time.sleep(0.2)
        assert worker.stats.decode_steps == steps  # nothing left decoding
    finally:
        worker.close()


@pytest.mark.parametrize("name", ["eager", "slots"])
def test_no_room_for_new_rows_fails_them_not_the_batch(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = ENGINES[name]
    batch = Batch(tiny_model(), "all", None, GenerationStats(), engine)
    good = _good()
    assert batch.admit([good], [None]) == []
    batch.step()

    def no_room(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("CUDA out of memory (injected)")

    target = batch.decoder
    monkeypatch.setattr(target, "_reserve" if name == "slots" else "join", no_room)
    late = GenerationRequest(prompt_ids=_ids("one more"), max_new_tokens=5, steering=good.steering)
    (failed,) = batch.admit([late], [None])
    assert failed.request is late and "out of memory" in str(failed.error)
    tokens: list[int] = []
    while len(batch):
        for group in batch.step():
            tokens = group.tokens
    assert tokens == _alone(good, engine)
