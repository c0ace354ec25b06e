"""The samplers: the device sampler draws the exact sampler's distribution, batched."""

import math

import pytest
import torch

from tautrait.local import sampling
from tautrait.local.batch import Group
from tautrait.local.request import GenerationRequest
from tautrait.local.sampling import (
    DeviceSampler,
    ExactSampler,
    counter_uniform,
    filtered_probs,
)


def _group(temperature: float = 1.0, top_p: float = 1.0, seed: int = 0) -> Group:
    request = GenerationRequest(prompt_ids=[1], temperature=temperature, top_p=top_p, seed=seed)
    generator = None
    if temperature > 0:
        generator = torch.Generator().manual_seed(seed)
    return Group(request, [1.0], generator)


LOGITS = torch.log(torch.tensor([0.5, 0.25, 0.15, 0.07, 0.03]))


def _draws(group: Group, logits: torch.Tensor, n: int) -> list[int]:
    sampler = DeviceSampler()
    out = []
    for _ in range(n):
        (token,) = sampler.choose([(group, [0])], logits[None])
        assert isinstance(token, int)
        out.append(token)
    return out


def test_counter_uniforms_are_deterministic_and_spread() -> None:
    values = [counter_uniform(7, i) for i in range(4000)]
    assert values == [counter_uniform(7, i) for i in range(4000)]
    assert all(0 < v < 1 for v in values)
    assert abs(sum(values) / len(values) - 0.5) < 0.02
    assert counter_uniform(8, 0) != counter_uniform(7, 0)
    assert len(set(values)) == len(values)


def test_device_draws_follow_the_distribution() -> None:
    n = 6000
    counts = torch.bincount(torch.tensor(_draws(_group(seed=1), LOGITS, n)), minlength=5)
    expected = torch.softmax(LOGITS, -1) * n
    chi2 = float((((counts - expected) ** 2) / expected).sum())
    assert chi2 < 20.5  # 4 degrees of freedom, p ~ 0.0004


def test_device_draws_respect_temperature_and_nucleus() -> None:
    # top_p 0.7 keeps the tokens whose preceding mass is at most 0.7: 0.5, 0.25.
    draws = _draws(_group(top_p=0.7, seed=2), LOGITS, 2000)
    assert set(draws) == {0, 1}
    share = draws.count(0) / len(draws)
    assert abs(share - 0.5 / 0.75) < 0.04
    cold = _draws(_group(temperature=0.05, seed=3), LOGITS, 200)
    assert set(cold) == {0}
    weights = filtered_probs(LOGITS[None], torch.tensor([1.0]), torch.tensor([0.7]))
    assert torch.equal(weights[0, 2:], torch.zeros(3))


def test_device_draws_depend_on_the_seed_not_on_batch_mates() -> None:
    torch.manual_seed(0)
    logits = torch.randn(3, 50)
    alone = _draws(_group(seed=9), logits[1], 30)
    a, b, c = _group(seed=4), _group(seed=9), _group(temperature=0.0)
    sampler = DeviceSampler()
    together = []
    for _ in range(30):
        tokens = sampler.choose([(a, [0]), (b, [1]), (c, [2])], logits)
        together.append(tokens[1])
        assert tokens[2] == int(torch.argmax(logits[2]))  # greedy row
    assert together == alone
    assert _draws(_group(seed=10), logits[1], 30) != alone


def test_a_row_with_broken_logits_fails_alone() -> None:
    logits = torch.randn(3, 20)
    logits[1, 4] = math.nan
    logits[2, 0] = math.inf
    for sampler in (ExactSampler(), DeviceSampler()):
        groups = [(_group(seed=1), [0]), (_group(seed=2), [1]), (_group(temperature=0.0), [2])]
        out = sampler.choose(groups, logits)  # type: ignore[attr-defined]
        assert isinstance(out[0], int)
        assert isinstance(out[1], FloatingPointError)
        assert isinstance(out[2], FloatingPointError)


def test_exact_sampler_is_the_per_row_generator() -> None:
    probs = torch.softmax(LOGITS / 0.7, -1)
    expected = int(torch.multinomial(probs, 1, generator=torch.Generator().manual_seed(5)).item())
    (token,) = ExactSampler().choose([(_group(0.7, seed=5), [0])], LOGITS[None])
    assert token == expected


def test_the_nucleus_from_top_candidates_equals_the_full_sort(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    torch.manual_seed(1)
    peaked = torch.randn(4, 300) * 6  # nucleus within a few tokens
    flat = torch.randn(2, 300) * 0.1  # nucleus of most of the vocabulary
    logits = torch.cat([peaked, flat])
    temperature = torch.full((6,), 0.7)
    top_p = torch.tensor([0.9, 0.5, 0.95, 1.0, 0.9, 0.3])
    full = filtered_probs(logits, temperature, top_p)
    monkeypatch.setattr(sampling, "NUCLEUS_CANDIDATES", 16)
    assert torch.equal(filtered_probs(logits[:4], temperature[:4], top_p[:4]), full[:4])
    assert torch.equal(filtered_probs(logits, temperature, top_p), full)  # falls back
    kept = (full[4] > 0).sum()
    assert 16 < kept < 300
