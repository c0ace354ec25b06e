"""Realism diagnostics of simulated users, offline from their turns.

The same figures for any user side (steered, prompted, mTAD, scripted, human), so runs
and ``traits eval`` compare them on one scale:

- **turn length**: words per user turn (a word is a run of letters, digits and
  apostrophes, :data:`WORD`), mean, median and 90th percentile (linear interpolation)
  over every user turn;
- **vocabulary diversity**: MATTR, the moving-average type-token ratio over a window
  of :data:`MATTR_WINDOW` words (Covington & McFall 2010), of each conversation's user
  words (lower-cased), averaged over conversations; a conversation shorter than the
  window counts its plain type-token ratio;
- **front-loading**: the share of the scenario's key facts
  (:func:`~tautrait.evaluation.attribution.scenario_facts`: emails and values with a
  digit) that the *first* user turn already gives, averaged over conversations whose
  scenario has any (a real customer states their problem and gives ids when asked; a
  simulator that reads its whole brief out at once is not one);
- **role breaks**: the share of user turns matching
  :func:`~tautrait.evaluation.roleplay.role_breaks`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from tautrait.domain.tasks import UserScenario
from tautrait.evaluation.attribution import mentions, scenario_facts
from tautrait.evaluation.roleplay import role_breaks

WORD = re.compile(r"[\w']+")
MATTR_WINDOW = 50
"""Words per MATTR window."""


def words(text: str) -> list[str]:
    """The lower-cased words of ``text`` (see :data:`WORD`)."""
    return [w.lower() for w in WORD.findall(text or "")]


def mattr(tokens: Sequence[str], window: int = MATTR_WINDOW) -> float | None:
    """Moving-average type-token ratio; the plain ratio when there are fewer tokens than
    ``window``; None for no tokens."""
    if window < 1:
        raise ValueError("window must be at least 1")
    if not tokens:
        return None
    if len(tokens) <= window:
        return len(set(tokens)) / len(tokens)
    # A running counter: O(n) instead of recounting each window.
    ratios = []
    counts = Counter(tokens[:window])
    ratios.append(len(counts) / window)
    for i in range(window, len(tokens)):
        counts[tokens[i]] += 1
        old = tokens[i - window]
        counts[old] -= 1
        if counts[old] == 0:
            del counts[old]
        ratios.append(len(counts) / window)
    return sum(ratios) / len(ratios)


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100) by linear interpolation (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def front_loaded(first_turn: str, scenario: UserScenario) -> float | None:
    """The share of the scenario's key facts the first user turn gives (None: none)."""
    facts = scenario_facts(scenario)
    if not facts:
        return None
    return sum(mentions(first_turn, f) for f in facts) / len(facts)


@dataclass(frozen=True)
class UserSide:
    """One conversation's user turns, and the scenario they were given (if known)."""

    turns: list[str]
    scenario: UserScenario | None = None


@dataclass
class RealismFigures:
    """The diagnostics of a set of conversations (one arm, one method)."""

    conversations: int
    user_turns: int
    words_mean: float | None
    words_median: float | None
    words_p90: float | None
    mattr: float | None
    mattr_window: int
    front_loading: float | None
    front_loading_conversations: int
    """Conversations whose scenario has key facts (the front-loading mean's base)."""
    role_break_turns: int
    role_break_share: float | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def realism(sides: Sequence[UserSide], window: int = MATTR_WINDOW) -> RealismFigures:
    """The figures of :mod:`this module <tautrait.evaluation.realism>` over ``sides``."""
    lengths = [len(words(t)) for side in sides for t in side.turns]
    ratios = [r for side in sides if (r := mattr(words(" ".join(side.turns)), window)) is not None]
    loads = [
        share
        for side in sides
        if side.turns
        and side.scenario is not None
        and (share := front_loaded(side.turns[0], side.scenario)) is not None
    ]
    breaks = sum(bool(role_breaks(t)) for side in sides for t in side.turns)
    return RealismFigures(
        conversations=len(sides),
        user_turns=len(lengths),
        words_mean=sum(lengths) / len(lengths) if lengths else None,
        words_median=percentile(lengths, 50),
        words_p90=percentile(lengths, 90),
        mattr=sum(ratios) / len(ratios) if ratios else None,
        mattr_window=window,
        front_loading=sum(loads) / len(loads) if loads else None,
        front_loading_conversations=len(loads),
        role_break_turns=breaks,
        role_break_share=breaks / len(lengths) if lengths else None,
    )
