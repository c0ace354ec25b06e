"""The user side of a run: one strategy, prepared once, a simulator per episode.

``--user-strategy``:

- ``steered`` (default): a local model steered by TraitBasis vectors;
- ``mtad``: the same local model decoding from a weighted mixture of single-trait
  experts (seed paper 001);
- ``prompt``: any litellm model, traits written into its prompt by a meta-prompt (the
  paper's prompt baseline);
- ``llm``: any litellm model, neutral prompt (no trait arms);
- ``human``: a person types the customer's messages (no trait arms, one episode at a
  time);
- ``steer``: a steering server (``tautrait serve``, or the seed's hosted service) at
  ``--user-endpoint`` plays the steered user remotely.

Every arm of a run shares the simulator model, the scenario prompt and the seeds; only
the trait mechanism (vectors, experts or style section) differs.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

from tautrait.errors import UserError
from tautrait.local import pool as local_pool
from tautrait.local.models import LocalModel, is_embedded, load_local_model
from tautrait.records import ArmRecord
from tautrait.runner.arms import Arm, check_strategy, needed_traits
from tautrait.runner.config import RunConfig
from tautrait.steering.options import Compose
from tautrait.steering.traits import Intensity, TraitDict, alias_table, load_definitions
from tautrait.user.base import UserSimulator, render_system_prompt
from tautrait.user.human import HumanUser
from tautrait.user.llm import LLMUser
from tautrait.user.prompted import level_of, write_style

if TYPE_CHECKING:  # torch only where a local model is loaded (see the functions below)
    import torch

    from tautrait.local.generation import Expert
    from tautrait.steering.basis import TraitBasis
    from tautrait.steering.expression import ExpressionProbe
    from tautrait.user.steer import SteerEndpoint

LOCAL_STRATEGIES = ("steered", "mtad")


def litellm_name(model: str) -> str:
    """A user model name for litellm: the embedded model or a local folder becomes
    ``local/<model>``; provider names pass through."""
    if is_embedded(model) or Path(model).expanduser().is_dir():
        return f"local/{model}"
    return model


@dataclass
class UserSide:
    config: RunConfig
    lm: LocalModel | None = None
    basis: TraitBasis | None = None
    info: dict[str, Any] = field(default_factory=dict)
    adapters: dict[str, str] = field(default_factory=dict)
    """Trait -> LoRA adapter folder (mtad experts)."""
    steer: SteerEndpoint | None = None
    """The remote simulator (steer strategy)."""
    arms: list[Arm] = field(default_factory=list)
    """The arms, resolved: each with its mechanism and record."""
    probe: ExpressionProbe | None = None
    """The directions every local user turn's expression is measured on (all arms)."""

    def basis_record(self) -> dict[str, Any] | None:
        if self.basis is None:
            return None
        from tautrait.steering.basis import describe

        return describe(self.basis)


def prepare_user_side(config: RunConfig, arms: list[Arm], console: Console) -> UserSide:
    """Load what the strategy needs and resolve every arm, once: ``side.arms`` are the
    given arms, each complete with its mechanism and record."""
    strategy = config.user_strategy
    traits = needed_traits(arms)
    check_strategy(config, arms)
    side = UserSide(
        config=config,
        info={"strategy": strategy, "model": config.user_model},
        adapters=parse_adapters(config.adapters),
    )
    if side.adapters and strategy != "mtad":
        raise UserError("--adapter gives mtad experts; use it with --user-strategy mtad")
    if strategy in LOCAL_STRATEGIES:
        if is_embedded(config.user_model):
            console.print(
                "[dim]loading the embedded user model (the first time converts "
                "it, about 20 s)[/dim]"
            )
        side.lm = load_local_model(
            config.user_model, device=config.device, dtype=config.dtype, adapters=side.adapters
        )
        side.info.update(
            model_id=side.lm.model_id,
            fingerprint=side.lm.fingerprint,
            device=str(side.lm.device),
            dtype=str(side.lm.dtype),
        )
        if side.adapters:
            side.info["adapters"] = dict(side.adapters)
        steered_traits = [t for t in traits if t not in side.adapters]
        if steered_traits:
            side.basis = _load_basis(config, side.lm, steered_traits)
            side.info["chat_template_sha256"] = side.basis.meta.chat_template_sha256
            from tautrait.steering.expression import ExpressionProbe

            side.probe = ExpressionProbe.from_basis(side.basis, steered_traits)
            if side.probe is not None:
                side.info["expression"] = side.probe.record()
            uncalibrated = [t for t in steered_traits if t not in side.basis.meta.calibration]
            if uncalibrated:
                console.print(
                    f"[yellow]note:[/yellow] {', '.join(uncalibrated)} not calibrated for "
                    "this user model: default block and coefficients (run `tautrait traits "
                    "calibrate` for measured ones)"
                )
    elif strategy in ("llm", "prompt"):
        side.info["model"] = litellm_name(config.user_model)
    elif strategy == "steer":
        side.steer = _connect_steer(config, traits)
        side.info.update(side.steer.record())
    styles = asyncio.run(_write_styles(arms, side)) if strategy == "prompt" else {}
    side.arms = [_resolve(arm, side, styles.get(arm.name, "")) for arm in arms]
    return side


