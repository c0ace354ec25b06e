"""``tautrait validate``: prove every task is valid before anyone benchmarks on it."""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from tautrait.cli.app import app
from tautrait.errors import UserError

if TYPE_CHECKING:
    from tautrait.evaluation.validate import DomainValidation


@app.command()
def validate(
    env: Annotated[
        str,
        typer.Option(
            "--env", help="A domain name, or 'all'; tau-trait/all for a foreign format's."
        ),
    ] = "all",
    split: Annotated[
        list[str] | None, typer.Option("--split", help="Only these splits (default: every split).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Replay every task's gold actions and check the validity gates and the fairness checks
    (order of independent writes, authentication enforced, no echoed outputs); exit 1 on a
    problem. --json also gives each task's checks."""
    # Imported here: registering the command must not import SQLAlchemy (slow start-up).
    from tautrait.domain.loader import available_domains, load_domain
    from tautrait.domain.tasks import available_splits, load_tasks
    from tautrait.evaluation.validate import validate_domain

    if "/" in env:
        from tautrait.domain import foreign

        names = foreign.expand(env)
    else:
        names = sorted(available_domains()) if env == "all" else [env]
    if not names:
        raise UserError("no domains found; check TAUTRAIT_DATA_PATH")
    results: dict[str, DomainValidation] = {}
    for name in names:
        domain = load_domain(name)
        splits = split or sorted(available_splits(name))
        results[name] = validate_domain(domain, [load_tasks(name, s) for s in splits])
    if as_json:
        payload = {"domains": {n: r.model_dump() for n, r in results.items()}}
        typer.echo(json.dumps(payload, indent=2))
    else:
        _print_table(results)
    if any(r.problems for r in results.values()):
        raise typer.Exit(1)


def _print_table(results: dict[str, DomainValidation]) -> None:
    console = Console()
    gates = Table(title="Task validity")
    for column in ("domain", "tasks", "oracle pass", "null fail", "writes", "deterministic"):
        gates.add_column(column, justify="left" if column == "domain" else "right")
    fairness = Table(title="Fairness of grading")
    for column in ("domain", "order-sensitive", "order stated", "auth enforced", "echoed"):
        fairness.add_column(column, justify="left" if column == "domain" else "right")
    for name, r in results.items():
        gates.add_row(
            name,
            str(r.tasks),
            str(r.oracle_pass),
            str(r.null_fail),
            str(r.writes),
            str(r.deterministic),
        )
        applicable = sum(c.auth in ("enforced", "not enforced") for c in r.checks.values())
        fairness.add_row(
            name,
            str(r.order_sensitive),
            str(r.order_stated),
            f"{r.auth_enforced}/{applicable}",
            str(r.echoed),
        )
    console.print(gates)
    console.print(fairness)
    for name, r in results.items():
        if r.invalid:
            kinds = Counter(k.split(":")[0] for reasons in r.invalid.values() for k in reasons)
            grouped = ", ".join(f"{kind} {n}" for kind, n in kinds.most_common())
            console.print(
                f"{name}: {len(r.invalid)} of {r.tasks} task(s) invalid ({grouped})",
                highlight=False,
            )
    console.print(f"problems: {sum(len(r.problems) for r in results.values())}")
    for r in results.values():
        for problem in r.problems:
            console.print(f"[red]problem[/red] {problem}", highlight=False)
