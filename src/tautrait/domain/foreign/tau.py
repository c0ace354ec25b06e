"""The tau-bench family (tau-bench, tau-Trait): their original domains and tasks.

Both packages lay a domain out as ``<package>/envs/<domain>/``: ``data/`` (``load_data()``
returns the whole world as plain Python data), ``tools/`` (``ALL_TOOLS``: classes with a
static ``invoke(data, **kwargs)`` and a ``get_info()`` function schema), ``wiki.py``
(``WIKI``, the agent's policy), ``env.py`` (which tools end the episode) and one
``tasks_<split>.py`` per split (a list of ``Task(user_id, actions, instruction,
outputs)``; the list's name varies: airline's is ``TASKS``).

This module adapts that layout, unchanged, to tautrait:

- each episode gets a private copy of the data (unpickled from one snapshot per process);
  a tool call runs the original ``invoke`` on it, and its text goes back to the agent;
- the agent sees each tool's own ``get_info()`` schema, and the wiki as the policy;
- task ``i`` of a split becomes the task with id ``"i"`` (so results pair with the
  original harness's ``task_id``); its instruction is the user's goal, its actions the
  gold actions, its outputs the required outputs;
- the reward is the original's: the hash of the data after the agent's calls equals the
  hash after replaying the gold actions (ending tools skipped, errors ignored), and every
  output occurs in some agent message as ``output.lower() in message.lower().replace(",",
  "")``. A hand-off is recorded but, as in the original, not scored.

The surprise: importing the package (``tau_trait/__init__.py``) builds an OpenAI client
and lets litellm fetch a price list, so it is never imported. Its ``envs`` modules are
loaded as submodules of placeholder packages registered under the real names, whose
``__init__.py`` never runs; ``env.py`` (which imports the user simulator, and so the
provider SDKs) is read as text, never imported.
"""

from __future__ import annotations

import ast
import importlib
import importlib.machinery
import importlib.metadata
import importlib.util
import json
import os
import pickle
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from hashlib import sha256
from pathlib import Path
from types import ModuleType
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import MetaData

from tautrait.domain.backend import RewardBreakdown
from tautrait.domain.environment import Outcome, ToolResult, render_result
from tautrait.domain.loader import Domain
from tautrait.domain.spec import DomainSpec
from tautrait.domain.tasks import GoldAction, Task, TaskFile, UserScenario
from tautrait.domain.tools import ToolError, ToolSpec
from tautrait.errors import UserError


@dataclass(frozen=True)
class TauFormat:
    """One member of the family: its package and how to get it."""

    name: str
    package: str
    distribution: str
    path_variable: str
    install: str


TAU_FORMATS = {
    "tau-trait": TauFormat(
        "tau-trait",
        "tau_trait",
        "tau-trait",
        "TAUTRAIT_TAU_TRAIT_PATH",
        "pip install --no-deps -c constraints.txt tau-trait==0.1.1 (its provider SDKs are "
        "not needed), or set TAUTRAIT_TAU_TRAIT_PATH to a checkout",
    ),
    "tau-bench": TauFormat(
        "tau-bench",
        "tau_bench",
        "tau_bench",
        "TAUTRAIT_TAU_BENCH_PATH",
        "clone github.com/sierra-research/tau-bench and set TAUTRAIT_TAU_BENCH_PATH to the "
        "checkout (or pip install --no-deps it)",
    ),
}

# Who the simulated user talks to (the user prompt's "customer service agent of ...").
_COMPANIES = {
    "retail": "an online retail store",
    "airline": "an airline",
    "telecom": "a telecom provider",
    "telehealth": "a telehealth clinic",
}

_import_lock = threading.RLock()


def _format(fmt: str) -> TauFormat:
    return TAU_FORMATS[fmt]


def package_root(fmt: TauFormat) -> Path:
    """The package folder (``.../tau_trait``), found without importing it.

    ``TAUTRAIT_TAU_TRAIT_PATH`` / ``TAUTRAIT_TAU_BENCH_PATH`` (a checkout, or the
    package folder itself) wins over an installed package.
    """
    override = os.environ.get(fmt.path_variable)
    if override:
        root = Path(override).expanduser()
        for candidate in (root / fmt.package, root):
            if candidate.name == fmt.package and (candidate / "envs").is_dir():
                return candidate.resolve()
        raise UserError(
            f"{fmt.path_variable}={override}: no {fmt.package}/envs/ folder there; point it "
            f"at a {fmt.name} checkout"
        )
    loaded = sys.modules.get(fmt.package)
    if loaded is not None and getattr(loaded, "__path__", None):
        return Path(next(iter(loaded.__path__))).resolve()
    # find_spec locates a top-level package without executing its __init__.py.
    spec = importlib.util.find_spec(fmt.package)
    if spec is None or not spec.submodule_search_locations:
        raise UserError(f"{fmt.name} is not installed: {fmt.install}")
    return Path(next(iter(spec.submodule_search_locations))).resolve()


