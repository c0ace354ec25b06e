"""Tasks: what the simulated user wants, and what counts as success.

``tasks/<domain>/<split>.json`` is a JSON list of :class:`Task` objects. A task is graded
by replaying its gold actions on a fresh database (the target state) and by its required
outputs (strings the agent must say, such as a refund amount).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tautrait import paths
from tautrait.errors import UserError


class GoldAction(BaseModel):
    """One tool call of the reference solution."""

    model_config = ConfigDict(extra="forbid")

    name: str
    """The tool's name."""
    kwargs: dict[str, Any] = Field(default_factory=dict)
    """Its arguments, exactly as the agent would pass them."""


class UserScenario(BaseModel):
    """What the simulated user is told about themselves (their system prompt)."""

    model_config = ConfigDict(extra="forbid")

    persona: str
    """Who the user is, in the second person ("You are Mia Chen, a nurse in Denver...")."""
    goal: str
    """What they want from this conversation, step by step, including any change of mind."""
    known_info: str
    """What they know and may say when asked (name, zip code, order ids...)."""
    withheld: str = ""
    """What they do not reveal unless the agent asks for it (or never, if so stated)."""


class Task(BaseModel):
    """One benchmark task."""

    model_config = ConfigDict(extra="forbid")

    id: str
    """Unique within its domain, stable across versions (e.g. "retail-017")."""
    scenario: UserScenario
    """The user's side of the task."""
    gold_actions: list[GoldAction] = Field(default_factory=list)
    """The write (and informative read) calls of a correct solution, in order."""
    required_outputs: list[str] = Field(default_factory=list)
    """Strings that must appear in the agent's messages, each as many times as it is
    listed (matched as a correct agent writes them: Unicode, case, thousands separators
    and amount formats are normalised; see :mod:`tautrait.evaluation.reward`)."""
    order_stated: bool = False
    """The scenario tells the user the order in which to ask for the writes, because
    independent writes in another order would end in another state. Without it,
    ``tautrait validate`` requires the same final state in every accepted order."""
    tags: list[str] = Field(default_factory=list)
    """Free labels such as "easy", "refusal", "change-of-mind"."""


class TaskFile(BaseModel):
    """A loaded split, with its provenance."""

    domain: str
    split: str
    path: Path
    sha256: str
    tasks: list[Task]


def available_splits(domain: str) -> dict[str, Path]:
    """Split name -> file for a domain (first data root wins)."""
    if "/" in domain:  # a foreign benchmark's domain: its own task files
        from tautrait.domain import foreign

        return foreign.available_splits(domain)
    found: dict[str, Path] = {}
    for root in paths.find_dirs("tasks"):
        folder = root / domain
        if folder.is_dir():
            for path in sorted(folder.glob("*.json")):
                found.setdefault(path.stem, path)
    return found


def load_tasks(domain: str, split: str) -> TaskFile:
    """Load and validate ``tasks/<domain>/<split>.json`` (for a foreign domain, its own
    task module, converted)."""
    splits = available_splits(domain)
    if split not in splits:
        known = ", ".join(sorted(splits)) or "none"
        raise UserError(f"no task split {split!r} for domain {domain!r}; available splits: {known}")
    if "/" in domain:
        from tautrait.domain import foreign

        return foreign.load_tasks(domain, split)
    return load_task_file(splits[split], domain=domain, split=split)


def load_task_file(path: Path, *, domain: str, split: str) -> TaskFile:
    raw = path.read_bytes()
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise UserError(f"{path}: invalid JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, list):
        raise UserError(f"{path}: expected a JSON list of tasks")
    tasks: list[Task] = []
    for index, item in enumerate(data):
        try:
            tasks.append(Task.model_validate(item))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise UserError(f"{path}: task #{index} {where}: {first['msg']}") from None
    seen: set[str] = set()
    for task in tasks:
        if task.id in seen:
            raise UserError(f"{path}: duplicate task id {task.id!r}")
        seen.add(task.id)
    return TaskFile(
        domain=domain, split=split, path=path, sha256=hashlib.sha256(raw).hexdigest(), tasks=tasks
    )
