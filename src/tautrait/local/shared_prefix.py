"""Keys and values that several rows of a batch attend to, held once.

Every agent request starts with the same policy and tool list (~3,900 tokens on the
retail domain). The prefix cache (:mod:`tautrait.local.prefix_cache`) holds their keys
and values once, but a left-padded batch cache needs each row's whole context in its
own row: the demo's eight agent conversations held the policy eight times, most of the
demo's memory. Serving engines call the fix cascade (or radix) attention, and this is
it for the CPU decoder:

- :class:`SharedPrefix` lists the cached segments the rows of a batch reuse, each
  distinct segment **once** (the prefix cache's own tensors, not copies), side by side
  as columns, with a ``[rows, columns]`` mask of which columns each row sees. A row's
  own cache then holds only what came after its cached prefix.
- :func:`attention` (registered with transformers' ``AttentionInterface`` and used while
  :func:`shared_attention` is active) attends each query to its row's visible prefix
  columns and its own keys in one softmax. Rotary positions are already inside the
  cached keys, so where the prefix columns sit does not matter: a row attends to
  exactly the tokens it would have attended to in a cache of its own.

The scores are materialised (there is no fused kernel for two key sets), so a prefill's
queries are taken in chunks: at most :data:`SCORE_BYTES` of scores at once.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import torch
from transformers import AttentionInterface
from transformers.integrations.sdpa_attention import sdpa_attention_forward
from transformers.masking_utils import AttentionMaskInterface, sdpa_mask

NAME = "tautrait_shared_prefix"
SCORE_BYTES = 8 * 2**20
"""Attention scores materialised at once, at most (queries are chunked to fit; a chunk
holds about three buffers of this size). Measured on the demo's peak memory: 2.03 GiB
with 64 MiB, 1.92 GiB with 16 MiB."""

Segment = list[tuple[torch.Tensor, torch.Tensor]]
"""Per block: keys and values ``[kv_heads, tokens, head_dim]`` of consecutive tokens."""


class SharedPrefix:
    """The prefix segments a batch's rows reuse, each held once (see the module
    docstring). Nothing is copied: the segments are the prefix cache's own tensors
    (kept alive while a row reads them, even if the cache evicts them meanwhile).

    Args:
        rows: Per row, the segments of its cached prefix (possibly none). Segments are
            told apart by their storage: rows given views of one cached segment share
            its columns (a row seeing fewer of its tokens sees only its first ones).
    """

    def __init__(self, rows: Sequence[Sequence[Segment]]) -> None:
        self.entries: list[Segment] = []
        """The distinct segments, in column order."""
        index: dict[int, int] = {}
        self.spans: list[list[tuple[int, int]]] = []
        """Per row: (entry, tokens of it the row sees)."""
        for segments in rows:
            row: list[tuple[int, int]] = []
            for segment in segments:
                key, length = segment[0][0].data_ptr(), segment[0][0].shape[1]
                entry = index.get(key)
                if entry is None:
                    entry = index[key] = len(self.entries)
                    self.entries.append(segment)
                elif self.entries[entry][0][0].shape[1] < length:
                    self.entries[entry] = segment  # a longer view of the same tokens
                row.append((entry, length))
            self.spans.append(row)
        starts = [0]
        for segment in self.entries:
            starts.append(starts[-1] + segment[0][0].shape[1])
        self.starts = starts
        """Where each entry's columns begin (and, last, the number of columns)."""
        visible = torch.zeros((len(self.spans), starts[-1]), dtype=torch.bool)
        for r, spans in enumerate(self.spans):
            for entry, length in spans:
                visible[r, starts[entry] : starts[entry] + length] = True
        self.reads = 0
        """Attention calls that read this prefix (one per block per forward)."""
        device = self.entries[0][0][0].device if self.entries else None
        self.visible = visible.to(device) if device is not None else visible
        """``[rows, columns]``: which columns each row attends to."""
        self.all_visible = bool(visible.all())
        """Every row sees every column (nothing to mask)."""

    @classmethod
    def empty(cls, rows: int) -> SharedPrefix:
        """``rows`` rows without a shared prefix."""
        return cls([[] for _ in range(rows)])

    @property
    def rows(self) -> int:
        return len(self.spans)

    @property
    def tokens(self) -> int:
        """Prefix tokens the batch reads (each distinct segment once)."""
        return self.starts[-1]

    def __bool__(self) -> bool:
        return self.tokens > 0

    def blocks(self, block: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
        """Each entry's keys and values ``[kv_heads, tokens, head_dim]`` in ``block``."""
        return [segment[block] for segment in self.entries]

    def _rows(self) -> list[list[Segment]]:
        return [[_view(self.entries[e], n) for e, n in row] for row in self.spans]

    def select(self, keep: Sequence[int]) -> SharedPrefix:
        """Only these rows, in this order (segments no row sees any more are let go)."""
        rows = self._rows()
        return SharedPrefix([rows[i] for i in keep])

    def join(self, other: SharedPrefix) -> SharedPrefix:
        """These rows, then ``other``'s."""
        return SharedPrefix([*self._rows(), *other._rows()])


def _view(segment: Segment, length: int) -> Segment:
    if segment[0][0].shape[1] == length:
        return segment
    return [(k[:, :length], v[:, :length]) for k, v in segment]


def attention(
    module: Any,
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    attention_mask: torch.Tensor | None,
    dropout: float = 0.0,
    scaling: float | None = None,
    shared_prefix: SharedPrefix | None = None,
    **kwargs: Any,
) -> tuple[torch.Tensor, None]:
    """Attention over a row's visible shared-prefix columns and its own keys, one softmax.

    ``query`` is ``[rows, heads, q, d]``; ``key``/``value`` ``[rows, kv_heads, k, d]``
    (the row's own cache); ``attention_mask`` the model's mask over those own keys
    (boolean, True where allowed; additive floats; or None for plain causal). Returns
    ``[rows, q, heads, d]`` like transformers' sdpa attention."""
    rows, heads, q_len, dim = query.shape
    kv_heads, own = key.shape[1], key.shape[2]
    if shared_prefix is None or not shared_prefix:
        return sdpa_attention_forward(
            module, query, key, value, attention_mask, dropout=dropout, scaling=scaling, **kwargs
        )
    shared_prefix.reads += 1
    groups = heads // kv_heads
    scale = scaling if scaling is not None else dim**-0.5
    entries = shared_prefix.blocks(module.layer_idx)  # [(keys, values) [kv_heads, n, d]]
    starts = shared_prefix.starts
    columns = starts[-1]
    hidden = ~shared_prefix.visible[:, None, None, None, :]  # [rows, 1, 1, 1, P]
    allowed = _own_mask(attention_mask, rows, q_len, own, query.device)  # [rows, 1, q, own]
    q5 = query.view(rows, kv_heads, groups, q_len, dim)
    k5, v5 = key[:, :, None], value[:, :, None]  # [rows, kv_heads, 1, own, d]
    out = torch.empty_like(q5)
    per_query = rows * heads * (columns + own) * 4
    chunk = max(1, min(q_len, SCORE_BYTES // max(per_query, 1)))
    for start in range(0, q_len, chunk):
        end = min(q_len, start + chunk)
        qc = q5[:, :, :, start:end]
        n = end - start
        # Every row's queries against each segment once: [kv_heads, rows*g*n, d] @ keys.
        flat = qc.permute(1, 0, 2, 3, 4).reshape(kv_heads, rows * groups * n, dim)
        parts = [torch.matmul(flat, k.transpose(1, 2)) for k, _ in entries]
        prefix_scores = parts[0] if len(parts) == 1 else torch.cat(parts, -1)
        prefix_scores = prefix_scores.view(kv_heads, rows, groups, n, columns).permute(
            1, 0, 2, 3, 4
        )
        own_scores = torch.matmul(qc, k5.transpose(-1, -2))  # [rows, kv_heads, g, n, own]
        scores = torch.cat([prefix_scores, own_scores], dim=-1).float().mul_(scale)
        if not shared_prefix.all_visible:
            scores[..., :columns].masked_fill_(hidden, float("-inf"))
        if allowed is not None:
            scores[..., columns:].masked_fill_(~allowed[:, :, None, start:end], float("-inf"))
        probs = torch.softmax(scores, dim=-1)
        if q_len > 1:  # a padding query may see nothing (NaN); a decoding row sees itself
            probs.nan_to_num_(0.0)
        probs = probs.to(query.dtype)
        prefix_probs = (
            probs[..., :columns]
            .permute(1, 0, 2, 3, 4)
            .reshape(kv_heads, rows * groups * n, columns)
        )
        prefix_out = sum(
            torch.matmul(prefix_probs[..., starts[e] : starts[e + 1]], v)
            for e, (_, v) in enumerate(entries)
        )
        assert isinstance(prefix_out, torch.Tensor)
        own_out = torch.matmul(probs[..., columns:], v5)
        out[:, :, :, start:end] = (
            prefix_out.view(kv_heads, rows, groups, n, dim).permute(1, 0, 2, 3, 4) + own_out
        )
    return out.view(rows, heads, q_len, dim).transpose(1, 2).contiguous(), None


def _own_mask(
    mask: torch.Tensor | None, rows: int, q_len: int, own: int, device: torch.device
) -> torch.Tensor | None:
    """``[rows, 1, q, own]`` booleans (True: may attend), or None when all may."""
    if mask is None:
        if q_len == 1:
            return None
        # Plain causal: the queries are the last q_len of the own keys.
        causal = torch.ones((q_len, own), dtype=torch.bool, device=device).tril(own - q_len)
        return causal[None, None].expand(rows, 1, q_len, own)
    if mask.dtype != torch.bool:
        mask = mask == 0
    return mask[..., -q_len:, -own:].expand(rows, 1, q_len, own)


AttentionInterface.register(NAME, attention)
AttentionMaskInterface.register(NAME, sdpa_mask)


_swap_lock = threading.Lock()
_swapped: dict[int, tuple[Any, int]] = {}
"""Per model config (by id): the implementation it had before, and how many forward
passes run with :func:`attention` now."""


@contextmanager
def shared_attention(model: Any, active: bool = True) -> Iterator[None]:
    """Run ``model`` with :func:`attention` (pass ``shared_prefix=`` to its forward).
    Other callers of the model meanwhile are unaffected (without ``shared_prefix`` it
    is transformers' sdpa attention), and overlapping users from several threads keep
    it until the last one leaves."""
    if not active:
        yield
        return
    config = model.config
    with _swap_lock:
        old, users = _swapped.get(id(config), (config._attn_implementation, 0))
        _swapped[id(config)] = (old, users + 1)
        config._attn_implementation = NAME
    try:
        yield
    finally:
        with _swap_lock:
            old, users = _swapped[id(config)]
            if users == 1:
                del _swapped[id(config)]
                config._attn_implementation = old
            else:
                _swapped[id(config)] = (old, users - 1)


_READS: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()


def reads_shared_prefix(
    model: Any, blocks: int, device: torch.device, dtype: torch.dtype, cache_name: str
) -> bool:
    """Whether ``model`` hands :func:`attention` the ``shared_prefix`` its forward is
    given, in every block (transformers' models that route attention through
    ``AttentionInterface`` and pass their keyword arguments down do). Tried once with a
    one-token prefix; a model that does not would silently attend without its prefix,
    so it keeps each row's whole context in its own cache instead."""
    known = _READS.get(model)
    if known is None:
        known = _READS[model] = _probe(model, blocks, device, dtype, cache_name)
    return known


def _probe(
    model: Any, blocks: int, device: torch.device, dtype: torch.dtype, cache_name: str
) -> bool:
    from tautrait.local.kv_cache import kv_shape, new_cache

    _, kv_heads, head_dim = kv_shape(model)
    zeros = torch.zeros((kv_heads, 1, head_dim), device=device, dtype=dtype)
    probe = SharedPrefix([[[(zeros, zeros) for _ in range(blocks)]]])
    try:
        # no_grad, not inference_mode: no inference tensor may stay in the model's state.
        with torch.no_grad(), shared_attention(model):
            model(
                input_ids=torch.zeros((1, 1), dtype=torch.long, device=device),
                attention_mask=torch.ones((1, 1), dtype=torch.long, device=device),
                position_ids=torch.ones((1, 1), dtype=torch.long, device=device),
                **{cache_name: new_cache()},
                use_cache=True,
                shared_prefix=probe,
            )
    except Exception:
        return False
    return probe.reads == blocks