def _placeholder(name: str, folder: Path) -> None:
    """Register ``name`` as a package over ``folder`` whose ``__init__.py`` never runs."""
    existing = sys.modules.get(name)
    if existing is not None:
        where = [Path(p).resolve() for p in getattr(existing, "__path__", [])]
        if folder.resolve() not in where:
            raise UserError(
                f"another {name} is already loaded in this process (from "
                f"{', '.join(map(str, where)) or 'a module'}); load one copy at a time"
            )
        return
    spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
    spec.submodule_search_locations = [str(folder)]
    sys.modules[name] = importlib.util.module_from_spec(spec)


def _import(fmt: TauFormat, root: Path, domain: str, module: str) -> ModuleType:
    """Import ``<package>.envs.<domain>.<module>`` under placeholder parents."""
    with _import_lock:
        _placeholder(fmt.package, root)
        _placeholder(f"{fmt.package}.envs", root / "envs")
        _placeholder(f"{fmt.package}.envs.{domain}", root / "envs" / domain)
        name = f"{fmt.package}.envs.{domain}.{module}"
        try:
            return importlib.import_module(name)
        except UserError:
            raise
        except Exception as exc:
            raise UserError(
                f"cannot load {name} from {root} ({type(exc).__name__}: {exc}); is it a "
                f"complete {fmt.name} installation?"
            ) from None


def domain_names(fmt: str) -> list[str]:
    """The domains of an installed package: ``envs/<d>/`` with tools and data."""
    root = package_root(_format(fmt))
    return sorted(
        d.name
        for d in (root / "envs").iterdir()
        if (d / "tools").is_dir() and (d / "data").is_dir() and (d / "wiki.py").is_file()
    )


