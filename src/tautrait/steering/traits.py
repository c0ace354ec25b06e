"""Trait definitions and trait dictionaries.

A trait definition (``traits/definitions/<name>.json``) holds contrastive pairs: an agent
message answered once *with* the trait and once *without* it. A trait dictionary says
which traits a simulated user shows, and how strongly::

    {"impatience": "low", "confusion": "low", "skeptical": "medium", "incoherence": "low"}

Keys are trait names or aliases ("skeptical" -> skepticism). Values are levels — "low"
(neutral: the trait is absent), "medium", "high" — or numbers in units of the trait's
calibrated "medium" strength (0 = neutral, 1 = medium, 2 = twice medium; negative numbers
steer away from the trait). The seed repository's files load unchanged.

Numbers must be finite and at most :data:`MAX_INTENSITY` in size: a NaN or an infinite
coefficient poisons the sampler of every row it is batched with, and anything far past
the calibrated "high" (a few times "medium") only produces degenerate text. Both are
refused here, where every entry point (run, chat, rephrase, traits export/eval, a
server) parses its trait dicts.

In ``tautrait run`` (``allow_schedules=True``) a value may also be a schedule over the
user's turns (:mod:`tautrait.steering.schedule`); every other entry point refuses one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tautrait import paths
from tautrait.errors import UserError
from tautrait.steering.schedule import TraitSchedule, parse_schedule

Level = Literal["low", "medium", "high"]
LEVELS: tuple[Level, ...] = ("low", "medium", "high")
Intensity = Level | float

MAX_INTENSITY = 10.0
"""The largest numeric intensity accepted, in units of "medium" (calibrated "high" is
typically 1.5 to 3 times "medium")."""


class ContrastivePair(BaseModel):
    model_config = ConfigDict(extra="forbid")

    prompt: str
    """The agent's message."""
    positive: str
    """The user's reply showing the trait."""
    negative: str
    """The same intent and facts, without the trait."""


class TraitDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    description: str
    aliases: list[str] = Field(default_factory=list)
    rubric: dict[Level, str] = Field(default_factory=dict)
    """How a user behaves at each level (used by the prompt baseline and by judges)."""
    pairs: list[ContrastivePair]

    def pairs_hash(self) -> str:
        payload = json.dumps([p.model_dump() for p in self.pairs], sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()


def definition_files() -> dict[str, Path]:
    """Trait name (file stem) -> definition file, first data root wins."""
    found: dict[str, Path] = {}
    for root in paths.find_dirs("traits"):
        folder = root / "definitions"
        if folder.is_dir():
            for path in sorted(folder.glob("*.json")):
                found.setdefault(path.stem, path)
    return found


@lru_cache(maxsize=1)
def _load_all(files: tuple[tuple[str, Path], ...]) -> dict[str, TraitDefinition]:
    definitions: dict[str, TraitDefinition] = {}
    for stem, path in files:
        try:
            definition = TraitDefinition.model_validate_json(path.read_bytes())
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise UserError(f"{path}: {where}: {first['msg']}") from None
        if definition.name != stem:
            raise UserError(f"{path}: name is {definition.name!r} but the file is {stem}.json")
        definitions[definition.name] = definition
    return definitions


def load_definitions() -> dict[str, TraitDefinition]:
    """Every trait definition on the data path, by canonical name."""
    return _load_all(tuple(sorted(definition_files().items())))


def alias_table(definitions: dict[str, TraitDefinition]) -> dict[str, str]:
    """Lower-case name or alias -> canonical trait name."""
    table: dict[str, str] = {}
    for name, definition in definitions.items():
        for key in (name, *definition.aliases):
            table[key.lower()] = name
    return table


class TraitDict(BaseModel):
    """A parsed trait dictionary: canonical trait name -> intensity."""

    label: str
    """How the arm is named in results (the file's stem, or a canonical rendering)."""
    source: str
    """Where it came from: a path, or "inline"."""
    raw: dict[str, Any]
    """The dictionary as written (a scheduled trait: its schedule, normalised)."""
    intensities: dict[str, Intensity]
    """Canonical trait name -> level or number, for every trait the dict names; a
    scheduled trait's is the value its schedule holds at the end."""
    schedules: dict[str, TraitSchedule] = Field(default_factory=dict)
    """Canonical trait name -> its schedule over the user's turns (``tautrait run``)."""

    def active(self) -> dict[str, Intensity]:
        """Only the traits that steer (not "low" and not 0; a scheduled trait when any
        of its points steers)."""
        return {
            t: v
            for t, v in self.intensities.items()
            if not _neutral(v)
            or (t in self.schedules and not all(_neutral(p) for p in self.schedules[t].points))
        }

    def canonical(self) -> str:
        active = self.active()
        if not active:
            return "neutral"
        return ",".join(
            f"{t}={self.schedules[t].label() if t in self.schedules else v}"
            for t, v in sorted(active.items())
        )


def _neutral(value: Intensity) -> bool:
    return value in ("low", 0, 0.0)


def parse_trait_dict(
    raw: object,
    *,
    label: str,
    source: str,
    definitions: dict[str, TraitDefinition] | None = None,
    allow_schedules: bool = False,
) -> TraitDict:
    """Validate a trait dictionary; unknown traits or levels raise a :class:`UserError`
    listing the valid ones. A schedule (a JSON object or list as a value) is accepted
    only with ``allow_schedules``."""
    definitions = load_definitions() if definitions is None else definitions
    if not isinstance(raw, dict) or not raw:
        raise UserError(f"{source}: a trait dict is a non-empty JSON object {{trait: intensity}}")
    aliases = alias_table(definitions)
    intensities: dict[str, Intensity] = {}
    schedules: dict[str, TraitSchedule] = {}
    clean_raw: dict[str, Any] = {}
    for key, value in raw.items():
        trait = aliases.get(str(key).lower())
        if trait is None:
            valid = ", ".join(sorted(definitions))
            raise UserError(
                f"{source}: unknown trait {key!r}; valid traits: {valid} "
                "(aliases such as 'skeptical' work too)"
            )
        if trait in intensities:
            raise UserError(f"{source}: trait {trait!r} is given twice")
        if isinstance(value, dict | list):
            if not allow_schedules:
                raise UserError(
                    f"{source}: intensity {value!r} of {key!r} is not valid; use low, medium, "
                    "high or a number (schedules over the user's turns work only in "
                    "`tautrait run`)"
                )
            schedule = parse_schedule(
                value,
                key=str(key),
                source=source,
                parse_point=partial(_parse_intensity, key=str(key), source=source),
            )
            schedules[trait] = schedule
            intensities[trait] = schedule.held
            clean_raw[str(key)] = schedule.spec()
            continue
        intensities[trait] = _parse_intensity(value, key=str(key), source=source)
        # As written: a level keeps its spelling, a number becomes a float.
        clean_raw[str(key)] = value if isinstance(value, str) else intensities[trait]
    return TraitDict(
        label=label, source=source, raw=clean_raw, intensities=intensities, schedules=schedules
    )


def _parse_intensity(value: object, *, key: str, source: str) -> Intensity:
    if isinstance(value, bool):
        raise UserError(f"{source}: intensity of {key!r} must be low, medium, high or a number")
    number: float | None = None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip().lower()
        if text in LEVELS:
            return text
        with contextlib.suppress(ValueError):
            number = float(text)
    if number is not None:
        if not math.isfinite(number):
            raise UserError(
                f"{source}: intensity {value!r} of {key!r} is not a finite number; "
                f"use low, medium, high or a number between -{MAX_INTENSITY:g} and "
                f"{MAX_INTENSITY:g}"
            )
        if abs(number) > MAX_INTENSITY:
            raise UserError(
                f"{source}: intensity {number:g} of {key!r} is far beyond the calibrated "
                f"range (numbers are multiples of medium; high is a few times medium); "
                f"use a number between -{MAX_INTENSITY:g} and {MAX_INTENSITY:g}"
            )
        return number
    raise UserError(
        f"{source}: intensity {value!r} of {key!r} is not valid; use low, medium, high or a number"
    )


def ready_dicts() -> dict[str, Path]:
    """Ready-made trait dicts (``traits/*.json``), by file name."""
    found: dict[str, Path] = {}
    for root in paths.find_dirs("traits"):
        for path in sorted(root.glob("*.json")):
            found.setdefault(path.name, path)
    return found


def load_trait_dict(
    spec: str,
    definitions: dict[str, TraitDefinition] | None = None,
    *,
    allow_schedules: bool = False,
) -> TraitDict:
    """Load ``--trait-dict``: a file path, a ready dict's name (``skeptical.json`` or
    ``skeptical``), or inline JSON (``'{"impatience": "high"}'``)."""
    text = spec.strip()
    if text.startswith("{"):
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UserError(f"inline trait dict is not valid JSON: {exc.msg}") from None
        parsed = parse_trait_dict(
            raw,
            label="",
            source="inline",
            definitions=definitions,
            allow_schedules=allow_schedules,
        )
        return parsed.model_copy(update={"label": parsed.canonical()})
    path = Path(text).expanduser()
    if not path.is_file():
        ready = ready_dicts()
        name = text if text.endswith(".json") else f"{text}.json"
        if name in ready:
            path = ready[name]
        else:
            known = ", ".join(sorted(ready)) or "none"
            raise UserError(
                f"trait dict {spec!r} not found; pass a JSON file path, inline "
                f"JSON, or one of: {known}"
            )
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise UserError(f"{path}: invalid JSON ({exc.msg} at line {exc.lineno})") from None
    return parse_trait_dict(
        raw,
        label=path.stem,
        source=str(path),
        definitions=definitions,
        allow_schedules=allow_schedules,
    )
