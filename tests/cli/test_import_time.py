"""Bad input fails fast: the CLI's run path imports neither torch nor transformers."""

from __future__ import annotations

import subprocess
import sys
import time


def test_the_run_path_does_not_import_torch() -> None:
    code = (
        "import sys, time; t = time.perf_counter();"
        "import tautrait.cli.app as a; a._register();"
        "import tautrait.runner.run, tautrait.user.side, tautrait.runner.preflight;"
        "import tautrait.report.load;"
        "print(time.perf_counter() - t);"
        "print(sorted(m for m in ('torch', 'transformers', 'litellm') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    seconds, loaded = result.stdout.splitlines()
    assert loaded == "[]", loaded
    # Typically 0.3-0.6 s; generous for a busy two-core machine.
    assert float(seconds) < 3.0


def test_a_bad_trait_dict_is_refused_in_well_under_a_second_of_cpu() -> None:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "tautrait", "run", "--trait-dict", '{"impatience": NaN}'],
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    assert result.returncode == 2 and "not a finite number" in result.stderr
    assert "Traceback" not in result.stderr
    assert wall < 10.0  # wall time on a contended machine; CPU time is what is measured
