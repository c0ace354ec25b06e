"""The prefix cache as a radix tree: a shared prefix is stored once, a conversation's
next turn adds only its own tokens, eviction takes least recently used tails first, and
reusing segments gives the same tokens as prefilling everything."""

import torch

from tautrait.local.generation import GenerationRequest, generate_batch
from tautrait.local.prefix_cache import PrefixCache, common_prefix_length
from tests.tiny import tiny_model

PER_TOKEN = 2 * 2 * (2 * 4) * 4  # two blocks, keys + values of 2 heads x 4 dims, fp32


def _kv(tokens: int, fill: float = 0.0) -> list[tuple[torch.Tensor, torch.Tensor]]:
    return [(torch.full((2, tokens, 4), fill), torch.full((2, tokens, 4), fill)) for _ in range(2)]


def test_a_shared_prefix_is_held_once_and_splits_keep_their_values() -> None:
    cache = PrefixCache(max_bytes=PER_TOKEN * 1000, min_tokens=4)
    policy = list(range(100, 160))  # 60 tokens every conversation starts with
    one, two = [*policy, 1, 1, 1, 0], [*policy, 2, 2, 2, 2, 0]
    # Values equal to the position, so where each segment came from is visible.
    first = [(torch.arange(63.0).expand(2, 4, 63).transpose(1, 2),) * 2 for _ in range(2)]
    cache.store("k", one, [(k.contiguous(), v.contiguous()) for k, v in first])
    held = cache.stored_length("k", two)
    assert held == 60
    cache.store("k", two, _kv(len(two) - 1 - held, fill=-1.0), start=held)
    assert cache.tokens == 60 + 3 + 4 and cache.segments == 3
    assert cache.nbytes == PER_TOKEN * 67
    segments, length = cache.lookup("k", [*two, 9])
    assert length == 64 and segments is not None
    assert [s[0][0].shape[1] for s in segments] == [60, 4]
    assert torch.equal(segments[0][0][0][0, :, 0], torch.arange(60.0))  # the policy's values
    assert bool((segments[1][0][0] == -1).all())
    segments, length = cache.lookup("k", [*one, 9])
    assert length == 63 and segments is not None
    assert torch.equal(segments[1][1][1][0, :, 0], torch.arange(60.0, 63.0))


def test_eviction_drops_least_recently_used_tails_and_keeps_the_shared_prefix() -> None:
    cache = PrefixCache(max_bytes=PER_TOKEN * 90, min_tokens=4)
    policy = list(range(100, 160))
    a, b, c = ([*policy, t] * 1 + [t] * 19 for t in (1, 2, 3))  # 60 shared + 20 own each
    cache.store("k", a, _kv(79))
    cache.store("k", b, _kv(19), start=60)
    assert cache.nbytes == PER_TOKEN * 79
    # b's tail was the newest: a's went to make room, the policy stays.
    assert cache.lookup("k", [*a, 0])[1] == 60
    assert cache.lookup("k", [*b, 0])[1] == 79
    cache.store("k", c, _kv(19), start=60)
    assert cache.lookup("k", [*c, 0])[1] == 79
    assert cache.lookup("k", [*b, 0])[1] == 60
    assert cache.evicted_tokens == 38
    assert cache.nbytes <= PER_TOKEN * 90


def test_other_keys_never_share() -> None:
    cache = PrefixCache(min_tokens=4)
    prompt = list(range(50))
    cache.store("steered", prompt, _kv(49))
    assert cache.lookup("none", prompt) == (None, 0)
    assert cache.stored_length("none", prompt) == 0


def test_conversations_sharing_a_prefix_decode_as_without_the_cache() -> None:
    lm = tiny_model()
    ids = lambda text: list(lm.tokenizer(text, add_special_tokens=False)["input_ids"])  # noqa: E731
    policy = ids("the policy every agent conversation starts with, word for word, at length ")
    turns = [
        policy + ids("customer one asks about an order"),
        policy + ids("customer two wants a refund now"),
        policy + ids("customer one asks about an order") + ids(" and then a second question"),
    ]
    cache = PrefixCache(min_tokens=4)
    cached = []
    for prompt in turns:
        request = GenerationRequest(prompt_ids=prompt, max_new_tokens=10)
        cached.append(generate_batch(lm, [request], prefix_cache=cache)[0].token_ids)
    plain = [
        generate_batch(lm, [GenerationRequest(prompt_ids=p, max_new_tokens=10)])[0].token_ids
        for p in turns
    ]
    assert cached == plain
    assert cache.hits == 2
    # What the conversations share once, then each one's own tokens (the third extends
    # the first).
    shared = common_prefix_length(turns[0], turns[1])
    assert shared >= len(policy)
    assert cache.tokens == len(turns[2]) - 1 + len(turns[1]) - 1 - shared


def test_each_segment_is_one_allocation() -> None:
    cache = PrefixCache(max_bytes=PER_TOKEN * 1000, min_tokens=4)
    policy = list(range(100, 160))
    cache.store("k", [*policy, 1, 1, 0], _kv(62, fill=1.0))
    cache.store("k", [*policy, 2, 0], _kv(1, fill=2.0), start=60)  # splits the first
    nodes = cache._nodes()
    assert sorted(len(node.tokens) for node in nodes) == [1, 2, 60]
    for node in nodes:
        storages = {t.untyped_storage().data_ptr() for kv in node.kv for t in kv}
        assert len(storages) == 1
        assert node.kv[0][0].untyped_storage().nbytes() == node.nbytes
