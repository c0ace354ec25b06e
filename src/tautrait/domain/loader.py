"""Finding and loading domains: a domain is a folder, never an entry in a central list.

``domains/<name>/`` is imported as the package ``tautrait.domains.<name>`` (see
:mod:`tautrait.domains`; its ``__init__.py`` binds ``DOMAIN``), its policy read from
``policy.md`` and its seed data from ``data/``. Adding a domain means adding a folder (in
the checkout, or in any root on ``TAUTRAIT_DATA_PATH``).

A name with a slash (``tau-trait/retail``) is a domain of a foreign benchmark, adapted
by :mod:`tautrait.domain.foreign`: a :class:`Domain` subclass that overrides the backend
hooks below (its episode state, its reward, its task gates). Nothing outside the domain
layer tells the two apart.
"""

from __future__ import annotations

import hashlib
import importlib
import sys
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar

from tautrait import paths
from tautrait.domain.database import SeedDatabase
from tautrait.domain.spec import DomainSpec
from tautrait.domain.tools import ToolSpec
from tautrait.errors import UserError

if TYPE_CHECKING:
    from tautrait.domain.backend import EpisodeEnvironment, RewardBreakdown
    from tautrait.domain.tasks import Task


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
    def seed_ready(self) -> bool:
        """Whether :attr:`seed` is built already (reading it is then instant)."""
        return self._seed is not None

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

    # The backend hooks: what a foreign format (tautrait.domain.foreign) overrides.

    foreign: ClassVar[bool] = False
    """A foreign benchmark's domain: its tasks are gated by :meth:`invalid_tasks`, not by
    tautrait's validation (which needs a SQL state and authentication)."""

    @property
    def seed_hash(self) -> str:
        """The hash of the state every episode starts from (a do-nothing agent's)."""
        return self.seed.seed_hash

    @property
    def provenance(self) -> dict[str, Any]:
        """Where the domain came from, beyond its folder (recorded in ``run.json``)."""
        return {}

    def new_environment(self, *, share_calls: bool = False) -> EpisodeEnvironment:
        """One episode's private state and tools, fresh from the seed; ``share_calls``:
        calls made in the same state are answered from the process's memo
        (:mod:`tautrait.domain.callmemo`) where the backend has one."""
        from tautrait.domain.environment import Environment

        return Environment(self, share_calls=share_calls)

    def grade(
        self, task: Task, final_hash: str, agent_messages: list[str], *, transferred: bool
    ) -> RewardBreakdown | None:
        """The domain's own reward, or None for tautrait's
        (:func:`tautrait.evaluation.reward.compute_reward`)."""
        return None

    def invalid_tasks(self, tasks: list[Task]) -> dict[str, list[str]]:
        """Task id -> why it fails the validity gates, for tasks shipped unvalidated.

        Empty for a tautrait domain: its tasks pass ``tautrait validate`` before they
        are committed (``make test``).
        """
        return {}


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
    """Load a domain by name (cached per process); ``<format>/<name>`` loads a foreign
    benchmark's domain (:mod:`tautrait.domain.foreign`)."""
    if "/" in name:
        from tautrait.domain import foreign

        return foreign.load_domain(name)
    domains = available_domains()
    if name not in domains:
        known = ", ".join(sorted(domains)) or "none found"
        raise UserError(f"unknown domain {name!r}; available domains: {known}")
    return load_domain_from(domains[name])


def load_domain_from(folder: Path) -> Domain:
    """Load the domain package in ``folder``, which must be a domain on the data path
    (``<root>/domains/<name>``; cached per process)."""
    folder = folder.resolve()
    if available_domains().get(folder.name) != folder:
        raise UserError(
            f"{folder} is not a domain on the data path; put its parent's parent folder on "
            "TAUTRAIT_DATA_PATH (the first root with a domain of that name wins)"
        )
    with _cache_lock:
        if folder in _cache:
            return _cache[folder]
        module = _import(folder)
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


def _import(folder: Path) -> ModuleType:
    """Import ``tautrait.domains.<name>`` from ``folder`` (the caller holds the lock)."""
    name = folder.name
    if not name.isidentifier():
        raise UserError(f"{folder}: a domain's folder name must be a Python identifier")
    import tautrait.domains as package

    # The data path may have changed since the package was imported (a root added to
    # TAUTRAIT_DATA_PATH): import from the roots as they are now.
    package.__path__[:] = [str(d) for d in paths.find_dirs("domains")]
    module_name = f"{package.__name__}.{name}"
    loaded = sys.modules.get(module_name)
    if loaded is not None and Path(loaded.__file__ or "").parent != folder:
        # A package of this name from another root: import this one in its place.
        for key in [k for k in sys.modules if k == module_name or k.startswith(module_name + ".")]:
            del sys.modules[key]
    importlib.invalidate_caches()
    return importlib.import_module(module_name)
