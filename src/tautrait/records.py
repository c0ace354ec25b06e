"""Every record tautrait writes: ``run.json``, an arm, an episode, ``traiteval.json``.

One pydantic model per file format, each with a ``schema_version``: the runner writes
through these models, the report and the tests read through them, so a field has one
name and one type everywhere. A file whose version this tautrait cannot read (newer than
it knows, or older than it still reads) is refused by :func:`check_version` with one
line naming the version and what to do; a compatible one is read as it is, the fields
it lacks taking their defaults.

A record is published data: fields are only ever added (with a default) within a
version; renaming, removing or changing the meaning of one raises the version.

This module sits below every stage that writes or reads these files (runner, report,
traiteval): it imports nothing of theirs. The run's configuration is kept here as the
plain JSON the runner dumped; the runner validates it as a ``RunConfig`` on resume,
while a report reads the few settings it shows from :class:`ConfigRecord`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    ValidationError,
    model_serializer,
)

from tautrait.domain.backend import RewardBreakdown
from tautrait.errors import UserError

STOP_MARKER = "###STOP###"
"""What a simulated user's message ends the conversation with (kept in a user message's
``raw`` text; the message content drops it)."""

MANIFEST_FILE = "run.json"
EPISODES_FILE = "episodes.jsonl"
TRAITEVAL_FILE = "traiteval.json"
ATTRIBUTION_FILE = "attribution.jsonl"

RUN_VERSION = 1
"""``run.json``'s ``schema_version``."""
ARM_VERSION = 1
"""An arm record's ``schema_version`` (in ``run.json`` and in each episode's ``steering``)."""
EPISODE_VERSION = 1
"""An ``episodes.jsonl`` line's ``schema_version``."""
TRAITEVAL_VERSION = 1
"""``traiteval.json``'s ``schema_version``."""
TRAITEVAL_SCHEMA = "tautrait.traiteval"
ATTRIBUTION_VERSION = 1
"""An ``attribution.jsonl`` line's ``schema_version``."""

OLDEST_READABLE = {
    "run.json": 1,
    "arm record": 1,
    "episode record": 1,
    "traiteval.json": 1,
    "attribution record": 1,
}
"""The oldest version of each record this tautrait still reads."""

DEFAULT_MAX_INFRA_ERRORS = 0.1
"""``max_infra_errors`` of a run whose ``run.json`` predates the setting (and the
setting's default)."""

Status = Literal["completed", "infra_error"]
Termination = Literal["user_stop", "transfer", "max_steps", "agent_context_overflow", "infra_error"]


def check_version(path: Path | str, what: str, found: Any, current: int) -> None:
    """Refuse a ``what`` file (``run.json``, ``traiteval.json``...) of a version this
    tautrait cannot read, with one line saying which version it is and how to proceed."""
    oldest = OLDEST_READABLE.get(what, current)
    if isinstance(found, bool) or not isinstance(found, int):
        raise UserError(
            f"{path} has no valid schema_version ({found!r}); it is not a {what} this "
            "tautrait wrote"
        )
    if found > current:
        raise UserError(
            f"{path} is a {what} of schema version {found}, newer than this tautrait reads "
            f"(up to {current}); upgrade tautrait to read it"
        )
    if found < oldest:
        raise UserError(
            f"{path} is a {what} of schema version {found}, older than this tautrait reads "
            f"({oldest} to {current}); read it with the tautrait version that wrote it"
        )


def write_json(path: Path, data: Any) -> None:
    """Write JSON atomically: a temporary file beside ``path``, then a rename, so a
    reader never sees half a file; the temporary file goes if writing fails. A pydantic
    model is written with its field names (aliases) in JSON mode."""
    if isinstance(data, BaseModel):
        data = data.model_dump(mode="json", by_alias=True)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# --- arms -------------------------------------------------------------------------------


