"""The ``tautrait`` command line (typer)."""
