"""``tautrait report``: recompute a run's report from its episodes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tautrait.cli.app import app
from tautrait.errors import UserError


@app.command()
def report(
    run_dir: Annotated[Path, typer.Argument(help="A run folder (with run.json).")],
) -> None:
    """Write RUN_DIR/report.md from RUN_DIR/episodes.jsonl and print it."""
    from tautrait.runner.results import MANIFEST_FILE
    from tautrait.runner.run import write_report

    if not (run_dir / MANIFEST_FILE).is_file():
        raise UserError(f"{run_dir} is not a run folder (no {MANIFEST_FILE})")
    path = write_report(run_dir)
    typer.echo(path.read_text(encoding="utf-8"))
