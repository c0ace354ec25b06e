"""Trait schedules: a trait's intensity that changes over the user's turns.

In a trait dict of ``tautrait run``, a trait's value may be a schedule instead of one
intensity::

    {"impatience": {"from": "low", "to": "high", "over": 4}, "skepticism": "medium"}
    {"impatience": ["low", "medium", "high"]}

A **ramp** (``from``/``to``/``over``) goes linearly, in calibrated units (multiples of
the trait's "medium"), from ``from`` at the user's first turn to ``to`` at its
``over``-th turn, then holds ``to``. A **list** gives the intensity of each user turn in
order; its last value holds for every later turn. Entries are levels or numbers, checked
like any intensity (finite, at most ``MAX_INTENSITY``).

Surprise: "high" is trait- and model-specific in calibrated units (the basis's
``high / medium``), so a schedule is only turned into numbers once the basis is known
(:meth:`TraitSchedule.units`), never at parse time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from tautrait.errors import UserError

if TYPE_CHECKING:  # traits imports this module; the basis imports torch
    from tautrait.steering.basis import TraitBasis
    from tautrait.steering.traits import TraitDict

Point = Literal["low", "medium", "high"] | float
"""One intensity of a schedule: a level or a number (``traits.Intensity``)."""

MAX_RAMP_TURNS = 1000
"""The longest ramp accepted (a conversation never has this many user turns)."""


class TraitSchedule(BaseModel):
    """One trait's intensity per user turn (see the module docstring)."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["ramp", "list"]
    points: list[Point]
    """ramp: [from, to]; list: one intensity per user turn (levels or numbers)."""
    over: int | None = None
    """ramp: the user turn (1-based) at which ``to`` is reached."""

    @property
    def horizon(self) -> int:
        """User turns until the schedule holds its last value."""
        if self.kind == "ramp":
            return self.over or 2
        return len(self.points)

    @property
    def held(self) -> Point:
        """The value it holds once it has run its course."""
        return self.points[-1]

    def spec(self) -> Any:
        """The schedule as written in a trait dict (normalised)."""
        if self.kind == "ramp":
            return {"from": self.points[0], "to": self.points[1], "over": self.over}
        return list(self.points)

    def label(self) -> str:
        """A compact rendering for arm names: ``low..high(4)`` or ``low>medium>high``."""
        text = [f"{p:g}" if isinstance(p, float) else p for p in self.points]
        if self.kind == "ramp":
            return f"{text[0]}..{text[1]}({self.over})"
        return ">".join(text)

    def units(self, to_units: Callable[[Point], float]) -> list[float]:
        """The intensity of each user turn up to :attr:`horizon`, in calibrated units
        (``to_units`` turns a level or number into them); later turns hold the last."""
        values = [to_units(p) for p in self.points]
        if self.kind == "list":
            return values
        start, end = values
        steps = self.horizon - 1
        return [start + (end - start) * t / steps for t in range(self.horizon)]


def at_turn(values: list[float], turn: int) -> float:
    """The value of 0-based user turn ``turn`` of :meth:`TraitSchedule.units` output."""
    return values[min(turn, len(values) - 1)]


def schedule_turns(trait_dict: TraitDict, basis: TraitBasis) -> list[dict[str, float]]:
    """Trait -> intensity in calibrated units (multiples of "medium") for each user turn
    until every schedule holds (the last entry then serves every later turn); traits
    without a schedule keep their one intensity throughout."""

    def units(trait: str) -> Callable[[Point], float]:
        calibration = basis.calibration(trait)
        return lambda v: calibration.coefficient(v) / calibration.medium

    courses = {t: s.units(units(t)) for t, s in trait_dict.schedules.items()}
    fixed = {
        t: units(t)(v) for t, v in trait_dict.intensities.items() if t not in trait_dict.schedules
    }
    horizon = max(len(c) for c in courses.values())
    return [
        {
            t: round(fixed[t] if t in fixed else at_turn(courses[t], turn), 6)
            for t in trait_dict.intensities
        }
        for turn in range(horizon)
    ]


def parse_schedule(
    value: object, *, key: str, source: str, parse_point: Callable[[object], Point]
) -> TraitSchedule:
    """A ramp (``{"from", "to", "over"}``) or a per-turn list; ``parse_point`` checks
    one intensity (raising :class:`UserError`). Anything else: a one-line UserError."""
    how = (
        'write {"from": "low", "to": "high", "over": 4} or a per-turn list such as '
        '["low", "medium", "high"]'
    )
    if isinstance(value, list):
        if not value:
            raise UserError(f"{source}: the schedule of {key!r} is an empty list; {how}")
        return TraitSchedule(kind="list", points=[parse_point(v) for v in value])
    if not isinstance(value, dict):
        raise UserError(f"{source}: the schedule of {key!r} is not valid; {how}")
    keys, needed = {str(k) for k in value}, {"from", "to", "over"}
    if keys != needed:
        unknown, missing = sorted(keys - needed), sorted(needed - keys)
        wrong = f"unknown: {', '.join(unknown)}" if unknown else f"missing: {', '.join(missing)}"
        raise UserError(
            f"{source}: the schedule of {key!r} needs exactly the keys from, to and over "
            f"({wrong}); {how}"
        )
    over = value["over"]
    if isinstance(over, bool) or not isinstance(over, int) or not 2 <= over <= MAX_RAMP_TURNS:
        raise UserError(
            f"{source}: 'over' of {key!r} must be a whole number of user turns from 2 to "
            f"{MAX_RAMP_TURNS} (got {over!r}); the ramp reaches 'to' at that turn"
        )
    return TraitSchedule(
        kind="ramp", points=[parse_point(value["from"]), parse_point(value["to"])], over=over
    )
