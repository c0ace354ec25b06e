"""``tautrait report``: the reward-delta report over any number of runs, in five formats."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tautrait.cli.app import app
from tautrait.errors import UserError

if TYPE_CHECKING:
    from tautrait.report.load import LoadedRun

SOURCES_HELP = (
    "Run folders (results/<run-id>) and/or tau-bench / tau-trait results files "
    "(append #arm=NAME&domain=NAME&model=NAME to say what a file's name does not)."
)
ALPHA_HELP = "Significance level of the Holm-corrected tests; CIs are at 1 - alpha."
FORCE_HELP = "Pool runs over different task sets or domain versions on their common tasks."


def require_episodes(runs: list[LoadedRun]) -> None:
    """Refuse a source that has no episodes: its report would be empty, not zero."""
    for run in runs:
        if not run.episodes:
            raise UserError(
                f"{run.info.source} has no episodes yet (episodes.jsonl is missing or empty); "
                "finish it with `tautrait run --resume`"
            )


def terminal_width(out: Path | None) -> int | None:
    """The terminal's width when printing to one; None (the fixed default) otherwise."""
    if out is None and sys.stdout.isatty():
        return max(100, shutil.get_terminal_size().columns)
    return None


def emit(text: str, out: Path | None) -> None:
    """Print ``text``, or write it to ``out`` atomically and print the path."""
    from tautrait.report.output import write_atomic

    if out is None:
        typer.echo(text, nl=False)
    else:
        write_atomic(out, text)
        typer.echo(str(out))


@app.command()
def report(
    sources: Annotated[list[str], typer.Argument(help=SOURCES_HELP, show_default=False)],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="text, md, json, html or junit.")
    ] = "text",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
    ] = None,
    alpha: Annotated[float, typer.Option("--alpha", help=ALPHA_HELP)] = 0.05,
    force: Annotated[bool, typer.Option("--force", help=FORCE_HELP)] = False,
) -> None:
    """Merge runs into the paper's Table 4 shape: rows domain x agent, columns traits."""
    from tautrait.report import build_report, load_sources, render
    from tautrait.report.output import REPORT_FORMATS

    if fmt not in REPORT_FORMATS:
        raise UserError(f"unknown --format {fmt!r}; use one of {', '.join(REPORT_FORMATS)}")
    runs = load_sources(sources)
    require_episodes(runs)
    report = build_report(runs, alpha=alpha, force=force)
    emit(render(fmt, report, runs, out=out, width=terminal_width(out)), out)
