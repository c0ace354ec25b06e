"""``tautrait view``: write the self-contained web report and print its path."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tautrait.cli.app import app
from tautrait.cli.report import ALPHA_HELP, FORCE_HELP, SOURCES_HELP, require_episodes

VIEW_FILE = "report.html"


def default_out(sources: list[str]) -> Path:
    """RUN_DIR/report.html for one run folder; ./tautrait-report.html otherwise."""
    from tautrait.report.load import parse_source

    if len(sources) == 1:
        path, _ = parse_source(sources[0])
        if path.is_dir():
            return path / VIEW_FILE
        return path.with_name(path.stem + ".report.html")
    return Path("tautrait-report.html")


@app.command()
def view(
    sources: Annotated[list[str], typer.Argument(help=SOURCES_HELP, show_default=False)],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Where to write it (default: RUN_DIR/report.html)."),
    ] = None,
    alpha: Annotated[float, typer.Option("--alpha", help=ALPHA_HELP)] = 0.05,
    force: Annotated[bool, typer.Option("--force", help=FORCE_HELP)] = False,
) -> None:
    """Write the HTML report (tables, charts, every trajectory; no network) and print its path."""
    from tautrait.report import build_report, load_sources, render, write_atomic

    runs = load_sources(sources)
    require_episodes(runs)
    html = render("html", build_report(runs, alpha=alpha, force=force), runs)
    path = out or default_out(sources)
    write_atomic(path, html)
    typer.echo(str(path.resolve()))
