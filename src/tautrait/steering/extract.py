"""Extracting trait directions from contrastive pairs (TraitBasis, seed paper section 3.2).

For each pair the conversation is rendered as the user simulator sees it — a system
prompt, the agent's message in the *user* role, the customer's reply in the *assistant*
role — and run through the model once with the positive reply and once with the
negative. The output of every decoder block (``layers[i]``, which transformers reports as
``hidden_states[i + 1]``) is captured by hooks, cast to fp32, and mean-pooled over the
reply's tokens (``pooling="reply"``, default) or over every non-special token of the
conversation (``pooling="all"``, the paper's whole-conversation mean). Padding, BOS and
other special tokens are never pooled. The direction at block ``i`` is the mean over
pairs of (pooled positive - pooled negative); all blocks are kept, so the block to steer
at can be chosen by measurement. The typical hidden-state norm of each block is recorded
too: coefficients are expressed relative to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch

from tautrait.local.models import LocalModel
from tautrait.steering.options import Pooling
from tautrait.steering.traits import ContrastivePair

SIMULATOR_SYSTEM = (
    "You are a customer talking to a customer service agent. Reply as the customer, "
    "in your own words."
)


@dataclass
class Extraction:
    """Directions of one trait: ``directions[i]`` is the one at the output of block i."""

    directions: torch.Tensor  # [num_layers, hidden] fp32
    norms: torch.Tensor  # [num_layers] fp32: mean hidden-state norm over pooled tokens
    pairs: int


@dataclass
class _Encoded:
    ids: list[int]
    pool: list[bool]  # which tokens are pooled


def encode_pair_side(
    tokenizer: Any, prompt: str, reply: str, pooling: Pooling, system: str = SIMULATOR_SYSTEM
) -> _Encoded:
    """Token ids of one rendered conversation and the mask of tokens to pool."""
    head = [{"role": "system", "content": system}, {"role": "user", "content": prompt}]
    prefix = str(tokenizer.apply_chat_template(head, tokenize=False, add_generation_prompt=True))
    text = prefix + reply
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    ids: list[int] = list(enc["input_ids"])
    offsets: list[tuple[int, int]] = [tuple(o) for o in enc["offset_mapping"]]
    special = set(tokenizer.all_special_ids)
    if pooling == "reply":
        pool = [start >= len(prefix) and end > start for start, end in offsets]
    else:
        pool = [
            tok not in special and end > start
            for tok, (start, end) in zip(ids, offsets, strict=True)
        ]
    if not any(pool):
        raise ValueError(f"no tokens to pool for reply {reply[:40]!r}")
    return _Encoded(ids=ids, pool=pool)


def left_padded(
    lm: LocalModel, batch: Sequence[_Encoded]
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Token ids, attention mask and pool mask of a batch, left-padded to one width."""
    pad = lm.tokenizer.pad_token_id
    pad = int(pad) if pad is not None else 0
    width = max(len(e.ids) for e in batch)
    ids = torch.full((len(batch), width), pad, dtype=torch.long)
    attn = torch.zeros((len(batch), width), dtype=torch.long)
    pool = torch.zeros((len(batch), width), dtype=torch.bool)
    for row, enc in enumerate(batch):
        n = len(enc.ids)
        ids[row, width - n :] = torch.tensor(enc.ids)
        attn[row, width - n :] = 1
        pool[row, width - n :] = torch.tensor(enc.pool)
    return ids, attn, pool


def block_outputs(
    lm: LocalModel, batch: Sequence[_Encoded]
) -> tuple[list[torch.Tensor], torch.Tensor]:
    """Run a left-padded batch; return each block's output (fp32, [B, T, D]) and the pool mask."""
    ids, attn, pool = left_padded(lm, batch)
    captured: list[torch.Tensor] = [torch.empty(0)] * lm.num_layers
    handles = []

    def make_hook(index: int) -> Any:
        def hook(module: Any, args: Any, output: Any) -> None:
            hidden = output[0] if isinstance(output, tuple) else output
            captured[index] = hidden.detach().float().cpu()

        return hook

    try:
        for index, layer in enumerate(lm.layers):
            handles.append(layer.register_forward_hook(make_hook(index)))
        positions = (attn.cumsum(-1) - 1).clamp(min=0)
        with torch.inference_mode():
            lm.model(
                input_ids=ids.to(lm.device),
                attention_mask=attn.to(lm.device),
                position_ids=positions.to(lm.device),
                use_cache=False,
            )
    finally:
        for handle in handles:
            handle.remove()
    return captured, pool


def extract_trait(
    lm: LocalModel,
    pairs: Sequence[ContrastivePair],
    *,
    pooling: Pooling = "reply",
    batch_size: int = 16,
) -> Extraction:
    """The trait's direction at every block (see the module docstring)."""
    if not pairs:
        raise ValueError("a trait needs at least one contrastive pair")
    sides: list[_Encoded] = []
    for pair in pairs:
        sides.append(encode_pair_side(lm.tokenizer, pair.prompt, pair.positive, pooling))
        sides.append(encode_pair_side(lm.tokenizer, pair.prompt, pair.negative, pooling))
    pooled = torch.zeros(len(sides), lm.num_layers, lm.hidden_size, dtype=torch.float32)
    norm_sum = torch.zeros(lm.num_layers, dtype=torch.float64)
    norm_count = 0
    for start in range(0, len(sides), batch_size):
        chunk = sides[start : start + batch_size]
        outputs, pool = block_outputs(lm, chunk)
        weights = pool.float()  # [B, T]
        counts = weights.sum(-1, keepdim=True)  # [B, 1]
        for layer, hidden in enumerate(outputs):
            pooled[start : start + len(chunk), layer] = (hidden * weights[..., None]).sum(
                1
            ) / counts
            norm_sum[layer] += hidden.norm(dim=-1)[pool].double().sum()
        norm_count += int(pool.sum())
    positive, negative = pooled[0::2], pooled[1::2]
    directions = (positive - negative).mean(0)
    norms = (norm_sum / norm_count).float()
    return Extraction(directions=directions, norms=norms, pairs=len(pairs))
