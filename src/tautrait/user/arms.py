"""Arms: the user configurations a run compares.

The baseline arm has every trait at zero; each ``--trait-dict`` adds a trait arm, and
each non-zero point of a ``--sweep`` one more (:mod:`tautrait.user.sweep`). All arms
share the simulator model, its prompt, the agent and the seeds: only the steering
differs, so the difference in reward is the trait's effect and nothing else.

An arm is immutable. :func:`parse_arms` names the arms before any model is loaded; the
user side (:func:`~tautrait.user.side.prepare_user_side`) then builds each one once,
complete: its mechanism (vectors, experts or style) and its record together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tautrait.errors import UserError
from tautrait.records import ArmRecord
from tautrait.steering.traits import TraitDict, load_trait_dict
from tautrait.user.settings import SCHEDULE_STRATEGIES, TRAIT_STRATEGIES, UserStrategy
from tautrait.user.sweep import parse_sweeps, sweep_dicts

if TYPE_CHECKING:  # torch only where a local model is loaded: bad input fails fast
    import torch

    from tautrait.local.generation import Expert

BASELINE = "baseline"


@dataclass(frozen=True)
class Arm:
    name: str
    trait_dict: TraitDict | None
    """None for the baseline arm."""
    steering: dict[int, torch.Tensor] = field(default_factory=dict)
    """Block -> vector (steered strategy)."""
    experts: list[Expert] = field(default_factory=list)
    """The mixture's experts (mtad strategy)."""
    style: str = ""
    """The style section of the simulator's prompt (prompt strategy)."""
    record: ArmRecord = field(default_factory=ArmRecord)
    """What episodes and run.json record about this arm's steering (empty until the
    user side resolved it)."""
    sweep: tuple[str, float] | None = None
    """(trait, intensity) of a ``--sweep`` point's arm."""
    turn_steering: list[dict[int, torch.Tensor]] = field(default_factory=list)
    """A scheduled arm's block -> vector of each user turn (the last holds); empty
    without a schedule (``steering`` then serves every turn)."""
    turn_intensities: list[dict[str, float]] = field(default_factory=list)
    """A scheduled arm's trait -> intensity in calibrated units of each user turn."""


def parse_arms(
    trait_dicts: Sequence[str],
    strategy: UserStrategy,
    *,
    baseline: bool = True,
    sweeps: Sequence[str] = (),
) -> list[Arm]:
    """The arms of a run, named uniquely, before any model is loaded: the baseline (unless
    ``baseline`` is False), one per trait dict (``--trait-dict``) and one per non-zero
    point of each sweep (``--sweep``); checked against the user ``strategy``."""
    arms: list[Arm] = []
    if baseline:
        arms.append(Arm(name=BASELINE, trait_dict=None))
    names = {BASELINE}
    points: list[tuple[TraitDict, tuple[str, float] | None]] = [
        (load_trait_dict(spec, allow_schedules=True), None) for spec in trait_dicts
    ]
    parsed = parse_sweeps(list(sweeps))
    if parsed and not baseline:
        raise UserError(
            "--sweep needs the baseline arm (it is the sweep's intensity 0 and every point "
            "is paired with it); drop --no-baseline"
        )
    for sweep in parsed:
        points += [
            (d, (sweep.trait, float(d.intensities[sweep.trait]))) for d in sweep_dicts(sweep)
        ]
    for trait_dict, point in points:
        name = trait_dict.label or trait_dict.canonical()
        base, n = name, 2
        while name in names:
            name, n = f"{base}-{n}", n + 1
        names.add(name)
        arms.append(Arm(name=name, trait_dict=trait_dict, sweep=point))
    if not arms:
        raise UserError("nothing to run: --no-baseline needs at least one --trait-dict")
    check_strategy(strategy, arms)
    return arms


def check_strategy(strategy: UserStrategy, arms: list[Arm]) -> None:
    """Trait arms need a strategy that can express traits (checked before any model
    is loaded: a bad input costs milliseconds)."""
    if needed_traits(arms) and strategy not in TRAIT_STRATEGIES:
        raise UserError(
            f"trait arms need --user-strategy steered, mtad, prompt or steer (got "
            f"{strategy}); the {strategy} user cannot express traits"
        )
    scheduled = [a.name for a in arms if a.trait_dict is not None and a.trait_dict.schedules]
    if scheduled and strategy not in SCHEDULE_STRATEGIES:
        raise UserError(
            f"arm {scheduled[0]} has a schedule over the user's turns, which only "
            f"--user-strategy steered can follow (got {strategy}); give the "
            "traits one intensity each, or use the steered user"
        )


def needed_traits(arms: list[Arm]) -> list[str]:
    traits: list[str] = []
    for arm in arms:
        if arm.trait_dict is not None:
            for trait in arm.trait_dict.active():
                if trait not in traits:
                    traits.append(trait)
    return traits
