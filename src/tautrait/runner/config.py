"""Every setting of a run, with its default, in one place.

Each field is reachable three ways, highest priority first: a command-line flag
(``--max-concurrency 8``), an environment variable (``TAUTRAIT_MAX_CONCURRENCY=8``) and a
key of a TOML config file given with ``--config`` (``max_concurrency = 8``); the default
below applies otherwise. The whole resolved config is stored in ``run.json``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from tautrait.errors import UserError

UserStrategy = Literal["steered", "mtad", "prompt", "llm", "human", "steer"]
SteeringPosition = Literal["all", "generated"]
Compose = Literal["linear", "orthogonal"]
Pooling = Literal["reply", "all"]

EMBEDDED_AGENT = "local/embedded"


class RunConfig(BaseModel):
    """The settings of a run (see the module docstring for how they are set)."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    # What to run
    env: str = "retail"
    """The domain."""
    task_split: str = "test"
    """The task split (a file tasks/<env>/<split>.json)."""
    task_ids: list[str] | None = None
    """Run only these task ids (overrides the index range)."""
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
    trait_dicts: list[str] = Field(default_factory=list)
    """Trait dicts, one arm each: file paths, ready dict names or inline JSON."""
    baseline: bool = True
    """Also run the neutral arm (every trait zero, all else identical)."""

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
    adapters: list[str] = Field(default_factory=list)
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
    prefix_cache_mb: int = Field(4096, ge=0)
    """Memory (MiB) for reusing the KV cache of repeated prompt prefixes (0: off); it
    should hold every conversation in flight."""
    device: str = "auto"
    """Device of local models: auto, cpu, cuda, cuda:1..."""
    dtype: str = "auto"
    """dtype of local models: auto (bf16 on GPU, fp32 on CPU), float32, bfloat16."""
    retry_attempts: int = Field(6, ge=1)
    """Tries per provider call before the episode is an infrastructure error."""
    output_dir: Path = Path("results")
    """Where run folders are created."""

    @field_validator("trait_dicts", "adapters", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


FIELD_NAMES = tuple(RunConfig.model_fields)


def env_var(field: str) -> str:
    return "TAUTRAIT_" + field.upper()


def read_config_file(path: Path | None) -> dict[str, Any]:
    """Keys of a TOML config file (a top-level table, or a [run] table)."""
    if path is None:
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"config file {path} not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{path}: invalid TOML ({exc})") from None
    data = data.get("run", data)
    unknown = sorted(set(data) - set(FIELD_NAMES))
    if unknown:
        raise UserError(
            f"{path}: unknown keys {', '.join(unknown)}; valid keys: {', '.join(FIELD_NAMES)}"
        )
    return dict(data)


def build_config(explicit: dict[str, Any], config_file: Path | None = None) -> RunConfig:
    """Merge flags/env values (``explicit``, None = not given) over a config file and the
    defaults; raise a one-line :class:`UserError` on an invalid value."""
    values = read_config_file(config_file)
    values.update({k: v for k, v in explicit.items() if v is not None})
    try:
        return RunConfig.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        flag = "--" + where.replace("_", "-")
        raise UserError(f"{flag}: {first['msg']} (got {first.get('input')!r})") from None


def field_help(name: str) -> str:
    """A field's docstring, for the CLI's --help."""
    info = RunConfig.model_fields[name]
    return " ".join((info.description or "").split())
