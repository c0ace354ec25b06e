"""How many of a run's episodes failed on infrastructure, and whether that is too many.

A run that measured nothing must not pass a CI job: ``max_infra_errors`` (a fraction of
the episodes below 1, a count from 1 up) bounds the infrastructure errors a run may end
with. Over it, ``tautrait run`` exits 3, every report says so at the top, and
``tautrait compare`` refuses to gate on the run unless ``--force``. The same verdict is
computed everywhere from the episodes themselves (the latest record per episode), so a
resumed run that retried its errors is judged on what it finally holds.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from tautrait.records import EpisodeRecord

EXIT_OVER_LIMIT = 3
"""``tautrait run``'s exit status when the run ended over ``max_infra_errors``."""


def allowed_errors(limit: float, episodes: int) -> int:
    """The most infrastructure errors ``limit`` allows among ``episodes``."""
    if limit >= 1:
        return int(limit)
    return math.floor(limit * episodes + 1e-9)


def describe_limit(limit: float) -> str:
    return f"{int(limit)} episode(s)" if limit >= 1 else f"{limit:.0%} of the episodes"


@dataclass
class InfraSummary:
    """The infrastructure errors of one run against its limit."""

    episodes: int
    errors: int
    limit: float
    by_kind: dict[str, int] = field(default_factory=dict)
    """Error kind (provider_transient, provider_error, user_model, ...) -> episodes."""

    @property
    def allowed(self) -> int:
        return allowed_errors(self.limit, self.episodes)

    @property
    def over(self) -> bool:
        return self.errors > self.allowed

    def kinds(self) -> str:
        return ", ".join(f"{kind} {n}" for kind, n in sorted(self.by_kind.items()))

    def line(self) -> str:
        """One line: how many episodes failed, why, and against which limit."""
        share = self.errors / self.episodes if self.episodes else 0.0
        text = (
            f"{self.errors} of {self.episodes} episodes ({share:.0%}) ended in an "
            "infrastructure error"
        )
        if self.by_kind:
            text += f" ({self.kinds()})"
        verdict = "over" if self.over else "within"
        return (
            f"{text}: {verdict} the limit of {self.allowed} "
            f"(--max-infra-errors {self.limit:g}, {describe_limit(self.limit)})"
        )


def summarize(records: Iterable[EpisodeRecord], limit: float) -> InfraSummary:
    """The verdict over a run's episodes (one record per episode: the latest)."""
    kinds: Counter[str] = Counter()
    total = 0
    for record in records:
        total += 1
        if record.status != "completed":
            kinds[record.error.kind if record.error else "unknown"] += 1
    return InfraSummary(
        episodes=total, errors=sum(kinds.values()), limit=limit, by_kind=dict(kinds)
    )


def retry_causes(records: Iterable[EpisodeRecord]) -> dict[str, int]:
    """Retried provider calls by cause, over both sides of every episode."""
    causes: Counter[str] = Counter()
    for record in records:
        for usage in (record.agent_usage, record.user_usage):
            causes.update(usage.retries)
    return dict(sorted(causes.items()))
