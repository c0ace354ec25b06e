"""A model's identity is its weight tensors, not files that record tool versions."""

from __future__ import annotations

import json
import os
import shutil
import struct
from pathlib import Path

import pytest

from tautrait.local.models import embedded_checkpoint, weights_fingerprint
from tautrait.local.tensorfiles import read_header, sniff_pickle, tensor_fingerprint
from tautrait.steering.basis import read_model_basis, shipped_basis_path


def _safetensors(path: Path, tensors: dict[str, bytes], metadata: dict[str, str]) -> None:
    header: dict[str, object] = {"__metadata__": metadata}
    offset = 0
    for name, data in tensors.items():
        header[name] = {
            "dtype": "F32",
            "shape": [len(data) // 4],
            "data_offsets": [offset, offset + len(data)],
        }
        offset += len(data)
    raw = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + b"".join(tensors.values()))


def test_fingerprint_ignores_metadata_order_and_shards(tmp_path: Path) -> None:
    a, b = b"\x00\x00\x80?" * 4, b"\x00\x00\x00@" * 2
    _safetensors(tmp_path / "one.safetensors", {"w": a, "v": b}, {"format": "pt"})
    (tmp_path / "s").mkdir()
    _safetensors(tmp_path / "s" / "1.safetensors", {"v": b}, {"written_by": "5.25"})
    _safetensors(tmp_path / "s" / "2.safetensors", {"w": a}, {})
    one = tensor_fingerprint([tmp_path / "one.safetensors"])
    assert one == tensor_fingerprint(sorted((tmp_path / "s").glob("*.safetensors")))
    _safetensors(tmp_path / "changed.safetensors", {"w": a, "v": b[:-1] + b"A"}, {})
    assert tensor_fingerprint([tmp_path / "changed.safetensors"]) != one


def test_truncated_and_pickle_files_are_refused(tmp_path: Path) -> None:
    _safetensors(tmp_path / "t.safetensors", {"w": b"\x00" * 16}, {})
    data = (tmp_path / "t.safetensors").read_bytes()
    (tmp_path / "t.safetensors").write_bytes(data[:-4])
    with pytest.raises(Exception, match="truncated"):
        read_header(tmp_path / "t.safetensors")
    import pickle

    (tmp_path / "p.bin").write_bytes(pickle.dumps({"a": 1}, protocol=2))
    reason = sniff_pickle(tmp_path / "p.bin")
    assert reason and "unpickling runs arbitrary code" in reason


@pytest.mark.slow
def test_a_changed_transformers_version_still_finds_the_shipped_basis(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = embedded_checkpoint()
    copy = tmp_path / "embedded"
    copy.mkdir()
    for path in source.iterdir():
        target = copy / path.name
        if path.suffix == ".safetensors":
            os.link(path, target) if path.stat().st_dev == tmp_path.stat().st_dev else shutil.copy(
                path, target
            )
        else:
            shutil.copy(path, target)
    config = json.loads((copy / "config.json").read_text())
    config["transformers_version"] = "5.25.0"
    (copy / "config.json").write_text(json.dumps(config))
    monkeypatch.setenv("TAUTRAIT_CACHE_DIR", str(tmp_path / "cache"))
    fingerprint = weights_fingerprint(copy)
    assert fingerprint == weights_fingerprint(source)
    assert shipped_basis_path(fingerprint) is not None
    basis = read_model_basis(fingerprint)
    assert basis is not None and basis.meta.calibration  # calibrated levels, not defaults
