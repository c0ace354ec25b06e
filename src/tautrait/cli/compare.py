"""``tautrait compare``: run B against run A on the same tasks, as a CI gate (exit 0/1/2)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tautrait.cli.app import app
from tautrait.cli.report import ALPHA_HELP, emit, require_episodes, terminal_width
from tautrait.errors import UserError

RUN_HELP = "A run folder, or a tau-bench / tau-trait results file (PATH#arm=...&model=...)."


@app.command()
def compare(
    run_a: Annotated[str, typer.Argument(help="The reference run (A). " + RUN_HELP)],
    run_b: Annotated[str, typer.Argument(help="The run under test (B). " + RUN_HELP)],
    max_drop: Annotated[
        float,
        typer.Option(
            "--max-drop",
            help="Tolerated drop in points of pass rate: a regression when the CI's upper "
            "bound of B - A lies below -max-drop.",
        ),
    ] = 0.0,
    alpha: Annotated[float, typer.Option("--alpha", help=ALPHA_HELP)] = 0.05,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Compare runs over different task sets on their common tasks."
        ),
    ] = False,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text, md or json.")] = "text",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Paired per-task analysis of B - A. Exit 0: no regression; 1: regression; 2: bad input
    (including a run over its infrastructure-error limit, unless --force).

    A regression is a CI upper bound below -max-drop, or a significant paired test with a
    drop; never a raw point difference.
    """
    from tautrait.report import compare_runs, load_sources, render_comparison
    from tautrait.report.output import COMPARE_FORMATS

    if fmt not in COMPARE_FORMATS:
        raise UserError(f"unknown --format {fmt!r}; use one of {', '.join(COMPARE_FORMATS)}")
    runs_a = load_sources([run_a])
    runs_b = load_sources([run_b])
    for spec, runs in ((run_a, runs_a), (run_b, runs_b)):
        if len(runs) != 1:
            raise UserError(f"{spec} holds {len(runs)} runs; compare one run with one run")
        require_episodes(runs)
        limit = runs[0].info.infra_limit
        if limit is not None and limit.over and not force:
            raise UserError(
                f"{spec} ended over its infrastructure-error limit ({limit.summary}); "
                "compare refuses to gate on it: resume or rerun it (or pass --force)"
            )
    comparison = compare_runs(runs_a[0], runs_b[0], alpha=alpha, max_drop=max_drop, force=force)
    emit(render_comparison(fmt, comparison, out=out, width=terminal_width(out)), out)
    if comparison.regression:
        raise typer.Exit(1)