def parse_adapters(entries: list[str]) -> dict[str, str]:
    """``trait=folder`` entries -> canonical trait -> folder."""
    if not entries:
        return {}
    aliases = alias_table(load_definitions())
    adapters: dict[str, str] = {}
    for entry in entries:
        name, sep, folder = entry.partition("=")
        trait = aliases.get(name.strip().lower())
        if not sep or not folder.strip():
            raise UserError(f"--adapter {entry!r}: expected trait=folder")
        if trait is None:
            raise UserError(f"--adapter {entry!r}: unknown trait {name.strip()!r}")
        adapters[trait] = folder.strip()
    return adapters


def _connect_steer(config: RunConfig, traits: list[str]) -> SteerEndpoint:
    if not config.user_endpoint:
        raise UserError(
            "--user-strategy steer needs --user-endpoint URL (a `tautrait serve` server, "
            "e.g. http://127.0.0.1:8000)"
        )
    from tautrait.user.steer import connect

    key = config.user_api_key.get_secret_value() if config.user_api_key else None
    endpoint = connect(config.user_endpoint, key or os.environ.get("STEER_API_KEY") or None)
    served = (endpoint.server or {}).get("traits")
    missing = [t for t in traits if served is not None and t not in served]
    if missing:
        raise UserError(
            f"the steer server at {endpoint.record()['endpoint']} has no direction for "
            f"{', '.join(missing)}; it serves {', '.join(served or [])}"
        )
    return endpoint


def _load_basis(config: RunConfig, lm: LocalModel, traits: list[str]) -> TraitBasis:
    from tautrait.steering.basis import TraitBasis, model_basis

    if config.basis is not None:
        basis = TraitBasis.load(config.basis)
        basis.check_model(lm)
        missing = [t for t in traits if t not in basis.vectors]
        if missing:
            raise UserError(
                f"{config.basis} has no direction for {', '.join(missing)}; "
                "extract them with `tautrait traits extract`"
            )
        return basis
    definitions = load_definitions()
    return model_basis(lm, [definitions[t] for t in traits], pooling=config.pooling)


def _resolve(arm: Arm, side: UserSide, style: str) -> Arm:
    """The arm complete: its steering, experts and style, and the record of them."""
    config, basis = side.config, side.basis
    if arm.trait_dict is None:
        baseline = ArmRecord(trait_dict=None, coefficients={}, blocks=[])
        return dataclasses.replace(arm, record=baseline)
    steering: dict[int, torch.Tensor] = {}
    experts: list[Expert] = []
    intensities = arm.trait_dict.intensities
    record: dict[str, Any] = {
        "trait_dict": arm.trait_dict.raw,
        "source": arm.trait_dict.source,
        "intensities": intensities,
    }
    steered = {t: v for t, v in intensities.items() if t not in side.adapters}
    if basis is not None:
        record["coefficients"] = {t: round(c, 6) for t, c in basis.coefficients(steered).items()}
        record["calibration"] = {
            t: basis.calibration(t).source for t in arm.trait_dict.active() if t in steered
        }
        record["compose"] = config.compose
        record["position"] = config.steering_position
        if config.user_strategy != "mtad":
            steering = basis.steering(intensities, config.compose)
            record["blocks"] = sorted(steering)
            record["vector_norms"] = {
                str(b): round(float(v.norm()), 4) for b, v in steering.items()
            }
    if config.user_strategy == "mtad":
        experts = mixture(intensities, basis, side.adapters, config.compose)
        record["experts"] = [
            {
                "weight": round(e.weight, 6),
                "adapter": e.adapter,
                "blocks": sorted(e.steering),
                "vector_norms": {str(b): round(float(v.norm()), 4) for b, v in e.steering.items()},
            }
            for e in experts
        ]
    if config.user_strategy == "prompt":
        record["levels"] = {t: level_of(v) for t, v in intensities.items()}
        record["style"] = style
    if side.steer is not None:
        record.update(side.steer.steering_record(intensities))
    if arm.sweep is not None:
        record["sweep"] = {"trait": arm.sweep[0], "intensity": arm.sweep[1]}
    turn_steering: list[dict[int, torch.Tensor]] = []
    turn_intensities: list[dict[str, float]] = []
    if arm.trait_dict.schedules and basis is not None:
        turn_intensities = schedule_turns(arm.trait_dict, basis)
        turn_steering = [basis.steering(dict(t), config.compose) for t in turn_intensities]
        record["schedule"] = {t: s.spec() for t, s in arm.trait_dict.schedules.items()}
        record["turn_intensities"] = turn_intensities
        record["blocks"] = sorted({b for t in turn_steering for b in t})
    return dataclasses.replace(
        arm,
        steering=steering,
        experts=experts,
        style=style,
        record=ArmRecord.model_validate(record),
        turn_steering=turn_steering,
        turn_intensities=turn_intensities,
    )


