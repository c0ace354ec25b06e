"""The slot KV cache decodes the same tokens as the eager growing cache on a CPU."""

import time

import pytest
import torch

from tautrait.local import slots
from tautrait.local.batch import Batch
from tautrait.local.engine import Engine
from tautrait.local.generation import (
    GenerationRequest,
    GenerationStats,
    GenerationWorker,
    generate_batch,
)
from tautrait.local.graphs import ReplayEmulator
from tautrait.local.slots import SlotDecoder, length_bucket, row_bucket
from tests.tiny import tiny_model

EAGER = Engine(kv="growing", step="eager", sampler="exact")
SLOTS = Engine(kv="slots", step="eager", sampler="exact")

PROMPTS = [
    "the customer says hello",
    "a",
    "another much longer prompt for the batch",
    "xyz",
    "my order never arrived and I want my money back",
]
LENGTHS = (16, 4, 11, 7, 13)


def _ids(text: str) -> list[int]:
    return list(tiny_model().tokenizer(text, add_special_tokens=False)["input_ids"])


def _requests(sampled: bool, steered: bool) -> list[GenerationRequest]:
    lm = tiny_model()
    torch.manual_seed(3)
    vectors = [
        {1: torch.randn(lm.hidden_size) * 4},
        {},
        {2: torch.randn(lm.hidden_size) * 4, 1: torch.randn(lm.hidden_size) * 2},
        {},
        {1: torch.randn(lm.hidden_size) * 3},
    ]
    return [
        GenerationRequest(
            prompt_ids=_ids(prompt),
            max_new_tokens=n,
            temperature=1.0 if sampled else 0.0,
            top_p=0.9 if sampled else 1.0,
            seed=10 + i,
            steering=vectors[i] if steered else {},
        )
        for i, (prompt, n) in enumerate(zip(PROMPTS, LENGTHS, strict=True))
    ]


@pytest.mark.parametrize("position", ["all", "generated"])
@pytest.mark.parametrize("sampled", [False, True], ids=["greedy", "sampled"])
def test_slots_decode_the_eager_paths_tokens(position: str, sampled: bool) -> None:
    """Steered and unsteered rows in one batch, leaving it at different steps."""
    lm = tiny_model()
    requests = _requests(sampled, steered=True)
    eager = generate_batch(lm, requests, position, engine=EAGER)  # type: ignore[arg-type]
    slot = generate_batch(lm, requests, position, engine=SLOTS)  # type: ignore[arg-type]
    assert [r.token_ids for r in slot] == [r.token_ids for r in eager]
    assert len({len(r.token_ids) for r in eager}) >= 3
    # The steering did something (else equality would prove little).
    plain = generate_batch(lm, _requests(sampled, steered=False), position, engine=SLOTS)  # type: ignore[arg-type]
    assert plain[0].token_ids != slot[0].token_ids
    assert plain[1].token_ids == slot[1].token_ids  # an unsteered row is unaffected


def _run_worker(
    engine: Engine, requests: list[GenerationRequest]
) -> tuple[list[list[int]], GenerationStats]:
    # The first half arrives together (gathered into one batch); the rest joins once
    # that batch decodes, whatever the machine's speed.
    worker = GenerationWorker(tiny_model(), prefix_cache_mb=64, gather_ms=200, engine=engine)
    try:
        half = len(requests) // 2
        futures = [worker.submit(request) for request in requests[:half]]
        deadline = time.monotonic() + 60
        while worker.stats.decode_steps == 0 and time.monotonic() < deadline:
            time.sleep(0.001)
        futures += [worker.submit(request) for request in requests[half:]]
        tokens = [f.result(timeout=120).token_ids for f in futures]
    finally:
        worker.close()
    return tokens, worker.stats


@pytest.mark.parametrize("sampled", [False, True], ids=["greedy", "sampled"])
def test_rows_joining_and_leaving_a_slot_batch_match_eager_decoding(sampled: bool) -> None:
    requests = _requests(sampled, steered=True)
    # A second conversation turn reusing a cached prefix, under steering and without.
    base = requests[4].prompt_ids
    requests += [
        GenerationRequest(prompt_ids=base + _ids(" and now?"), max_new_tokens=12, seed=5),
        GenerationRequest(
            prompt_ids=base + _ids(" again"), max_new_tokens=7, steering=requests[4].steering
        ),
    ]
    alone = [generate_batch(tiny_model(), [r], engine=EAGER)[0].token_ids for r in requests]
    tokens, stats = _run_worker(SLOTS, requests)
    assert tokens == alone
    assert stats.mean_batch() > 1.5  # rows overlapped
    assert stats.reused_prompt_tokens > 0


