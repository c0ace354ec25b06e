"""The stages import downwards only: cli -> runner -> agent/user -> steering -> local -> domain.

Every ``import`` of ``tautrait`` code is read with :mod:`ast`, at module level and inside
functions (a lazy import is still a dependency), and mapped to its stage: the folder (or
top-level module) under ``src/tautrait``. An import may go to a stage of a lower layer,
or of its own layer as long as the stages of a layer do not import each other both ways;
anything else must be listed in :data:`ALLOWED` with the reason it stays.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import tautrait

ROOT = Path(tautrait.__file__).parent

LAYERS: list[set[str]] = [
    {"__main__"},
    {"cli"},
    {"runner", "traiteval", "serve"},  # the commands' engines: none imports another
    {"report"},
    {"agent", "user"},
    {"llm"},
    {"scripted"},
    {"steering"},
    {"local"},
    {"records"},
    {"evaluation"},
    {"domain"},
    {"domains"},
    {"faults", "errors", "paths"},
]
"""Highest first. ``report`` sits below ``runner`` (a run writes its report, a report
reads the records); ``records`` below every stage that writes or reads them."""

ALLOWED: dict[tuple[str, str], str] = {}
"""(importer, imported) -> why this upward or two-way import stays."""


def stage_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "tautrait" or len(parts) < 2:
        return None
    return parts[1]


def imports() -> dict[tuple[str, str], set[str]]:
    """(importer stage, imported stage) -> the importing modules."""
    edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT.parent).with_suffix("")
        module = ".".join(rel.parts)
        package = rel.parts[:-1] if path.name != "__init__.py" else rel.parts
        if path.name == "__init__.py":
            module = ".".join(rel.parts[:-1])
        mine = stage_of(module) or "tautrait"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = list(package[: len(package) - node.level + 1])
                    names = [".".join(base + ([node.module] if node.module else []))]
                else:
                    names = [node.module or ""]
            for name in names:
                theirs = stage_of(name)
                if theirs is not None and theirs != mine:
                    edges[(mine, theirs)].add(module)
    return edges


def layer_of(stage: str) -> int:
    for n, layer in enumerate(LAYERS):
        if stage in layer:
            return n
    raise AssertionError(f"stage {stage!r} is in no layer: add it to LAYERS")


def test_every_stage_has_a_layer() -> None:
    stages = {p.stem if p.is_file() else p.name for p in ROOT.iterdir()}
    stages = {s for s in stages if not s.startswith("_") or s == "__main__"}
    stages -= {"py", "templates", "__pycache__"}
    for stage in stages:
        if (ROOT / stage).is_dir() or (ROOT / f"{stage}.py").is_file():
            layer_of(stage)


def test_stages_import_downwards_only() -> None:
    edges = imports()
    wrong = []
    for (mine, theirs), modules in sorted(edges.items()):
        if (mine, theirs) in ALLOWED:
            continue
        upward = layer_of(theirs) < layer_of(mine)
        reverse = (theirs, mine)
        both_ways = layer_of(theirs) == layer_of(mine) and reverse in edges
        both_ways = both_ways and reverse not in ALLOWED
        if upward or both_ways:
            wrong.append(f"{mine} -> {theirs} ({', '.join(sorted(modules))})")
    assert not wrong, "imports against the stage order:\n" + "\n".join(wrong)


def test_allowed_exceptions_are_still_needed() -> None:
    edges = imports()
    stale = [f"{a} -> {b}" for a, b in ALLOWED if (a, b) not in edges]
    assert not stale, f"no longer imported, drop from ALLOWED: {', '.join(stale)}"


def test_the_stage_graph_has_no_cycle_but_the_allowed() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for mine, theirs in imports():
        if (mine, theirs) not in ALLOWED:
            graph[mine].add(theirs)
    seen: dict[str, int] = {}

    def visit(stage: str, path: list[str]) -> None:
        seen[stage] = 1
        for nxt in sorted(graph[stage]):
            assert seen.get(nxt) != 1, f"import cycle: {' -> '.join([*path, stage, nxt])}"
            if nxt not in seen:
                visit(nxt, [*path, stage])
        seen[stage] = 2

    for stage in sorted(list(graph)):
        if stage not in seen:
            visit(stage, [])


def test_the_user_side_is_built_without_a_run() -> None:
    """``traits eval`` and ``chat`` build their simulators from user settings: neither
    imports the runner (one-way imports within a layer would otherwise pass)."""
    edges = imports()
    assert ("traiteval", "runner") not in edges
    assert ("serve", "runner") not in edges
    assert "tautrait.cli.chat" not in edges.get(("cli", "runner"), set())
    assert ("user", "runner") not in edges and ("steering", "runner") not in edges
