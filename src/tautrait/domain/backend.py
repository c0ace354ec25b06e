"""The seam between an episode and the world it acts on.

An episode needs three things from its domain's state: run a tool call, hash the state
when the conversation ends, and let go of it. A tautrait domain answers with a private
SQLite copy (:class:`~tautrait.domain.environment.Environment`); a foreign benchmark's
domain with its own in-memory data (:mod:`tautrait.domain.foreign`). The runner, the
reward and validation only ever hold an :class:`EpisodeEnvironment`, made by
:meth:`~tautrait.domain.loader.Domain.new_environment`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel

if TYPE_CHECKING:
    from tautrait.domain.environment import ToolResult


class EpisodeEnvironment(Protocol):
    """One episode's private state and the tools that act on it."""

    def execute(self, name: str, arguments: dict[str, Any] | str) -> ToolResult:
        """Run one tool call; never raises for anything the caller sent (a bad name or
        bad arguments come back as an ``error`` result the agent reads)."""
        ...

    def state_hash(self) -> str:
        """The canonical hash of the state now: what the reward compares."""
        ...

    def close(self) -> None: ...

    def recall(self, name: str, arguments: dict[str, Any] | str) -> ToolResult | None:
        """This call's result if the backend already knows it without running anything
        (a memo of calls made in the same state), else None: the caller then runs
        :meth:`execute`, in a worker thread."""
        ...

    def recalled_hash(self) -> str | None:
        """The state hash when it is known without computing it, else None."""
        ...

    @property
    def materialised(self) -> bool:
        """Whether the episode holds state that :meth:`close` must release."""
        ...


class RewardBreakdown(BaseModel):
    """Every part of the reward, as stored with each episode (here, beside the seam,
    because a foreign backend grades with its own rule: :meth:`Domain.grade`)."""

    reward: float
    """1.0 when both checks pass, else 0.0."""
    db_match: bool
    """The final database equals the gold replay's."""
    final_hash: str
    gold_hash: str
    outputs: dict[str, bool]
    """Each required output -> whether the agent's messages contain it (as many times as
    it is listed)."""
    transfer_expected: bool = False
    """The gold actions end with a hand-off (a tool marked ends_episode)."""
    transferred: bool = False
    """The agent made such a hand-off."""
