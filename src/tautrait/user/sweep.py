"""``--sweep TRAIT=x1,x2,...``: one arm per intensity of one trait (dose-response).

Each point is a number in calibrated units (multiples of the trait's "medium", checked
like any numeric intensity) and becomes the arm ``sweep:<trait>=<x>`` whose trait dict
is ``{trait: x}``: steered exactly as ``--trait-dict '{"<trait>": x}'`` would be, so a
sweep arm and a trait-dict arm of the same intensity are the same user.

Surprise: the point 0 is not an arm of its own. Zero steering *is* the baseline arm
(same prompt, same seeds, no vector), so playing it again would only spend time; the
report puts the baseline at intensity 0 of every sweep. A sweep therefore needs the
baseline arm (``--no-baseline`` is refused with one), and its CIs are paired against it.
"""

from __future__ import annotations

from dataclasses import dataclass

from tautrait.errors import UserError
from tautrait.steering.traits import (
    MAX_INTENSITY,
    TraitDefinition,
    TraitDict,
    alias_table,
    load_definitions,
    parse_trait_dict,
)

SWEEP_PREFIX = "sweep:"
SWEEP_SOURCE = "--sweep"


@dataclass(frozen=True)
class Sweep:
    trait: str
    """The canonical trait name."""
    points: tuple[float, ...]
    """The intensities, in calibrated units, in the order given (0 included if given)."""


def arm_name(trait: str, point: float) -> str:
    """The arm of one point: ``sweep:impatience=1.5``."""
    return f"{SWEEP_PREFIX}{trait}={point:g}"


def parse_sweep(spec: str, definitions: dict[str, TraitDefinition] | None = None) -> Sweep:
    """``TRAIT=x1,x2,...`` -> a :class:`Sweep`; anything else is a one-line UserError."""
    definitions = load_definitions() if definitions is None else definitions
    name, sep, values = spec.partition("=")
    how = "write --sweep TRAIT=x1,x2,... such as --sweep impatience=0,0.5,1,1.5,2"
    if not sep or not name.strip() or not values.strip():
        raise UserError(f"--sweep {spec!r}: expected TRAIT=x1,x2,...; {how}")
    trait = alias_table(definitions).get(name.strip().lower())
    if trait is None:
        raise UserError(
            f"--sweep {spec!r}: unknown trait {name.strip()!r}; valid traits: "
            f"{', '.join(sorted(definitions))}"
        )
    points: list[float] = []
    for text in values.split(","):
        try:
            number = float(text.strip())
        except ValueError:
            raise UserError(
                f"--sweep {spec!r}: {text.strip()!r} is not a number; sweep points are "
                f"numbers in calibrated units (1 = medium), from -{MAX_INTENSITY:g} to "
                f"{MAX_INTENSITY:g}"
            ) from None
        # The same checks as any numeric intensity (finite, within the calibrated range).
        parse_trait_dict(
            {trait: number}, label="", source=f"--sweep {spec!r}", definitions=definitions
        )
        if number in points:
            raise UserError(f"--sweep {spec!r}: the point {number:g} is given twice")
        points.append(number)
    if not any(p != 0 for p in points):
        raise UserError(f"--sweep {spec!r}: needs a point other than 0 (0 is the baseline arm)")
    return Sweep(trait=trait, points=tuple(points))


def parse_sweeps(specs: list[str]) -> list[Sweep]:
    """Every ``--sweep``; a trait swept twice is refused."""
    sweeps = [parse_sweep(spec) for spec in specs]
    seen: set[str] = set()
    for sweep in sweeps:
        if sweep.trait in seen:
            raise UserError(
                f"--sweep: {sweep.trait} is swept twice; give all its points in one --sweep"
            )
        seen.add(sweep.trait)
    return sweeps


def sweep_dicts(sweep: Sweep) -> list[TraitDict]:
    """The trait dict of each non-zero point (0 is the baseline), labelled with its arm."""
    return [
        parse_trait_dict(
            {sweep.trait: point}, label=arm_name(sweep.trait, point), source=SWEEP_SOURCE
        )
        for point in sweep.points
        if point != 0
    ]
