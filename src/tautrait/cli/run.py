"""``tautrait run``: play a domain's tasks with a neutral user and with trait users."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from tautrait.cli.app import app
from tautrait.errors import UserError
from tautrait.runner.config import RunConfig, build_config, env_var, field_help


def _opt(field: str, *flags: str, **kwargs: Any) -> Any:
    """A typer option for a RunConfig field: its flag(s), env var and docstring help."""
    names = flags or ("--" + field.replace("_", "-"),)
    return typer.Option(
        *names, envvar=env_var(field), help=field_help(field), show_default=False, **kwargs
    )


def _split_ids(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


@app.command()
def run(
    env: Annotated[str | None, _opt("env")] = None,
    trait_dict: Annotated[list[str] | None, _opt("trait_dicts", "--trait-dict")] = None,
    model: Annotated[str | None, _opt("model")] = None,
    api_base: Annotated[str | None, _opt("api_base")] = None,
    temperature: Annotated[float | None, _opt("temperature")] = None,
    agent_max_tokens: Annotated[int | None, _opt("agent_max_tokens")] = None,
    max_steps: Annotated[int | None, _opt("max_steps")] = None,
    user_strategy: Annotated[str | None, _opt("user_strategy")] = None,
    user_model: Annotated[str | None, _opt("user_model")] = None,
    user_api_base: Annotated[str | None, _opt("user_api_base")] = None,
    user_endpoint: Annotated[str | None, _opt("user_endpoint")] = None,
    user_api_key: Annotated[str | None, _opt("user_api_key")] = None,
    user_temperature: Annotated[float | None, _opt("user_temperature")] = None,
    user_top_p: Annotated[float | None, _opt("user_top_p")] = None,
    user_max_tokens: Annotated[int | None, _opt("user_max_tokens")] = None,
    task_split: Annotated[str | None, _opt("task_split")] = None,
    task_ids: Annotated[list[str] | None, _opt("task_ids")] = None,
    start_index: Annotated[int | None, _opt("start_index")] = None,
    end_index: Annotated[int | None, _opt("end_index")] = None,
    limit: Annotated[int | None, _opt("limit")] = None,
    shuffle: Annotated[bool | None, _opt("shuffle", "--shuffle/--no-shuffle")] = None,
    num_trials: Annotated[int | None, _opt("num_trials")] = None,
    seed: Annotated[int | None, _opt("seed")] = None,
    baseline: Annotated[bool | None, _opt("baseline", "--baseline/--no-baseline")] = None,
    adapter: Annotated[list[str] | None, _opt("adapters", "--adapter")] = None,
    basis: Annotated[Path | None, _opt("basis")] = None,
    pooling: Annotated[str | None, _opt("pooling")] = None,
    steering_position: Annotated[str | None, _opt("steering_position")] = None,
    compose: Annotated[str | None, _opt("compose")] = None,
    max_concurrency: Annotated[int | None, _opt("max_concurrency")] = None,
    max_batch_size: Annotated[int | None, _opt("max_batch_size")] = None,
    prefix_cache_mb: Annotated[int | None, _opt("prefix_cache_mb")] = None,
    device: Annotated[str | None, _opt("device")] = None,
    dtype: Annotated[str | None, _opt("dtype")] = None,
    retry_attempts: Annotated[int | None, _opt("retry_attempts")] = None,
    output_dir: Annotated[Path | None, _opt("output_dir")] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            envvar="TAUTRAIT_CONFIG",
            help="A TOML file whose keys are these options' names (max_concurrency = 8).",
        ),
    ] = None,
    resume: Annotated[
        Path | None,
        typer.Option(
            "--resume", help="Finish a killed run (its folder); the stored settings are reused."
        ),
    ] = None,
) -> None:
    """Run tasks with the baseline user and each trait user; write results and a report."""
    explicit = {
        "env": env,
        "trait_dicts": trait_dict or None,
        "model": model,
        "api_base": api_base,
        "temperature": temperature,
        "agent_max_tokens": agent_max_tokens,
        "max_steps": max_steps,
        "user_strategy": user_strategy,
        "user_model": user_model,
        "user_api_base": user_api_base,
        "user_endpoint": user_endpoint,
        "user_api_key": user_api_key,
        "user_temperature": user_temperature,
        "user_top_p": user_top_p,
        "user_max_tokens": user_max_tokens,
        "task_split": task_split,
        "task_ids": _split_ids(task_ids),
        "start_index": start_index,
        "end_index": end_index,
        "limit": limit,
        "shuffle": shuffle,
        "num_trials": num_trials,
        "seed": seed,
        "baseline": baseline,
        "adapters": adapter or None,
        "basis": basis,
        "pooling": pooling,
        "steering_position": steering_position,
        "compose": compose,
        "max_concurrency": max_concurrency,
        "max_batch_size": max_batch_size,
        "device": device,
        "dtype": dtype,
        "retry_attempts": retry_attempts,
        "output_dir": output_dir,
    }
    if resume is not None:
        given = sorted(
            k
            for k, v in explicit.items()
            if v is not None and k not in ("max_concurrency", "user_api_key")
        )
        if given or config is not None:
            raise UserError(
                "--resume reuses the run's stored settings; drop "
                + ", ".join("--" + k.replace("_", "-") for k in given or ["config"])
            )
        # Secrets are never stored, so a resumed run takes its key from this invocation.
        run_config = RunConfig.model_validate({"user_api_key": user_api_key})
    else:
        run_config = build_config(explicit, config)
    start(run_config, resume=resume, max_concurrency=max_concurrency)


def start(
    config: RunConfig, *, resume: Path | None = None, max_concurrency: int | None = None
) -> Path:
    """Prepare and execute a run (shared by the CLI and the run.py shim)."""
    from tautrait.runner.run import execute_run, prepare_run

    console = Console(stderr=True)
    prepared = prepare_run(config, resume=resume, console=console)
    if max_concurrency is not None:
        prepared.config = prepared.config.model_copy(update={"max_concurrency": max_concurrency})
    run_dir = execute_run(prepared, console=console)
    typer.echo(f"report: {run_dir / 'report.md'}")
    return run_dir
