"""Elo ratings from pairwise judgements (seed paper, RQ1: K = 32, base 1500).

Each comparison ``(a, b, s)`` gives ``a`` the score ``s`` (1: a won, 0: b won, 0.5: a
draw, which is how a "neither" judgement counts) and ``b`` the score ``1 - s``. With
expected score ``E_a = 1 / (1 + 10 ** ((R_b - R_a) / 400))`` both ratings move by
``K * (s - E_a)`` in opposite directions. Elo depends on the order of comparisons, so,
as in the paper, the comparisons are replayed in ``shuffles`` random orders (seeded)
and the ratings averaged; their standard deviation over the orders is reported too.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from statistics import fmean, pstdev

K = 32.0
BASE = 1500.0

Comparison = tuple[str, str, float]


def expected(rating: float, other: float) -> float:
    return 1.0 / (1.0 + 10.0 ** ((other - rating) / 400.0))


def elo(
    comparisons: Sequence[Comparison],
    players: Sequence[str],
    *,
    k: float = K,
    base: float = BASE,
) -> dict[str, float]:
    """Ratings after playing ``comparisons`` in the given order."""
    ratings = dict.fromkeys(players, base)
    for a, b, score in comparisons:
        if not 0.0 <= score <= 1.0:
            raise ValueError(f"score must be in [0, 1], not {score}")
        delta = k * (score - expected(ratings[a], ratings[b]))
        ratings[a] += delta
        ratings[b] -= delta
    return ratings


def shuffled_elo(
    comparisons: Sequence[Comparison],
    players: Sequence[str],
    *,
    shuffles: int = 100,
    seed: int = 0,
    k: float = K,
    base: float = BASE,
) -> dict[str, tuple[float, float]]:
    """Player -> (mean, standard deviation) of the ratings over ``shuffles`` orders."""
    rng = random.Random(seed)
    runs: dict[str, list[float]] = {p: [] for p in players}
    order = list(comparisons)
    for _ in range(shuffles):
        rng.shuffle(order)
        for player, rating in elo(order, players, k=k, base=base).items():
            runs[player].append(rating)
    return {p: (fmean(v), pstdev(v)) for p, v in runs.items()}


def win_rates(comparisons: Sequence[Comparison], players: Sequence[str]) -> dict[str, float]:
    """Share of each player's comparisons it won (draws count half)."""
    points = dict.fromkeys(players, 0.0)
    games = dict.fromkeys(players, 0)
    for a, b, score in comparisons:
        points[a] += score
        points[b] += 1.0 - score
        games[a] += 1
        games[b] += 1
    return {p: points[p] / games[p] if games[p] else float("nan") for p in players}
