"""Checking a basis file before a run, from its header alone (no torch).

A ``--basis`` file must be a tautrait basis in safetensors: a pickle is refused with its
reason (unpickling runs code), and a damaged or foreign file is refused with what is
wrong, instead of being ignored until a trait needs it.
"""

from __future__ import annotations

import json
from pathlib import Path

from tautrait.errors import UserError
from tautrait.local.tensorfiles import metadata

FORMAT_VERSION = "1"


def check_basis_file(path: Path) -> dict[str, object]:
    """The basis's recorded metadata; a one-line :class:`UserError` if ``path`` is not a
    tautrait basis file."""
    if not path.exists():
        raise UserError(f"basis file {path} not found; pass a file from `tautrait traits extract`")
    meta = metadata(path)
    if meta.get("format") != FORMAT_VERSION or "tautrait" not in meta:
        raise UserError(
            f"{path} is a safetensors file but not a tautrait basis (format "
            f"{FORMAT_VERSION}); make one with `tautrait traits extract`"
        )
    try:
        recorded = json.loads(meta["tautrait"])
    except ValueError:
        raise UserError(f"{path}: damaged basis metadata; extract the basis again") from None
    if not isinstance(recorded, dict) or "model_fingerprint" not in recorded:
        raise UserError(f"{path}: damaged basis metadata; extract the basis again")
    return recorded
