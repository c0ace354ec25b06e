"""The executor seam: where a run's episodes are played.

The runner decides *what* to play (the pending part of the grid) and owns the results:
an executor only plays episodes and hands each finished record to the runner's sink,
which appends it to ``episodes.jsonl``. So whichever executor plays a run (``local``: this
process; ``ray``: a Ray cluster, :mod:`tautrait.runner.ray_executor`), the driver is the
only writer of its results, and resume, pairing and reports work the same.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol

from tautrait.domain.tasks import Task
from tautrait.records import EpisodeRecord
from tautrait.user.arms import Arm

if TYPE_CHECKING:
    from tautrait.runner.run import PreparedRun

Pending = list[tuple[Task, int, Arm]]
"""Episodes to play: (task, trial, arm), the arms of one (task, trial) together."""

RecordSink = Callable[[EpisodeRecord], Awaitable[None]]
"""Takes a finished episode's record: writes it durably, counts it, shows progress."""


class Executor(Protocol):
    async def play(self, prepared: PreparedRun, pending: Pending, sink: RecordSink) -> None:
        """Play every pending episode and await ``sink`` with its record as it ends.

        Each episode reaches the sink exactly once, even when a worker is lost on the
        way (its unfinished episodes are played again elsewhere, and their records say
        so in ``requeued``). Raises when the episodes cannot all be played (every worker
        lost); the records already sunk stay written, so ``--resume`` finishes the run.
        """
        ...
