"""A client killed mid-request frees its batch row: the batch does not stall on it."""

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tautrait.local.generation import GenerationWorker
from tautrait.serve.app import create_app
from tautrait.serve.service import SteeringService
from tautrait.serve.settings import ServeConfig
from tautrait.steering.basis import TraitBasis
from tests.serving import ServerThread
from tests.tiny import tiny_model

MESSAGES = [{"role": "user", "content": "Tell me a long story."}]
LONG = 1800
STEP_S = 0.004
"""Added to every forward pass, so the long request would take LONG * STEP_S seconds."""


@pytest.fixture
def slow_server(tiny_basis: TraitBasis) -> Iterator[tuple[ServerThread, SteeringService]]:
    # Greedy decoding of this model and prompt falls into a loop without ever ending its
    # turn (and if it did end, the test's count of abandoned requests would say so).
    lm = tiny_model(2, 32, 4)
    hook = lm.model.register_forward_pre_hook(lambda module, args: time.sleep(STEP_S))
    # One row at a time: a request can only start once the one before has left the batch.
    worker = GenerationWorker(lm, max_batch_size=1)
    basis = TraitBasis(vectors={}, meta=tiny_basis.meta.model_copy(update={"traits": {}}))
    service = SteeringService(lm, basis, worker, name="tiny", max_tokens=LONG)
    try:
        with ServerThread(create_app(service, ServeConfig(max_tokens=LONG))) as server:
            yield server, service
    finally:
        service.close()
        hook.remove()


def test_a_killed_client_frees_its_row(slow_server: tuple[ServerThread, SteeringService]) -> None:
    server, service = slow_server
    body = {"messages": MESSAGES, "max_tokens": LONG, "temperature": 0}
    client = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import httpx, sys; httpx.post(sys.argv[1], content=sys.argv[2], "
            "headers={'Content-Type': 'application/json'}, timeout=120)",
            server.url + "/steer_bare",
            json.dumps(body),
        ]
    )
    try:
        deadline = time.monotonic() + 60
        while service.worker.stats.decode_steps < 20:
            assert time.monotonic() < deadline, "the long request never started decoding"
            assert client.poll() is None, "the client ended before it was killed"
            time.sleep(0.02)
        assert service.in_flight == 1
    finally:
        client.kill()
        client.wait()
    killed_at = time.monotonic()
    short: dict[str, Any] = {"messages": MESSAGES, "max_tokens": 5, "temperature": 0}
    answer = httpx.post(server.url + "/steer_bare", json=short, timeout=60)
    waited = time.monotonic() - killed_at
    assert answer.status_code == 200 and answer.json()["completion_tokens"] == 5
    # The long row would have held the only batch slot for LONG * STEP_S = 7.2 s more.
    assert waited < 3.0, f"the next request waited {waited:.1f} s"
    steps = service.worker.stats.decode_steps
    assert steps < LONG / 2
    time.sleep(0.3)
    assert service.worker.stats.decode_steps == steps, "a row is still decoding"
    health = httpx.get(server.url + "/health").json()
    assert (health["abandoned"], health["requests"], health["queue_depth"]) == (1, 1, 0)