class ArmRecord(BaseModel):
    """What a run records about one arm's steering: in ``run.json`` (with its name) and
    in every episode of the arm (``steering``, without it).

    Only the fields a strategy resolves are written (a ``None`` field is left out), so a
    baseline arm is ``{"trait_dict": null, "coefficients": {}, "blocks": []}``. Fields a
    remote steering server reports are kept as they came (extra keys are allowed).
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    schema_version: int = ARM_VERSION
    name: str | None = None
    """The arm's name; in ``run.json`` only (an episode names its arm itself)."""
    trait_dict: dict[str, Any] | None = None
    """The trait dict as given (trait -> level or number); None for the baseline."""
    source: str | None = None
    """Where the trait dict came from (a file or inline JSON)."""
    intensities: dict[str, Any] | None = None
    """Canonical trait -> intensity (a level or a number)."""
    coefficients: dict[str, float] | None = None
    """Trait -> steering coefficient (steered and mtad strategies)."""
    calibration: dict[str, str] | None = None
    """Trait -> where its block and coefficients came from."""
    compose: str | None = None
    position: str | None = None
    blocks: list[int] | None = None
    """The blocks steered (steered strategy)."""
    vector_norms: dict[str, float] | None = None
    experts: list[dict[str, Any]] | None = None
    """The mixture's experts (mtad strategy): weight, adapter, blocks, vector norms."""
    levels: dict[str, str] | None = None
    """Trait -> level the prompt describes (prompt strategy)."""
    style: str | None = None
    """The style section of the simulator's prompt (prompt strategy)."""
    sweep: dict[str, Any] | None = None
    """A ``--sweep`` point's arm: {"trait": canonical name, "intensity": calibrated units}."""
    schedule: dict[str, Any] | None = None
    """Trait -> its schedule over the user's turns, as normalised from the trait dict
    (a ramp {"from", "to", "over"} or a per-turn list); None without one. ``intensities``,
    ``coefficients`` and ``vector_norms`` then describe the value each schedule holds at
    its end."""
    turn_intensities: list[dict[str, float]] | None = None
    """A scheduled arm's trait -> intensity in calibrated units (1 = medium) of each user
    turn, the last holding for every later turn. Each user message of its episodes
    records the one it was generated under (``intensities``)."""

    @model_serializer(mode="wrap")
    def _drop_unset(
        self, handler: SerializerFunctionWrapHandler, info: SerializationInfo
    ) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        return {k: v for k, v in data.items() if v is not None or k == "trait_dict"}

    def steering(self) -> dict[str, Any]:
        """What the steering resolved to, without the arm's name, trait dict or source
        (what a report shows beside the trait dict)."""
        dumped = self.model_dump(mode="json")
        return {
            k: v
            for k, v in dumped.items()
            if k not in ("schema_version", "name", "trait_dict", "source")
        }


# --- episodes ---------------------------------------------------------------------------


class Usage(BaseModel):
    """Tokens and cost of one side of an episode."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float | None = 0.0
    """USD; None when some call's price was unknown."""
    calls: int = 0
    seconds: float = 0.0
    retries: dict[str, int] = Field(default_factory=dict)
    """Provider calls retried, by cause (rate_limit, server_error, timeout, connection,
    empty): faults the harness survived."""

    def add(
        self,
        prompt: int,
        completion: int,
        cost: float | None,
        seconds: float,
        retries: dict[str, int] | None = None,
    ) -> None:
        self.prompt_tokens += prompt
        self.completion_tokens += completion
        self.cost = None if cost is None or self.cost is None else self.cost + cost
        self.calls += 1
        self.seconds += seconds
        for cause, n in (retries or {}).items():
            self.retries[cause] = self.retries.get(cause, 0) + n


class EpisodeError(BaseModel):
    kind: str
    message: str
    attempts: int = 1
    retries: dict[str, int] = Field(default_factory=dict)
    """The failing call's retries by cause, before it gave up."""


