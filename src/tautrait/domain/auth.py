"""Who the agent has authenticated in an episode: the session a back office keeps.

A policy step can only be graded if skipping it changes the outcome. Authentication
changes nothing in the database, so the tools enforce it instead: the tool that verifies
a caller records them (:meth:`Authentication.grant`), and every write tool refuses (raises
``ToolError``, saying what is missing) to act for a customer who was not verified in this
episode (:meth:`Authentication.is_verified`).

The record belongs to the episode's :class:`~tautrait.domain.environment.Environment`,
not to the database: it is not part of the state hash, and a fresh episode (or a gold
replay) starts with nobody authenticated.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Authentication:
    """The customers (by the domain's id: user, account or patient id) verified so far."""

    _verified: set[str] = field(default_factory=set)

    @property
    def verified(self) -> frozenset[str]:
        return frozenset(self._verified)

    def grant(self, customer_id: str) -> None:
        """Record that the caller proved they are ``customer_id`` (an authentication tool
        calls this when the proof matches)."""
        self._verified.add(customer_id)

    def is_verified(self, customer_id: str) -> bool:
        return customer_id in self._verified

    def restore(self, verified: frozenset[str]) -> None:
        """Go back to an earlier :attr:`verified` set: a refused or crashed call's grants
        are undone, as its database writes are."""
        self._verified = set(verified)
