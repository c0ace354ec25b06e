"""The manipulation check's capture: projections measured in the generating passes."""

from __future__ import annotations

import torch

from tautrait.local.generation import (
    Expert,
    GenerationRequest,
    GenerationWorker,
    generate_batch,
)
from tautrait.local.prefix_cache import PrefixCache
from tests.tiny import tiny_model

BLOCK = 1


def _ids(text: str) -> list[int]:
    return tiny_model().tokenizer(text, add_special_tokens=False)["input_ids"]


def _directions(k: int = 3, seed: int = 7) -> torch.Tensor:
    gen = torch.Generator().manual_seed(seed)
    dirs = torch.randn(k, tiny_model().hidden_size, generator=gen)
    return dirs / dirs.norm(dim=-1, keepdim=True)


def _reference(prompt: list[int], fed: list[int], dirs: torch.Tensor) -> list[float]:
    """Mean projection of an *unsteered* separate forward pass's block output over the
    positions that sampled tokens: the last prompt token and every token fed back."""
    lm = tiny_model()
    ids = torch.tensor([prompt + fed])
    with torch.inference_mode():
        out = lm.model(input_ids=ids, output_hidden_states=True)
    states = out.hidden_states[BLOCK + 1][0, len(prompt) - 1 :].float()
    return (states @ dirs.T).mean(dim=0).tolist()


def _request(text: str, **kw) -> GenerationRequest:  # type: ignore[no-untyped-def]
    return GenerationRequest(
        prompt_ids=_ids(text),
        max_new_tokens=kw.pop("max_new_tokens", 7),
        ignore_eos=True,
        probe={BLOCK: kw.pop("dirs", _directions())},
        **kw,
    )


def test_captured_projection_equals_a_separate_forward_pass_even_when_steered() -> None:
    lm = tiny_model()
    dirs = _directions()
    push = 3.0 * dirs[0]  # steering along the first direction, at the probed block
    requests = [
        _request("hello there user", dirs=dirs),
        _request("steered one", dirs=dirs, steering={BLOCK: push}),
    ]
    results = generate_batch(lm, requests)
    for request, result in zip(requests, results, strict=True):
        assert result.probe is not None
        # ignore_eos and a length finish: every token but the last was fed back.
        assert result.probe_positions == len(result.token_ids)
        expected = _reference(request.prompt_ids, result.token_ids[:-1], dirs)
        assert torch.allclose(torch.tensor(result.probe[BLOCK]), torch.tensor(expected), atol=1e-4)


def test_baseline_rows_are_measured_too_and_rows_without_a_probe_get_none() -> None:
    lm = tiny_model()
    plain = GenerationRequest(prompt_ids=_ids("agent row"), max_new_tokens=5, ignore_eos=True)
    results = generate_batch(lm, [_request("neutral user"), plain])
    assert results[0].probe is not None and len(results[0].probe[BLOCK]) == 3
    assert results[1].probe is None


def test_a_rows_projection_does_not_depend_on_its_batch_mates() -> None:
    lm = tiny_model()
    alone = generate_batch(lm, [_request("the user speaks")])[0]
    mates = [
        _request("a much longer prompt that pads the batch to the left", max_new_tokens=11),
        _request("the user speaks"),
        _request("x", steering={BLOCK: 5 * _directions()[1]}, dirs=_directions(2, seed=3)),
    ]
    together = generate_batch(lm, mates)[1]
    assert together.token_ids == alone.token_ids
    assert alone.probe is not None and together.probe is not None
    assert torch.allclose(
        torch.tensor(together.probe[BLOCK]), torch.tensor(alone.probe[BLOCK]), atol=1e-4
    )


def test_rows_joining_and_leaving_a_running_batch_keep_their_own_sums() -> None:
    lm = tiny_model()
    expected = {
        text: generate_batch(lm, [_request(text, max_new_tokens=n)])[0]
        for text, n in (("first", 20), ("second joins", 4), ("third", 9))
    }
    worker = GenerationWorker(lm, max_batch_size=4, prefix_cache_mb=0)
    try:
        futures = {
            text: worker.submit(_request(text, max_new_tokens=len(r.token_ids)))
            for text, r in expected.items()
        }
        for text, future in futures.items():
            got = future.result(timeout=120)
            want = expected[text]
            assert got.token_ids == want.token_ids
            assert got.probe is not None and want.probe is not None
            assert torch.allclose(
                torch.tensor(got.probe[BLOCK]), torch.tensor(want.probe[BLOCK]), atol=1e-4
            )
    finally:
        worker.close()


def test_a_reused_prompt_prefix_measures_the_same() -> None:
    lm = tiny_model()
    cache = PrefixCache(max_bytes=2**24, min_tokens=2)
    prompt = "a shared system prompt then a question"
    first = generate_batch(lm, [_request(prompt)], prefix_cache=cache)[0]
    second = generate_batch(lm, [_request(prompt)], prefix_cache=cache)[0]
    assert first.probe == second.probe or torch.allclose(
        torch.tensor(first.probe[BLOCK]),  # type: ignore[index]
        torch.tensor(second.probe[BLOCK]),  # type: ignore[index]
        atol=1e-4,
    )


def test_a_mixture_is_measured_on_its_first_expert() -> None:
    lm = tiny_model()
    dirs = _directions()
    request = GenerationRequest(
        prompt_ids=_ids("mixture user"),
        max_new_tokens=6,
        ignore_eos=True,
        experts=[Expert(0.5), Expert(0.5, {BLOCK + 1: 2 * _directions()[0]})],
        probe={BLOCK: dirs},
    )
    result = generate_batch(lm, [request])[0]
    assert result.probe is not None
    expected = _reference(request.prompt_ids, result.token_ids[:-1], dirs)
    assert torch.allclose(torch.tensor(result.probe[BLOCK]), torch.tensor(expected), atol=1e-4)


def test_the_slot_engine_says_it_did_not_measure(caplog) -> None:  # type: ignore[no-untyped-def]
    from tautrait.local.engine import Engine

    slots = Engine(kv="slots", step="eager", sampler="exact")
    growing = generate_batch(tiny_model(), [_request("same prompt")])[0]
    with caplog.at_level("WARNING"):
        result = generate_batch(tiny_model(), [_request("same prompt")], engine=slots)[0]
    assert result.token_ids == growing.token_ids
    assert result.probe is None  # never a half-measured figure
    import tautrait.local.batch as batch_module

    assert batch_module._warned_unprobed
