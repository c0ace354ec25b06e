"""Freed heap pages go back to the system (glibc's malloc_trim)."""

import json
import subprocess
import sys

import pytest

from tautrait.local import heap

pytestmark = pytest.mark.skipif(heap._trim_function() is None, reason="no malloc_trim here")

# Run in a fresh process: glibc's choice between heap and mapped blocks depends on what
# the process freed before (its mmap threshold moves), which a test session disturbs.
SCENARIO = """
import json
from pathlib import Path

import torch

from tautrait.local import heap


def rss_mib():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024


# Freeing a mapped block below 32 MiB raises glibc's mmap threshold, so the 1 MiB blocks
# after it come from the heap; small tensors allocated between them stay alive, so the
# freed blocks cannot merge into the heap's top: without a trim their pages stay in the
# process, as a rebuilt batch cache's old buffers do.
big = torch.ones(16 * 2**20 // 4)
del big
blocks, pins = [], []
for _ in range(300):
    blocks.append(torch.ones(2**20 // 4))
    pins.append(torch.ones(16))
before = rss_mib()
del blocks
held = rss_mib()
trimmed = heap.release_free_memory(force=True)
print(json.dumps({
    "before": before, "held": held, "after": rss_mib(), "trimmed": trimmed,
    "pins": all(float(pin.sum()) == 16.0 for pin in pins),
}))
"""


def test_free_pages_held_by_the_heap_are_returned() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCENARIO], capture_output=True, text=True, check=True
    )
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["trimmed"] and out["pins"]
    assert out["held"] > out["before"] - 50  # freeing alone kept the pages
    assert out["after"] < out["held"] - 150  # the trim gave them back


def test_trims_are_spaced_unless_forced() -> None:
    assert heap.release_free_memory(force=True)
    assert not heap.release_free_memory()
    assert heap.release_free_memory(force=True)


def test_large_blocks_go_back_when_freed_once_they_are_mapped() -> None:
    # The scenario above, after map_large_allocations(): the freed blocks' pages leave
    # the process with no trim at all.
    scenario = SCENARIO.replace(
        "big = torch.ones", "assert heap.map_large_allocations()\nbig = torch.ones"
    ).replace("trimmed = heap.release_free_memory(force=True)", "trimmed = True")
    done = subprocess.run(
        [sys.executable, "-c", scenario], capture_output=True, text=True, check=True
    )
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["pins"]
    assert out["held"] < out["before"] - 150
