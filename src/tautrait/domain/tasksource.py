"""Task sources: the files a person writes and reviews, built into task splits.

A task's source is ``tasks/<domain>/<split>/<task id>.yaml`` (the file name is the id).
It holds what the built :class:`~tautrait.domain.tasks.Task` holds, plus what only the
builder needs: references to the results of earlier gold actions, and the calls the
tools must refuse. ``tautrait tasks build`` (:mod:`tautrait.domain.taskbuild`) replays
each source on a fresh database and writes ``tasks/<domain>/<split>.json``.

A reference is a replacement field in ``str.format`` syntax rooted at ``result``, the
parsed results of the gold actions replayed so far: ``{result[2].invoice_id}`` is the
``invoice_id`` of the third gold action's result, ``{result[4].items[0].amount:.2f}`` an
amount with two decimals. A gold argument that is one bare field keeps the result's
type; anything else is formatted to text. ``{{`` and ``}}`` are literal braces.

The files are YAML read with a strict loader (YAML 1.2 core scalars): a date, ``no`` or
``0230`` written without quotes stays text, and a key given twice is an error, so what a
reviewer reads is what the builder gets.
"""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from tautrait.domain.tasks import GoldAction, UserScenario
from tautrait.errors import UserError

SOURCE_SUFFIX = ".yaml"


class Refusal(BaseModel):
    """A call the tools must refuse, and why: it proves a rule the scenario leans on."""

    model_config = ConfigDict(extra="forbid")

    call: dict[str, dict[str, Any]]
    """One tool and its arguments, as in ``gold_actions`` (references allowed)."""
    after: int = Field(default=0, ge=0)
    """How many gold actions are replayed before the call (0: on the seed data). The
    customers the gold actions authenticate are always authenticated first, so the
    refusal is the rule's, never the missing authentication's."""
    reason: str
    """Text the refusal message must contain (a rule's code or its wording)."""

    @field_validator("call")
    @classmethod
    def _one_call(cls, value: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        return _one_tool(value)


class StatedOutput(BaseModel):
    """A required output that no gold result contains, with where it comes from."""

    model_config = ConfigDict(extra="forbid")

    text: str
    """The output, literally (no references)."""
    why: str
    """How it follows from the results or the policy, for the reviewer (not built)."""


class TaskSource(BaseModel):
    """One task as written: :class:`~tautrait.domain.tasks.Task` before its replay."""

    model_config = ConfigDict(extra="forbid")

    scenario: UserScenario
    """What the simulated user is told (persona, goal, known_info, withheld)."""
    gold_actions: list[dict[str, dict[str, Any]]] = Field(default_factory=list)
    """The reference solution, one ``{tool: {argument: value}}`` per call, in order."""
    required_outputs: list[str | StatedOutput] = Field(default_factory=list)
    """What the agent must say: text found in a gold result, a reference to one, or a
    :class:`StatedOutput` (computed from the results, or stated by the policy)."""
    tags: list[str] = Field(default_factory=list)
    order_stated: bool = False
    """The scenario dictates the order of writes whose final state depends on it."""
    refusals: list[Refusal] = Field(default_factory=list)
    """Calls the tools must refuse (checked by the build, not part of the built task)."""

    @field_validator("gold_actions")
    @classmethod
    def _one_call_each(cls, value: list[dict[str, dict[str, Any]]]) -> list[dict[str, Any]]:
        return [_one_tool(call) for call in value]


def _one_tool(call: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    if len(call) != 1:
        raise ValueError(f"a call names exactly one tool, got {sorted(call) or 'none'}")
    return call


def as_action(call: dict[str, dict[str, Any]]) -> GoldAction:
    """``{tool: kwargs}`` -> a :class:`GoldAction` (references not filled)."""
    [(name, kwargs)] = call.items()
    return GoldAction(name=name, kwargs=kwargs)


# -- reading ---------------------------------------------------------------------------


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core scalars and no duplicate keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_StrictLoader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", "~nN"),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^[-+]?(?:0|[1-9][0-9]*)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$",
        "-+.0123456789",
    ),
):
    _StrictLoader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


def read_source(path: Path) -> TaskSource:
    """Parse and validate one source file (the task id is the file's stem)."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        raise UserError(f"{path}: not valid YAML ({_one_line(exc)})") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected a mapping of task fields")
    try:
        return TaskSource.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UserError(f"{path}: {where}: {first['msg']}") from None


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


# -- references ------------------------------------------------------------------------


class BadReference(ValueError):
    """A reference that names no earlier result, or a path the result does not have."""


_PATH = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[([^\]]+)\]")
_FORMATTER = string.Formatter()


def resolve(field: str, results: list[Any]) -> Any:
    """The value ``field`` (``result[2].items[0].amount``) names in ``results``."""
    if not field.startswith("result["):
        raise BadReference(f"{{{field}}}: a reference starts with result[<index>]")
    value: Any = results
    position = len("result")
    for match in _PATH.finditer(field, position):
        if match.start() != position:
            break
        attr, item = match.groups()
        key: str | int = attr if attr is not None else item
        if isinstance(value, list):
            if not (isinstance(key, str) and key.lstrip("-").isdigit()):
                raise BadReference(f"{{{field}}}: {key!r} is not an index of a list")
            index = int(key)
            if not -len(value) <= index < len(value):
                what = "gold action" if value is results else "list item"
                raise BadReference(f"{{{field}}}: no {what} #{index} before this point")
            value = value[index]
        elif isinstance(value, dict):
            if key not in value:
                raise BadReference(f"{{{field}}}: no key {key!r} (has {sorted(value)})")
            value = value[key]
        else:
            raise BadReference(f"{{{field}}}: {key!r} of a {type(value).__name__}")
        position = match.end()
    if position != len(field):
        raise BadReference(f"{{{field}}}: cannot read {field[position:]!r}")
    return value


def fill_text(template: str, results: list[Any]) -> str:
    """Format every reference in ``template`` (always text)."""
    if "{" not in template and "}" not in template:
        return template
    parts: list[str] = []
    try:
        parsed = list(_FORMATTER.parse(template))
    except ValueError as exc:
        raise BadReference(f"{template!r}: {exc} (write {{{{ and }}}} for braces)") from None
    for literal, field, spec, conversion in parsed:
        parts.append(literal)
        if field is None:
            continue
        if conversion:
            raise BadReference(f"{template!r}: conversions (!r, !s) are not supported")
        value = resolve(field, results)
        try:
            parts.append(format(value, spec or ""))
        except (TypeError, ValueError) as exc:
            raise BadReference(f"{{{field}:{spec}}}: {exc}") from None
    return "".join(parts)


def fill(value: Any, results: list[Any]) -> Any:
    """Fill the references in a gold argument: one bare field keeps the result's type."""
    if isinstance(value, dict):
        return {k: fill(v, results) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, results) for v in value]
    if not isinstance(value, str):
        return value
    bare = re.fullmatch(r"\{(result[^{}:!]*)\}", value)
    if bare:
        return resolve(bare.group(1), results)
    return fill_text(value, results)
