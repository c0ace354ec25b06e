"""The slot KV cache: every row owns a fixed slot of preallocated buffers.

Per decoder block, keys and values live in ``[slots, kv_heads, capacity, head_dim]``
buffers. Row ``r`` of the batch is slot ``r``; its token at position ``p`` sits in
column ``p`` (no padding: prompts are copied in left-aligned after their prefill).
A decoding step feeds one token per row and

- writes each row's new key and value at that row's own position (an index_put),
- attends over the first ``L`` columns with a mask ``column <= position``,
- steers through :class:`~tautrait.local.control.SlotSteering`: per block a
  ``[slots, hidden]`` buffer added in a hook, no Python per row.

Every tensor a step reads is a persistent buffer filled in place, and its shapes come
from buckets — rows rounded up to 1, 2, 4, 8, then multiples of 8; the attended length
rounded up to a step of at least ``granule`` columns (about four buckets per doubling);
the tuple of steered blocks — so a step can be captured once per bucket as a CUDA graph
and replayed (:mod:`tautrait.local.graphs`). Rows that pad a bucket are free slots: they
decode a pad token at position 0, steered by zeros, and nobody reads their logits.

When a row leaves, the last row moves into its slot (one copy of that row's keys and
values), so live rows stay at the front. Buffers grow (reallocated, graphs dropped) when
a new row needs more rows or columns than they hold; ``rows_hint`` sizes them up front.
Memory is ``slots x capacity`` positions whatever the rows use: 128 KiB a position for
an 8B Llama in bf16, so 64 rows of 4,096 positions hold 32 GiB.

Prefill stays eager (:meth:`tautrait.local.batch.Batch._prefill`, which reuses cached
prompt prefixes); its keys and values are then copied into the new rows' slots.
"""

from __future__ import annotations

import math
from typing import Any

import torch

from tautrait.local.batch import Prefilled, cache_kwarg
from tautrait.local.control import SlotSteering
from tautrait.local.graphs import StepMode, make_runner
from tautrait.local.kv_cache import full_attention_layers
from tautrait.local.models import LocalModel

GRANULE = 256
"""The finest step of attended-length buckets (columns)."""

PREFILL_TOKENS = 16384
"""Prompt tokens prefilled per forward call at most (requests admitted together are
split into calls of about this size, bounding the activations' memory)."""


def row_bucket(rows: int) -> int:
    """The batch size a step of ``rows`` rows runs at: 1, 2, 4, 8, then multiples of 8."""
    for size in (1, 2, 4, 8):
        if rows <= size:
            return size
    return math.ceil(rows / 8) * 8


