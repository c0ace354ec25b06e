"""The retail task splits: sizes, mix, ids, outputs, and gold actions that run.

The full validity gates (oracle, do-nothing agent, replay determinism) are checked by
``tautrait validate --env retail``; these are the fast structural checks.
"""

from __future__ import annotations

import re
from typing import Any

from tautrait.domain.environment import Environment
from tautrait.domain.loader import load_domain
from tautrait.domain.tasks import load_tasks

DOMAIN = load_domain("retail")
SPLITS = {split: load_tasks("retail", split).tasks for split in ("test", "dev")}


def writes(task: Any) -> int:
    return sum(DOMAIN.tools[a.name].writes for a in task.gold_actions)


def test_split_sizes_and_ids() -> None:
    assert len(SPLITS["test"]) >= 115
    assert len(SPLITS["dev"]) >= 12
    assert all(re.fullmatch(r"retail-\d{3}", t.id) for t in SPLITS["test"])
    assert all(re.fullmatch(r"retail-dev-\d{2}", t.id) for t in SPLITS["dev"])
    ids = [t.id for tasks in SPLITS.values() for t in tasks]
    assert len(ids) == len(set(ids))


def test_enough_multi_write_tasks() -> None:
    for split, tasks in SPLITS.items():
        multi = sum(writes(t) >= 2 for t in tasks)
        assert multi / len(tasks) >= 0.35, (split, multi, len(tasks))


def test_read_only_tasks_require_an_output() -> None:
    for tasks in SPLITS.values():
        for t in tasks:
            if writes(t) == 0:
                assert t.required_outputs, t.id
            assert all(o.strip() and len(o) <= 40 for o in t.required_outputs), t.id


def test_amount_outputs_have_two_decimals() -> None:
    for tasks in SPLITS.values():
        for t in tasks:
            for out in t.required_outputs:
                if re.fullmatch(r"[\d.]+", out) and "." in out:
                    assert re.fullmatch(r"\d+\.\d{2}", out), (t.id, out)


def test_mix_of_situations() -> None:
    tags = [tag for t in SPLITS["test"] for tag in t.tags]
    for tag in ("refusal", "transfer", "change-of-mind", "return", "exchange", "cancel"):
        assert tags.count(tag) >= 3, tag
    transfers = [
        t
        for t in SPLITS["test"]
        if any(a.name == "transfer_to_human_agents" for a in t.gold_actions)
    ]
    assert len(transfers) >= 4


def test_scenarios_are_distinct() -> None:
    every = [t for tasks in SPLITS.values() for t in tasks]
    for field in ("persona", "goal"):
        values = [getattr(t.scenario, field) for t in every]
        assert len(set(values)) == len(values), field
    for t in every:
        assert t.scenario.persona.startswith("You are "), t.id
        assert t.scenario.goal and t.scenario.known_info, t.id


def test_gold_actions_are_schema_valid() -> None:
    for tasks in SPLITS.values():
        for t in tasks:
            for a in t.gold_actions:
                assert a.name in DOMAIN.tools, (t.id, a.name)
                DOMAIN.tools[a.name].validate(a.kwargs)


def test_a_sample_of_gold_actions_replays() -> None:
    sample = SPLITS["test"][::12] + SPLITS["dev"][::4]
    for t in sample:
        env = Environment(DOMAIN)
        for a in t.gold_actions:
            result = env.execute(a.name, a.kwargs)
            assert result.outcome == "ok", (t.id, a.name, result.content)
        env.close()