def schedule_turns(trait_dict: TraitDict, basis: TraitBasis) -> list[dict[str, float]]:
    """Trait -> intensity in calibrated units (multiples of "medium") for each user turn
    until every schedule holds (the last entry then serves every later turn); traits
    without a schedule keep their one intensity throughout."""
    from tautrait.steering.schedule import at_turn

    def units(trait: str) -> Callable[[Intensity], float]:
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


def lora_weight(intensity: Intensity) -> float:
    """Mixture weight of a LoRA expert: low 0, medium 0.5, high 1; a number x gives x/2
    (medium is the unit), clipped to [0, 1]."""
    if isinstance(intensity, str):
        return {"low": 0.0, "medium": 0.5, "high": 1.0}[intensity]
    return min(max(intensity / 2, 0.0), 1.0)


def mixture(
    intensities: dict[str, Intensity],
    basis: TraitBasis | None,
    adapters: dict[str, str],
    compose: Compose = "linear",
) -> list[Expert]:
    """The mTAD experts of a trait dict: one per active trait (its LoRA adapter when one
    is given, else the model steered with that trait alone at "high"), weighted by
    intensity; an unsteered expert takes the remaining weight, so "medium" mixes the
    trait with the neutral model. Trait weights summing past 1 are normalised and the
    neutral expert drops out."""
    from tautrait.local.generation import Expert

    experts: list[Expert] = []
    for trait, intensity in intensities.items():
        if trait in adapters:
            weight = lora_weight(intensity)
            if weight > 0:
                experts.append(Expert(weight, {}, adapter=trait))
        elif basis is not None:
            weight, steering = basis.trait_expert(trait, intensity, compose)
            if weight > 0:
                experts.append(Expert(weight, steering))
    total = sum(e.weight for e in experts)
    if total > 1.0:
        return [Expert(e.weight / total, e.steering, e.adapter) for e in experts]
    neutral = 1.0 - total
    return ([Expert(neutral)] if neutral > 0 else []) + experts


async def _write_styles(arms: list[Arm], side: UserSide) -> dict[str, str]:
    """Arm name -> the style section its trait dict's prompt user is given."""
    config = side.config
    definitions = load_definitions()
    todo = [arm for arm in arms if arm.trait_dict is not None]
    # Concurrently: a local user model writes them in one batch.
    styles = await asyncio.gather(
        *(
            write_style(
                litellm_name(config.user_model),
                arm.trait_dict.intensities,
                definitions,
                api_base=config.user_api_base,
                retry=config.retry_policy(),
            )
            for arm in todo
            if arm.trait_dict is not None
        )
    )
    return {arm.name: style for arm, style in zip(todo, styles, strict=True)}


def make_user(side: UserSide, company: str, scenario: Any, arm: Arm, seed: int) -> UserSimulator:
    """The simulator of one episode."""
    prompt = render_system_prompt(scenario, company=company, style=arm.style)
    return simulator_for(side, prompt, arm, seed)


def simulator_for(side: UserSide, prompt: str, arm: Arm, seed: int) -> UserSimulator:
    """A simulator with this system prompt, expressing the arm's traits."""
    config = side.config
    strategy = config.user_strategy
    if strategy in LOCAL_STRATEGIES:
        from tautrait.user.steered import SteeredUser

        assert side.lm is not None
        return SteeredUser(
            local_pool.shared_pool().worker(side.lm),
            prompt,
            arm.steering,
            seed=seed,
            temperature=config.user_temperature,
            top_p=config.user_top_p,
            max_tokens=config.user_max_tokens,
            experts=arm.experts,
            turn_steering=arm.turn_steering,
            turn_intensities=arm.turn_intensities,
            probe=side.probe,
        )
    if strategy == "human":
        return HumanUser(prompt)
    if strategy == "steer":
        from tautrait.user.steer import SteerUser

        assert side.steer is not None
        return SteerUser(
            side.steer,
            prompt,
            arm.trait_dict.raw if arm.trait_dict is not None else None,
            seed=seed,
            temperature=config.user_temperature,
            top_p=config.user_top_p,
            max_tokens=config.user_max_tokens,
            retry=config.retry_policy(),
        )
    return LLMUser(
        litellm_name(config.user_model),
        prompt,
        seed=seed,
        temperature=config.user_temperature,
        max_tokens=config.user_max_tokens,
        api_base=config.user_api_base,
        retry=config.retry_policy(),
    )
