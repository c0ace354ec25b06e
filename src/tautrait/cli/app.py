"""The typer application and the error boundary every command shares.

Bad input (:class:`~tautrait.errors.UserError`) becomes one line on stderr and exit
status 2, with no traceback. Commands live in sibling modules, one per verb group, and
register themselves on :data:`app`.
"""

from __future__ import annotations

import os
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
        serve,
        tasks,
        traits,
        traits_eval,
        validate,
        view,
    )


def main() -> None:
    """Console-script entry point.

    Exit status: 0 ok; 1 ``compare`` found a regression; 2 bad input (one line on
    stderr, nothing written); 3 a run ended over its ``--max-infra-errors``; 130 Ctrl-C.
    """
    # Whichever module imports litellm first (a scripted model's check does, before
    # the provider layer), litellm must not fetch its price list from the internet.
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    _register()
    try:
        result = app(prog_name="tautrait", standalone_mode=False)
    except UserError as exc:
        print(f"error: {_one_line(str(exc))}", file=sys.stderr)
        sys.exit(2)
    except typer.TyperException as exc:
        # Usage errors (a bad flag or value): one line, not click's boxed usage text.
        ctx = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError":
            sys.exit(0)  # typer has printed the help
        where = ctx.command_path if ctx is not None else "tautrait"
        print(f"error: {_one_line(exc.format_message())} (see {where} --help)", file=sys.stderr)
        sys.exit(2 if exc.exit_code == 2 else exc.exit_code)
    except (KeyboardInterrupt, typer.Abort):
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    sys.exit(result if isinstance(result, int) else 0)


def _one_line(text: str) -> str:
    return " ".join(text.split())
