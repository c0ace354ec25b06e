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
