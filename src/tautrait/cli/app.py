"""The typer application and the error boundary every command shares.

Bad input (:class:`~tautrait.errors.UserError`) becomes one line on stderr and exit
status 2, with no traceback. Commands live in sibling modules, one per verb group, and
register themselves on :data:`app`.
"""

from __future__ import annotations

import sys

import typer

from tautrait.errors import UserError

app = typer.Typer(
    name="tautrait",
    help="Stress-test tool-using AI agents with trait-steered simulated users.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _root() -> None:
    """Stress-test tool-using AI agents with trait-steered simulated users."""


def _register() -> None:
    # Imported for their side effect of adding commands to `app`.
    from tautrait.cli import (  # noqa: F401
        chat,
        compare,
        domains,
        report,
        run,
        tasks,
        traits,
        traits_eval,
        validate,
        view,
    )


def main() -> None:
    """Console-script entry point."""
    _register()
    try:
        app()
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
