"""Where tautrait finds its data (domains, tasks, traits) and keeps its caches.

One resolver serves every kind of install:

1. ``TAUTRAIT_DATA_PATH`` — roots separated by ``os.pathsep``, searched first, so a user
   can add their own domains, task splits or traits without touching the package;
2. the source checkout (``<repo>/domains`` beside ``<repo>/src/tautrait``) when running
   from one, editable installs included;
3. the copy shipped inside the wheel (``tautrait/_data``).

Each root may hold any of ``domains/``, ``tasks/`` and ``traits/``. Caches (the converted
embedded model, extracted trait vectors) live under ``TAUTRAIT_CACHE_DIR``, by default
``~/.cache/tautrait``.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_roots() -> list[Path]:
    """Every data root, in search order (user roots first, then the built-in one)."""
    roots: list[Path] = []
    for entry in os.environ.get("TAUTRAIT_DATA_PATH", "").split(os.pathsep):
        if entry.strip():
            roots.append(Path(entry).expanduser().resolve())
    roots.append(builtin_root())
    return roots


def builtin_root() -> Path:
    """The data shipped with tautrait: the checkout's top level, or the wheel's copy."""
    checkout = _PACKAGE_DIR.parent.parent
    if (checkout / "domains").is_dir() and (checkout / "src" / "tautrait").is_dir():
        return checkout
    return _PACKAGE_DIR / "_data"


def find_dirs(kind: str) -> list[Path]:
    """Existing ``<root>/<kind>`` folders (kind: domains, tasks or traits), in search order."""
    return [root / kind for root in data_roots() if (root / kind).is_dir()]


def cache_dir() -> Path:
    """The cache root (created on demand by whoever writes into it)."""
    env = os.environ.get("TAUTRAIT_CACHE_DIR")
    if env:
        return Path(env).expanduser().resolve()
    return Path.home() / ".cache" / "tautrait"


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock between processes (e.g. two runs converting the same model)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