def _terminate_tools(env_file: Path) -> tuple[str, ...]:
    """The ``self.terminate_tools = [...]`` list of ``env.py``, read without running it."""
    if not env_file.is_file():
        return ()
    for node in ast.walk(ast.parse(env_file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr == "terminate_tools":
                    return tuple(ast.literal_eval(node.value))
    return ()


# --- state and hashing ---------------------------------------------------------------------


def to_hashable(item: Any) -> Any:
    """The original's canonical form: dicts as sorted (key, value) tuples, lists as tuples,
    sets sorted."""
    if isinstance(item, dict):
        return tuple((key, to_hashable(value)) for key, value in sorted(item.items()))
    if isinstance(item, list):
        return tuple(to_hashable(element) for element in item)
    if isinstance(item, set):
        return tuple(sorted(to_hashable(element) for element in item))
    return item


def data_hash(data: Any) -> str:
    """A canonical hash of the data: equal exactly when the original's
    ``consistent_hash(to_hashable(data))`` is, for JSON data.

    Sorted-key JSON is the same canonical form (dict keys sorted, lists and tuples alike,
    ints and floats kept apart), written in C: five times faster on retail's data, which
    matters with two hashes per episode. Data JSON cannot write (a set, a date) is
    hashed the original way. The strings differ from the original's; the reward parity
    test proves the rewards equal on every shipped task.
    """
    try:
        text = json.dumps(
            data, sort_keys=True, ensure_ascii=False, check_circular=False, separators=(",", ":")
        )
    except (TypeError, ValueError):
        text = "tau:" + str(to_hashable(data))
    return sha256(text.encode("utf-8")).hexdigest()


# --- tools ---------------------------------------------------------------------------------


class _AnyArguments(BaseModel):
    """Arguments pass to the original tool as sent: it has its own checks."""

    model_config = ConfigDict(extra="allow")


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


def _type_problem(name: str, value: Any, schema: dict[str, Any]) -> str | None:
    expected = schema.get("type")
    types = _JSON_TYPES.get(expected) if isinstance(expected, str) else None
    if types is not None:
        wrong_bool = isinstance(value, bool) and expected in ("integer", "number")
        if wrong_bool or not isinstance(value, types):
            return f"{name} should be {expected}, got {type(value).__name__}"
    if "enum" in schema and value not in schema["enum"]:
        return f"{name} is {value!r}, not one of {schema['enum']}"
    if expected == "array" and isinstance(schema.get("items"), dict):
        for index, element in enumerate(value):
            problem = _type_problem(f"{name}[{index}]", element, schema["items"])
            if problem:
                return problem
    return None


def argument_problems(parameters: dict[str, Any], kwargs: dict[str, Any]) -> dict[str, str]:
    """What is wrong with ``kwargs`` against a tool's JSON schema, by kind
    ("arguments that do not exist", "missing arguments", "argument types")."""
    properties: dict[str, Any] = parameters.get("properties") or {}
    problems: dict[str, str] = {}
    unknown = sorted(set(kwargs) - set(properties))
    if unknown:
        problems["arguments that do not exist"] = ", ".join(unknown)
    missing = sorted(set(parameters.get("required") or []) - set(kwargs))
    if missing:
        problems["missing arguments"] = ", ".join(missing)
    typed = [
        p
        for k, v in kwargs.items()
        if k in properties and (p := _type_problem(k, v, properties[k]))
    ]
    if typed:
        problems["argument types"] = "; ".join(typed)
    return problems


@dataclass(frozen=True)
class TauToolSpec(ToolSpec):
    """An original tool: its ``invoke`` and, as the agent's schema, its own ``get_info()``."""

    info: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def schema(self) -> dict[str, Any]:
        return self.info

    def validate(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        """Check ``kwargs`` against the schema; return them unchanged (never coerced: the
        original passes them as sent)."""
        problems = argument_problems(self.info["function"].get("parameters") or {}, kwargs)
        if problems:
            detail = "; ".join(f"{kind}: {what}" for kind, what in problems.items())
            raise ToolError(f"invalid arguments for {self.name}: {detail}")
        return dict(kwargs)


def _tool_spec(tool: Any, terminate: tuple[str, ...]) -> TauToolSpec:
    info = tool.get_info()
    function = info["function"]
    return TauToolSpec(
        name=function["name"],
        description=function.get("description", ""),
        fn=tool.invoke,
        # The format does not say which tools write: every tool may.
        writes=True,
        ends_episode=function["name"] in terminate,
        arguments=_AnyArguments,
        info=info,
    )


# --- the domain ----------------------------------------------------------------------------


class TauEnvironment:
    """One episode's private copy of the data; tool calls run the original tools on it.

    As in the original, a call that fails half-way keeps what it changed (nothing is
    rolled back), and an exception comes back to the agent as ``Error: <message>``.
    """

    def __init__(self, domain: TauDomain) -> None:
        self.domain = domain
        self.data = domain.fresh_data()

    def execute(self, name: str, arguments: dict[str, Any] | str) -> ToolResult:
        spec = self.domain.tools.get(name)
        if spec is None:
            return ToolResult(f"Unknown action {name}", "error")
        if isinstance(arguments, str):
            try:
                arguments = json.loads(arguments) if arguments.strip() else {}
            except json.JSONDecodeError as exc:
                return ToolResult(f"Error: arguments are not valid JSON ({exc.msg})", "error")
        if not isinstance(arguments, dict):
            return ToolResult("Error: arguments must be a JSON object", "error")
        try:
            content = render_result(spec.fn(data=self.data, **arguments))
        except Exception as exc:  # the original's own handling: the text goes to the agent
            return ToolResult(f"Error: {exc}", "error", ends_episode=spec.ends_episode)
        outcome: Outcome = "error" if content.startswith("Error") else "ok"
        return ToolResult(content, outcome, ends_episode=spec.ends_episode)

    def state_hash(self) -> str:
        return data_hash(self.data)

    # No memo: every call runs the original tools on this episode's own data.
    materialised = True

    def recall(self, name: str, arguments: dict[str, Any] | str) -> ToolResult | None:
        return None

    def recalled_hash(self) -> str | None:
        return None

    def close(self) -> None:
        self.data = None


class TauDomain(Domain):
    """A tau-bench-family domain, loaded from the installed package (see the module)."""

    foreign = True

    def __init__(
        self,
        fmt: TauFormat,
        root: Path,
        name: str,
        *,
        load_data: Callable[[], Any],
        tools: list[TauToolSpec],
        wiki: str,
    ) -> None:
        spec = DomainSpec(
            name=f"{fmt.name}/{name}",
            description=_COMPANIES.get(name, f"a {name} company"),
            # Unused: the original tools carry their own notion of time.
            now=datetime(1970, 1, 1, tzinfo=UTC),
            metadata=MetaData(),
            tools=list(tools),
            requires_authentication=False,
        )
        super().__init__(spec=spec, path=root / "envs" / name, policy=wiki)
        self.format = fmt
        self.root = root
        self.short_name = name
        self._snapshot = pickle.dumps(load_data(), protocol=pickle.HIGHEST_PROTOCOL)
        self._lock = threading.Lock()
        self._gold: dict[str, str] = {}
        self._invalid: dict[str, list[str]] = {}

    def fresh_data(self) -> Any:
        """A private deep copy of the shipped data."""
        return pickle.loads(self._snapshot)

    @cached_property
    def seed_hash(self) -> str:
        return data_hash(self.fresh_data())

    @property
    def provenance(self) -> dict[str, Any]:
        return {
            "format": self.format.name,
            "package": self.format.package,
            "package_version": _version(self.format, self.root),
            "package_path": str(self.root),
        }

    def new_environment(self, *, share_calls: bool = False) -> TauEnvironment:
        return TauEnvironment(self)  # python data, deep-copied: no call memo

    def gold_hash(self, task: Task) -> str:
        """The data hash after the gold actions, replayed as the original does: ending
        tools skipped, errors ignored (once per process per list of gold actions)."""
        with self._lock:
            known = self._gold.get(_gold_key(task))
        if known is not None:
            return known
        env = self.new_environment()
        for action in task.gold_actions:
            if not self.ends_episode(action.name):
                env.execute(action.name, action.kwargs)
        value = env.state_hash()
        env.close()
        return self.remember_gold(task, value)

    def remember_gold(self, task: Task, value: str) -> str:
        """Cache ``value`` as the task's gold hash unless one is known; return the known."""
        with self._lock:
            return self._gold.setdefault(_gold_key(task), value)

    def ends_episode(self, name: str) -> bool:
        spec = self.tools.get(name)
        return spec is not None and spec.ends_episode

    def grade(
        self, task: Task, final_hash: str, agent_messages: list[str], *, transferred: bool
    ) -> RewardBreakdown:
        expected = self.gold_hash(task)
        said = [m.lower().replace(",", "") for m in agent_messages]
        outputs = {out: any(out.lower() in m for m in said) for out in task.required_outputs}
        db_match = final_hash == expected
        return RewardBreakdown(
            reward=1.0 if db_match and all(outputs.values()) else 0.0,
            db_match=db_match,
            final_hash=final_hash,
            gold_hash=expected,
            outputs=outputs,
            transfer_expected=any(self.ends_episode(a.name) for a in task.gold_actions),
            transferred=transferred,
        )

    def invalid_tasks(self, tasks: list[Task]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for task in tasks:
            key = task.model_dump_json()  # ids repeat across splits: key by content
            with self._lock:
                reasons = self._invalid.get(key)
            if reasons is None:
                reasons = gate_task(self, task)
                with self._lock:
                    self._invalid[key] = reasons
            if reasons:
                found[task.id] = reasons
        return found


def _gold_key(task: Task) -> str:
    return json.dumps([a.model_dump(mode="json") for a in task.gold_actions], sort_keys=True)


REASONS = (
    "unknown tool",
    "arguments that do not exist",
    "missing arguments",
    "argument types",
    "gold action errors",
    "non-deterministic",
    "do-nothing agent passes",
    "oracle scores 0",
)
"""The kinds of reason a task fails the gates for; each reason reads ``<kind>: <detail>``."""


def gate_task(domain: TauDomain, task: Task) -> list[str]:
    """Why a task fails the validity gates (empty: it passes), each as ``<kind>: <detail>``.

    Gates: every gold action names a tool and passes its schema; replayed on the shipped
    data, no gold action errors (and the replay hashes as an earlier one, if any); a
    do-nothing agent scores 0; the gold actions plus every required output said score 1.
    """
    reasons: list[str] = []
    for index, action in enumerate(task.gold_actions):
        spec = domain.tools.get(action.name)
        if not isinstance(spec, TauToolSpec):
            reasons.append(f"unknown tool: gold action #{index} calls {action.name!r}")
            continue
        parameters = spec.info["function"].get("parameters") or {}
        for kind, what in argument_problems(parameters, action.kwargs).items():
            reasons.append(f"{kind}: gold action #{index} {action.name}: {what}")
    env = domain.new_environment()
    for index, action in enumerate(task.gold_actions):
        if domain.ends_episode(action.name):
            continue
        result = env.execute(action.name, action.kwargs)
        if result.outcome != "ok" and action.name in domain.tools:
            reasons.append(
                f"gold action errors: #{index} {action.name} -> {result.content[:160]!r}"
            )
    replayed = env.state_hash()
    env.close()
    # This replay is the gold replay (ending tools skipped, errors kept): it seeds the
    # cache, or is checked against an earlier one.
    gold = domain.remember_gold(task, replayed)
    if replayed != gold:
        reasons.append("non-deterministic: two replays of the gold actions hash differently")
    null = domain.grade(task, domain.seed_hash, [], transferred=False)
    if null.reward == 1.0:
        why = "the gold actions leave the data unchanged and no output is required"
        reasons.append(f"do-nothing agent passes: {why}")
    oracle = domain.grade(task, gold, ["\n".join(task.required_outputs)], transferred=False)
    if oracle.reward != 1.0:
        missed = [o for o, ok in oracle.outputs.items() if not ok]
        reasons.append(f"oracle scores 0: required output(s) {missed} can never match")
    return reasons


def _version(fmt: TauFormat, root: Path) -> str | None:
    """The installed distribution's version, if ``root`` is the installed package."""
    try:
        dist = importlib.metadata.distribution(fmt.distribution)
    except importlib.metadata.PackageNotFoundError:
        return None
    located = Path(str(dist.locate_file(fmt.package))).resolve()
    return dist.version if located == root else None


_domains: dict[tuple[str, Path, str], TauDomain] = {}


def load_domain(fmt_name: str, name: str) -> TauDomain:
    """Load ``<package>/envs/<name>`` (cached per process and package location)."""
    fmt = _format(fmt_name)
    root = package_root(fmt)
    key = (fmt.name, root, name)
    with _import_lock:
        if key in _domains:
            return _domains[key]
        known = domain_names(fmt.name)
        if name not in known:
            raise UserError(
                f"unknown {fmt.name} domain {name!r}; available: {', '.join(known)} "
                f"(or {fmt.name}/all where a command takes it)"
            )
        data = _import(fmt, root, name, "data")
        tools = _import(fmt, root, name, "tools")
        wiki = _import(fmt, root, name, "wiki")
        terminate = _terminate_tools(root / "envs" / name / "env.py")
        domain = TauDomain(
            fmt,
            root,
            name,
            load_data=data.load_data,
            tools=[_tool_spec(t, terminate) for t in tools.ALL_TOOLS],
            wiki=wiki.WIKI,
        )
        _domains[key] = domain
        return domain


def available_splits(fmt_name: str, name: str) -> dict[str, Path]:
    """Split -> its ``tasks_<split>.py`` module file."""
    domain = load_domain(fmt_name, name)
    return {p.stem.removeprefix("tasks_"): p for p in sorted(domain.path.glob("tasks_*.py"))}


def _task_list(module: ModuleType, task_type: type, split: str) -> list[Any]:
    """The module's list of tasks, whatever it is called (``TASKS_TEST``, ``TASKS``)."""
    lists = {
        name: value
        for name, value in vars(module).items()
        if isinstance(value, list) and value and all(isinstance(t, task_type) for t in value)
    }
    preferred = f"TASKS_{split.upper()}"
    if preferred in lists:
        return lists[preferred]
    if len(lists) == 1:
        return next(iter(lists.values()))
    raise UserError(
        f"{module.__name__}: expected one list of tasks, found {sorted(lists) or 'none'}"
    )


def convert_task(index: int, original: Any) -> Task:
    """The original task ``index`` as a tautrait task (id ``str(index)``)."""
    return Task(
        id=str(index),
        scenario=UserScenario(
            persona="",
            goal=original.instruction.strip(),
            known_info="Only what the goal above says; nothing else.",
        ),
        gold_actions=[GoldAction(name=a.name, kwargs=dict(a.kwargs)) for a in original.actions],
        required_outputs=list(original.outputs),
        tags=[f"user:{original.user_id}"],
    )


def load_tasks(fmt_name: str, name: str, split: str) -> TaskFile:
    fmt = _format(fmt_name)
    domain = load_domain(fmt_name, name)
    path = available_splits(fmt_name, name)[split]
    types = _import_types(fmt, domain.root)
    module = _import(fmt, domain.root, name, f"tasks_{split}")
    originals = _task_list(module, types.Task, split)
    return TaskFile(
        domain=domain.name,
        split=split,
        path=path,
        sha256=sha256(path.read_bytes()).hexdigest(),
        tasks=[convert_task(i, t) for i, t in enumerate(originals)],
    )


def _import_types(fmt: TauFormat, root: Path) -> ModuleType:
    with _import_lock:
        _placeholder(fmt.package, root)
        return importlib.import_module(f"{fmt.package}.types")
