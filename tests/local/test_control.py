"""Steering maths on a tiny random-init transformer."""

import pytest
import torch

from tautrait.local.control import SlotSteering, Steering, add_rounded_once
from tests.tiny import tiny_model


def _ids(lm, texts):  # type: ignore[no-untyped-def]
    return [lm.tokenizer(t, add_special_tokens=False)["input_ids"] for t in texts]


def _hidden(lm, ids, steering=None, phase="prefill"):  # type: ignore[no-untyped-def]
    """Left-padded forward; returns hidden_states and the mask."""
    width = max(len(x) for x in ids)
    input_ids = torch.zeros((len(ids), width), dtype=torch.long)
    mask = torch.zeros((len(ids), width), dtype=torch.long)
    for row, x in enumerate(ids):
        input_ids[row, width - len(x) :] = torch.tensor(x)
        mask[row, width - len(x) :] = 1
    positions = (mask.cumsum(-1) - 1).clamp(min=0)
    with torch.inference_mode():
        if steering is None:
            out = lm.model(
                input_ids=input_ids,
                attention_mask=mask,
                position_ids=positions,
                output_hidden_states=True,
            )
        else:
            with steering.applied(phase):
                out = lm.model(
                    input_ids=input_ids,
                    attention_mask=mask,
                    position_ids=positions,
                    output_hidden_states=True,
                )
    return out, mask


def test_vector_after_block_i_moves_hidden_states_i_plus_1_by_it() -> None:
    lm = tiny_model()
    ids = _ids(lm, ["hello there", "a"])
    base, _ = _hidden(lm, ids)
    vec = torch.randn(lm.hidden_size)
    block = 1
    delta = torch.stack([vec, vec])
    steered, _ = _hidden(lm, ids, Steering(lm.model, {block: delta}))
    for i in range(block + 1):  # earlier outputs untouched
        assert torch.equal(steered.hidden_states[i], base.hidden_states[i])
    moved = steered.hidden_states[block + 1] - base.hidden_states[block + 1]
    assert torch.allclose(moved, vec.expand_as(moved), atol=1e-5)
    assert not torch.allclose(steered.hidden_states[block + 2], base.hidden_states[block + 2])


def test_zero_row_is_bitwise_unsteered_and_rows_are_isolated() -> None:
    lm = tiny_model()
    ids = _ids(lm, ["the first user", "second", "third one here"])
    base, _ = _hidden(lm, ids)
    delta = torch.zeros(3, lm.hidden_size)
    delta[1] = torch.randn(lm.hidden_size) * 3
    steered, _ = _hidden(lm, ids, Steering(lm.model, {2: delta}))
    assert torch.equal(steered.logits[0], base.logits[0])
    assert torch.equal(steered.logits[2], base.logits[2])
    assert not torch.allclose(steered.logits[1], base.logits[1])


def test_left_padding_invariance() -> None:
    lm = tiny_model()
    short, long = _ids(lm, ["hi", "a much longer message"])
    vec = torch.randn(1, lm.hidden_size)
    alone, _ = _hidden(lm, [short], Steering(lm.model, {1: vec}))
    batched, _ = _hidden(lm, [short, long], Steering(lm.model, {1: torch.cat([vec, vec * 0])}))
    n = len(short)
    assert torch.allclose(batched.logits[0, -n:], alone.logits[0], atol=1e-5)


def test_generated_position_touches_only_the_last_prompt_token() -> None:
    lm = tiny_model()
    ids = _ids(lm, ["abcdef"])
    base, _ = _hidden(lm, ids)
    vec = torch.randn(1, lm.hidden_size)
    steered, _ = _hidden(lm, ids, Steering(lm.model, {1: vec}, position="generated"))
    assert torch.equal(steered.hidden_states[2][:, :-1], base.hidden_states[2][:, :-1])
    assert torch.allclose(
        steered.hidden_states[2][:, -1] - base.hidden_states[2][:, -1], vec, atol=1e-5
    )


