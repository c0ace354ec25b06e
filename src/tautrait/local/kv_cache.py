"""A KV cache that appends in place, for decoding long conversations on a CPU.

transformers' ``DynamicCache`` appends each new token with ``torch.cat``, copying the
whole cache at every step: with 8 conversations of 4,000 tokens that copy was 70% of a
decoding step on a laptop CPU. :class:`GrowingLayer` keeps each block's keys and values
in a buffer with spare room and writes new tokens into it, handing the model views of
the filled part; it reallocates (with headroom) only when the buffer is full or the
batch's rows change.

Only models whose layers all use full attention get this cache (and, with it, prefix
reuse and continuous batching); for others, transformers builds its own.
"""

from __future__ import annotations

from typing import Any

import torch
from transformers import DynamicCache
from transformers.cache_utils import DynamicLayer

HEADROOM = 256


class GrowingLayer(DynamicLayer):
    """A ``DynamicLayer`` whose appends write into preallocated room."""

    def __init__(self) -> None:
        super().__init__()
        self._kbuf: torch.Tensor | None = None
        self._vbuf: torch.Tensor | None = None

    def update(
        self, key_states: torch.Tensor, value_states: torch.Tensor, *args: Any, **kwargs: Any
    ) -> tuple[torch.Tensor, torch.Tensor]:
        if not self.is_initialized:
            self.lazy_initialization(key_states, value_states)
        keys, values = self.keys, self.values
        assert keys is not None and values is not None
        old = keys.shape[-2] if keys.dim() == 4 else 0
        need = old + key_states.shape[-2]
        kbuf, vbuf = self._kbuf, self._vbuf
        if kbuf is None or vbuf is None or not self._fits(keys, kbuf, key_states, need):
            capacity = max(need + HEADROOM, int(need * 1.25))
            kbuf = key_states.new_empty((*key_states.shape[:2], capacity, key_states.shape[-1]))
            vbuf = value_states.new_empty(
                (*value_states.shape[:2], capacity, value_states.shape[-1])
            )
            if old:
                kbuf[..., :old, :] = keys
                vbuf[..., :old, :] = values
            self._kbuf, self._vbuf = kbuf, vbuf
        kbuf[..., old:need, :] = key_states
        vbuf[..., old:need, :] = value_states
        self.keys = kbuf[..., :need, :]
        self.values = vbuf[..., :need, :]
        return kbuf[..., :need, :], vbuf[..., :need, :]

    @staticmethod
    def _fits(keys: torch.Tensor, buf: torch.Tensor, key_states: torch.Tensor, need: int) -> bool:
        """The current keys are the start of our buffer, and it has room for ``need``."""
        return (
            keys.dim() == 4
            and keys.data_ptr() == buf.data_ptr()
            and keys.stride() == buf.stride()
            and buf.shape[:2] == key_states.shape[:2]
            and buf.shape[-2] >= need
        )


def supports_growing_cache(model: Any) -> bool:
    """Whether every layer of the model uses plain full attention."""
    config = model.config
    if hasattr(config, "get_text_config"):
        config = config.get_text_config()
    if getattr(config, "sliding_window", None):
        return False
    layer_types = getattr(config, "layer_types", None)
    return not layer_types or all(t == "full_attention" for t in layer_types)


def kv_shape(model: Any) -> tuple[int, int, int]:
    """Blocks, key-value heads and head size of ``model``'s attention."""
    config = model.config
    if hasattr(config, "get_text_config"):
        config = config.get_text_config()
    heads = config.num_attention_heads
    kv_heads = getattr(config, "num_key_value_heads", None) or heads
    head_dim = getattr(config, "head_dim", None) or config.hidden_size // heads
    return int(config.num_hidden_layers), int(kv_heads), int(head_dim)


def kv_bytes_per_token(model: Any, dtype: torch.dtype) -> int:
    """Bytes one token's keys and values take in every block (45 KiB on the embedded
    model in fp32; 128 KiB for an 8B Llama in bf16)."""
    blocks, kv_heads, head_dim = kv_shape(model)
    itemsize = torch.empty((), dtype=dtype).element_size()
    return blocks * 2 * kv_heads * head_dim * itemsize


def new_cache(layers: list[tuple[torch.Tensor, torch.Tensor]] | None = None) -> Any:
    """An empty growing cache, or one holding ``layers`` (keys, values per block)."""
    cache = DynamicCache()
    cache.layers = []
    cache.layer_class_to_replicate = GrowingLayer
    for index, (keys, values) in enumerate(layers or []):
        cache.update(keys, values, index)
    return cache


def full_attention_layers(cache: Any) -> list[Any] | None:
    """The per-block layers of a cache when all are plain (or growing) dynamic layers."""
    layers = getattr(cache, "layers", None)
    if not layers or any(
        not isinstance(layer, DynamicLayer) or getattr(layer, "is_sliding", False)
        for layer in layers
    ):
        return None
    return list(layers)