def test_replayed_steps_read_only_their_buffers(monkeypatch: pytest.MonkeyPatch) -> None:
    """With steps replayed as a CUDA graph would be (emulated on CPU), tokens are the
    eager path's: every input goes through the persistent buffers."""
    emulators: list[ReplayEmulator] = []

    def emulated(mode: str, device: torch.device) -> ReplayEmulator:
        emulators.append(ReplayEmulator())
        return emulators[-1]

    monkeypatch.setattr(slots, "make_runner", emulated)
    graphs = Engine(kv="slots", step="cuda-graphs", sampler="exact")
    requests = _requests(sampled=True, steered=True)
    alone = [generate_batch(tiny_model(), [r], engine=EAGER)[0].token_ids for r in requests]
    tokens, _ = _run_worker(graphs, requests)
    assert tokens == alone
    (emulator,) = emulators
    # Several buckets (batch sizes, steered block sets), each recorded once, replayed
    # many times (how many buckets depends on how the arrivals overlapped).
    assert emulator.captures >= 2
    assert emulator.replays > emulator.captures


def test_buffers_grow_for_a_long_row_mid_batch() -> None:
    lm = tiny_model()
    batch = Batch(lm, "all", None, GenerationStats(), SLOTS, rows_hint=1)
    decoder = batch.decoder
    assert isinstance(decoder, SlotDecoder)
    decoder.granule = 8
    short = GenerationRequest(prompt_ids=_ids("short"), max_new_tokens=20, temperature=1.0, seed=1)
    long = GenerationRequest(prompt_ids=_ids("a much longer prompt " * 6), max_new_tokens=10)
    batch.admit([short], [None])
    for _ in range(4):
        batch.step()
    first = (decoder.slots, decoder.capacity)
    batch.admit([long], [None])
    assert decoder.slots > first[0] and decoder.capacity > first[1]
    results = {}
    while len(batch):
        for group in batch.step():
            results[id(group.request)] = group.tokens
    expected = generate_batch(lm, [short, long], engine=EAGER)
    assert results[id(short)] == expected[0].token_ids
    assert results[id(long)] == expected[1].token_ids


def test_a_leaving_row_is_replaced_by_the_last_one() -> None:
    lm = tiny_model()
    batch = Batch(lm, "all", None, GenerationStats(), SLOTS)
    decoder = batch.decoder
    assert isinstance(decoder, SlotDecoder)
    vec = torch.ones(lm.hidden_size)
    requests = [
        GenerationRequest(prompt_ids=_ids(p), max_new_tokens=n, steering={1: vec * (i + 1)})
        for i, (p, n) in enumerate(zip(PROMPTS[:4], (3, 9, 2, 9), strict=True))
    ]
    batch.admit(requests, [None] * 4)
    for _ in range(3):
        batch.step()
    # Rows 0 and 2 left; the last row moved into slot 0, row 1 stayed in slot 1.
    assert [row.group.request for row in batch.rows] == [requests[3], requests[1]]
    buffer = decoder.steering.buffers[1]
    assert torch.equal(buffer[0], vec * 4) and torch.equal(buffer[1], vec * 2)
    assert not bool(buffer[2:].any())
    assert decoder.lengths == [len(requests[3].prompt_ids) + 3, len(requests[1].prompt_ids) + 3]


def test_buckets() -> None:
    assert [row_bucket(n) for n in (1, 2, 3, 5, 8, 9, 17, 64)] == [1, 2, 4, 8, 8, 16, 24, 64]
    assert [length_bucket(n) for n in (1, 256, 257, 1025, 2049, 5000)] == [
        256,
        256,
        512,
        1280,
        2560,
        5120,
    ]
    assert length_bucket(9, granule=8) == 16


@pytest.mark.slow
def test_a_compiled_step_decodes_the_same_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    """torch.compile traces the slot step, hooks and cache included (the eager backend:
    the tracing is what differs from eager decoding; inductor's code generation takes
    minutes on two cores)."""
    from tautrait.local import graphs

    monkeypatch.setattr(
        slots, "make_runner", lambda mode, device: graphs.CompiledRunner(backend="eager")
    )
    requests = _requests(sampled=True, steered=True)[:2]
    requests = [GenerationRequest(**{**r.__dict__, "max_new_tokens": 12}) for r in requests]
    compiled = Engine(kv="slots", step="compile", sampler="exact")
    got = generate_batch(tiny_model(), requests, engine=compiled)
    expected = generate_batch(tiny_model(), requests, engine=EAGER)
    assert [r.token_ids for r in got] == [r.token_ids for r in expected]


def test_requests_admitted_together_are_prefilled_in_chunks() -> None:
    lm = tiny_model()
    requests = _requests(sampled=True, steered=True)
    batch = Batch(lm, "all", None, GenerationStats(), SLOTS)
    batch.prefill_tokens = 30  # a few prompts per forward call
    calls = []
    real = batch._prefill

    def counted(groups: list) -> object:  # type: ignore[type-arg]
        calls.append(len(groups))
        return real(groups)

    batch._prefill = counted  # type: ignore[method-assign]
    assert batch.admit(requests, [None] * len(requests)) == []
    assert len(calls) >= 3 and sum(calls) == len(requests)
    assert [row.group.request for row in batch.rows] == requests  # order kept
    tokens = {}
    while len(batch):
        for group in batch.step():
            tokens[id(group.request)] = group.tokens
    expected = generate_batch(lm, requests, engine=EAGER)
    assert [tokens[id(r)] for r in requests] == [r.token_ids for r in expected]
    assert batch.stats.requests == len(requests)
