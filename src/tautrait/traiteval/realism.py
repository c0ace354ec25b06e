"""Realism diagnostics of each ``traits eval`` method, on the same figures as a run's.

Every method's conversations (steered, prompted, mTAD: failed ones left out) go through
:func:`tautrait.evaluation.realism.realism`, with each context's scenario for the
front-loading share, so a run's report and an evaluation's compare user sides on one
scale. The figures land in ``traiteval.json`` under ``offline.realism``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tautrait.evaluation.realism import UserSide, realism
from tautrait.traiteval.conversations import Conversation, Plan


def method_realism(plan: Plan, conversations: Sequence[Conversation]) -> dict[str, Any]:
    """Method -> its realism figures (JSON), over its conversations that completed."""
    scenarios = {c.id: c.scenario() for c in plan.contexts}
    out: dict[str, Any] = {}
    for method in plan.methods:
        sides = [
            UserSide(
                turns=[t.text for t in c.turns if t.speaker == "user"],
                scenario=scenarios.get(c.context),
            )
            for c in conversations
            if c.method == method and c.error is None
        ]
        out[method] = realism(sides).to_json()
    return out
