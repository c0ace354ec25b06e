"""The console entry point run in-process (fast), exactly as the script runs it."""

from __future__ import annotations

import contextlib
import io
import sys
from dataclasses import dataclass

import pytest


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def tautrait(*args: str, data_path: str) -> Result:
    """``tautrait ARGS`` with ``TAUTRAIT_DATA_PATH=data_path``: exit status and output."""
    from tautrait.cli.app import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with (
        pytest.MonkeyPatch.context() as mp,
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        mp.setattr(sys, "argv", ["tautrait", *args])
        mp.setenv("TAUTRAIT_DATA_PATH", data_path)
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return Result(code, out.getvalue(), err.getvalue())
