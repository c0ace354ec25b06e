"""Peak memory of a demo-like run (``make demo``'s command), measured.

Runs ``tautrait run`` with the demo's flags in a child process and prints its peak
resident set size (the kernel's high-water mark, ``ru_maxrss`` of the child) and wall
time, with the memory limits the run recorded in ``run.json``. Extra arguments go to
``tautrait run`` (``--kv-cache-mb 256``, ``--prefix-cache-mb 0``...) so settings can be
compared; ``--keep DIR`` first keeps the run folder (its report) in ``DIR``. The
model is loaded once per run, so the first run on a fresh machine also
converts the embedded model.

    python benchmarks/memory.py [--keep DIR] [extra tautrait run flags]
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEMO = [
    "--env",
    "retail",
    "--trait-dict",
    "skeptical.json",
    "--task-split",
    "dev",
    "--limit",
    "4",
    "--max-steps",
    "4",
    "--agent-max-tokens",
    "96",
    "--user-max-tokens",
    "48",
    "--seed",
    "0",
]


def main() -> None:
    args = sys.argv[1:]
    keep = None
    if args[:1] == ["--keep"]:
        keep, args = Path(args[1]), args[2:]
    with tempfile.TemporaryDirectory() as scratch:
        out = str(keep) if keep is not None else scratch
        command = [sys.executable, "-m", "tautrait", "run", *DEMO, "--output-dir", out]
        command += args
        started = time.monotonic()
        done = subprocess.run(command, env=os.environ.copy(), check=False)
        wall = time.monotonic() - started
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        manifests = list(Path(out).glob("*/run.json"))
        limits = json.loads(manifests[0].read_text()).get("limits", {}) if manifests else {}
    print(f"exit status      {done.returncode}")
    print(f"peak RSS         {peak_kib / 2**20:.2f} GiB")
    print(f"wall time        {wall:.0f} s")
    for key in ("kv_cache_mb", "prefix_cache_mb", "max_batch_size", "memory_available_mb"):
        print(f"{key:<16} {limits.get(key)}")


if __name__ == "__main__":
    main()
