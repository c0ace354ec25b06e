"""Adding steering vectors to a model's residual stream, per batch row.

:class:`Steering` hooks the output of decoder blocks and adds ``deltas[block][row]`` to
every row of the batch. Each row carries its own vector, so users with different traits
share one batch; a row whose vector is zero is left bit for bit as the unsteered model
computes it (adding 0.0 is exact).

**Position.** ``position="all"`` adds the vector at every position, prompt included.
``position="generated"`` adds it only where a token is sampled: the last prompt position
during prefill, and each new token during decoding. The caller says which phase a
forward call is (:meth:`Steering.applied`) instead of the hook guessing from tensor
shapes, so steering is never silently dropped when a KV cache makes each decoding call
one token long.

**Safety.** Hooks are registered for one forward call at a time and removed when it
returns or raises. They are prepended, so they run before transformers' own
output-capturing hooks and ``hidden_states[i + 1]`` shows the steered output of block
``i``. Decoder blocks return a tensor in some transformers versions and a tuple in
others; both are handled.

**Probes.** A :class:`~tautrait.local.probe.RowProbe` given to :class:`Steering` is fed
each probed block's output *before* the row's vector is added (the manipulation check
measures what the model computed, not the push); probed blocks are hooked even where no
row is steered.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any, Literal

import torch

from tautrait.local.models import decoder_layers
from tautrait.local.pool import SteeringPosition
from tautrait.local.probe import RowProbe

Phase = Literal["prefill", "decode"]


class Steering:
    """Per-row additive steering on chosen decoder blocks.

    Args:
        model: A transformers causal LM.
        deltas: Block index -> tensor ``[batch, hidden]`` (any float dtype; cast to the
            hidden states' dtype at the point of addition). Row ``r`` of each tensor is
            added to batch row ``r``.
        position: "all" or "generated" (see the module docstring).
        probe: Per-row projections to accumulate (see the module docstring).
    """

    def __init__(
        self,
        model: Any,
        deltas: dict[int, torch.Tensor],
        position: SteeringPosition = "all",
        probe: RowProbe | None = None,
    ) -> None:
        if position not in ("all", "generated"):
            raise ValueError(f"position must be 'all' or 'generated', not {position!r}")
        self.layers = decoder_layers(model)
        for index, delta in deltas.items():
            self._check(index, delta)
        self.deltas = deltas
        self.position = position
        self.phase: Phase = "prefill"
        self.probe = probe
        self._handles: list[Any] = []

    def _check(self, index: int, delta: torch.Tensor) -> None:
        if not 0 <= index < len(self.layers):
            raise ValueError(f"block {index} out of range (0..{len(self.layers) - 1})")
        if delta.dim() != 2:
            raise ValueError(f"block {index}: delta must be [batch, hidden], got {delta.shape}")

    @contextmanager
    def applied(self, phase: Phase) -> Iterator[None]:
        """Hook the model for one forward call of the given phase."""
        self.phase = phase
        with self:
            yield

    def select_rows(self, keep: torch.Tensor) -> None:
        """Follow the batch when the caller drops finished rows (``keep``: row indices)."""
        self.deltas = {i: d.index_select(0, keep.to(d.device)) for i, d in self.deltas.items()}
        if self.probe is not None:
            self.probe.select_rows(keep)

    def append(self, other: Steering, rows_before: int, rows_added: int) -> None:
        """Add ``other``'s ``rows_added`` rows after this batch's ``rows_before`` rows (a
        batch admitting new requests); blocks only one side steers get zero rows on the
        other side."""
        for index in sorted(set(self.deltas) | set(other.deltas)):
            mine = self.deltas.get(index)
            theirs = other.deltas.get(index)
            width = (mine if mine is not None else theirs).shape[1]  # type: ignore[union-attr]
            if mine is None:
                mine = torch.zeros(rows_before, width, dtype=torch.float32)
            if theirs is None:
                theirs = torch.zeros(rows_added, width, dtype=torch.float32)
            if mine.shape[0] != rows_before or theirs.shape[0] != rows_added:
                raise RuntimeError("steering rows out of step with the batch")
            self.deltas[index] = torch.cat([mine.float().cpu(), theirs.float().cpu()], dim=0)
        if self.probe is None and other.probe is not None:
            self.probe = RowProbe([{}] * rows_before, other.probe.hidden_size)
        if self.probe is not None:
            probe = other.probe or RowProbe([{}] * rows_added, self.probe.hidden_size)
            self.probe.append(probe)

    def __enter__(self) -> Steering:
        try:
            probed = self.probe.blocks() if self.probe is not None else []
            for index in sorted(set(self.deltas) | set(probed)):
                hook = self._make_hook(index)
                self._handles.append(self.layers[index].register_forward_hook(hook, prepend=True))
        except BaseException:
            self.remove()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.remove()

    def remove(self) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles.clear()

    def _make_hook(self, index: int) -> Any:
        def hook(module: Any, args: Any, output: Any) -> Any:
            hidden = output[0] if isinstance(output, tuple) else output
            if self.probe is not None and index in self.probe.directions:
                self.probe.observe(index, hidden)
            if index not in self.deltas:
                return output
            steered = self._add(hidden, self.deltas[index])
            if isinstance(output, tuple):
                return (steered, *output[1:])
            return steered

        return hook

    def _add(self, hidden: torch.Tensor, delta: torch.Tensor) -> torch.Tensor:
        if hidden.shape[0] != delta.shape[0]:
            raise RuntimeError(
                f"steering has {delta.shape[0]} rows but the batch has {hidden.shape[0]}"
            )
        vec = delta.to(device=hidden.device, dtype=torch.float32)
        if self.position == "all" or self.phase == "decode":
            return add_rounded_once(hidden, vec[:, None, :])
        # position == "generated" during prefill: only the last position samples a token.
        out = hidden.clone()
        out[:, -1, :] = add_rounded_once(hidden[:, -1, :], vec)
        return out


def add_rounded_once(hidden: torch.Tensor, vec: torch.Tensor) -> torch.Tensor:
    """``hidden + vec`` computed in fp32 and rounded once to ``hidden``'s dtype.

    In bf16, rounding the vector first and then the sum loses the small components of a
    steering vector twice; in fp32 this is exactly ``hidden + vec``. A zero ``vec`` leaves
    ``hidden`` bit for bit as it was in any dtype (the round trip through fp32 is exact).
    """
    if hidden.dtype == torch.float32:
        return hidden + vec
    return (hidden.float() + vec).to(hidden.dtype)


class SlotSteering:
    """Steering of a slot batch (:mod:`tautrait.local.slots`), as batch tensors.

    Per steered block, one persistent ``[slots, hidden]`` fp32 buffer on the model's
    device; row ``s`` holds slot ``s``'s vector (zeros: unsteered). The hooks add
    ``buffer[:B]`` to the output of a ``B``-row decoding call. Decoding calls feed one
    token per row, which is a generated position under both position rules, so no phase
    is needed here; prefill is steered by :class:`Steering`.

    **The surprise.** Buffers are written in place and never replaced while rows come
    and go, because a CUDA graph captured with these hooks reads them by address: a
    replay steers each row by whatever its slot holds now. Only :meth:`grow` reallocates,
    and the caller must then drop its captured graphs.

    A per-row reduction of the steered block's output (for example its projection on
    each trait direction, accumulated over a turn's generated tokens) belongs in
    :meth:`_make_hook`, written into a persistent buffer the same way, so it also runs
    inside a captured step. Keep such a write idempotent (overwrite a per-step buffer,
    accumulate after the step): CUDA-graph warm-up runs the step more than once.
    """

    def __init__(self, model: Any, slots: int, hidden: int, device: torch.device) -> None:
        self.layers = decoder_layers(model)
        self.slots = slots
        self.hidden = hidden
        self.device = device
        self.buffers: dict[int, torch.Tensor] = {}
        self._steered: dict[int, set[int]] = {}
        """Block -> the slots holding a vector there."""

    def set_row(self, slot: int, steering: dict[int, torch.Tensor]) -> None:
        """Give ``slot`` these vectors (block -> ``[hidden]``) and nothing elsewhere."""
        self.clear_row(slot)
        for block, vec in steering.items():
            if not 0 <= block < len(self.layers):
                raise ValueError(f"block {block} out of range (0..{len(self.layers) - 1})")
            if block not in self.buffers:
                self.buffers[block] = torch.zeros(
                    self.slots, self.hidden, dtype=torch.float32, device=self.device
                )
                self._steered[block] = set()
            self.buffers[block][slot].copy_(vec.reshape(-1))
            self._steered[block].add(slot)

    def clear_row(self, slot: int) -> None:
        for block, slots in self._steered.items():
            if slot in slots:
                self.buffers[block][slot].zero_()
                slots.discard(slot)

    def move_row(self, source: int, target: int) -> None:
        """Slot ``target`` takes ``source``'s vectors; ``source`` is cleared."""
        self.clear_row(target)
        for block, slots in self._steered.items():
            if source in slots:
                self.buffers[block][target].copy_(self.buffers[block][source])
                self.buffers[block][source].zero_()
                slots.discard(source)
                slots.add(target)

    def blocks(self) -> tuple[int, ...]:
        """The blocks some slot is steered at (the hooks a decoding step needs)."""
        return tuple(sorted(b for b, slots in self._steered.items() if slots))

    def grow(self, slots: int) -> None:
        """Room for ``slots`` rows (new buffers: captured graphs become stale)."""
        for block, old in self.buffers.items():
            new = torch.zeros(slots, self.hidden, dtype=torch.float32, device=self.device)
            new[: old.shape[0]] = old
            self.buffers[block] = new
        self.slots = slots

    @contextmanager
    def hooked(self, blocks: tuple[int, ...]) -> Iterator[None]:
        """Hook ``blocks`` for one decoding call (or one graph capture); always unhooked."""
        handles: list[Any] = []
        try:
            for index in blocks:
                hook = self._make_hook(index)
                handles.append(self.layers[index].register_forward_hook(hook, prepend=True))
            yield
        finally:
            for handle in handles:
                handle.remove()

    def _make_hook(self, index: int) -> Any:
        buffer = self.buffers[index]

        def hook(module: Any, args: Any, output: Any) -> Any:
            hidden = output[0] if isinstance(output, tuple) else output
            steered = add_rounded_once(hidden, buffer[: hidden.shape[0], None, :])
            if isinstance(output, tuple):
                return (steered, *output[1:])
            return steered

        return hook
