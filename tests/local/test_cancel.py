"""Abandoned requests leave the worker's batch (the server frees a gone client's row)."""

import asyncio
import threading
import time
from concurrent.futures import CancelledError

import pytest

from tautrait.local.chat import encode_prompt, render_prompt
from tautrait.local.generation import GenerationRequest, GenerationWorker
from tests.tiny import tiny_model

LONG = 3000


def _request(max_new_tokens: int, **kw: object) -> GenerationRequest:
    # Greedy decoding of this model and prompt loops without ending its turn.
    lm = tiny_model(2, 32, 4)
    messages = [{"role": "user", "content": "Tell me a long story."}]
    ids = encode_prompt(lm.tokenizer, render_prompt(lm.tokenizer, messages))
    return GenerationRequest(prompt_ids=ids, max_new_tokens=max_new_tokens, **kw)  # type: ignore[arg-type]


def _wait_for(condition: object, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_cancelling_the_awaiting_task_frees_the_row() -> None:
    worker = GenerationWorker(tiny_model(2, 32, 4), max_batch_size=1)

    async def scenario() -> int:
        long = asyncio.ensure_future(worker.generate(_request(LONG)))
        while worker.stats.decode_steps < 5:
            await asyncio.sleep(0.01)
        long.cancel()
        with pytest.raises(asyncio.CancelledError):
            await long
        # The only batch slot is free again at once.
        result = await asyncio.wait_for(worker.generate(_request(3)), timeout=30)
        return result.completion_tokens

    try:
        assert asyncio.run(scenario()) == 3
        steps = worker.stats.decode_steps
        assert steps < LONG / 2
        time.sleep(0.2)
        assert worker.stats.decode_steps == steps
        assert worker.stats.requests == 2
    finally:
        worker.close()


def test_a_set_cancel_event_fails_the_future_and_skips_queued_requests() -> None:
    worker = GenerationWorker(tiny_model(2, 32, 4), max_batch_size=1)
    try:
        running = threading.Event()
        first = worker.submit(_request(LONG, cancel=running))
        _wait_for(lambda: worker.stats.decode_steps >= 3)
        queued_flag = threading.Event()
        queued = worker.submit(_request(LONG, cancel=queued_flag))
        queued_flag.set()  # given up while waiting: never prefilled
        running.set()
        with pytest.raises(CancelledError):
            first.result(timeout=30)
        with pytest.raises(CancelledError):
            queued.result(timeout=30)
        assert worker.submit(_request(2)).result(timeout=30).completion_tokens == 2
        assert worker.stats.requests == 2
    finally:
        worker.close()
