"""Per-row projections of decoder-block outputs, accumulated over generated positions.

The manipulation check (:mod:`tautrait.steering.expression`) asks, for some rows of a
batch, the projection of a block's output onto a few directions, averaged over the
positions that sample the row's tokens. :class:`RowProbe` holds, per probed block, the
rows' directions ``[rows, k, hidden]`` (zeros for rows that asked nothing) and their
running sums ``[rows, k]``; :class:`~tautrait.local.control.Steering` calls
:meth:`RowProbe.observe` from its hook *before* adding the row's vector, so what is
measured is the block's own output, never the push.

Only the last position of each forward call is observed: during prefill (left-padded
prompts) it is the last prompt token, during decoding the token just fed; both are the
positions a token is sampled from. A row's projections depend on its own hidden states
only (an einsum per row), so batch-mates never change them.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch


class RowProbe:
    """See the module docstring.

    Args:
        probes: Per row, block -> directions ``[k, hidden]`` (an empty dict: nothing).
        hidden_size: The model's hidden size.
    """

    def __init__(self, probes: Sequence[dict[int, torch.Tensor]], hidden_size: int) -> None:
        self.hidden_size = hidden_size
        self.rows = len(probes)
        self.widths: list[dict[int, int]] = [
            {b: int(d.shape[0]) for b, d in p.items()} for p in probes
        ]
        """Per row, block -> how many directions it asked for there."""
        self.directions: dict[int, torch.Tensor] = {}
        self.sums: dict[int, torch.Tensor] = {}
        self.counts: dict[int, torch.Tensor] = {}
        blocks = sorted({b for p in probes for b in p})
        for block in blocks:
            width = max(int(p[block].shape[0]) for p in probes if block in p)
            dirs = torch.zeros(self.rows, width, hidden_size, dtype=torch.float32)
            for row, probe in enumerate(probes):
                if block in probe:
                    vectors = probe[block].float().reshape(-1, hidden_size)
                    dirs[row, : vectors.shape[0]] = vectors
            self.directions[block] = dirs
            self.sums[block] = torch.zeros(self.rows, width, dtype=torch.float32)
            self.counts[block] = torch.zeros(self.rows, dtype=torch.long)

    def blocks(self) -> list[int]:
        return sorted(self.directions)

    def observe(self, block: int, hidden: torch.Tensor) -> None:
        """Add the projections of ``hidden[:, -1, :]`` (``[rows, seq, hidden]``)."""
        dirs = self.directions[block]
        if dirs.device != hidden.device:
            # Moved once: the tensors then stay with the model.
            dirs = self.directions[block] = dirs.to(hidden.device)
            self.sums[block] = self.sums[block].to(hidden.device)
            self.counts[block] = self.counts[block].to(hidden.device)
        last = hidden[:, -1, :].float()
        self.sums[block] += torch.einsum("rh,rkh->rk", last, dirs)
        self.counts[block] += 1

    def read(self, row: int) -> tuple[dict[int, list[float]], int]:
        """Row ``row``'s mean projections (block -> one per direction it asked for) and
        the positions averaged."""
        means: dict[int, list[float]] = {}
        positions = 0
        for block, width in self.widths[row].items():
            count = int(self.counts[block][row])
            positions = count
            sums = self.sums[block][row, :width].double().cpu()
            means[block] = [float(x) / count if count else float("nan") for x in sums]
        return means, positions

    def select_rows(self, keep: torch.Tensor) -> None:
        """Follow the batch when finished rows leave (``keep``: row indices)."""
        for block in self.directions:
            index = keep.to(self.directions[block].device)
            self.directions[block] = self.directions[block].index_select(0, index)
            self.sums[block] = self.sums[block].index_select(0, index)
            self.counts[block] = self.counts[block].index_select(0, index)
        self.widths = [self.widths[int(i)] for i in keep.tolist()]
        self.rows = len(self.widths)

    def append(self, other: RowProbe) -> None:
        """Add ``other``'s rows after these (new requests joining the batch)."""
        for block in sorted(set(self.directions) | set(other.directions)):
            mine = self._tensors(block)
            theirs = other._tensors(block)
            width = max(mine[0].shape[1], theirs[0].shape[1])
            device = mine[0].device
            self.directions[block] = torch.cat(
                [_widen(mine[0], width).to(device), _widen(theirs[0], width).to(device)]
            )
            self.sums[block] = torch.cat(
                [_widen(mine[1], width).to(device), _widen(theirs[1], width).to(device)]
            )
            self.counts[block] = torch.cat([mine[2], theirs[2].to(device)])
        self.widths = self.widths + other.widths
        self.rows += other.rows

    def _tensors(self, block: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        if block in self.directions:
            return self.directions[block], self.sums[block], self.counts[block]
        return (
            torch.zeros(self.rows, 1, self.hidden_size, dtype=torch.float32),
            torch.zeros(self.rows, 1, dtype=torch.float32),
            torch.zeros(self.rows, dtype=torch.long),
        )


def _widen(t: torch.Tensor, width: int) -> torch.Tensor:
    """Pad dimension 1 with zeros up to ``width``."""
    missing = width - t.shape[1]
    if missing <= 0:
        return t
    shape = list(t.shape)
    shape[1] = missing
    return torch.cat([t, torch.zeros(shape, dtype=t.dtype, device=t.device)], dim=1)
