"""Sweeps and schedules in a run: what is recorded, resume (their arms: tests/user)."""

import json
from pathlib import Path
from typing import Any

import pytest

from tautrait.runner.config import RunConfig
from tautrait.runner.results import read_episodes
from tautrait.runner.run import execute_run, prepare_run


def _config(out: Path, user: Path, **kw: Any) -> RunConfig:
    base: dict[str, Any] = {
        "env": "mock",
        "model": "scripted/gold",
        "user_model": str(user),
        "output_dir": out,
        "max_steps": 5,
        "user_max_tokens": 6,
    }
    base.update(kw)
    return RunConfig(**base)


def test_sweep_and_schedule_run_record_points_and_turns(
    run_env: Path, tiny_checkpoint: Path
) -> None:
    config = _config(
        run_env,
        tiny_checkpoint,
        task_ids=["mock-0", "mock-1"],
        sweep=["impatience=0,1,2"],
        trait_dicts=['{"impatience": {"from": "low", "to": "medium", "over": 3}}'],
    )
    run_dir = execute_run(prepare_run(config))
    manifest = json.loads((run_dir / "run.json").read_text())
    arms = {a["name"]: a for a in manifest["arms"]}
    assert list(arms) == [
        "baseline",
        "impatience=low..medium(3)",
        "sweep:impatience=1",
        "sweep:impatience=2",
    ]
    assert arms["sweep:impatience=2"]["sweep"] == {"trait": "impatience", "intensity": 2.0}
    assert arms["sweep:impatience=2"]["coefficients"] == {"impatience": pytest.approx(0.6)}
    assert "sweep" not in arms["baseline"] and "schedule" not in arms["sweep:impatience=1"]
    scheduled = arms["impatience=low..medium(3)"]
    assert scheduled["schedule"] == {"impatience": {"from": "low", "to": "medium", "over": 3}}
    assert scheduled["turn_intensities"] == [
        {"impatience": 0.0},
        {"impatience": 0.5},
        {"impatience": 1.0},
    ]
    episodes = read_episodes(run_dir)
    assert len(episodes) == 2 * 4 and all(e.status == "completed" for e in episodes)
    for e in episodes:
        used = [m.get("intensities") for m in e.messages if m["role"] == "user"]
        if e.arm == "impatience=low..medium(3)":
            expected = [0.0, 0.5, 1.0] + [1.0] * (len(used) - 3)
            assert [u["impatience"] for u in used] == expected  # type: ignore[index]
            assert len(used) >= 4  # the schedule ran its course and held
        else:
            assert used == [None] * len(used)  # flat arms: user messages as before
    report = (run_dir / "report.md").read_text()
    assert "### Dose-response: impatience" in report
    assert "| 2 | sweep:impatience=2 | 100.0% |" in report
    assert "| impatience=low..medium(3) | impatience | from low to medium over 3 turns |" in report


def test_a_killed_sweep_resumes_its_points(run_env: Path, tiny_checkpoint: Path) -> None:
    config = _config(run_env, tiny_checkpoint, task_ids=["mock-0"], sweep=["impatience=0.5,1"])
    run_dir = execute_run(prepare_run(config))
    path = run_dir / "episodes.jsonl"
    lines = path.read_text().splitlines()
    assert len(lines) == 3
    # A kill that lost one point's episode: resume plays exactly that one again.
    kept = [line for line in lines if json.loads(line)["arm"] != "sweep:impatience=0.5"]
    assert len(kept) == 2
    path.write_text("".join(line + "\n" for line in kept))
    execute_run(prepare_run(RunConfig(), resume=run_dir))
    episodes = read_episodes(run_dir)
    assert sorted(e.arm for e in episodes) == [
        "baseline",
        "sweep:impatience=0.5",
        "sweep:impatience=1",
    ]
    redone = next(e for e in episodes if e.arm == "sweep:impatience=0.5")
    assert redone.steering.model_dump()["sweep"] == {"trait": "impatience", "intensity": 0.5}
    assert len(path.read_text().splitlines()) == 3
    assert path.read_text().startswith("".join(line + "\n" for line in kept))