def length_bucket(length: int, granule: int = GRANULE) -> int:
    """``length`` rounded up to a step of ``max(granule, 2**floor(log2(length)) / 4)``:
    at most about 25% more columns attended than needed, few distinct shapes."""
    step = max(granule, (1 << max(length, 1).bit_length() - 1) // 4)
    return math.ceil(length / step) * step


class SlotCache:
    """What the model gets as its cache during a slot decoding step.

    ``update`` writes each row's new key and value (one token) at column
    ``columns[row]`` of its slot and returns the buffers' first ``length`` columns.
    Duck-typed: transformers' attention layers only call ``update``; a 4D attention
    mask and explicit position ids keep the model from asking anything else.
    """

    def __init__(
        self,
        keys: list[torch.Tensor],
        values: list[torch.Tensor],
        rows: torch.Tensor,
        columns: torch.Tensor,
        length: int,
    ) -> None:
        self.keys = keys
        self.values = values
        self.rows = rows
        """``[size]``: 0, 1, ... (the slots stepped)."""
        self.columns = columns
        """``[size]``: the column of each row's new token."""
        self.length = length

    def update(
        self,
        key_states: torch.Tensor,
        value_states: torch.Tensor,
        layer_idx: int,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        size = self.rows.shape[0]
        keys = self.keys[layer_idx][:size, :, : self.length]
        values = self.values[layer_idx][:size, :, : self.length]
        # An index_put, not a scatter: the same on a GPU, and a CPU's bf16 scatter is
        # thousands of times slower.
        keys[self.rows, :, self.columns] = key_states[:, :, -1]
        values[self.rows, :, self.columns] = value_states[:, :, -1]
        return keys, values


class SlotDecoder:
    """Decodes a batch through the slot KV cache (see the module docstring).

    Args:
        lm: The model (full attention, SDPA or eager attention, no adapters).
        step: How steps run: "eager", "cuda-graphs" or "compile".
        pad: The token fed to rows that pad a bucket.
        rows_hint: Slots to allocate up front (the worker's batch size).
        granule: See :func:`length_bucket`.
        runner: Overrides ``step`` (tests pass a
            :class:`~tautrait.local.graphs.ReplayEmulator`).
    """

    joinable = True

    def __init__(
        self,
        lm: LocalModel,
        step: StepMode,
        pad: int,
        rows_hint: int = 16,
        granule: int | None = None,
        runner: Any = None,
    ) -> None:
        self.lm = lm
        self.model = lm.model
        self.device = lm.device
        self.pad = pad
        self.granule = granule or GRANULE
        self.cache_name = cache_kwarg(lm.model)
        self.runner = runner if runner is not None else make_runner(step, lm.device)
        self.float_mask = getattr(lm.model.config, "_attn_implementation", "sdpa") != "sdpa"
        self.slots = row_bucket(max(rows_hint, 1))
        self.capacity = 0
        self.keys: list[torch.Tensor] = []
        self.values: list[torch.Tensor] = []
        self.input_ids = torch.full((self.slots,), pad, dtype=torch.long, device=self.device)
        self.positions = torch.zeros(self.slots, dtype=torch.long, device=self.device)
        self.columns = torch.zeros(0, dtype=torch.long, device=self.device)
        self.slot_index = torch.arange(self.slots, device=self.device)
        self.steering = SlotSteering(lm.model, self.slots, lm.hidden_size, self.device)
        self.lengths: list[int] = []
        """Per live row (= slot), its next position: the tokens its slot holds."""
        self.needs: list[int] = []
        """Per live row, the positions it may fill in all."""
        self.logits: torch.Tensor | None = None
        self._steps: dict[tuple[int, int, tuple[int, ...]], Any] = {}

    @property
    def rows(self) -> int:
        return len(self.lengths)

    # -- rows joining and leaving -------------------------------------------------------

    def join(self, new: Prefilled) -> None:
        layers = full_attention_layers(new.cache)
        if layers is None:
            raise RuntimeError("the slot KV cache needs a full-attention model")
        count = new.mask.shape[0]
        self._reserve(self.rows + count, max([*self.needs, *new.needs]), layers)
        lengths = new.next_pos[:, 0].tolist()
        try:
            for i in range(count):
                slot = self.rows + i
                columns = new.mask[i].nonzero().squeeze(-1)
                n = int(lengths[i])
                if columns.numel() != n:
                    raise RuntimeError("prefill mask and positions disagree")
                for layer, keys, values in zip(layers, self.keys, self.values, strict=True):
                    keys[slot, :, :n] = layer.keys[i].index_select(1, columns)
                    values[slot, :, :n] = layer.values[i].index_select(1, columns)
                self.steering.set_row(slot, new.rows[i].steering)
        except BaseException:
            for slot in range(self.rows, self.rows + count):  # the batch stays as it was
                self.steering.clear_row(slot)
            raise
        self.lengths += [int(n) for n in lengths]
        self.needs += new.needs
        self.logits = new.logits if self.logits is None else torch.cat([self.logits, new.logits])

    def remove(self, keep: list[int]) -> list[int]:
        """Fill each freed slot with the last live row (see the module docstring)."""
        kept = set(keep)
        order = list(range(self.rows))
        end = self.rows
        start = 0
        while True:
            while end > 0 and order[end - 1] not in kept:
                self.steering.clear_row(end - 1)
                end -= 1
            while start < end and order[start] in kept:
                start += 1
            if start >= end:
                break
            self._move(end - 1, start)
            order[start] = order[end - 1]
            end -= 1
        order = order[:end]
        self.lengths = [self.lengths[i] for i in order]
        self.needs = [self.needs[i] for i in order]
        self.logits = None
        return order

    def _move(self, source: int, target: int) -> None:
        n = self.lengths[source]
        for keys, values in zip(self.keys, self.values, strict=True):
            keys[target, :, :n] = keys[source, :, :n]
            values[target, :, :n] = values[source, :, :n]
        self.lengths[target] = n
        self.needs[target] = self.needs[source]
        self.steering.move_row(source, target)

    def clear(self) -> None:
        for slot in range(self.rows):
            self.steering.clear_row(slot)
        self.lengths, self.needs, self.logits = [], [], None

    def _reserve(self, rows: int, columns: int, layers: list[Any]) -> None:
        """Buffers for ``rows`` slots of ``columns`` positions (grown, never shrunk)."""
        slots = max(self.slots, row_bucket(rows))
        capacity = self.capacity
        if columns > capacity:
            capacity = max(length_bucket(columns, self.granule), int(capacity * 1.5))
            capacity = min(capacity, max(columns, self.lm.context_length))
        if self.keys and slots == self.slots and capacity == self.capacity:
            return
        keys: list[torch.Tensor] = []
        values: list[torch.Tensor] = []
        for index, layer in enumerate(layers):
            _, heads, _, dim = layer.keys.shape
            k = layer.keys.new_zeros((slots, heads, capacity, dim))
            v = layer.values.new_zeros((slots, heads, capacity, layer.values.shape[-1]))
            if self.keys:
                old = self.capacity
                k[: self.rows, :, :old] = self.keys[index][: self.rows]
                v[: self.rows, :, :old] = self.values[index][: self.rows]
            keys.append(k)
            values.append(v)
        self.keys, self.values = keys, values
        if slots != self.slots:
            ids = torch.full((slots,), self.pad, dtype=torch.long, device=self.device)
            self.input_ids, self.positions = ids, torch.zeros_like(ids)
            self.slot_index = torch.arange(slots, device=self.device)
            self.steering.grow(slots)
            self.slots = slots
        self.capacity = capacity
        self.columns = torch.arange(capacity, device=self.device)
        # Every captured step read the old buffers.
        self.runner.reset()
        self._steps.clear()

    # -- decoding -----------------------------------------------------------------------

    def forward(self, tokens: list[int], adapters: list[str] | None) -> None:
        if adapters is not None:
            raise RuntimeError("the slot KV cache does not serve LoRA adapters")
        rows = self.rows
        size = row_bucket(rows)
        length = min(length_bucket(max(self.lengths) + 1, self.granule), self.capacity)
        if max(self.lengths) >= self.capacity:
            raise RuntimeError("a row outgrew its slot (generation past its reserved length)")
        pad = size - rows
        self.input_ids[:size].copy_(
            torch.tensor(tokens + [self.pad] * pad, dtype=torch.long), non_blocking=True
        )
        self.positions[:size].copy_(
            torch.tensor(self.lengths + [0] * pad, dtype=torch.long), non_blocking=True
        )
        key = (size, length, self.steering.blocks())
        step = self._steps.get(key)
        if step is None:
            step = self._steps[key] = _BoundStep(self, *key)
        logits = self.runner.run(key, step)
        self.logits = logits[:rows]
        self.lengths = [n + 1 for n in self.lengths]

    def run_step(self, size: int, length: int, blocks: tuple[int, ...]) -> torch.Tensor:
        """One decoding step of ``size`` slots over ``length`` columns, reading only the
        persistent buffers (capturable)."""
        ids = self.input_ids[:size, None]
        positions = self.positions[:size, None]
        visible = self.columns[None, :length] <= positions
        mask = visible[:, None, None, :]
        if self.float_mask:
            low = torch.finfo(self.lm.dtype).min
            mask = torch.zeros(mask.shape, dtype=self.lm.dtype, device=self.device).masked_fill(
                ~mask, low
            )
        cache = SlotCache(self.keys, self.values, self.slot_index[:size], positions[:, 0], length)
        with self.steering.hooked(blocks):
            out = self.model(
                input_ids=ids,
                position_ids=positions,
                attention_mask=mask,
                use_cache=True,
                **{self.cache_name: cache},
            )
        return out.logits[:, -1, :]


class _BoundStep:
    """A step closure that stays the same object for the same bucket (compiled and
    captured steps are looked up by identity)."""

    def __init__(self, decoder: SlotDecoder, size: int, length: int, blocks: tuple[int, ...]):
        self.decoder = decoder
        self.size = size
        self.length = length
        self.blocks = blocks

    def __call__(self) -> torch.Tensor:
        return self.decoder.run_step(self.size, self.length, self.blocks)
