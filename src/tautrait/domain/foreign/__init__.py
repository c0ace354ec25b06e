"""Foreign benchmarks: another harness's domains and tasks, run through tautrait as-is.

A foreign domain is named ``<format>/<domain>`` (``tau-trait/retail``,
``tau-bench/airline``). Each format is one adapter module that turns the benchmark's own
package into a :class:`~tautrait.domain.loader.Domain` subclass (its data as each
episode's private state, its tools and their schemas, its policy, its reward) and its
task lists into tautrait :class:`~tautrait.domain.tasks.Task` objects, without copying
anything of it into tautrait. The runner, the users, the reports and ``compare`` see an
ordinary domain. A third format is one more adapter module and one line in
:data:`FORMATS`; see ``domains/README.md``.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Protocol

from tautrait.domain.loader import Domain
from tautrait.domain.tasks import TaskFile
from tautrait.errors import UserError

FORMATS: dict[str, str] = {
    "tau-trait": "tautrait.domain.foreign.tau",
    "tau-bench": "tautrait.domain.foreign.tau",
}
"""Format name -> the adapter module that reads it."""


class Adapter(Protocol):
    """What an adapter module provides (functions of the module)."""

    def domain_names(self, fmt: str) -> list[str]:
        """The format's domains, as installed (raises UserError when it is missing)."""
        ...

    def load_domain(self, fmt: str, name: str) -> Domain: ...

    def available_splits(self, fmt: str, name: str) -> dict[str, Path]: ...

    def load_tasks(self, fmt: str, name: str, split: str) -> TaskFile: ...


def _split(qualified: str) -> tuple[Adapter, str, str]:
    fmt, _, name = qualified.partition("/")
    if fmt not in FORMATS:
        known = ", ".join(f"{f}/<domain>" for f in FORMATS)
        raise UserError(f"unknown benchmark format {fmt!r} in {qualified!r}; known: {known}")
    adapter: Adapter = importlib.import_module(FORMATS[fmt])
    if not name or "/" in name:
        raise UserError(f"{qualified!r}: name a domain as <format>/<domain>, e.g. {fmt}/retail")
    return adapter, fmt, name


def expand(qualified: str) -> list[str]:
    """``<format>/all`` -> every domain of the format; any other name -> itself."""
    adapter, fmt, name = _split(qualified)
    if name != "all":
        return [qualified]
    return [f"{fmt}/{d}" for d in adapter.domain_names(fmt)]


def load_domain(qualified: str) -> Domain:
    adapter, fmt, name = _split(qualified)
    return adapter.load_domain(fmt, name)


def available_splits(qualified: str) -> dict[str, Path]:
    adapter, fmt, name = _split(qualified)
    return adapter.available_splits(fmt, name)


def load_tasks(qualified: str, split: str) -> TaskFile:
    adapter, fmt, name = _split(qualified)
    return adapter.load_tasks(fmt, name, split)
