"""Every setting of a run, with its default, in one place.

:class:`RunConfig` is the only declaration of an option: the command line's flags
(``tautrait run``'s signature is generated from its fields), the environment variables
(read by pydantic-settings) and the keys of a ``--config`` TOML file all come from it,
so an option cannot reach one way and not another. Highest priority first: a flag
(``--max-concurrency 8``), an environment variable (``TAUTRAIT_MAX_CONCURRENCY=8``), a key
of the config file (``max_concurrency = 8``), the default below. The whole resolved
config is stored in ``run.json``.

List options take a JSON list in an environment variable
(``TAUTRAIT_TRAIT_DICTS='["skeptical.json", "impatient.json"]'``) or a single value;
``task_ids`` also splits on commas. A field's ``json_schema_extra={"flag": ...}`` names
its flag when that is not ``--`` plus the field name (``--trait-dict``, repeatable).
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import EnvSettingsSource

from tautrait.errors import UserError
from tautrait.llm import RetryPolicy
from tautrait.local.pool import SteeringPosition
from tautrait.records import DEFAULT_MAX_INFRA_ERRORS
from tautrait.steering.options import Compose, Pooling
from tautrait.user.arms import Arm, parse_arms
from tautrait.user.settings import UserSettings, UserStrategy

Executor = Literal["local", "ray"]

EMBEDDED_AGENT = "local/embedded"


class RunConfig(BaseModel):
    """The settings of a run (see the module docstring for how they are set)."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    # What to run
    env: str = "retail"
    """The domain (or a foreign benchmark's: tau-trait/retail, tau-bench/airline...)."""
    task_split: str = "test"
    """The task split (a file tasks/<env>/<split>.json)."""
    skip_invalid: bool = False
    """Leave out the selected tasks that fail the validity gates (a foreign benchmark's
    tasks are not validated beforehand; recorded in run.json and the report)."""
    task_ids: list[str] | None = None
    """Run only these task ids (overrides the index range; commas separate several)."""
    start_index: int = Field(0, ge=0)
    """First task (by position in the split)."""
    end_index: int = -1
    """One past the last task; -1 for the end of the split."""
    limit: int | None = Field(None, ge=1)
    """At most this many tasks (after the range and shuffle)."""
    shuffle: bool = False
    """Shuffle the selected tasks with the seed before --limit."""
    num_trials: int = Field(1, ge=1)
    """Trials per task and arm."""
    seed: int = 10
    """Seeds task shuffling and every episode's sampling (shared by all arms)."""

    # Arms
    trait_dicts: list[str] = Field(default_factory=list, json_schema_extra={"flag": "--trait-dict"})
    """Trait dicts, one arm each: file paths, ready dict names or inline JSON."""
    baseline: bool = True
    """Also run the neutral arm (every trait zero, all else identical)."""
    sweep: list[str] = Field(default_factory=list)
    """Dose-response: TRAIT=x1,x2,... runs one arm per non-zero intensity (numbers in
    calibrated units, 1 = medium; the baseline is the point 0); repeatable, one trait each."""

    # Agent
    model: str = EMBEDDED_AGENT
    """Any litellm model (openai/gpt-4o, anthropic/..., hosted_vllm/... with --api-base)
    or local/<checkpoint>."""
    api_base: str | None = None
    """Base URL for the agent's provider (e.g. a vLLM server)."""
    temperature: float = Field(0.0, ge=0)
    """The agent's sampling temperature."""
    agent_max_tokens: int | None = Field(None, ge=1)
    """Cap on each agent reply (provider default if unset; 512 for local models)."""
    max_steps: int = Field(30, ge=1)
    """Agent model calls per episode before it is stopped."""

    # User simulator
    user_strategy: UserStrategy = "steered"
    """steered: a local model with TraitBasis vectors; mtad: a local model mixing trait
    experts at decoding; prompt: any litellm model with the traits in its prompt; llm:
    any litellm model, neutral; human: you type the customer's turns; steer: a steering
    server (`tautrait serve`, or the seed's hosted one) at --user-endpoint."""
    user_model: str = "embedded"
    """steered/mtad: a local checkpoint folder or "embedded"; prompt/llm: a litellm model
    (the embedded model or a folder is served locally)."""
    user_api_base: str | None = None
    """Base URL for the user's provider (llm strategy)."""
    user_endpoint: str | None = None
    """steer: the steering server's URL, e.g. http://gpu:8000 (its /steer) or a full
    route such as https://host/steer_bare."""
    user_api_key: SecretStr | None = Field(None, exclude=True)
    """steer: the server's API key (else STEER_API_KEY); never written to results."""
    user_temperature: float = Field(0.7, ge=0)
    """The user's sampling temperature (seeded per episode and turn)."""
    user_top_p: float = Field(0.95, gt=0, le=1)
    user_max_tokens: int = Field(128, ge=1)
    """Cap on each user message."""

    # Steering
    adapters: list[str] = Field(default_factory=list, json_schema_extra={"flag": "--adapter"})
    """mtad experts as LoRA adapters instead of steering: trait=folder (PEFT format)."""
    basis: Path | None = None
    """A basis file from `tautrait traits extract/calibrate` (else extracted and cached)."""
    pooling: Pooling = "reply"
    """How hidden states are pooled when extracting (reply tokens, or all tokens)."""
    steering_position: SteeringPosition = "all"
    """Add vectors at every position, or only where tokens are generated."""
    compose: Compose = "linear"
    """How several traits combine: linear sum, or orthogonalised first."""

    # Execution
    max_concurrency: int = Field(8, ge=1)
    """Episodes in flight at once."""
    max_batch_size: int = Field(16, ge=1)
    """Generation requests decoded together by a local model."""
    prefix_cache_mb: int | None = Field(None, ge=0)
    """Memory (MiB) for reusing the KV cache of repeated prompt prefixes (0: off; unset:
    sized from the machine's available memory and the model's size, recorded in
    run.json); it should hold every conversation in flight."""
    kv_cache_mb: int | None = Field(None, ge=1)
    """Memory (MiB) for the keys and values of the requests a local model decodes
    together: a request waits until it fits (one alone always runs); unset: sized like
    the prefix cache, recorded in run.json."""
    device: str = "auto"
    """Device of local models: auto, cpu, cuda, cuda:1..."""
    dtype: str = "auto"
    """dtype of local models: auto (bf16 on GPU, fp32 on CPU), float32, bfloat16."""
    retry_attempts: int = Field(6, ge=1)
    """Tries per provider call before the episode is an infrastructure error."""
    retry_initial_s: float = Field(1.0, gt=0)
    """The first wait before retrying a provider call; it doubles per retry, up to 60 s
    (a rate limit's retry-after is honoured instead)."""
    retry_max_s: float = Field(300.0, gt=0)
    """Total seconds one provider call may spend on retries (waits included) before the
    episode is an infrastructure error."""
    max_infra_errors: float = Field(DEFAULT_MAX_INFRA_ERRORS, ge=0)
    """Infrastructure errors a run may end with and still pass (exit 0): below 1, a
    fraction of its episodes; 1 or more, a count. Over it: exit 3, and every report says
    so at the top."""
    faults: str | None = None
    """Inject provider faults for testing the harness, e.g.
    "429=0.1,500=0.1,timeout=0.05,malformed=0.05" (kinds: 429, 429-retry-after, 500,
    503, timeout, reset, malformed, empty; each a probability per call)."""
    executor: Executor = "local"
    """Where episodes are played: local (this process) or ray (a Ray cluster: one engine
    per GPU, or per node on CPU, each playing --max-concurrency episodes; needs
    `pip install 'tautrait[ray]'`)."""
    ray_address: str | None = None
    """ray: the cluster to join (auto, ray://host:10001); unset: RAY_ADDRESS, else a
    local one-node Ray is started."""
    output_dir: Path = Path("results")
    """Where run folders are created."""
    judge_model: str | None = None
    """A litellm model that also judges whose fault each failed episode is (agent,
    simulator, both, none), once the grid is done: attribution.jsonl, shown in the
    report beside the deterministic attribution; unparsable answers are counted."""
    judge_api_base: str | None = None
    """Base URL for the judge's provider (--judge-model)."""

    def retry_policy(self) -> RetryPolicy:
        """How provider calls of this run are retried."""
        return RetryPolicy(
            attempts=self.retry_attempts,
            initial_s=self.retry_initial_s,
            max_total_s=self.retry_max_s,
        )

    def arms(self) -> list[Arm]:
        """The arms of this run, named and checked before any model is loaded
        (:func:`~tautrait.user.arms.parse_arms`)."""
        return parse_arms(
            self.trait_dicts, self.user_strategy, baseline=self.baseline, sweeps=self.sweep
        )

    def user_settings(self) -> UserSettings:
        """What the user side of this run reads (:mod:`tautrait.user.side`)."""
        return UserSettings(
            strategy=self.user_strategy,
            model=self.user_model,
            api_base=self.user_api_base,
            endpoint=self.user_endpoint,
            api_key=self.user_api_key,
            temperature=self.user_temperature,
            top_p=self.user_top_p,
            max_tokens=self.user_max_tokens,
            adapters=tuple(self.adapters),
            basis=self.basis,
            pooling=self.pooling,
            steering_position=self.steering_position,
            compose=self.compose,
            device=self.device,
            dtype=self.dtype,
            retry=self.retry_policy(),
        )

    @field_validator("trait_dicts", "adapters", "sweep", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("task_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list | tuple):
            ids = [p.strip() for v in value for p in str(v).split(",") if p.strip()]
            return ids or None
        return value


FIELD_NAMES = tuple(RunConfig.model_fields)
ENV_PREFIX = "TAUTRAIT_"


def env_var(field: str) -> str:
    return ENV_PREFIX + field.upper()


def flag_of(field: str) -> str:
    """The command-line flag of a field (``--max-concurrency``, ``--trait-dict``)."""
    extra = RunConfig.model_fields[field].json_schema_extra
    if isinstance(extra, dict) and isinstance(extra.get("flag"), str):
        return str(extra["flag"])
    return "--" + field.replace("_", "-")


class _EnvSource(EnvSettingsSource):
    """TAUTRAIT_* variables; a list option also takes a single plain value."""

    def decode_complex_value(self, field_name: str, field: FieldInfo, value: Any) -> Any:
        if isinstance(value, str) and not value.lstrip().startswith("["):
            return value
        try:
            return json.loads(value)
        except ValueError as exc:
            raise UserError(
                f"{env_var(field_name)}: not a JSON list ({exc}); write "
                f'{env_var(field_name)}=\'["a", "b"]\' or a single value'
            ) from None


def read_environment() -> dict[str, Any]:
    """The run options set as ``TAUTRAIT_*`` environment variables (values as text)."""
    source = _EnvSource(
        RunConfig,  # type: ignore[arg-type]
        env_prefix=ENV_PREFIX,
        case_sensitive=False,
        env_ignore_empty=True,
    )
    return {k: v for k, v in source().items() if k in RunConfig.model_fields}


def read_config_file(path: Path | None) -> dict[str, Any]:
    """Keys of a TOML config file (a top-level table, or a [run] table)."""
    if path is None:
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"config file {path} not found") from None
    except UnicodeDecodeError:
        raise UserError(f"{path}: not a UTF-8 text file; pass a TOML config file") from None
    except OSError as exc:
        raise UserError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{path}: invalid TOML ({exc})") from None
    data = data.get("run", data)
    if not isinstance(data, dict):
        raise UserError(f"{path}: [run] must be a table of options (max_concurrency = 8)")
    unknown = sorted(set(data) - set(FIELD_NAMES))
    if unknown:
        raise UserError(
            f"{path}: unknown keys {', '.join(unknown)}; valid keys: {', '.join(FIELD_NAMES)}"
        )
    return dict(data)


def build_config(
    explicit: dict[str, Any], config_file: Path | None = None, *, environment: bool = True
) -> RunConfig:
    """Merge flags (``explicit``; None or an empty list = not given) over the environment
    (unless ``environment`` is False), a config file and the defaults; raise a one-line
    :class:`UserError` naming where an invalid value came from."""
    origin: dict[str, str] = {}
    values = read_config_file(config_file)
    origin.update({k: f"{config_file}: {k}" for k in values})
    if environment:
        env = read_environment()
        values.update(env)
        origin.update({k: env_var(k) for k in env})
    given = {k: v for k, v in explicit.items() if v is not None and v != []}
    values.update(given)
    origin.update({k: flag_of(k) for k in given if k in RunConfig.model_fields})
    unknown = sorted(set(values) - set(FIELD_NAMES))
    if unknown:
        raise UserError(f"unknown run options {', '.join(unknown)}")
    try:
        return RunConfig.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else ""
        where = origin.get(field, flag_of(field) if field in RunConfig.model_fields else field)
        raise UserError(f"{where}: {first['msg']} (got {first.get('input')!r})") from None


def field_help(name: str) -> str:
    """A field's docstring, for the CLI's --help."""
    info = RunConfig.model_fields[name]
    return " ".join((info.description or "").split())