def _filled_layer(kbuf: torch.Tensor, vbuf: torch.Tensor, width: int) -> GrowingLayer:
    """A growing layer over buffers whose first ``width`` positions are filled."""
    layer = GrowingLayer()
    layer.lazy_initialization(kbuf, vbuf)
    layer._kbuf, layer._vbuf = kbuf, vbuf
    layer.keys, layer.values = kbuf[..., :width, :], vbuf[..., :width, :]
    return layer


def stacked_cache(
    parts: list[list[tuple[torch.Tensor, torch.Tensor] | None]],
    width: int,
    room: int = HEADROOM,
    *,
    consume: bool = False,
) -> Any:
    """One growing cache holding several batches' caches stacked along the batch, each
    right-aligned to ``width`` positions (zeros on the left, which the attention mask
    hides). Each tensor is copied once, into a buffer with ``room`` positions to grow
    (a prefill passes its prompts' width, so appending them copies nothing again).

    With ``consume``, each block's tensors are dropped from ``parts`` once copied, so a
    caller holding no other reference to them (see :func:`release_layers`) needs room
    for one block's copy beside the caches, not for a second whole cache."""
    cache = new_cache()
    for index in range(len(parts[0])):
        pieces: list[tuple[torch.Tensor, torch.Tensor]] = []
        for part in parts:
            piece = part[index]
            assert piece is not None, "a block was already consumed"
            pieces.append(piece)
        k0, v0 = pieces[0]
        rows = sum(k.shape[0] for k, _ in pieces)
        capacity = width + room
        kbuf = k0.new_empty((rows, k0.shape[1], capacity, k0.shape[3]))
        vbuf = v0.new_empty((rows, v0.shape[1], capacity, v0.shape[3]))
        row = 0
        for keys, values in pieces:
            n, length = keys.shape[0], keys.shape[2]
            kbuf[row : row + n, :, : width - length].zero_()
            vbuf[row : row + n, :, : width - length].zero_()
            kbuf[row : row + n, :, width - length : width] = keys
            vbuf[row : row + n, :, width - length : width] = values
            row += n
        cache.layers.append(_filled_layer(kbuf, vbuf, width))
        if consume:
            del pieces, piece, keys, values, k0, v0
            for part in parts:
                part[index] = None
    return cache


def release_layers(layers: list[Any]) -> list[tuple[torch.Tensor, torch.Tensor] | None]:
    """Each layer's keys and values, taken out of the layer (which then holds nothing),
    for :func:`stacked_cache` with ``consume``: a cache being rebuilt is freed block by
    block as its copy is made."""
    out: list[tuple[torch.Tensor, torch.Tensor] | None] = []
    for layer in layers:
        out.append((layer.keys, layer.values))
        layer.keys = layer.values = None
        if isinstance(layer, GrowingLayer):
            layer._kbuf = layer._vbuf = None
    return out


def segments_cache(
    rows: list[list[list[tuple[torch.Tensor, torch.Tensor]]]], width: int, room: int = HEADROOM
) -> Any:
    """One growing cache whose row ``r`` holds the segments ``rows[r]`` laid end to end
    (each segment: per block, keys and values ``[heads, tokens, head_dim]``),
    right-aligned to ``width`` positions like :func:`stacked_cache`. A row without
    segments is all padding. Each segment is copied once, straight into place."""
    template = next(segment for row in rows for segment in row)
    cache = new_cache()
    for index, (k0, v0) in enumerate(template):
        kbuf = k0.new_empty((len(rows), k0.shape[0], width + room, k0.shape[2]))
        vbuf = v0.new_empty((len(rows), v0.shape[0], width + room, v0.shape[2]))
        for r, segments in enumerate(rows):
            start = width - sum(segment[index][0].shape[1] for segment in segments)
            kbuf[r, :, :start].zero_()
            vbuf[r, :, :start].zero_()
            for segment in segments:
                keys, values = segment[index]
                n = keys.shape[1]
                kbuf[r, :, start : start + n] = keys
                vbuf[r, :, start : start + n] = values
                start += n
        cache.layers.append(_filled_layer(kbuf, vbuf, width))
    return cache


def last_columns(layers: list[Any], keep: list[int], room: int = HEADROOM) -> Any:
    """A growing cache holding only the last ``keep[r]`` positions of each row of
    ``layers`` (right-aligned, left-padded with zeros to the longest), with ``room``
    positions to grow."""
    width = max(keep)
    cache = new_cache()
    for layer in layers:
        keys, values = layer.keys, layer.values
        kbuf = keys.new_zeros((keys.shape[0], keys.shape[1], width + room, keys.shape[3]))
        vbuf = values.new_zeros(kbuf.shape)
        end = keys.shape[2]
        for row, n in enumerate(keep):
            kbuf[row, :, width - n : width] = keys[row, :, end - n : end]
            vbuf[row, :, width - n : width] = values[row, :, end - n : end]
        cache.layers.append(_filled_layer(kbuf, vbuf, width))
    return cache
