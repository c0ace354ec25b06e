"""Finding and loading domains: a domain is a folder, never an entry in a central list.

``domains/<name>/`` is imported as a package (``__init__.py`` binds ``DOMAIN``), its
policy read from ``policy.md`` and its seed data from ``data/``. Adding a domain means
adding a folder (in the checkout, or in any root on ``TAUTRAIT_DATA_PATH``).
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from tautrait import paths
from tautrait.domain.database import SeedDatabase
from tautrait.domain.spec import DomainSpec
from tautrait.domain.tools import ToolSpec
from tautrait.errors import UserError


@dataclass
class Domain:
    """A loaded domain: its declaration, policy, tools and seed database."""

    spec: DomainSpec
    path: Path
    policy: str
    _seed_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _seed: SeedDatabase | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.spec.name

    @cached_property
    def tools(self) -> dict[str, ToolSpec]:
        return {t.name: t for t in self.spec.tools}

    @property
    def seed(self) -> SeedDatabase:
        """The seed database, built on first use (once per process)."""
        with self._seed_lock:
            if self._seed is None:
                try:
                    self._seed = SeedDatabase(self.spec.metadata, self.path / "data")
                except ValueError as exc:  # a damaged or foreign data file (JSON errors too)
                    first = (str(exc).splitlines() or [type(exc).__name__])[0]
                    raise UserError(
                        f"domain {self.name}: its seed data in {self.path / 'data'} is "
                        f"damaged ({first}); fix or restore the file"
                    ) from None
            return self._seed

    @cached_property
    def content_hash(self) -> str:
        """sha256 over every file of the domain folder: its version, for results."""
        return hash_tree(self.path)


def hash_tree(root: Path) -> str:
    """A sha256 over the relative paths and bytes of every file under ``root``."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def available_domains() -> dict[str, Path]:
    """Domain name -> folder, for every domain on the data path (first root wins)."""
    found: dict[str, Path] = {}
    for root in paths.find_dirs("domains"):
        for folder in sorted(root.iterdir()):
            if (folder / "__init__.py").is_file() and folder.name not in found:
                found[folder.name] = folder
    return found


_cache: dict[Path, Domain] = {}
_cache_lock = threading.Lock()


def load_domain(name: str) -> Domain:
    """Load a domain by name (cached per process)."""
    domains = available_domains()
    if name not in domains:
        known = ", ".join(sorted(domains)) or "none found"
        raise UserError(f"unknown domain {name!r}; available domains: {known}")
    return load_domain_from(domains[name])


def load_domain_from(folder: Path) -> Domain:
    """Load the domain package in ``folder`` (cached per process)."""
    folder = folder.resolve()
    with _cache_lock:
        if folder in _cache:
            return _cache[folder]
        digest = hashlib.sha1(str(folder).encode()).hexdigest()[:8]
        module_name = f"tautrait_domain_{folder.name}_{digest}"
        spec = importlib.util.spec_from_file_location(
            module_name, folder / "__init__.py", submodule_search_locations=[str(folder)]
        )
        if spec is None or spec.loader is None:
            raise UserError(f"{folder}: not a domain package (no __init__.py)")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
        declared = getattr(module, "DOMAIN", None)
        if not isinstance(declared, DomainSpec):
            raise UserError(f"{folder}/__init__.py must bind DOMAIN to a tautrait DomainSpec")
        if declared.name != folder.name:
            raise UserError(f"{folder}: DOMAIN.name is {declared.name!r}, expected {folder.name!r}")
        policy_path = folder / "policy.md"
        if not policy_path.is_file():
            raise UserError(f"{folder}: missing policy.md")
        domain = Domain(spec=declared, path=folder, policy=policy_path.read_text(encoding="utf-8"))
        _cache[folder] = domain
        return domain
