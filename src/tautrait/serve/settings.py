"""Every setting of ``tautrait serve``, with its default, in one place.

Each field is reachable as a flag (``--max-batch-size 32``), an environment variable
(``TAUTRAIT_SERVE_MAX_BATCH_SIZE=32``) and a key of a TOML file given with ``--config``
(``max_batch_size = 32``, top level or in a ``[serve]`` table), highest priority first.
The steering fields mean exactly what ``tautrait run``'s fields of the same name mean.

Safe by default: the server listens on loopback; binding any other address needs an
API key (:func:`check_bind`).
"""

from __future__ import annotations

import ipaddress
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from tautrait.errors import UserError
from tautrait.local.pool import SteeringPosition
from tautrait.steering.options import Compose, Pooling


class ServeConfig(BaseModel):
    """The settings of a steering server (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    host: str = "127.0.0.1"
    """Address to listen on; anything but loopback needs --api-key."""
    port: int = Field(8000, ge=0, le=65535)
    """TCP port (0: any free port)."""
    api_key: SecretStr | None = Field(None, exclude=True)
    """Clients must send it (API-Key header, or Authorization: Bearer). Never logged."""
    user_model: str = "embedded"
    """The model to serve: a local checkpoint folder or "embedded"."""
    basis: Path | None = None
    """A basis file from `tautrait traits extract/calibrate` (else the model's own basis,
    every defined trait, extracted once and cached)."""
    pooling: Pooling = "reply"
    """How hidden states are pooled when extracting (reply tokens, or all tokens)."""
    steering_position: SteeringPosition = "all"
    """Add vectors at every position, or only where tokens are generated."""
    compose: Compose = "linear"
    """How several traits combine: linear sum, or orthogonalised first."""
    max_batch_size: int = Field(16, ge=1)
    """Requests of all clients decoded together."""
    prefix_cache_mb: int = Field(4096, ge=0)
    """Memory (MiB) for reusing the KV cache of repeated prompt prefixes (0: off)."""
    device: str = "auto"
    """Device of the model: auto, cpu, cuda, cuda:1..."""
    dtype: str = "auto"
    """dtype of the model: auto (bf16 on GPU, fp32 on CPU), float32, bfloat16."""
    max_tokens: int = Field(1024, ge=1)
    """The most tokens one request may ask to generate."""
    max_body_bytes: int = Field(1_048_576, ge=1024)
    """The largest request body accepted, in bytes."""


FIELD_NAMES = tuple(ServeConfig.model_fields)


def env_var(field: str) -> str:
    return "TAUTRAIT_SERVE_" + field.upper()


def field_help(name: str) -> str:
    """A field's docstring, for the CLI's --help."""
    info = ServeConfig.model_fields[name]
    return " ".join((info.description or "").split())


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address (a name other than localhost is not)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(config: ServeConfig) -> None:
    """Refuse to listen beyond this machine without an API key."""
    if not is_loopback(config.host) and config.api_key is None:
        raise UserError(
            f"--host {config.host} would serve the model beyond this machine without a key; "
            "pass --api-key KEY (or TAUTRAIT_SERVE_API_KEY), or keep the default 127.0.0.1"
        )


def build_serve_config(explicit: dict[str, Any], config_file: Path | None = None) -> ServeConfig:
    """Merge flags/env values (``explicit``, None = not given) over a TOML file and the
    defaults; raise a one-line :class:`UserError` on an invalid value."""
    values: dict[str, Any] = {}
    if config_file is not None:
        try:
            data = tomllib.loads(config_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UserError(f"config file {config_file} not found") from None
        except tomllib.TOMLDecodeError as exc:
            raise UserError(f"{config_file}: invalid TOML ({exc})") from None
        data = data.get("serve", data)
        unknown = sorted(set(data) - set(FIELD_NAMES))
        if unknown:
            raise UserError(
                f"{config_file}: unknown keys {', '.join(unknown)}; "
                f"valid keys: {', '.join(FIELD_NAMES)}"
            )
        values.update(data)
    values.update({k: v for k, v in explicit.items() if v is not None})
    try:
        return ServeConfig.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        flag = "--" + where.replace("_", "-")
        shown = "***" if where == "api_key" else repr(first.get("input"))
        raise UserError(f"{flag}: {first['msg']} (got {shown})") from None
