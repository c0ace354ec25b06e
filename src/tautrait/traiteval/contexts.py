"""Evaluation contexts: the (intent, background, agent role) tuples conversations share.

The seed paper (section 4.2) defines a context as ``C = (I, B, R)``: the user's intent,
the user's background and the assistant's professional role. ``traits/eval/contexts.json``
(on the data path, so users can add their own) holds original ones across telecom,
airline, retail, telehealth, banking, education and more; each also names the
organisation and a few concrete details the user knows, which the simulator's scenario
needs. The file is ordered so that every prefix spans as many domains as it can:
``--contexts N`` takes the first N, a deterministic choice.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from tautrait import paths
from tautrait.domain.tasks import UserScenario
from tautrait.errors import UserError

CONTEXTS_FILE = Path("eval") / "contexts.json"


class EvalContext(BaseModel):
    """One context: who the user is, what they want, and whom they talk to."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    domain: str
    organization: str
    """Who the agent works for (the simulator's "customer service agent of ...")."""
    agent_role: str
    """The assistant's professional role, as a noun phrase ("a billing agent at ...")."""
    intent: str
    """What the user wants (second person)."""
    background: str
    """Who the user is (second person)."""
    details: str = ""
    """Facts the user knows and may give (ids, amounts, dates)."""

    def scenario(self) -> UserScenario:
        """The simulator's scenario: background as persona, intent as goal."""
        return UserScenario(persona=self.background, goal=self.intent, known_info=self.details)


def default_contexts_file() -> Path:
    """``traits/eval/contexts.json`` of the first data root that has one."""
    for root in paths.find_dirs("traits"):
        candidate = root / CONTEXTS_FILE
        if candidate.is_file():
            return candidate
    raise UserError("no traits/eval/contexts.json on the data path; pass --contexts-file")


def load_contexts(path: Path | None = None) -> list[EvalContext]:
    """Every context of a contexts file, validated (ids unique)."""
    path = path if path is not None else default_contexts_file()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"contexts file {path} not found") from None
    try:
        contexts = TypeAdapter(list[EvalContext]).validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UserError(f"{path}: {where}: {first['msg']}") from None
    seen: set[str] = set()
    for context in contexts:
        if context.id in seen:
            raise UserError(f"{path}: context id {context.id!r} appears twice")
        seen.add(context.id)
    if not contexts:
        raise UserError(f"{path} has no contexts")
    return contexts


def choose_contexts(contexts: list[EvalContext], count: int) -> list[EvalContext]:
    """The first ``count`` contexts (the file's order spreads domains)."""
    if count < 1:
        raise UserError("--contexts must be at least 1")
    if count > len(contexts):
        raise UserError(f"--contexts {count}: the contexts file has only {len(contexts)}")
    return contexts[:count]
