"""Tools: typed Python functions the agent calls, with schemas derived from them.

A tool is a plain function whose first parameter is the :class:`ToolContext`; the rest of
its signature (types, defaults, ``Literal`` choices) and its Google-style docstring become
the JSON schema the agent model reads. Write the docstring for that reader: what the tool
does, what each argument looks like (with an example id), and when it fails.

    @tool(writes=True)
    def cancel_pending_order(ctx: ToolContext, order_id: str, reason: Reason) -> dict:
        '''Cancel an order that has not shipped yet. ...

        Args:
            order_id: The order id, with the leading '#', e.g. '#W1000042'.
            reason: Why the customer cancels.
        '''

A tool signals a refusal (not found, a policy rule, a bad value) by raising
:class:`ToolError`; the episode turns it into an error message for the agent and rolls
back anything the call wrote. ``writes`` says whether the tool may change the database:
replay and validation rely on it, and the environment checks it on every call.
"""

from __future__ import annotations

import functools
import inspect
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model
from sqlalchemy.orm import Session

from tautrait.domain.auth import Authentication


class ToolError(Exception):
    """A tool refused the call; the message goes back to the agent verbatim."""


@dataclass
class ToolContext:
    """What a tool sees besides its arguments.

    Attributes:
        session: The episode's SQLAlchemy session. The environment commits it after a
            successful write tool and rolls it back after any error.
        now: The domain's fixed "current time". Tools must use this, never the wall
            clock, so that replays hash identically.
        auth: Who has been authenticated in this episode. Authentication tools grant;
            write tools refuse a customer who is not verified (see
            :mod:`tautrait.domain.auth`). Not database state: not hashed.
    """

    session: Session
    now: datetime
    auth: Authentication = field(default_factory=Authentication)


@dataclass(frozen=True)
class ToolSpec:
    """One registered tool: the function plus what the agent sees of it."""

    name: str
    description: str
    fn: Callable[..., Any]
    writes: bool
    ends_episode: bool
    arguments: type[BaseModel]

    def schema(self) -> dict[str, Any]:
        """The OpenAI-style function schema (the format litellm passes to every provider).

        Built once per tool (pydantic takes milliseconds to write one) and shared by every
        caller, who must not mutate it.
        """
        return _function_schema(self)

    def validate(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        """Check and coerce arguments; raise :class:`ToolError` describing every problem."""
        try:
            parsed = self.arguments.model_validate(kwargs)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'arguments'}: {err['msg']}"
                for err in exc.errors()
            )
            raise ToolError(f"invalid arguments for {self.name}: {problems}") from None
        return {name: getattr(parsed, name) for name in type(parsed).model_fields}


@functools.cache
def _function_schema(spec: ToolSpec) -> dict[str, Any]:
    params = spec.arguments.model_json_schema()
    params.pop("title", None)
    for prop in params.get("properties", {}).values():
        prop.pop("title", None)
    params.setdefault("properties", {})
    params["additionalProperties"] = False
    return {
        "type": "function",
        "function": {"name": spec.name, "description": spec.description, "parameters": params},
    }


_TOOL_ATTR = "__tautrait_tool__"


def tool(*, writes: bool, ends_episode: bool = False) -> Callable[[Callable[..., Any]], Any]:
    """Register a function as a tool.

    Args:
        writes: True if the tool may change the database (cancel, modify, refund...).
            A tool marked False that writes is a domain bug and fails loudly.
        ends_episode: True for hand-offs such as a transfer to a human agent: the
            episode stops after the call.
    """

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        setattr(fn, _TOOL_ATTR, build_spec(fn, writes=writes, ends_episode=ends_episode))
        return fn

    return decorate


def spec_of(fn: Callable[..., Any]) -> ToolSpec | None:
    """The :class:`ToolSpec` a function was registered with, or None."""
    spec = getattr(fn, _TOOL_ATTR, None)
    return spec if isinstance(spec, ToolSpec) else None


def collect_tools(*modules: types.ModuleType) -> list[ToolSpec]:
    """Every ``@tool`` function defined in the given modules, in definition order."""
    found: list[ToolSpec] = []
    for module in modules:
        for value in vars(module).values():
            spec = spec_of(value)
            if spec is not None and getattr(value, "__module__", None) == module.__name__:
                found.append(spec)
    return found


def build_spec(fn: Callable[..., Any], *, writes: bool, ends_episode: bool = False) -> ToolSpec:
    """Derive a :class:`ToolSpec` from a function's signature and docstring."""
    summary, arg_docs = parse_docstring(inspect.getdoc(fn) or "")
    if not summary:
        raise TypeError(f"tool {fn.__name__} needs a docstring: the agent reads it")
    hints = typing.get_type_hints(fn, include_extras=True)
    params = list(inspect.signature(fn).parameters.values())
    if not params or hints.get(params[0].name) is not ToolContext:
        raise TypeError(f"tool {fn.__name__}: the first parameter must be `ctx: ToolContext`")
    fields: dict[str, Any] = {}
    for param in params[1:]:
        if param.kind not in (param.POSITIONAL_OR_KEYWORD, param.KEYWORD_ONLY):
            raise TypeError(f"tool {fn.__name__}: *args/**kwargs are not allowed")
        if param.name not in hints:
            raise TypeError(f"tool {fn.__name__}: parameter {param.name} needs a type hint")
        if param.name not in arg_docs:
            raise TypeError(
                f"tool {fn.__name__}: parameter {param.name} is not described under Args:"
            )
        default = ... if param.default is inspect.Parameter.empty else param.default
        fields[param.name] = (hints[param.name], Field(default, description=arg_docs[param.name]))
    model = create_model(
        f"{fn.__name__}_arguments",
        __config__=ConfigDict(extra="forbid", allow_inf_nan=False),
        **fields,
    )
    return ToolSpec(
        name=fn.__name__,
        description=summary,
        fn=fn,
        writes=writes,
        ends_episode=ends_episode,
        arguments=model,
    )


_SECTION = re.compile(r"^(Args|Arguments|Returns|Raises|Yields|Examples?|Notes?):\s*$")
_ARG_LINE = re.compile(r"^(\w+)(?:\s*\([^)]*\))?:\s*(.*)$")


def parse_docstring(doc: str) -> tuple[str, dict[str, str]]:
    """Split a Google-style docstring into (description, {arg: description}).

    The description is everything outside the ``Args:`` section, so Returns/Raises text
    (what the agent should expect back, and when the tool fails) stays visible to it.
    """
    description: list[str] = []
    args: dict[str, str] = {}
    section: str | None = None
    current: str | None = None
    for raw in doc.splitlines():
        line = raw.rstrip()
        header = _SECTION.match(line.strip()) if not raw.startswith((" ", "\t")) else None
        if header:
            section = header.group(1)
            current = None
            if section not in ("Args", "Arguments"):
                description.append(line)
            continue
        if section in ("Args", "Arguments"):
            stripped = line.strip()
            match = _ARG_LINE.match(stripped)
            indent = len(line) - len(line.lstrip())
            if match and indent <= 4:
                current = match.group(1)
                args[current] = match.group(2).strip()
            elif stripped and current is not None:
                args[current] = f"{args[current]} {stripped}".strip()
            elif not stripped:
                current = None
            continue
        description.append(line)
    text = "\n".join(description).strip()
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text, args