class EpisodeRecord(BaseModel):
    """One line of ``episodes.jsonl``."""

    schema_version: int = EPISODE_VERSION
    run_id: str
    domain: str
    task_id: str
    trial: int
    arm: str
    seed: int
    """The episode seed, shared by every arm of the same (task, trial)."""
    status: Status
    reward: float | None
    """1.0 or 0.0 for completed episodes; None for infrastructure errors (not scored)."""
    reward_breakdown: RewardBreakdown | None = None
    termination: Termination
    error: EpisodeError | None = None
    steps: int = 0
    """Agent model calls made."""
    messages: list[dict[str, Any]] = Field(default_factory=list)
    """The full trajectory in the agent's view: system, user, assistant (with tool calls)
    and tool messages (with the call's outcome)."""
    steering: ArmRecord = Field(default_factory=ArmRecord)
    """The arm's trait dict and the coefficients and blocks it resolved to."""
    agent_usage: Usage = Field(default_factory=Usage)
    user_usage: Usage = Field(default_factory=Usage)
    tool_calls: int = 0
    tool_errors: int = 0
    tool_crashes: int = 0
    expression: list[dict[str, float] | None] | None = None
    """The manipulation check: per user turn (the ``role: user`` messages, in order),
    trait -> the simulator's expression of it in that turn (see
    :mod:`tautrait.steering.expression`); None for a turn not measured, and for the
    whole episode when no turn was (no local simulator, or a run before the check)."""
    started_at: str
    duration_s: float
    requeued: int = 0
    """Times the episode was handed to another worker because the one playing it was
    lost (``--executor ray``: a killed actor or node); the record is of its one finished
    play."""

    def key(self) -> tuple[str, int, str]:
        return (self.task_id, self.trial, self.arm)


# --- run.json ---------------------------------------------------------------------------


class GitRecord(BaseModel):
    commit: str | None = None
    dirty: bool | None = None
    """Uncommitted changes under src, domains, tasks or traits; None outside a checkout."""


class EnvironmentRecord(BaseModel):
    python: str
    platform: str
    packages: dict[str, str | None]
    """Package -> installed version (None when not installed)."""
    device: str


class DomainRecord(BaseModel):
    """The domain; a foreign benchmark's adds where it came from (format, package,
    version, path)."""

    model_config = ConfigDict(extra="allow")

    name: str
    content_sha256: str
    """The hash of the domain's code and data: ``--resume`` refuses a changed domain."""
    seed_state_sha256: str | None = None


class TasksRecord(BaseModel):
    split: str
    file: str
    sha256: str
    count: int
    task_ids: list[str]
    invalid: dict[str, list[str]] = Field(default_factory=dict)
    """A foreign benchmark's selected tasks that fail the validity gates, with why."""
    skipped_invalid: list[str] = Field(default_factory=list)
    """Those left out of the run (``--skip-invalid``)."""


class AgentRecord(BaseModel):
    model: str
    api_base: str | None = None
    temperature: float | None = None
    max_steps: int | None = None


class UserRecord(BaseModel):
    """The user simulator: its strategy and model, and what the strategy adds (the
    local model's id, weights fingerprint, device and dtype; a server's endpoint)."""

    model_config = ConfigDict(extra="allow")

    strategy: str
    model: str
    prompt_template_sha256: str | None = None


class GridRecord(BaseModel):
    tasks: int
    trials: int
    arms: int
    episodes: int


class ConfigRecord(BaseModel):
    """The few settings of a run's config a report shows; the whole config is
    :attr:`RunManifest.config`."""

    model_config = ConfigDict(extra="ignore")

    env: str | None = None
    model: str | None = None
    temperature: float | None = None
    user_strategy: str | None = None
    user_model: str | None = None
    max_infra_errors: float = DEFAULT_MAX_INFRA_ERRORS


class RunManifest(BaseModel):
    """``run.json``: every setting and version that produced a run (see
    :mod:`tautrait.runner.manifest`, which builds it)."""

    schema_version: int = RUN_VERSION
    run_id: str
    created_at: str
    tautrait_version: str
    git: GitRecord = Field(default_factory=GitRecord)
    command: list[str]
    """The command line, with the values of secret flags hidden."""
    config: dict[str, Any]
    """The full resolved ``RunConfig``, as JSON (its secrets left out)."""
    environment: EnvironmentRecord
    domain: DomainRecord
    tasks: TasksRecord
    arms: list[ArmRecord]
    agent: AgentRecord
    user: UserRecord
    basis: dict[str, Any] | None = None
    """The steering basis's metadata (model, traits, calibration); None without one."""
    grid: GridRecord
    limits: dict[str, Any] | None = None
    """The memory and concurrency limits the run used."""

    def settings(self) -> ConfigRecord:
        """The settings a report shows, read leniently from :attr:`config`."""
        try:
            return ConfigRecord.model_validate(self.config)
        except ValidationError:
            return ConfigRecord()

    def arm_names(self) -> list[str]:
        return [a.name or "?" for a in self.arms]


