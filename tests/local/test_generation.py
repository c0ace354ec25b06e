import time

import pytest
import torch

from tautrait.local.generation import (
    Expert,
    GenerationRequest,
    GenerationWorker,
    generate_batch,
)
from tautrait.local.prefix_cache import PrefixCache, defer_shared_prefixes
from tests.tiny import tiny_model


def _ids(text: str) -> list[int]:
    lm = tiny_model()
    return list(lm.tokenizer(text, add_special_tokens=False)["input_ids"])


PROMPTS = ["the customer says hello", "a", "another much longer prompt for the batch", "xyz"]


def _alone(prompt: str, **kw: object) -> list[int]:
    return generate_batch(
        tiny_model(), [GenerationRequest(prompt_ids=_ids(prompt), max_new_tokens=12, **kw)]
    )[0].token_ids


def test_batch_equals_alone_greedy() -> None:
    lm = tiny_model()
    batch = generate_batch(
        lm, [GenerationRequest(prompt_ids=_ids(p), max_new_tokens=12) for p in PROMPTS]
    )
    assert [r.token_ids for r in batch] == [_alone(p) for p in PROMPTS]
    assert all(r.completion_tokens == len(r.token_ids) for r in batch)


def test_sampling_depends_on_row_seed_not_batch() -> None:
    lm = tiny_model()
    kw = {"temperature": 1.0, "top_p": 0.9}
    alone = _alone(PROMPTS[0], seed=7, **kw)
    mixed = generate_batch(
        lm,
        [
            GenerationRequest(prompt_ids=_ids(PROMPTS[1]), max_new_tokens=12, seed=1, **kw),
            GenerationRequest(prompt_ids=_ids(PROMPTS[0]), max_new_tokens=12, seed=7, **kw),
        ],
    )
    assert mixed[1].token_ids == alone
    assert _alone(PROMPTS[0], seed=8, **kw) != alone


def test_zero_steering_row_matches_unsteered_in_a_steered_batch() -> None:
    lm = tiny_model()
    vec = {1: torch.randn(lm.hidden_size) * 5}
    out = generate_batch(
        lm,
        [
            GenerationRequest(prompt_ids=_ids(PROMPTS[0]), max_new_tokens=12, steering=vec),
            GenerationRequest(prompt_ids=_ids(PROMPTS[0]), max_new_tokens=12),
        ],
    )
    assert out[1].token_ids == _alone(PROMPTS[0])
    assert out[0].token_ids != out[1].token_ids


def test_prefix_cache_gives_the_same_tokens_and_respects_steering() -> None:
    lm = tiny_model()
    cache = PrefixCache(min_tokens=4)
    base = _ids("a long shared system prompt that repeats ")
    generate_batch(
        lm, [GenerationRequest(prompt_ids=base + _ids("one"), max_new_tokens=8)], prefix_cache=cache
    )
    follow = GenerationRequest(prompt_ids=base + _ids("two more"), max_new_tokens=8)
    hit = generate_batch(lm, [follow], prefix_cache=cache)[0]
    assert cache.hits == 1 and cache.reused_tokens == len(base)
    assert hit.token_ids == generate_batch(lm, [follow])[0].token_ids
    # A steered request never reuses the unsteered prefix.
    steered = GenerationRequest(
        prompt_ids=follow.prompt_ids, max_new_tokens=8, steering={1: torch.ones(lm.hidden_size)}
    )
    hits = cache.hits
    generate_batch(lm, [steered], prefix_cache=cache)
    assert cache.hits == hits


