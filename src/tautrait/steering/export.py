"""Exporting trait vectors as llama.cpp control vectors (GGUF).

llama.cpp adds tensor ``direction.<i>`` to the output of block ``i`` (counting from 0,
like tautrait's blocks; block 0 cannot be steered there) when the file is loaded with
``--control-vector`` (scale 1) or ``--control-vector-scaled FILE S``. Two exports:

- the **steering** vectors tautrait adds for a trait dict (its calibrated blocks and
  coefficients): the same trait, at the same intensity, runs in llama.cpp at scale 1;
- the **raw** directions of one trait at every block 1..L-1 (``raw=True``), for other
  tools or for a round trip.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from tautrait.errors import UserError
from tautrait.steering.basis import TraitBasis
from tautrait.steering.options import Compose
from tautrait.steering.traits import Intensity


def write_control_vector(
    path: Path, vectors: dict[int, torch.Tensor], *, model_hint: str, metadata: dict[str, str]
) -> None:
    import gguf

    if 0 in vectors:
        raise UserError("llama.cpp cannot steer block 0; calibrate or choose another block")
    if not vectors:
        raise UserError("nothing to export: every trait in the dict is neutral")
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = gguf.GGUFWriter(str(path), "controlvector")
    writer.add_string("controlvector.model_hint", model_hint)
    writer.add_uint32("controlvector.layer_count", len(vectors))
    for key, value in metadata.items():
        writer.add_string(f"tautrait.{key}", value)
    for block in sorted(vectors):
        writer.add_tensor(f"direction.{block}", vectors[block].float().numpy().astype(np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def read_control_vector(path: Path) -> tuple[dict[int, torch.Tensor], dict[str, str]]:
    """The vectors (by block) and tautrait metadata of a control-vector GGUF file."""
    import gguf

    reader = gguf.GGUFReader(str(path))
    vectors = {
        int(t.name.split(".")[1]): torch.from_numpy(np.array(t.data, dtype=np.float32))
        for t in reader.tensors
        if t.name.startswith("direction.")
    }
    metadata = {}
    for name, field in reader.fields.items():
        if name.startswith("tautrait."):
            metadata[name[len("tautrait.") :]] = bytes(field.parts[field.data[0]]).decode()
    return vectors, metadata


def export_steering(
    basis: TraitBasis,
    intensities: dict[str, Intensity],
    path: Path,
    *,
    compose: Compose = "linear",
    model_hint: str = "llama",
) -> dict[int, torch.Tensor]:
    vectors = basis.steering(intensities, compose)
    write_control_vector(
        path,
        vectors,
        model_hint=model_hint,
        metadata={
            "kind": "steering",
            "intensities": json.dumps(intensities, sort_keys=True),
            "coefficients": json.dumps(basis.coefficients(intensities), sort_keys=True),
            "model_id": basis.meta.model_id,
            "model_fingerprint": basis.meta.model_fingerprint,
        },
    )
    return vectors


def export_raw(
    basis: TraitBasis, trait: str, path: Path, *, model_hint: str = "llama"
) -> dict[int, torch.Tensor]:
    if trait not in basis.vectors:
        raise UserError(f"the basis has no trait {trait!r}; it has {', '.join(basis.vectors)}")
    directions = basis.vectors[trait]
    vectors = {block: directions[block] for block in range(1, directions.shape[0])}
    write_control_vector(
        path,
        vectors,
        model_hint=model_hint,
        metadata={
            "kind": "raw",
            "trait": trait,
            "model_id": basis.meta.model_id,
            "model_fingerprint": basis.meta.model_fingerprint,
        },
    )
    return vectors
