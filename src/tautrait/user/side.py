"""The user side: one strategy (:mod:`tautrait.user.settings`), prepared once, a
simulator per episode.

:func:`prepare_user_side` loads what the strategy needs (a local model and its basis,
adapters, a steering server's connection) and resolves every arm once, complete: its
steering vectors, mixture experts (:mod:`tautrait.steering.mixture`) or written style,
and the record of them. :func:`make_user` then builds each episode's simulator.

Every arm shares the simulator model, the scenario prompt and the seeds; only the trait
mechanism (vectors, experts or style section) differs.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.console import Console

from tautrait.errors import UserError
from tautrait.local import pool as local_pool
from tautrait.local.models import LocalModel, is_embedded, load_local_model
from tautrait.records import ArmRecord
from tautrait.steering.mixture import mixture
from tautrait.steering.schedule import schedule_turns
from tautrait.steering.traits import alias_table, load_definitions
from tautrait.user.arms import Arm, check_strategy, needed_traits
from tautrait.user.base import UserSimulator, render_system_prompt
from tautrait.user.human import HumanUser
from tautrait.user.llm import LLMUser
from tautrait.user.prompted import level_of, write_style
from tautrait.user.settings import LOCAL_STRATEGIES, UserSettings, litellm_name

if TYPE_CHECKING:  # torch only where a local model is loaded (see the functions below)
    import torch

    from tautrait.local.generation import Expert
    from tautrait.steering.basis import TraitBasis
    from tautrait.steering.expression import ExpressionProbe
    from tautrait.user.steer import SteerEndpoint


@dataclass
class UserSide:
    settings: UserSettings
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


def prepare_user_side(settings: UserSettings, arms: list[Arm], console: Console) -> UserSide:
    """Load what the strategy needs and resolve every arm, once: ``side.arms`` are the
    given arms, each complete with its mechanism and record."""
    strategy = settings.strategy
    traits = needed_traits(arms)
    check_strategy(strategy, arms)
    side = UserSide(
        settings=settings,
        info={"strategy": strategy, "model": settings.model},
        adapters=parse_adapters(settings.adapters),
    )
    if side.adapters and strategy != "mtad":
        raise UserError("--adapter gives mtad experts; use it with --user-strategy mtad")
    if strategy in LOCAL_STRATEGIES:
        if is_embedded(settings.model):
            console.print(
                "[dim]loading the embedded user model (the first time converts "
                "it, about 20 s)[/dim]"
            )
        side.lm = load_local_model(
            settings.model, device=settings.device, dtype=settings.dtype, adapters=side.adapters
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
            side.basis = _load_basis(settings, side.lm, steered_traits)
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
        side.info["model"] = litellm_name(settings.model)
    elif strategy == "steer":
        side.steer = _connect_steer(settings, traits)
        side.info.update(side.steer.record())
    styles = asyncio.run(_write_styles(arms, side)) if strategy == "prompt" else {}
    side.arms = [_resolve(arm, side, styles.get(arm.name, "")) for arm in arms]
    return side


def parse_adapters(entries: Sequence[str]) -> dict[str, str]:
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


def _connect_steer(settings: UserSettings, traits: list[str]) -> SteerEndpoint:
    if not settings.endpoint:
        raise UserError(
            "--user-strategy steer needs --user-endpoint URL (a `tautrait serve` server, "
            "e.g. http://127.0.0.1:8000)"
        )
    from tautrait.user.steer import connect

    key = settings.api_key.get_secret_value() if settings.api_key else None
    endpoint = connect(settings.endpoint, key or os.environ.get("STEER_API_KEY") or None)
    served = (endpoint.server or {}).get("traits")
    missing = [t for t in traits if served is not None and t not in served]
    if missing:
        raise UserError(
            f"the steer server at {endpoint.record()['endpoint']} has no direction for "
            f"{', '.join(missing)}; it serves {', '.join(served or [])}"
        )
    return endpoint


def _load_basis(settings: UserSettings, lm: LocalModel, traits: list[str]) -> TraitBasis:
    from tautrait.steering.basis import TraitBasis, model_basis

    if settings.basis is not None:
        basis = TraitBasis.load(settings.basis)
        basis.check_model(lm)
        missing = [t for t in traits if t not in basis.vectors]
        if missing:
            raise UserError(
                f"{settings.basis} has no direction for {', '.join(missing)}; "
                "extract them with `tautrait traits extract`"
            )
        return basis
    definitions = load_definitions()
    return model_basis(lm, [definitions[t] for t in traits], pooling=settings.pooling)


def _resolve(arm: Arm, side: UserSide, style: str) -> Arm:
    """The arm complete: its steering, experts and style, and the record of them."""
    settings, basis = side.settings, side.basis
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
        record["compose"] = settings.compose
        record["position"] = settings.steering_position
        if settings.strategy != "mtad":
            steering = basis.steering(intensities, settings.compose)
            record["blocks"] = sorted(steering)
            record["vector_norms"] = {
                str(b): round(float(v.norm()), 4) for b, v in steering.items()
            }
    if settings.strategy == "mtad":
        experts = mixture(intensities, basis, side.adapters, settings.compose)
        record["experts"] = [
            {
                "weight": round(e.weight, 6),
                "adapter": e.adapter,
                "blocks": sorted(e.steering),
                "vector_norms": {str(b): round(float(v.norm()), 4) for b, v in e.steering.items()},
            }
            for e in experts
        ]
    if settings.strategy == "prompt":
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
        turn_steering = [basis.steering(dict(t), settings.compose) for t in turn_intensities]
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


async def _write_styles(arms: list[Arm], side: UserSide) -> dict[str, str]:
    """Arm name -> the style section its trait dict's prompt user is given."""
    settings = side.settings
    definitions = load_definitions()
    todo = [arm for arm in arms if arm.trait_dict is not None]
    # Concurrently: a local user model writes them in one batch.
    styles = await asyncio.gather(
        *(
            write_style(
                litellm_name(settings.model),
                arm.trait_dict.intensities,
                definitions,
                api_base=settings.api_base,
                retry=settings.retry,
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
    settings = side.settings
    strategy = settings.strategy
    if strategy in LOCAL_STRATEGIES:
        from tautrait.user.steered import SteeredUser

        assert side.lm is not None
        return SteeredUser(
            local_pool.shared_pool().worker(side.lm),
            prompt,
            arm.steering,
            seed=seed,
            temperature=settings.temperature,
            top_p=settings.top_p,
            max_tokens=settings.max_tokens,
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
            temperature=settings.temperature,
            top_p=settings.top_p,
            max_tokens=settings.max_tokens,
            retry=settings.retry,
        )
    return LLMUser(
        litellm_name(settings.model),
        prompt,
        seed=seed,
        temperature=settings.temperature,
        max_tokens=settings.max_tokens,
        api_base=settings.api_base,
        retry=settings.retry,
    )