def test_prefix_cache_budget_is_bytes_with_lru_eviction() -> None:
    def kv(tokens: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
        # Two blocks, 2 heads x tokens x 4 dims, fp32: 2 * 2 * (2 * tokens * 4) * 4 bytes.
        return [(torch.zeros(2, tokens, 4), torch.zeros(2, tokens, 4)) for _ in range(2)]

    per_token = 2 * 2 * (2 * 4) * 4
    cache = PrefixCache(max_bytes=per_token * 100, min_tokens=4)
    first, second, third = ([i] * 41 for i in (1, 2, 3))
    cache.store("k", first, kv(40))
    cache.store("k", second, kv(40))
    assert cache.nbytes == per_token * 80
    assert cache.lookup("k", [*second, 9])[1] == 40
    assert cache.lookup("k", [*first, 9])[1] == 40  # first is now the most recent
    cache.store("k", third, kv(40))  # over budget: the least recently used goes
    assert cache.nbytes == per_token * 80
    assert cache.lookup("k", [*second, 9]) == (None, 0)
    assert cache.lookup("k", [*first, 9])[1] == 40
    assert cache.lookup("k", [*third, 9])[1] == 40
    cache.store("k", first + [5] * 10, kv(50))  # extends first: only its 10 new tokens
    assert cache.tokens == 90 and cache.segments == 3
    assert cache.lookup("k", [*first, 5, 5, 9])[1] == 43
    cache.store("k", [4] * 200, kv(199))  # larger than the whole budget: not kept
    assert cache.lookup("k", [4] * 201) == (None, 0)
    off = PrefixCache(max_bytes=0, min_tokens=4)
    off.store("k", first, kv(40))
    assert off.lookup("k", [*first, 9]) == (None, 0)


def test_stop_strings_and_length() -> None:
    lm = tiny_model()
    free = generate_batch(lm, [GenerationRequest(prompt_ids=_ids("q"), max_new_tokens=10)])[0]
    assert free.finish_reason in ("length", "stop")
    if free.finish_reason == "length" and len(free.text) > 2:
        stop = free.text[1:3]
        stopped = generate_batch(
            lm, [GenerationRequest(prompt_ids=_ids("q"), max_new_tokens=10, stop_strings=(stop,))]
        )[0]
        assert stopped.finish_reason == "stop" and stopped.text.endswith(stop)


def test_worker_admits_requests_mid_batch_with_identical_results() -> None:
    lm = tiny_model()
    worker = GenerationWorker(lm, prefix_cache_mb=0)
    try:
        futures = []
        for prompt in PROMPTS:
            futures.append(
                worker.submit(GenerationRequest(prompt_ids=_ids(prompt), max_new_tokens=12))
            )
            time.sleep(0.01)
        results = [f.result(timeout=60) for f in futures]
    finally:
        worker.close()
    assert [r.token_ids for r in results] == [_alone(p) for p in PROMPTS]
    assert worker.stats.requests == len(PROMPTS)


def test_requests_sharing_an_uncached_prefix_are_held_back_once() -> None:
    cache = PrefixCache(min_tokens=4)
    shared = list(range(100, 140))
    prompts = [[*shared, 1, 2], [*shared, 3, 4], [*shared, 5], [7, 8, 9, 10, 11, 12]]
    assert defer_shared_prefixes(["k", "k", "k", "k"], prompts, cache) == [
        False,
        True,
        True,
        False,
    ]
    # Other steering or adapter (another key), or a request that must go now (None).
    assert defer_shared_prefixes(["k", "j", None, "k"], prompts, cache) == [False] * 4
    # A short common prefix is not worth a round.
    assert defer_shared_prefixes(["k", "k"], [[1, 2, 3, 9], [1, 2, 3, 8]], cache) == [False] * 2
    # Once the prefix is cached nobody waits.
    cache.store("k", [*shared, 0], [(torch.zeros(1, 40, 2), torch.zeros(1, 40, 2))])
    assert defer_shared_prefixes(["k"] * 3, prompts[:3], cache) == [False] * 3
    off = PrefixCache(max_bytes=0)
    assert defer_shared_prefixes(["k"] * 3, prompts[:3], off) == [False] * 3


def test_worker_prefills_a_prefix_shared_by_simultaneous_requests_once() -> None:
    lm = tiny_model()
    shared = _ids("a long system prompt that every conversation starts with, word for word, ")
    prompts = [shared + _ids(tail) for tail in ("first", "the second", "third one", "4")]
    worker = GenerationWorker(lm, gather_ms=300)
    try:
        futures = [
            worker.submit(GenerationRequest(prompt_ids=p, max_new_tokens=8)) for p in prompts
        ]
        results = [f.result(timeout=60) for f in futures]
    finally:
        worker.close()
    alone = generate_batch(lm, [GenerationRequest(prompt_ids=p, max_new_tokens=8) for p in prompts])
    assert [r.token_ids for r in results] == [r.token_ids for r in alone]
    assert worker.stats.requests == 4
    assert worker.stats.reused_prompt_tokens >= 3 * (len(shared) - 1)


def test_worker_reports_failures_to_callers() -> None:
    lm = tiny_model()
    worker = GenerationWorker(lm)
    try:
        bad = worker.submit(
            GenerationRequest(
                prompt_ids=_ids("x"), max_new_tokens=4, steering={99: torch.ones(lm.hidden_size)}
            )
        )
        try:
            bad.result(timeout=60)
            raise AssertionError("expected a failure")
        except ValueError as exc:
            assert "out of range" in str(exc)
        ok = worker.submit(GenerationRequest(prompt_ids=_ids("x"), max_new_tokens=4))
        assert ok.result(timeout=60).completion_tokens >= 0
    finally:
        worker.close()


def test_mixed_steering_rows_join_and_leave_a_running_batch() -> None:
    lm = tiny_model()
    torch.manual_seed(3)
    plans = [
        ("plain first", {}),
        ("steered at block one", {1: torch.randn(lm.hidden_size) * 4}),
        ("plain again", {}),
        ("steered at block two", {2: torch.randn(lm.hidden_size) * 4}),
    ]
    expected = [
        generate_batch(lm, [GenerationRequest(prompt_ids=_ids(p), max_new_tokens=n, steering=s)])[
            0
        ].token_ids
        for (p, s), n in zip(plans, (40, 6, 24, 9), strict=True)
    ]
    worker = GenerationWorker(lm, prefix_cache_mb=0, gather_ms=0)
    try:
        futures = []
        for (prompt, steering), n in zip(plans, (40, 6, 24, 9), strict=True):
            futures.append(
                worker.submit(
                    GenerationRequest(prompt_ids=_ids(prompt), max_new_tokens=n, steering=steering)
                )
            )
            time.sleep(0.02)
        got = [f.result(timeout=60).token_ids for f in futures]
    finally:
        worker.close()
    assert got == expected
    assert worker.stats.requests == 4
    assert [len(t) for t in got] == [40, 6, 24, 9]  # no early stop: the rows overlapped
    assert worker.stats.mean_batch() > 1.5


def test_padding_left_by_a_finished_long_row_is_trimmed_exactly() -> None:
    lm = tiny_model()
    long_prompt = _ids("a very long conversation " * 12)
    short = GenerationRequest(prompt_ids=_ids("short one"), max_new_tokens=20)
    both = generate_batch(lm, [GenerationRequest(prompt_ids=long_prompt, max_new_tokens=2), short])
    assert len(long_prompt) - len(short.prompt_ids) >= 64
    assert both[1].token_ids == generate_batch(lm, [short])[0].token_ids


def test_mixture_with_one_hot_weights_reproduces_that_expert() -> None:
    lm = tiny_model()
    torch.manual_seed(5)
    expert_a = {1: torch.randn(lm.hidden_size) * 4}
    expert_b = {2: torch.randn(lm.hidden_size) * 4}
    prompt = _ids("mixture of experts")
    alone_a = generate_batch(
        lm, [GenerationRequest(prompt_ids=prompt, max_new_tokens=12, steering=expert_a)]
    )[0].token_ids
    alone_b = generate_batch(
        lm, [GenerationRequest(prompt_ids=prompt, max_new_tokens=12, steering=expert_b)]
    )[0].token_ids
    assert alone_a != alone_b
    mixed = generate_batch(
        lm,
        [
            GenerationRequest(
                prompt_ids=prompt,
                max_new_tokens=12,
                experts=[Expert(1.0, expert_a), Expert(0.0, expert_b)],
            ),
            GenerationRequest(
                prompt_ids=prompt,
                max_new_tokens=12,
                experts=[Expert(0.0, expert_a), Expert(1.0, expert_b), Expert(0.0)],
            ),
        ],
    )
    assert mixed[0].token_ids == alone_a and mixed[1].token_ids == alone_b


def test_mixture_decodes_experts_as_rows_of_one_batch() -> None:
    lm = tiny_model()
    stats_worker = GenerationWorker(lm, prefix_cache_mb=0)
    try:
        request = GenerationRequest(
            prompt_ids=_ids("blend"),
            max_new_tokens=10,
            temperature=0.8,
            seed=3,
            experts=[Expert(0.5), Expert(0.5, {1: torch.ones(lm.hidden_size) * 3})],
        )
        first = stats_worker.submit(request).result(timeout=60)
        again = stats_worker.submit(request).result(timeout=60)
    finally:
        stats_worker.close()
    assert first.token_ids == again.token_ids  # seeded: reproducible
    stats = stats_worker.stats
    assert stats.requests == 2
    # Two expert rows per request, one forward per token: row-steps = 2 x steps.
    assert stats.row_steps == 2 * stats.decode_steps
    assert stats.decode_steps <= first.completion_tokens + again.completion_tokens


def test_bad_mixture_weights_are_refused() -> None:
    lm = tiny_model()
    import pytest

    with pytest.raises(ValueError, match="non-negative"):
        generate_batch(
            lm, [GenerationRequest(prompt_ids=_ids("x"), experts=[Expert(0.0), Expert(0.0)])]
        )


def _reference_logits(
    lm, tokens: list[int], prompt_len: int, vec: torch.Tensor, block: int, position: str
) -> torch.Tensor:  # type: ignore[no-untyped-def]
    """Next-token logits of a whole sequence run without a KV cache, the vector added by
    hand where the position rule says."""
    first = prompt_len - 1 if position == "generated" else 0

    def hook(module, args, output):  # type: ignore[no-untyped-def]
        hidden = output[0] if isinstance(output, tuple) else output
        hidden = hidden.clone()
        hidden[:, first:] += vec
        return (hidden, *output[1:]) if isinstance(output, tuple) else hidden

    handle = lm.layers[block].register_forward_hook(hook)
    try:
        with torch.inference_mode():
            return lm.model(input_ids=torch.tensor([tokens])).logits[0, -1]
    finally:
        handle.remove()


@pytest.mark.parametrize("position", ["all", "generated"])
def test_steering_positions_are_right_with_the_kv_cache(position: str) -> None:
    from tautrait.local.batch import Batch as _Batch
    from tautrait.local.generation import GenerationStats

    lm = tiny_model()
    torch.manual_seed(11)
    vec = torch.randn(lm.hidden_size) * 2
    prompt = _ids("steer me through the cache")
    batch = _Batch(lm, position, None, GenerationStats())  # type: ignore[arg-type]
    batch.admit([GenerationRequest(prompt_ids=prompt, max_new_tokens=8, steering={1: vec})], [None])
    other = "generated" if position == "all" else "all"
    tokens = list(prompt)
    steps = 0
    while len(batch):
        assert batch.logits is not None
        expected = _reference_logits(lm, tokens, len(prompt), vec, 1, position)
        assert torch.allclose(batch.logits[0], expected, atol=1e-4)
        if steps > 0:  # after the prompt, the two rules must disagree
            wrong = _reference_logits(lm, tokens, len(prompt), vec, 1, other)
            assert not torch.allclose(batch.logits[0], wrong, atol=1e-3)
        group = batch.rows[0].group
        batch.step()
        if group.tokens and len(group.tokens) > len(tokens) - len(prompt):
            tokens.append(group.tokens[-1])
        steps += 1
    assert steps >= 2


# Tokens the default CPU path produced on the embedded model before the GPU engine
# existed (main at 038dfef): the CPU transcripts must never move. Greedy and sampled,
# unsteered and steered, both steering positions, rows finishing at different steps.
PINNED = {
    "all": [
        [57, 5248, 3012, 327, 634, 4833, 2821, 288, 724, 549, 351, 957],
        [57, 5248, 22657, 288, 3125, 346, 338, 339, 5248, 441, 1770, 288],
        [57, 5248, 588, 18948, 346, 2316, 5587, 288, 457, 549, 17],
        [57, 5248, 1535, 288, 724, 346, 17],
    ],
    "generated": [
        [57, 5248, 3012, 327, 634, 4833, 2821, 288, 724, 549, 351, 957],
        [57, 5248, 22657, 288, 3125, 346, 338, 339, 5248, 441, 1770, 288],
        [57, 5248, 22657, 288, 12709, 28, 564, 339, 416, 5508, 4237, 346],
        [57, 5248, 1535, 288, 724, 30, 1812, 506, 260, 1450, 970, 288],
    ],
}


@pytest.mark.slow
@pytest.mark.parametrize("position", ["all", "generated"])
def test_cpu_transcripts_are_pinned(position: str) -> None:
    from tautrait.local.chat import encode_prompt, render_prompt
    from tautrait.local.engine import EngineOptions
    from tautrait.local.models import load_local_model

    lm = load_local_model("embedded", device="cpu")

    def ids(text: str) -> list[int]:
        system = {"role": "system", "content": "You are a customer calling a store."}
        messages = [system, {"role": "user", "content": text}]
        return encode_prompt(lm.tokenizer, render_prompt(lm.tokenizer, messages))

    vec = torch.randn(lm.hidden_size, generator=torch.Generator().manual_seed(0))
    vec = vec / vec.norm() * 60.0
    sampled = {"temperature": 0.7, "top_p": 0.95, "seed": 3}
    requests = [
        GenerationRequest(ids("How can I help you today?"), max_new_tokens=12),
        GenerationRequest(ids("Can I have your order number?"), max_new_tokens=12, **sampled),  # type: ignore[arg-type]
        GenerationRequest(
            ids("Can I have your order number?"),
            max_new_tokens=12,
            steering={15: vec},
            **sampled,  # type: ignore[arg-type]
        ),
        GenerationRequest(ids("How can I help you today?"), max_new_tokens=12, steering={15: vec}),
    ]
    default = generate_batch(lm, requests, position)  # type: ignore[arg-type]
    assert [r.token_ids for r in default] == PINNED[position]
    slots = EngineOptions(kv="slots", step="eager")
    same = generate_batch(lm, requests, position, engine=slots)  # type: ignore[arg-type]
    assert [r.token_ids for r in same] == PINNED[position]


def test_a_worker_that_stops_fails_its_requests_instead_of_hanging(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(self: object) -> None:
        raise RuntimeError("no batch today")

    monkeypatch.setattr(GenerationWorker, "_new_batch", broken)
    worker = GenerationWorker(tiny_model())
    worker._thread.join(timeout=30)
    for _ in range(2):
        late = worker.submit(GenerationRequest(prompt_ids=_ids("x"), max_new_tokens=4))
        with pytest.raises(RuntimeError, match="worker stopped: no batch today"):
            late.result(timeout=5)
