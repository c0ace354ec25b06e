"""What bounds a local model's memory: last-position logits only, a KV budget per batch."""

from typing import Any

import pytest
import torch

from tautrait.local.batch import Batch
from tautrait.local.engine import Engine
from tautrait.local.generation import (
    GenerationRequest,
    GenerationStats,
    GenerationWorker,
    generate_batch,
)
from tautrait.local.kv_cache import kv_bytes_per_token
from tests.tiny import tiny_model

ENGINES = {
    "eager": Engine(kv="growing", step="eager", sampler="exact"),
    "slots": Engine(kv="slots", step="eager", sampler="exact"),
}


def _request(text: str, seed: int, new: int = 10) -> GenerationRequest:
    ids = list(tiny_model().tokenizer(text, add_special_tokens=False)["input_ids"])
    return GenerationRequest(prompt_ids=ids, max_new_tokens=new, temperature=0.9, seed=seed)


@pytest.mark.parametrize("name", list(ENGINES))
def test_a_long_prompt_batch_never_builds_logits_for_every_prompt_token(name: str) -> None:
    lm = tiny_model()
    head = lm.model.get_output_embeddings()
    largest: list[int] = []

    def watch(module: Any, args: Any, output: torch.Tensor) -> None:
        largest.append(output.numel() * output.element_size())

    requests = [_request("a long policy text, " * 40 + str(i), seed=i) for i in range(3)]
    handle = head.register_forward_hook(watch)
    try:
        batch = Batch(lm, "all", None, GenerationStats(), ENGINES[name])
        assert batch.admit(requests, [None] * 3) == []
    finally:
        handle.remove()
    vocab = head.out_features
    # One row of logits per prompt, not one per prompt token (3 x ~820 here).
    assert largest and max(largest) <= 3 * vocab * 4
    assert batch.logits is not None and tuple(batch.logits.shape) == (3, vocab)


def test_kv_bytes_per_token_counts_every_block_keys_and_values() -> None:
    lm = tiny_model()
    config = lm.model.config
    head_dim = config.hidden_size // config.num_attention_heads
    expected = config.num_hidden_layers * 2 * config.num_key_value_heads * head_dim * 4
    assert kv_bytes_per_token(lm.model, torch.float32) == expected
    assert kv_bytes_per_token(lm.model, torch.bfloat16) == expected // 2


def test_the_kv_budget_makes_requests_wait_and_changes_no_token() -> None:
    lm = tiny_model()
    requests = [_request(f"customer number {i} asks about an order", seed=i) for i in range(4)]
    alone = [generate_batch(lm, [r])[0].token_ids for r in requests]
    per_request = max(len(r.prompt_ids) + r.max_new_tokens for r in requests)
    per_request *= kv_bytes_per_token(lm.model, lm.dtype)
    worker = GenerationWorker(lm, prefix_cache_mb=0, gather_ms=200, kv_cache_mb=1)
    # Finer than a MiB, for the tiny model: room for one request at a time.
    worker.kv_budget = per_request
    try:
        futures = [worker.submit(r) for r in requests]
        got = [f.result(timeout=120).token_ids for f in futures]
    finally:
        worker.close()
    assert got == alone
    assert worker.stats.kv_waits > 0
    assert worker.stats.row_steps == worker.stats.decode_steps  # never two rows at once


def test_an_unbounded_worker_batches_the_same_requests_together() -> None:
    lm = tiny_model()
    requests = [_request(f"customer number {i} asks about an order", seed=i) for i in range(4)]
    worker = GenerationWorker(lm, prefix_cache_mb=0, gather_ms=200)
    try:
        for future in [worker.submit(r) for r in requests]:
            future.result(timeout=120)
    finally:
        worker.close()
    assert worker.stats.kv_waits == 0
    assert worker.stats.row_steps > worker.stats.decode_steps


def test_joining_caches_frees_each_block_as_it_is_copied(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rebuilding the batch's cache (a join, a trim) must not hold two whole caches: the
    source blocks are released as their copy is made, and the copy is exact."""
    import weakref

    from tautrait.local import kv_cache
    from tautrait.local.kv_cache import new_cache, release_layers, stacked_cache

    def cache(rows: int, length: int, seed: int) -> Any:
        g = torch.Generator().manual_seed(seed)
        blocks = [
            (
                torch.randn(rows, 2, length, 4, generator=g),
                torch.randn(rows, 2, length, 4, generator=g),
            )
            for _ in range(3)
        ]
        return new_cache(blocks), [(k.clone(), v.clone()) for k, v in blocks]

    mine, mine_copy = cache(2, 5, 0)
    theirs, theirs_copy = cache(1, 7, 1)
    sources = [layer.keys for layer in [*mine.layers, *theirs.layers]]
    alive = [weakref.ref(t) for t in sources]
    # During the copy of block 1, block 0's sources must already be gone.
    parts = [release_layers(list(mine.layers)), release_layers(list(theirs.layers))]
    del sources, mine, theirs
    seen: list[bool] = []
    real_filled = kv_cache._filled_layer

    def watching(kbuf: torch.Tensor, vbuf: torch.Tensor, width: int) -> Any:
        seen.append(alive[0]() is None)  # block 0 of the first cache
        return real_filled(kbuf, vbuf, width)

    monkeypatch.setattr(kv_cache, "_filled_layer", watching)
    joined = stacked_cache(parts, 7, consume=True)
    assert seen == [False, True, True]
    assert all(ref() is None for ref in alive)
    assert all(part == [None, None, None] for part in parts)
    for index, layer in enumerate(joined.layers):
        keys = layer.keys
        assert keys.shape == (3, 2, 7, 4)
        assert torch.equal(keys[:2, :, 2:], mine_copy[index][0])
        assert torch.equal(keys[:2, :, :2], torch.zeros(2, 2, 2, 4))
        assert torch.equal(keys[2:], theirs_copy[index][0])
