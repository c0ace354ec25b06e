"""Tensor files, read without pickle and without torch.

tautrait loads weights, bases and adapters from safetensors only: unpickling a file runs
whatever code it carries, so a pickle (``torch.save``, ``pytorch_model.bin``,
``adapter_model.bin``) is refused with that reason instead of being loaded. A
safetensors header is an 8-byte little-endian length followed by JSON, parsed here in
pure Python, so checks before a run (a damaged file, a foreign one) cost milliseconds.

:func:`tensor_fingerprint` identifies a model by its weight tensors (names, shapes,
dtypes and bytes), so metadata a library rewrites on conversion (``config.json``'s
``transformers_version``) never changes a model's identity.
"""

from __future__ import annotations

import hashlib
import json
import struct
from pathlib import Path
from typing import Any

from tautrait.errors import UserError

MAX_HEADER = 100 * 2**20
_PICKLE_HINT = (
    "unpickling runs arbitrary code, so tautrait loads safetensors only; convert it with "
    "safetensors.torch.save_file"
)


def sniff_pickle(path: Path) -> str | None:
    """Why ``path`` looks like a pickle (a reason to print), or None."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError:
        return None
    if head[:2] == b"PK":
        return f"{path} is a torch.save (zip) pickle file; {_PICKLE_HINT}"
    if head[:1] == b"\x80" and head[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        return f"{path} is a pickle file; {_PICKLE_HINT}"
    return None


def read_header(path: Path) -> dict[str, Any]:
    """The JSON header of a safetensors file (tensors plus ``__metadata__``); a damaged,
    foreign or pickle file raises a one-line :class:`UserError`."""
    return _read(path)[0]


def _read(path: Path) -> tuple[dict[str, Any], int]:
    reason = sniff_pickle(path)
    if reason is not None:
        raise UserError(reason)
    try:
        with path.open("rb") as handle:
            raw = handle.read(8)
            if len(raw) < 8:
                raise UserError(f"{path} is not a safetensors file (too short)")
            (length,) = struct.unpack("<Q", raw)
            if length <= 1 or length > MAX_HEADER:
                raise UserError(f"{path} is not a safetensors file (no valid header)")
            text = handle.read(length)
        size = path.stat().st_size
    except FileNotFoundError:
        raise UserError(f"{path} not found") from None
    except IsADirectoryError:
        raise UserError(f"{path} is a folder, not a safetensors file") from None
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        header = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise UserError(f"{path} is not a safetensors file (damaged header)") from None
    if not isinstance(header, dict):
        raise UserError(f"{path} is not a safetensors file (damaged header)")
    end = 8 + length
    for name, info in header.items():
        if name == "__metadata__":
            continue
        offsets = info.get("data_offsets") if isinstance(info, dict) else None
        if not (isinstance(offsets, list) and len(offsets) == 2 and end + offsets[1] <= size):
            raise UserError(f"{path} is damaged or truncated (tensor {name!r} past its end)")
    return header, end


def metadata(path: Path) -> dict[str, str]:
    """A safetensors file's ``__metadata__`` (strings)."""
    value = read_header(path).get("__metadata__") or {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def tensor_fingerprint(files: list[Path]) -> str:
    """sha256 over every tensor of these safetensors files, by name: its dtype, its
    shape and its bytes. The file layout, the tensor order, the shard split and any
    metadata do not count."""
    entries: list[tuple[str, Path, dict[str, Any], int]] = []
    for path in files:
        header, start = _read(path)
        for name, info in header.items():
            if name != "__metadata__":
                entries.append((name, path, info, start))
    digest = hashlib.sha256()
    for name, path, info, start in sorted(entries, key=lambda e: e[0]):
        begin, stop = info["data_offsets"]
        digest.update(f"{name}|{info['dtype']}|{info['shape']}|".encode())
        with path.open("rb") as handle:
            handle.seek(start + begin)
            remaining = stop - begin
            while remaining > 0:
                chunk = handle.read(min(remaining, 1 << 22))
                if not chunk:
                    raise UserError(f"{path} is truncated (tensor {name!r})")
                digest.update(chunk)
                remaining -= len(chunk)
    return digest.hexdigest()
