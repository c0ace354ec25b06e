import torch

from tautrait.steering.extract import block_outputs, encode_pair_side, extract_trait
from tautrait.steering.traits import ContrastivePair
from tests.tiny import tiny_model

PAIRS = [
    ContrastivePair(
        prompt="Your order shipped.", positive="Really? Prove it.", negative="Great, thanks."
    ),
    ContrastivePair(
        prompt="The fee is 5 dollars.",
        positive="That sounds made up to me.",
        negative="Okay, that is fine by me.",
    ),
]


def test_reply_pooling_covers_exactly_the_reply_tokens() -> None:
    lm = tiny_model()
    enc = encode_pair_side(lm.tokenizer, "Hi there", "abc", "reply")
    pooled = [t for t, p in zip(enc.ids, enc.pool, strict=True) if p]
    assert lm.tokenizer.decode(pooled) == "abc"
    whole = encode_pair_side(lm.tokenizer, "Hi there", "abc", "all")
    special = set(lm.tokenizer.all_special_ids)
    assert all(t not in special for t, p in zip(whole.ids, whole.pool, strict=True) if p)
    assert sum(whole.pool) > sum(enc.pool)


def test_direction_is_mean_of_pooled_differences_and_ignores_padding() -> None:
    lm = tiny_model()
    result = extract_trait(lm, PAIRS, batch_size=3)  # odd batch: pairs split across batches
    assert result.directions.shape == (lm.num_layers, lm.hidden_size)
    assert result.directions.dtype == torch.float32
    # Recompute each side alone (no padding at all) and compare.
    diffs = []
    for pair in PAIRS:
        sides = []
        for reply in (pair.positive, pair.negative):
            enc = encode_pair_side(lm.tokenizer, pair.prompt, reply, "reply")
            outputs, pool = block_outputs(lm, [enc])
            sides.append(torch.stack([h[0][pool[0]].mean(0) for h in outputs]))
        diffs.append(sides[0] - sides[1])
    expected = torch.stack(diffs).mean(0)
    assert torch.allclose(result.directions, expected, atol=1e-5)
    assert result.norms.shape == (lm.num_layers,) and bool((result.norms > 0).all())


def test_extraction_leaves_no_hooks() -> None:
    lm = tiny_model()
    before = [dict(layer._forward_hooks) for layer in lm.layers]
    extract_trait(lm, PAIRS)
    assert [dict(layer._forward_hooks) for layer in lm.layers] == before
