"""``tautrait run``: play a domain's tasks with a neutral user and with trait users.

The command's options are generated from :class:`~tautrait.runner.config.RunConfig`'s
fields (name, type, docstring), so every option of a run is declared once. The flags
only carry what was typed: environment variables and the ``--config`` file are read by
:func:`~tautrait.runner.config.build_config`, which knows where each value came from.
"""

from __future__ import annotations

import inspect
import types
import typing
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from tautrait.cli.app import app
from tautrait.errors import UserError
from tautrait.runner.config import (
    RunConfig,
    build_config,
    env_var,
    field_help,
    flag_of,
    read_environment,
)

_CONFIG_HELP = "A TOML file whose keys are these options' names (max_concurrency = 8)."
_RESUME_HELP = "Finish a killed run (its folder); the stored settings are reused."


def _cli_type(annotation: Any) -> tuple[Any, list[str]]:
    """The type click parses a field's flag as (None: not given), and its choices."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType) and len(args) == 1:
        return _cli_type(args[0])
    if origin is Literal:
        return str | None, [str(a) for a in args]
    if origin is list:
        return list[str] | None, []
    if annotation in (bool, int, float, str, Path):
        return annotation | None, []
    raise TypeError(f"RunConfig field type {annotation!r} has no command-line form")


def _option(name: str) -> inspect.Parameter:
    info = RunConfig.model_fields[name]
    cli_type, choices = _cli_type(info.annotation)
    flag = flag_of(name)
    decls = [f"{flag}/--no-{flag[2:]}"] if cli_type == bool | None else [flag]
    text = field_help(name)
    if choices:
        text += f" [{'|'.join(choices)}]"
    text += f" [env: {env_var(name)}]"
    option = typer.Option(*decls, help=text, show_default=False)
    return inspect.Parameter(
        name,
        inspect.Parameter.KEYWORD_ONLY,
        default=None,
        annotation=Annotated[cli_type, option],
    )


def _run(*, config: Path | None = None, resume: Path | None = None, **flags: Any) -> None:
    """Run tasks with the baseline user and each trait user; write results and a report."""
    given = {k: v for k, v in flags.items() if v is not None and v != [] and v != ()}
    if resume is not None:
        extra = sorted(k for k in given if k != "max_concurrency")
        if extra or config is not None:
            raise UserError(
                "--resume reuses the run's stored settings; drop "
                + ", ".join(flag_of(k) for k in extra or [])
                + ("--config" if config is not None and not extra else "")
            )
        concurrency = given.get("max_concurrency", read_environment().get("max_concurrency"))
        start(None, resume=resume, max_concurrency=concurrency)
        return
    start(build_config(given, config))


def _command() -> Any:
    params = [_option(name) for name in RunConfig.model_fields]
    params += [
        inspect.Parameter(
            "config",
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[
                Path | None, typer.Option("--config", envvar="TAUTRAIT_CONFIG", help=_CONFIG_HELP)
            ],
        ),
        inspect.Parameter(
            "resume",
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[Path | None, typer.Option("--resume", help=_RESUME_HELP)],
        ),
    ]

    def run(**kwargs: Any) -> None:
        _run(**kwargs)

    run.__doc__ = _run.__doc__
    run.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    return run


run = app.command(name="run")(_command())


def start(
    config: RunConfig | None,
    *,
    resume: Path | None = None,
    max_concurrency: int | str | None = None,
) -> Path:
    """Prepare and execute a run (shared by the CLI and the run.py shim); exit 3 when it
    ended over its ``max_infra_errors``."""
    from tautrait.runner.run import run_from_cli

    return run_from_cli(config, resume=resume, max_concurrency=max_concurrency)
