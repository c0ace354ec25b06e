"""Build ``tasks/retail/{test,dev}.json`` from the scenario definitions in ``taskgen/``.

Run from the repository root after changing a scenario or the data::

    PYTHONPATH=src python domains/retail/build_tasks.py

Each definition picks its customer, orders and variants from the committed data and
writes its own scenario text; this script replays the gold actions on a fresh database
(every one must succeed), fills in the required outputs from the tool results (refund
amounts, dates, balances...), and writes both splits, keeping every task's id.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

from taskgen import scen_dev, scen_mixed, scen_orders, scen_reads, scen_returns  # noqa: E402
from taskgen.world import REGISTRY, World  # noqa: E402

from tautrait.domain.environment import Environment  # noqa: E402
from tautrait.domain.loader import load_domain_from  # noqa: E402

MODULES = (scen_reads, scen_orders, scen_returns, scen_mixed, scen_dev)


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"(?<=\d),(?=\d{3})", "", text.lower()))


def numbers_in(value: Any) -> list[float]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        return [float(value)]
    if isinstance(value, dict):
        return [x for v in value.values() for x in numbers_in(v)]
    if isinstance(value, list):
        return [x for v in value for x in numbers_in(v)]
    return []


def build() -> dict[str, list[dict[str, Any]]]:
    domain = load_domain_from(HERE)
    world = World()
    splits: dict[str, list[dict[str, Any]]] = {"test": [], "dev": []}
    built: dict[str, tuple[str, dict[str, Any]]] = {}
    for reg in sorted(REGISTRY, key=lambda r: not r.first):
        world.begin(reg.task_id)
        draft = reg.fn(world)
        env = Environment(domain)
        results: list[Any] = []
        for name, kwargs in draft.actions:
            res = env.execute(name, kwargs)
            if res.outcome != "ok":
                raise SystemExit(f"{reg.task_id}: gold action {name}({kwargs}) -> {res.content}")
            try:
                results.append(json.loads(res.content))
            except json.JSONDecodeError:
                results.append(res.content)
        env.close()
        outputs = draft.outputs(results) if callable(draft.outputs) else list(draft.outputs)
        seen = norm(json.dumps(results, ensure_ascii=False))
        numbers = {f"{x:.2f}" for x in numbers_in(results)}
        for out in outputs:
            if norm(out) not in seen and out not in numbers:
                print(f"warning: {reg.task_id}: output {out!r} not in any tool result")
        writes = [a for a in draft.actions if domain.tools[a[0]].writes]
        if not writes and not outputs:
            raise SystemExit(f"{reg.task_id}: no write action and no required output")
        split = "dev" if "-dev-" in reg.task_id else "test"
        scenario = {"persona": draft.persona, "goal": draft.goal, "known_info": draft.known_info}
        if draft.withheld:
            scenario["withheld"] = draft.withheld
        built[reg.task_id] = (
            split,
            {
                "id": reg.task_id,
                "scenario": scenario,
                "gold_actions": [{"name": n, "kwargs": k} for n, k in draft.actions],
                "required_outputs": outputs,
                "tags": reg.tags,
            },
        )
    for reg in sorted(REGISTRY, key=lambda r: r.task_id):
        split, entry = built[reg.task_id]
        splits[split].append(entry)
    return splits


def main() -> None:
    assert MODULES
    splits = build()
    out_dir = ROOT / "tasks" / "retail"
    out_dir.mkdir(parents=True, exist_ok=True)
    for split, tasks in splits.items():
        text = json.dumps(tasks, indent=2, ensure_ascii=False) + "\n"
        (out_dir / f"{split}.json").write_text(text, encoding="utf-8")
        print(f"{split}: {len(tasks)} tasks")


if __name__ == "__main__":
    main()