def test_hooks_removed_after_exception() -> None:
    lm = tiny_model()
    layer = lm.layers[1]
    before = dict(layer._forward_hooks)
    steering = Steering(lm.model, {1: torch.ones(2, lm.hidden_size)})
    with (
        pytest.raises(RuntimeError, match="2 rows but the batch has 1"),
        steering.applied("prefill"),
    ):
        lm.model(input_ids=torch.tensor([[5, 6]]))
    assert dict(layer._forward_hooks) == before
    ids = _ids(lm, ["check"])
    after, _ = _hidden(lm, ids)
    clean, _ = _hidden(lm, ids)
    assert torch.equal(after.logits, clean.logits)


def test_tuple_outputs_are_handled() -> None:
    steering = Steering(tiny_model().model, {0: torch.ones(1, 32)})
    hook = steering._make_hook(0)
    hidden = torch.zeros(1, 3, 32)
    out = hook(None, (), (hidden, "attn"))
    assert isinstance(out, tuple) and out[1] == "attn" and torch.equal(out[0], hidden + 1)
    assert torch.equal(hook(None, (), hidden), hidden + 1)


def test_bad_blocks_are_refused() -> None:
    lm = tiny_model()
    with pytest.raises(ValueError, match="out of range"):
        Steering(lm.model, {99: torch.zeros(1, 32)})
    with pytest.raises(ValueError, match="position"):
        Steering(lm.model, {}, position="middle")  # type: ignore[arg-type]


def test_slot_steering_rows_move_and_clear_in_place() -> None:
    lm = tiny_model()
    steering = SlotSteering(lm.model, 4, lm.hidden_size, torch.device("cpu"))
    a, b = torch.randn(lm.hidden_size), torch.randn(lm.hidden_size)
    steering.set_row(0, {1: a})
    steering.set_row(2, {1: b, 3: a})
    assert steering.blocks() == (1, 3)
    buffer = steering.buffers[1]
    steering.move_row(2, 0)  # slot 0 takes slot 2's vectors, slot 2 is freed
    assert steering.buffers[1] is buffer  # written in place: captured graphs stay right
    assert torch.equal(buffer[0], b) and torch.equal(steering.buffers[3][0], a)
    assert not bool(buffer[1:].any()) and not bool(steering.buffers[3][1:].any())
    steering.clear_row(0)
    assert steering.blocks() == ()
    with pytest.raises(ValueError, match="out of range"):
        steering.set_row(1, {99: a})


def test_slot_steering_adds_each_slots_row_and_unhooks_after_errors() -> None:
    lm = tiny_model()
    steering = SlotSteering(lm.model, 4, lm.hidden_size, torch.device("cpu"))
    vec = torch.randn(lm.hidden_size)
    steering.set_row(1, {1: vec})
    ids = _ids(lm, ["one", "two", "six"])
    base, _ = _hidden(lm, ids)
    with steering.hooked(steering.blocks()):
        out, _ = _hidden(lm, ids)
    assert torch.equal(out.hidden_states[2][0], base.hidden_states[2][0])  # zero row: exact
    moved = out.hidden_states[2][1] - base.hidden_states[2][1]
    assert torch.allclose(moved, vec.expand_as(moved), atol=1e-5)
    before = dict(lm.layers[1]._forward_hooks)
    with pytest.raises(RuntimeError, match="boom"), steering.hooked((1,)):
        raise RuntimeError("boom")
    assert dict(lm.layers[1]._forward_hooks) == before


def test_bf16_steering_rounds_once_and_leaves_zero_rows_exact() -> None:
    hidden = torch.randn(2, 3, 64).to(torch.bfloat16)
    vec = torch.randn(2, 1, 64) * 1e-2
    vec[1] = 0
    out = add_rounded_once(hidden, vec)
    assert out.dtype == torch.bfloat16
    assert torch.equal(out[1], hidden[1])
    assert torch.equal(out[0], (hidden[0].float() + vec[0]).to(torch.bfloat16))
