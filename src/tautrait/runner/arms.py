"""Arms: the user configurations a run compares.

The baseline arm has every trait at zero; each ``--trait-dict`` adds a trait arm. All arms
share the simulator model, its prompt, the agent and the seeds: only the steering
differs, so the difference in reward is the trait's effect and nothing else.

An arm is immutable. :func:`parse_arms` names the arms before any model is loaded; the
user side (:func:`~tautrait.runner.users.prepare_user_side`) then builds each one once,
complete: its mechanism (vectors, experts or style) and its record together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tautrait.errors import UserError
from tautrait.records import ArmRecord
from tautrait.runner.config import RunConfig
from tautrait.steering.traits import TraitDict, load_trait_dict

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


def parse_arms(config: RunConfig) -> list[Arm]:
    """The arms of a run, named uniquely, before any model is loaded."""
    arms: list[Arm] = []
    if config.baseline:
        arms.append(Arm(name=BASELINE, trait_dict=None))
    names = {BASELINE}
    for spec in config.trait_dicts:
        trait_dict = load_trait_dict(spec)
        name = trait_dict.label or trait_dict.canonical()
        base, n = name, 2
        while name in names:
            name, n = f"{base}-{n}", n + 1
        names.add(name)
        arms.append(Arm(name=name, trait_dict=trait_dict))
    if not arms:
        raise UserError("nothing to run: --no-baseline needs at least one --trait-dict")
    check_strategy(config, arms)
    return arms


TRAIT_STRATEGIES = ("steered", "mtad", "prompt", "steer")
"""The user strategies that can express traits."""


def check_strategy(config: RunConfig, arms: list[Arm]) -> None:
    """Trait arms need a strategy that can express traits (checked before any model
    is loaded: a bad input costs milliseconds)."""
    if needed_traits(arms) and config.user_strategy not in TRAIT_STRATEGIES:
        raise UserError(
            f"trait arms need --user-strategy steered, mtad, prompt or steer (got "
            f"{config.user_strategy}); the {config.user_strategy} user cannot express traits"
        )


def needed_traits(arms: list[Arm]) -> list[str]:
    traits: list[str] = []
    for arm in arms:
        if arm.trait_dict is not None:
            for trait in arm.trait_dict.active():
                if trait not in traits:
                    traits.append(trait)
    return traits