def read_manifest(run_dir: Path) -> RunManifest:
    """A run folder's ``run.json``; a missing, damaged, foreign or unreadable-version file
    is a one-line :class:`UserError`."""
    path = run_dir / MANIFEST_FILE
    if not run_dir.is_dir():
        raise UserError(f"{run_dir} is not a run folder (it does not exist); pass results/<run-id>")
    if not path.is_file():
        raise UserError(
            f"{run_dir} is not a run folder (no {MANIFEST_FILE}); pass results/<run-id>"
        )
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError(
            f"cannot read {path}: {exc.strerror or exc}; check its permissions"
        ) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise UserError(
            f"cannot read {path}: not valid JSON ({type(exc).__name__}); the file is damaged"
        ) from None
    if not isinstance(stored, dict) or not {"run_id", "config", "domain", "tasks"} <= set(stored):
        raise UserError(f"{path} is not a tautrait run.json (no run_id/config/domain/tasks)")
    check_version(path, "run.json", stored.get("schema_version"), RUN_VERSION)
    try:
        return RunManifest.model_validate(stored)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        raise UserError(
            f"{path} is not a valid run.json ({where}: {error['msg']}); the file is damaged"
        ) from None


# --- traiteval.json ---------------------------------------------------------------------


class TraitEvalRecord(BaseModel):
    """``traiteval.json``: a ``traits eval`` result (see :mod:`tautrait.traiteval`).

    The measures are nested JSON as the evaluation computed them (NaN written as null);
    the Markdown report renders them.
    """

    model_config = ConfigDict(populate_by_name=True)

    kind: Literal["tautrait.traiteval"] = Field("tautrait.traiteval", alias="schema")
    schema_version: int = TRAITEVAL_VERSION
    created: str
    wall_s: float
    timings: dict[str, float]
    """Seconds per phase: prepare, generation, scoring, judging."""
    settings: dict[str, Any]
    """The evaluation's settings, as JSON."""
    contexts: list[str]
    pairs: list[list[str]]
    conditions: list[dict[str, Any]]
    user_sides: dict[str, dict[str, Any]]
    """Method -> the user side's info and each condition's arm record."""
    scorer: dict[str, Any]
    conversations: dict[str, Any]
    offline: dict[str, Any]
    judge: dict[str, Any] | None = None


def read_traiteval(path: Path) -> TraitEvalRecord:
    """A ``traiteval.json``; a damaged file or one of a version this tautrait cannot read
    is a one-line :class:`UserError`."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UserError(f"cannot read {path} ({type(exc).__name__}); the file is damaged") from None
    if not isinstance(stored, dict) or stored.get("schema") != TRAITEVAL_SCHEMA:
        raise UserError(f"{path} is not a traiteval.json (no schema {TRAITEVAL_SCHEMA!r})")
    check_version(path, "traiteval.json", stored.get("schema_version"), TRAITEVAL_VERSION)
    try:
        return TraitEvalRecord.model_validate(stored)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        raise UserError(f"{path} is not a valid traiteval.json ({where}: {error['msg']})") from None


# --- attribution.jsonl ------------------------------------------------------------------


class FaultJudgeRecord(BaseModel):
    """One line of ``attribution.jsonl``: a judge model's verdict on whose fault one
    failed episode is (``tautrait run --judge-model``). The deterministic attribution is
    not stored: a report recomputes it from the episodes."""

    schema_version: int = ATTRIBUTION_VERSION
    run_id: str
    task_id: str
    trial: int
    arm: str
    judge_model: str
    verdict: Literal["agent", "simulator", "both", "none"] | None
    """None when the response was unparsable or the call failed (never guessed)."""
    parse_error: str | None = None
    call_error: str | None = None
    response: str | None = None
    """The judge's full response, for audit."""

    def key(self) -> tuple[str, int, str]:
        return (self.task_id, self.trial, self.arm)
