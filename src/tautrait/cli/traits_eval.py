"""``tautrait traits eval``: measure the simulated users themselves (realism, fidelity,
stability, compositionality; seed paper section 4) — see :mod:`tautrait.traiteval`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console

from tautrait.cli.traits import Device, UserModel, _select, traits_app
from tautrait.errors import UserError, option_error


@traits_app.command("eval")
def evaluate(
    method: Annotated[
        list[str] | None,
        typer.Option(
            "--method",
            help="steered, mtad or prompt (repeatable); default: all three.",
        ),
    ] = None,
    trait: Annotated[
        list[str] | None,
        typer.Option(
            "--trait",
            help="A trait (repeatable); default: the paper's four (impatience, skepticism, "
            "incoherence, confusion).",
        ),
    ] = None,
    contexts: Annotated[
        int, typer.Option("--contexts", help="How many contexts (the first N of the file).")
    ] = 2,
    contexts_file: Annotated[
        Path | None,
        typer.Option("--contexts-file", help="Default: traits/eval/contexts.json."),
    ] = None,
    turns: Annotated[int, typer.Option("--turns", help="User turns per conversation.")] = 4,
    pairs: Annotated[
        int,
        typer.Option(
            "--pairs",
            help="Trait pairs for compositionality, each at (medium, high), (medium, "
            "medium), (high, medium), (high, high); 0: none.",
        ),
    ] = 1,
    user_model: UserModel = "embedded",
    basis: Annotated[
        Path | None,
        typer.Option("--basis", help="A basis file (default: the user model's own basis)."),
    ] = None,
    user_temperature: Annotated[float, typer.Option("--user-temperature")] = 0.7,
    user_max_tokens: Annotated[
        int, typer.Option("--user-max-tokens", help="Cap on each user turn.")
    ] = 48,
    agent_model: Annotated[
        str,
        typer.Option(
            "--agent-model",
            help="Any litellm model plays the agent (a plain assistant in the context's "
            "role); default: the embedded model, unsteered.",
        ),
    ] = "local/embedded",
    agent_api_base: Annotated[str | None, typer.Option("--agent-api-base")] = None,
    agent_max_tokens: Annotated[
        int, typer.Option("--agent-max-tokens", help="Cap on each agent turn.")
    ] = 48,
    judge_model: Annotated[
        str | None,
        typer.Option(
            "--judge-model",
            help="Any litellm model: also run the judged protocols (fidelity, stability, "
            "compositionality, realism Elo).",
        ),
    ] = None,
    judge_api_base: Annotated[str | None, typer.Option("--judge-api-base")] = None,
    judge_max_tokens: Annotated[int, typer.Option("--judge-max-tokens")] = 512,
    scorer_model: Annotated[
        str | None,
        typer.Option(
            "--scorer-model",
            help="The unsteered local model that scores every method (default: the user "
            "model when local, else the embedded model).",
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    max_concurrency: Annotated[
        int, typer.Option("--max-concurrency", help="Conversations in flight at once.")
    ] = 32,
    device: Device = "auto",
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Output folder (default: results/traiteval-<timestamp>/)."),
    ] = None,
) -> None:
    """Measure simulated users per method, trait and intensity; print a Table 3-style table."""
    from tautrait.traiteval.evaluate import run_eval
    from tautrait.traiteval.report import main_table
    from tautrait.traiteval.settings import METHODS, PAPER_TRAITS, EvalSettings

    methods = list(dict.fromkeys(method or METHODS))
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise UserError(f"unknown --method {unknown[0]!r}; use {', '.join(METHODS)}")
    traits = [d.name for d in _select(trait or list(PAPER_TRAITS))]
    traits = list(dict.fromkeys(traits))
    if pairs:
        possible = len(traits) * (len(traits) - 1) // 2
        if pairs > possible:
            raise UserError(f"--pairs {pairs}: {len(traits)} trait(s) make only {possible} pair(s)")
    try:
        settings = EvalSettings(
            methods=methods,
            traits=traits,
            contexts=contexts,
            contexts_file=contexts_file,
            turns=turns,
            pairs=pairs,
            user_model=user_model,
            basis=basis,
            user_temperature=user_temperature,
            user_max_tokens=user_max_tokens,
            agent_model=agent_model,
            agent_api_base=agent_api_base,
            agent_max_tokens=agent_max_tokens,
            judge_model=judge_model,
            judge_api_base=judge_api_base,
            judge_max_tokens=judge_max_tokens,
            scorer_model=scorer_model,
            seed=seed,
            max_concurrency=max_concurrency,
            device=device,
        )
    except ValidationError as exc:
        raise option_error(exc) from None
    folder = out or Path("results") / f"traiteval-{datetime.now():%Y%m%d-%H%M%S}"
    console = Console(stderr=True)
    result = run_eval(settings, folder, console)
    typer.echo(main_table(result.model_dump(by_alias=True)))
    typer.echo(
        f"\n{result.conversations['count']} conversations in {result.wall_s:.0f} s; "
        f"wrote {folder / 'traiteval.json'}, {folder / 'traiteval.md'} and "
        f"{folder / 'conversations.jsonl'}"
    )
