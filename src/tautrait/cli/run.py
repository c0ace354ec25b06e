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
from pydantic import SecretStr

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
    if annotation is SecretStr:
        return str | None, []
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
        extra = sorted(k for k in given if k not in ("max_concurrency", "user_api_key"))
        if extra or config is not None:
            raise UserError(
                "--resume reuses the run's stored settings; drop "
                + ", ".join(flag_of(k) for k in extra or [])
                + ("--config" if config is not None and not extra else "")
            )
        environment = read_environment()
        concurrency = given.get("max_concurrency", environment.get("max_concurrency"))
        # Secrets are never stored: a resumed run takes its key from this invocation.
        key = given.get("user_api_key", environment.get("user_api_key"))
        secrets = RunConfig.model_validate({"user_api_key": key}) if key else None
        start(secrets, resume=resume, max_concurrency=concurrency)
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
    """Prepare and execute a run (shared by the CLI and the run.py shim).

    Exit status: 2 on bad input (nothing written), 3 when the run ended over its
    ``max_infra_errors``, 130 on Ctrl-C (finished episodes kept; the line printed says
    how to resume); otherwise the run folder is returned.
    """
    from rich.console import Console

    from tautrait.runner.preflight import check_files

    if config is not None and resume is None:
        # The likeliest mistakes, checked before the runner (and SQLAlchemy) is imported.
        config.arms()
        check_files(config)

    from tautrait.report.infra import EXIT_OVER_LIMIT, summarize
    from tautrait.runner.results import read_episodes
    from tautrait.runner.run import execute_run, finished_run, prepare_run

    console = Console(stderr=True)
    if resume is not None:
        done = finished_run(resume)
        if done is not None:
            typer.echo(done, err=True)
            return resume
    prepared = prepare_run(config or RunConfig(), resume=resume, console=console)
    if max_concurrency is not None:
        prepared.config = with_option(prepared.config, "max_concurrency", max_concurrency)
    run_dir = prepared.run_dir
    try:
        execute_run(prepared, console=console)
    except KeyboardInterrupt:
        kept = len([e for e in read_episodes(run_dir) if e.status == "completed"])
        typer.echo(
            f"interrupted: {kept} finished episode(s) kept in {run_dir}; finish the run "
            f"with: tautrait run --resume {run_dir}",
            err=True,
        )
        raise typer.Exit(130) from None
    except OSError as exc:
        raise UserError(
            f"cannot write results in {run_dir} ({exc.strerror or exc}); free space or fix "
            f"the folder, then finish with: tautrait run --resume {run_dir}"
        ) from None
    if prepared.config.judge_model:
        judge_faults(run_dir, prepared.config, console)
    typer.echo(f"report: {run_dir / 'report.md'}")
    summary = summarize(read_episodes(run_dir), prepared.config.max_infra_errors)
    if summary.errors:
        typer.echo(summary.line(), err=True)
    if summary.over:
        raise typer.Exit(EXIT_OVER_LIMIT)
    return run_dir


def with_option(config: RunConfig, name: str, value: Any) -> RunConfig:
    """``config`` with one option changed, validated like any other value."""
    return build_config({**config.model_dump(), name: value}, environment=False)


def judge_faults(run_dir: Path, config: RunConfig, console: Any) -> None:
    """``--judge-model``: judge the run's failed episodes, then rewrite its report."""
    from tautrait.report.output import write_run_report
    from tautrait.traiteval.fault_judge import judge_run

    assert config.judge_model is not None
    console.print(f"judging the failed episodes with {config.judge_model}")
    counts = judge_run(
        run_dir,
        config.judge_model,
        api_base=config.judge_api_base,
        concurrency=config.max_concurrency,
        seed=config.seed,
        retry=config.retry_policy(),
    )
    console.print(
        "judge verdicts: "
        + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none needed")
    )
    write_run_report(run_dir)
