"""benchmarks/gpu.py runs end to end on a CPU with the tiny config (the GPU code path,
slot KV cache and device sampler, without CUDA graphs)."""

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest
import torch

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "gpu.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tautrait_gpu_benchmark", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_tiny_run_prints_the_table_and_writes_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "gpu.json"
    argv = ["--tiny", "--batches", "1,3", "--prompt", "8", "--steps", "6", "--repeats", "2"]
    argv += [
        "--kv",
        "slots",
        "--sampler",
        "device",
        "--peak-bandwidth-gbs",
        "50",
        "--out",
        str(out),
    ]
    assert _load().main(argv) == 0
    printed = capsys.readouterr().out
    assert "steered/unsteered" in printed and "kv=slots step=eager sampler=device" in printed
    result = json.loads(out.read_text())
    assert [row["batch"] for row in result["rows"]] == [1, 3]
    for row in result["rows"]:
        assert row["error"] is None
        assert len(row["unsteered_runs"]) == len(row["steered_runs"]) == 2
        assert all(rate > 0 for rate in row["unsteered_runs"] + row["steered_runs"])
        assert row["prefill_tokens_s"] > 0
        fraction = row["unsteered_steps_s"] * result["weight_bytes"] / 50e9
        assert row["roofline_fraction"] == pytest.approx(fraction)
    assert result["decode_steps"] == 6 and result["goals"]["checked"] is False


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the no-GPU message")
def test_asking_for_a_gpu_without_one_fails_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _load().main(["--batches", "1"]) == 2
    assert capsys.readouterr().err.strip() == (
        "error: no CUDA device visible to torch (run with --tiny, or --device cpu)"
    )
