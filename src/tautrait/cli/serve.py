"""``tautrait serve``: the steered user model over HTTP (the seed repository's steer
protocol and an OpenAI-compatible API), shared by every run and client."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Annotated, Any

import typer

from tautrait.cli.app import app
from tautrait.errors import UserError
from tautrait.serve.settings import build_serve_config, check_bind, env_var, field_help


def _opt(field: str, *flags: str, **kwargs: Any) -> Any:
    """A typer option for a ServeConfig field: its flag(s), env var and docstring help."""
    names = flags or ("--" + field.replace("_", "-"),)
    return typer.Option(
        *names, envvar=env_var(field), help=field_help(field), show_default=False, **kwargs
    )


def require_server_extra() -> None:
    missing = [m for m in ("fastapi", "uvicorn") if importlib.util.find_spec(m) is None]
    if missing:
        raise UserError(
            f"tautrait serve needs {' and '.join(missing)}: pip install 'tautrait[server]'"
        )


@app.command()
def serve(
    host: Annotated[str | None, _opt("host")] = None,
    port: Annotated[int | None, _opt("port")] = None,
    api_key: Annotated[str | None, _opt("api_key")] = None,
    user_model: Annotated[str | None, _opt("user_model")] = None,
    basis: Annotated[Path | None, _opt("basis")] = None,
    pooling: Annotated[str | None, _opt("pooling")] = None,
    steering_position: Annotated[str | None, _opt("steering_position")] = None,
    compose: Annotated[str | None, _opt("compose")] = None,
    max_batch_size: Annotated[int | None, _opt("max_batch_size")] = None,
    prefix_cache_mb: Annotated[int | None, _opt("prefix_cache_mb")] = None,
    device: Annotated[str | None, _opt("device")] = None,
    dtype: Annotated[str | None, _opt("dtype")] = None,
    max_tokens: Annotated[int | None, _opt("max_tokens")] = None,
    max_body_bytes: Annotated[int | None, _opt("max_body_bytes")] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            envvar="TAUTRAIT_SERVE_CONFIG",
            help="A TOML file whose keys are these options' names (max_batch_size = 32).",
        ),
    ] = None,
) -> None:
    """Serve a trait-steered user model over HTTP: POST /steer, /steer_bare (the seed's
    protocol), /v1/chat/completions (OpenAI); GET /health, /v1/models."""
    explicit = {
        "host": host,
        "port": port,
        "api_key": api_key,
        "user_model": user_model,
        "basis": basis,
        "pooling": pooling,
        "steering_position": steering_position,
        "compose": compose,
        "max_batch_size": max_batch_size,
        "prefix_cache_mb": prefix_cache_mb,
        "device": device,
        "dtype": dtype,
        "max_tokens": max_tokens,
        "max_body_bytes": max_body_bytes,
    }
    settings = build_serve_config(explicit, config)
    check_bind(settings)
    require_server_extra()
    from tautrait.serve.app import run_server

    run_server(settings)
