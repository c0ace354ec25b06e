"""``tautrait tasks``: build the task splits from their sources, or check they are built."""

from __future__ import annotations

from typing import Annotated

import typer

from tautrait.cli.app import app
from tautrait.errors import UserError

tasks_app = typer.Typer(help="Build task splits from their sources.", no_args_is_help=True)
app.add_typer(tasks_app, name="tasks")


@tasks_app.command("build")
def build(
    env: Annotated[str, typer.Option("--env", help="A domain name, or 'all'.")] = "all",
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Write nothing; exit 1 if a committed split differs from its build."
        ),
    ] = False,
) -> None:
    """Replay every task source (tasks/<env>/<split>/*.yaml) on a fresh database, fill its
    references, check its refusals, and write tasks/<env>/<split>.json."""
    # Imported here: registering the command must not import SQLAlchemy (slow start-up).
    from tautrait.domain.taskbuild import build_domain, domains_with_sources, stale_splits

    names = domains_with_sources() if env == "all" else [env]
    if not names:
        raise UserError("no task sources found (tasks/<domain>/<split>/*.yaml on the data path)")
    problems: list[str] = []
    for name in names:
        for path in stale_splits(name):
            problems.append(f"tasks/{name}/{path.name}: no sources in tasks/{name}/{path.stem}/")
        for split in build_domain(name):
            found = split.differences()
            label = f"{name} {split.split}: {len(split.tasks)} tasks"
            if not found:
                typer.echo(f"{label}, up to date")
            elif check:
                typer.echo(f"{label}, differs from its sources")
                problems.extend(found)
            else:
                split.path.write_text(split.text, encoding="utf-8")
                typer.echo(f"{label}, written ({len(found)} changes)")
    for problem in problems:
        typer.echo(f"  {problem}", err=True)
    if problems:
        raise typer.Exit(1)
