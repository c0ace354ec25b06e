"""Step runners: the CUDA-graph runner's fallback, and what replaying means (emulated)."""

import copy
import dataclasses
from typing import Any

import pytest
import torch

from tautrait.local import slots
from tautrait.local.engine import Engine
from tautrait.local.generation import GenerationRequest, generate_batch
from tautrait.local.graphs import (
    CudaGraphRunner,
    EagerRunner,
    ReplayEmulator,
    StepMode,
    make_runner,
)
from tests.tiny import tiny_model


def test_graph_runner_falls_back_to_eager_when_capture_fails() -> None:
    x = torch.arange(4.0)

    def step() -> torch.Tensor:
        # A device-to-host read cannot be captured (and without CUDA nothing can).
        return torch.tensor([float(x.sum().item())])

    runner = CudaGraphRunner()
    assert float(runner.run("k", step)[0]) == 6.0
    assert runner.failure is not None and runner.captures == 0
    x += 1
    assert float(runner.run("k", step)[0]) == 10.0  # eager from now on


def test_a_replayed_step_sees_only_in_place_updates() -> None:
    """What a captured step can and cannot see, which the slot decoder relies on."""
    buffer = torch.zeros(3)
    state = {"tensor": torch.zeros(3)}

    def reads_buffer() -> torch.Tensor:
        return buffer * 2

    emulator, eager = ReplayEmulator(), EagerRunner()
    out = emulator.run("a", reads_buffer)
    buffer.copy_(torch.tensor([1.0, 2.0, 3.0]))  # in place: the replay sees it
    again = emulator.run("a", reads_buffer)
    assert again is out and torch.equal(out, torch.tensor([2.0, 4.0, 6.0]))
    assert torch.equal(eager.run("a", reads_buffer), out)
    assert emulator.captures == 1 and emulator.replays == 2

    # A step keyed as "b" but handed a different closure still replays the first one's
    # output buffer: callers must keep one closure per key.
    def reads_state() -> torch.Tensor:
        return state["tensor"] + 1

    first = emulator.run("b", reads_state)
    state["tensor"] = torch.ones(3)  # a new tensor, not an in-place update
    assert torch.equal(emulator.run("b", reads_state), torch.full((3,), 2.0))
    assert emulator.run("b", reads_state) is first


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_graphs_decode_the_eager_slot_paths_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a GPU: captured and replayed steps give the eager slot path's tokens, for
    steered and unsteered rows and both samplers."""
    lm = tiny_model()
    model = copy.deepcopy(lm.model).to("cuda")
    cuda_lm = dataclasses.replace(lm, model=model, device=torch.device("cuda"))
    ids = [
        list(lm.tokenizer(t, add_special_tokens=False)["input_ids"])
        for t in ("hello", "a longer one")
    ]
    torch.manual_seed(0)
    vec = torch.randn(lm.hidden_size) * 4
    requests = [
        GenerationRequest(prompt_ids=ids[0], max_new_tokens=12, temperature=1.0, seed=1),
        GenerationRequest(prompt_ids=ids[1], max_new_tokens=7, steering={1: vec}),
    ]
    runners: list[Any] = []

    def recorded(mode: StepMode, device: torch.device) -> Any:
        runners.append(make_runner(mode, device))
        return runners[-1]

    monkeypatch.setattr(slots, "make_runner", recorded)
    for sampler in ("exact", "device"):
        eager = Engine(kv="slots", step="eager", sampler=sampler)  # type: ignore[arg-type]
        graphs = Engine(kv="slots", step="cuda-graphs", sampler=sampler)  # type: ignore[arg-type]
        a = generate_batch(cuda_lm, requests, engine=eager)
        b = generate_batch(cuda_lm, requests, engine=graphs)
        assert [r.token_ids for r in a] == [r.token_ids for r in b]
        assert runners[-1].failure is None and runners[-1].captures >= 2
