"""``tautrait domains``: what domains are installed, and how big they are."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from tautrait.cli.app import app

domains_app = typer.Typer(help="Inspect domains.", no_args_is_help=True)
app.add_typer(domains_app, name="domains")


@domains_app.command("list")
def list_domains(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Each domain with its tables (and rows), tools (read/write) and tasks per split;
    then the original benchmarks' domains (``tau-trait/retail``, ...), installed or not."""
    from sqlalchemy import func, select

    # Imported here: registering the command must not import SQLAlchemy (slow start-up).
    from tautrait.domain.loader import available_domains, load_domain
    from tautrait.domain.tasks import available_splits, load_tasks

    rows: list[dict[str, Any]] = []
    for name in sorted(available_domains()):
        domain = load_domain(name)
        engine = domain.seed.fresh_copy()
        with engine.connect() as conn:
            tables = {
                t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
                for t in domain.spec.metadata.sorted_tables
            }
        engine.dispose()
        splits = {s: len(load_tasks(name, s).tasks) for s in available_splits(name)}
        tools = domain.spec.tools
        rows.append(
            {
                "name": name,
                "description": domain.spec.description,
                "tables": tables,
                "tools": len(tools),
                "write_tools": sum(t.writes for t in tools),
                "tasks": splits,
            }
        )
    foreign_rows = _foreign_rows()
    if as_json:
        typer.echo(json.dumps({"domains": rows, "foreign": foreign_rows}, indent=2))
        return
    table = Table(title="Domains")
    for column in ("domain", "tables", "rows", "tools (write)", "tasks per split"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            f"{r['name']}\n[dim]{r['description']}[/dim]",
            str(len(r["tables"])),
            ", ".join(f"{t} {n}" for t, n in r["tables"].items()),
            f"{r['tools']} ({r['write_tools']})",
            ", ".join(f"{s} {n}" for s, n in r["tasks"].items()),
        )
    console = Console()
    console.print(table)
    originals = Table(title="Original benchmarks (--env <format>/<domain>)")
    for column in ("domain", "availability", "tools", "tasks per split"):
        originals.add_column(column)
    for r in foreign_rows:
        if not r["installed"]:
            originals.add_row(r["name"], r["problem"], "", "")
            continue
        version = r["package_version"] or "a checkout"
        originals.add_row(
            f"{r['name']}\n[dim]{r['description']}[/dim]",
            f"installed ({version}: {r['package_path']})",
            str(r["tools"]),
            ", ".join(f"{s} {n}" for s, n in r["tasks"].items()),
        )
    console.print(originals)


def _foreign_rows() -> list[dict[str, Any]]:
    """One row per domain of each foreign format; one ``<format>/*`` row, with how to
    install it, for a format that is not installed (or whose path option is wrong)."""
    from tautrait.domain import foreign
    from tautrait.domain.tasks import available_splits, load_tasks
    from tautrait.errors import UserError

    rows: list[dict[str, Any]] = []
    for fmt in foreign.FORMATS:
        try:
            names = foreign.expand(f"{fmt}/all")
        except UserError as exc:
            problem = str(exc)
            rows.append({"name": f"{fmt}/*", "format": fmt, "installed": False, "problem": problem})
            continue
        for name in names:
            domain = foreign.load_domain(name)
            provenance = domain.provenance
            rows.append(
                {
                    "name": name,
                    "format": fmt,
                    "installed": True,
                    "description": domain.spec.description,
                    "package_version": provenance.get("package_version"),
                    "package_path": provenance.get("package_path"),
                    "tools": len(domain.spec.tools),
                    "tasks": {s: len(load_tasks(name, s).tasks) for s in available_splits(name)},
                }
            )
    return rows


@domains_app.command("generate")
def generate(
    name: Annotated[str, typer.Argument(help="The domain whose seed data to generate.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Write here instead of the domain's data/.")
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if data/ differs.")
    ] = False,
) -> None:
    """Run the domain's generate.py (its tables() function) and write data/<table>.json;
    the committed data must be what it writes, byte for byte."""
    from tautrait.domain.loader import load_domain
    from tautrait.domain.seedfiles import generate_tables, stale_files, write_tables

    domain = load_domain(name)
    tables = generate_tables(domain)
    if check:
        found = stale_files(domain, tables)
        for problem in found:
            typer.echo(f"  {name}/data/{problem}", err=True)
        if found:
            raise typer.Exit(1)
        typer.echo(f"{name}: data/ is what generate.py writes ({len(tables)} tables)")
        return
    counts = write_tables(tables, out or domain.path / "data")
    for table, count in counts.items():
        typer.echo(f"{table}: {count}")
