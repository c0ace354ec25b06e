"""Rows reusing one cached prefix hold it once, and attend exactly as with copies of it."""

from types import SimpleNamespace

import pytest
import torch

from tautrait.local import shared_prefix
from tautrait.local.batch import Batch, cache_kwarg
from tautrait.local.generation import GenerationRequest, GenerationStats, generate_batch
from tautrait.local.models import LocalModel
from tautrait.local.prefix_cache import PrefixCache
from tautrait.local.shared_prefix import SharedPrefix, attention
from tests.tiny import tiny_model

HEADS, KV_HEADS, DIM = 4, 2, 8


def _segment(tokens: int, seed: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    gen = torch.Generator().manual_seed(seed)
    return [
        (
            torch.randn(KV_HEADS, tokens, DIM, generator=gen),
            torch.randn(KV_HEADS, tokens, DIM, generator=gen),
        )
    ]


def _reference(
    query: torch.Tensor,
    rows: list[list[tuple[list[tuple[torch.Tensor, torch.Tensor]], int]]],
    key: torch.Tensor,
    value: torch.Tensor,
    allowed: torch.Tensor,
) -> torch.Tensor:
    """Each row's own softmax over [its prefix tokens | its allowed own keys]."""
    out = torch.empty(query.shape[0], query.shape[2], HEADS, DIM)
    for r, segments in enumerate(rows):
        pk = torch.cat([s[0][0][:, :n] for s, n in segments] or [key[r, :, :0]], dim=1)
        pv = torch.cat([s[0][1][:, :n] for s, n in segments] or [value[r, :, :0]], dim=1)
        for q in range(query.shape[2]):
            keep = allowed[r, q]
            k = torch.cat([pk, key[r][:, keep]], dim=1).repeat_interleave(HEADS // KV_HEADS, 0)
            v = torch.cat([pv, value[r][:, keep]], dim=1).repeat_interleave(HEADS // KV_HEADS, 0)
            scores = (query[r, :, q, None] @ k.transpose(1, 2)) * DIM**-0.5  # [heads, 1, n]
            out[r, q] = (torch.softmax(scores, -1) @ v)[:, 0]
    return out


@pytest.mark.parametrize("q_len", [1, 3])
@pytest.mark.parametrize("mask_kind", ["bool", "none"])
def test_attention_equals_a_softmax_over_each_rows_whole_context(
    q_len: int, mask_kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tiny chunks: a prefill's queries are taken a few at a time.
    monkeypatch.setattr(shared_prefix, "SCORE_BYTES", 3 * HEADS * 20 * 4)
    policy, tail = _segment(6, 0), _segment(4, 1)
    rows = [[(policy, 6)], [(policy, 4), (tail, 4)], []]
    prefix = SharedPrefix([[[(k[:, :n], v[:, :n]) for k, v in s] for s, n in r] for r in rows])
    assert prefix.tokens == 10  # the policy once, though two rows see it
    gen = torch.Generator().manual_seed(2)
    own = 5
    query = torch.randn(3, HEADS, q_len, DIM, generator=gen)
    key = torch.randn(3, KV_HEADS, own, DIM, generator=gen)
    value = torch.randn(3, KV_HEADS, own, DIM, generator=gen)
    causal = torch.ones(q_len, own, dtype=torch.bool).tril(own - q_len)
    allowed = causal[None].repeat(3, 1, 1)
    mask = None
    if mask_kind == "bool":
        allowed[0, :, :2] = False  # row 0 is left-padded
        mask = allowed[:, None]
    module = SimpleNamespace(layer_idx=0, num_key_value_groups=HEADS // KV_HEADS)
    got, _ = attention(module, query, key, value, mask, scaling=DIM**-0.5, shared_prefix=prefix)
    assert torch.allclose(got, _reference(query, rows, key, value, allowed), atol=1e-5)


def test_rows_leave_and_join_and_the_prefix_is_never_copied() -> None:
    policy, tail = _segment(6, 0), _segment(4, 1)
    prefix = SharedPrefix([[policy], [policy, tail], []])
    assert (prefix.rows, prefix.tokens) == (3, 10)
    assert [k.data_ptr() for k, _ in prefix.blocks(0)] == [
        policy[0][0].data_ptr(),
        tail[0][0].data_ptr(),
    ]
    kept = prefix.select([0, 2])
    # The tail is seen by no row now: it is let go.
    assert kept.tokens == 6 and kept.visible.tolist() == [[True] * 6, [False] * 6]
    alone = prefix.select([1]).select([0]).select([])
    assert alone.tokens == 0 and alone.rows == 0 and not alone
    # A joining row seeing part of a segment the batch holds adds no columns.
    joined = kept.join(SharedPrefix([[[(k[:, :3], v[:, :3]) for k, v in policy]]]))
    assert joined.tokens == 6
    assert joined.visible[2].tolist() == [True] * 3 + [False] * 3
    assert joined.blocks(0)[0][0].data_ptr() == policy[0][0].data_ptr()


def _ids(text: str) -> list[int]:
    return list(tiny_model().tokenizer(text, add_special_tokens=False)["input_ids"])


def test_a_batch_holds_a_cached_policy_once_and_decodes_as_without_it() -> None:
    lm = tiny_model()  # built outside inference mode: other tests use it with grads off only
    with torch.inference_mode():  # as the worker runs
        _decode_beside_a_cached_policy(lm)


def _decode_beside_a_cached_policy(lm: LocalModel) -> None:
    policy = _ids("You are a helpful agent. Follow the policy to the letter. " * 3)
    tails = ["Hi, I want a refund", "Where is my order #12?", "cancel it"]
    requests = [
        GenerationRequest(prompt_ids=policy + _ids(t), max_new_tokens=12, temperature=0.8, seed=i)
        for i, t in enumerate(tails)
    ]
    cache = PrefixCache(min_tokens=8)
    generate_batch(lm, [GenerationRequest(prompt_ids=[*policy, 5], max_new_tokens=1)], "all", cache)
    batch = Batch(lm, "all", cache, GenerationStats())
    assert batch.admit(requests, [None] * 3) == []
    decoder = batch.decoder
    # The policy is held once; each row's own tokens were stored in the prefix cache on
    # prefill and are read from there too: a row's own cache keeps its last token only.
    tail_tokens = sum(len(_ids(t)) - 1 for t in tails)
    assert decoder.shared.tokens == len(policy) + tail_tokens  # type: ignore[attr-defined]
    assert decoder.mask.shape[1] == 1  # type: ignore[attr-defined]
    assert [row.shared for row in batch.rows] == [len(r.prompt_ids) - 1 for r in requests]
    held = batch.kv_bytes()
    unshared = 3 * max(len(r.prompt_ids) + r.max_new_tokens for r in requests)
    assert held < unshared * batch.kv_token_bytes
    tokens: dict[int, list[int]] = {}
    while len(batch):
        for group in batch.step():
            tokens[group.request.seed] = group.tokens
    alone = [generate_batch(lm, [r])[0].token_ids for r in requests]
    assert [tokens[i] for i in range(3)] == alone


class _Deaf(torch.nn.Module):
    """A model whose forward drops the shared prefix before its attention sees it."""

    def __init__(self, inner: torch.nn.Module) -> None:
        super().__init__()
        self.inner = inner
        self.config = inner.config

    def forward(self, shared_prefix: object = None, **kwargs: object) -> object:
        return self.inner(**kwargs)


def test_a_model_that_does_not_pass_the_prefix_down_keeps_whole_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lm = tiny_model()
    args = (lm.num_layers, lm.device, lm.dtype, cache_kwarg(lm.model))
    assert shared_prefix.reads_shared_prefix(lm.model, *args)
    assert not shared_prefix.reads_shared_prefix(_Deaf(lm.model), *args)
    # Such a model's batch copies each row's cached prefix into its own cache, as before.
    monkeypatch.setattr("tautrait.local.batch.reads_shared_prefix", lambda *a: False)
    policy = _ids("You are a helpful agent. Follow the policy to the letter. " * 3)
    cache = PrefixCache(min_tokens=8)
    generate_batch(lm, [GenerationRequest(prompt_ids=[*policy, 5], max_new_tokens=1)], "all", cache)
    request = GenerationRequest(prompt_ids=policy + _ids("refund"), max_new_tokens=8)
    with torch.inference_mode():
        batch = Batch(lm, "all", cache, GenerationStats())
        assert not batch.shares
        assert batch.admit([request], [None]) == []
        assert batch.decoder.mask.shape[1] == len(request.prompt_ids)  # type: ignore[attr-defined]
    assert cache.hits == 1
    assert (
        generate_batch(lm, [request], "all", cache)[0].token_ids
        == generate_batch(lm, [request])[0].token_ids
    )


def test_overlapping_users_keep_the_attention_until_the_last_leaves() -> None:
    model = tiny_model().model
    before = model.config._attn_implementation
    with shared_prefix.shared_attention(model):
        with shared_prefix.shared_attention(model):
            assert model.config._attn_implementation == shared_prefix.NAME
        assert model.config._attn_implementation == shared_prefix.NAME
    assert model.config._attn_implementation == before
