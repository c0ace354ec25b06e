"""Fitting a conversation into the user model's context, as the steered user and /steer do."""

import random

import pytest

from tautrait.local.chat import encode_prompt, render_prompt
from tautrait.user.steered import PromptTooLong, fit_prompt
from tests.tiny import tiny_model


def _one_by_one(messages: list[dict[str, str]], max_tokens: int) -> list[int] | None:
    """The definition: drop the oldest turns two at a time (then one) until it fits."""
    lm = tiny_model()
    head, turns = messages[:1], messages[1:]
    budget = lm.context_length - max_tokens
    start = 0
    while True:
        ids = encode_prompt(lm.tokenizer, render_prompt(lm.tokenizer, head + turns[start:]))
        if len(ids) <= budget or start >= len(turns) - 1:
            return ids if len(ids) <= budget else None
        start += 2 if start + 2 < len(turns) else 1


@pytest.mark.parametrize("seed", range(12))
def test_bisection_cuts_where_dropping_turns_one_pair_at_a_time_does(seed: int) -> None:
    rng = random.Random(seed)
    messages = [{"role": "system", "content": "s" * rng.randint(10, 400)}]
    for i in range(rng.randint(0, 30)):
        role = "user" if i % 2 == 0 else "assistant"
        messages.append({"role": role, "content": "w" * rng.randint(1, 300)})
    max_tokens = rng.choice([8, 500, 1200, 1700, 1990])
    expected = _one_by_one(messages, max_tokens)
    if expected is None:
        with pytest.raises(PromptTooLong, match="do not fit"):
            fit_prompt(tiny_model(), messages, max_tokens)
    else:
        assert fit_prompt(tiny_model(), messages, max_tokens) == expected
