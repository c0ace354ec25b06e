"""The manipulation check end to end: every local user turn of every arm is measured."""

import json
import math
from pathlib import Path

from tautrait.runner.config import RunConfig
from tautrait.runner.results import read_episodes
from tautrait.runner.run import execute_run, prepare_run


def test_every_user_turn_of_every_arm_records_its_expression(
    run_env: Path, tiny_checkpoint: Path
) -> None:
    run_dir = execute_run(
        prepare_run(
            RunConfig(
                env="mock",
                model="scripted/gold",
                output_dir=run_env,
                max_steps=4,
                user_max_tokens=6,
                user_model=str(tiny_checkpoint),
                trait_dicts=['{"impatience": "high"}', '{"confusion": "medium"}'],
            )
        )
    )
    manifest = json.loads((run_dir / "run.json").read_text())
    measured = manifest["user"]["expression"]
    assert set(measured["traits"]) == {"impatience", "confusion"}
    assert "before steering" in measured["hidden_state"]
    episodes = read_episodes(run_dir)
    assert len({e.arm for e in episodes}) == 3
    assert len(episodes) == 3 * len(manifest["tasks"]["task_ids"])
    for e in episodes:
        users = [m for m in e.messages if m["role"] == "user"]
        assert e.expression is not None and len(e.expression) == len(users) > 0
        for turn in e.expression:
            assert turn is not None and set(turn) == {"impatience", "confusion"}
            assert all(math.isfinite(v) for v in turn.values())
    # The same (task, trial) with the same first turn text reads the same: the first
    # user turn is measured before any steering is added, so when an arm's steering did
    # not change the text, it does not change the reading either.
    firsts: dict[tuple[str, int, str], list[float]] = {}
    for e in episodes:
        first = next(m["content"] for m in e.messages if m["role"] == "user")
        assert e.expression is not None and e.expression[0] is not None
        firsts.setdefault((e.task_id, e.trial, first), []).append(e.expression[0]["impatience"])
    assert any(len(values) > 1 for values in firsts.values())
    for values in firsts.values():
        assert max(values) - min(values) < 1e-3
