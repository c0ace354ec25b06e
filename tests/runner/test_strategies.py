"""The simulator family end to end on the mock domain (tiny user model, scripted agent)."""

import json
from pathlib import Path
from typing import Any

import pytest

from tautrait.runner.config import RunConfig
from tautrait.runner.results import read_episodes
from tautrait.runner.run import execute_run, prepare_run


def _run(out: Path, **kw: Any) -> Path:
    base: dict[str, Any] = {
        "env": "mock",
        "model": "scripted/gold",
        "output_dir": out,
        "max_steps": 4,
        "user_max_tokens": 6,
    }
    base.update(kw)
    return execute_run(prepare_run(RunConfig(**base)))


def test_mtad_mixes_a_neutral_and_a_trait_expert(run_env: Path, tiny_checkpoint: Path) -> None:
    run_dir = _run(
        run_env,
        user_strategy="mtad",
        user_model=str(tiny_checkpoint),
        trait_dicts=['{"impatience": "medium", "confusion": "low"}'],
    )
    manifest = json.loads((run_dir / "run.json").read_text())
    arm = manifest["arms"][1]
    # medium / high = 0.3 / 0.5 with the default calibration: 60% trait expert.
    assert [e["weight"] for e in arm["experts"]] == [pytest.approx(0.4), pytest.approx(0.6)]
    assert arm["experts"][0]["blocks"] == [] and arm["experts"][1]["blocks"] == [2]
    episodes = read_episodes(run_dir)
    assert len(episodes) == 6 and all(e.reward == 1.0 for e in episodes)


def test_prompt_baseline_writes_a_style_per_trait_arm(run_env: Path) -> None:
    from tautrait.scripted import register_script

    requests: list[str] = []

    def customer(messages: list[dict[str, Any]], task: dict[str, Any] | None) -> dict[str, Any]:
        text = messages[-1]["content"]
        if "role-play brief" in text:
            requests.append(text)
            return {"content": "You sound rushed and cut every answer short."}
        return {"content": "Thanks, that is all. ###STOP###"}

    register_script("customer", customer)
    run_dir = _run(
        run_env,
        user_strategy="prompt",
        user_model="scripted/customer",
        trait_dicts=["impatient.json"],
    )
    manifest = json.loads((run_dir / "run.json").read_text())
    baseline, impatient = manifest["arms"]
    assert "style" not in baseline
    assert impatient["levels"]["impatience"] == "medium"
    assert impatient["style"] == "You sound rushed and cut every answer short."
    (request,) = requests
    assert "impatience (medium)" in request
    episodes = read_episodes(run_dir)
    assert all(e.status == "completed" and e.termination == "user_stop" for e in episodes)
    # Each episode records its arm exactly as run.json does (its name aside).
    for e in episodes:
        arm = impatient if e.arm == "impatient" else baseline
        assert e.steering.model_dump(mode="json") == {k: v for k, v in arm.items() if k != "name"}


def test_human_user_types_the_customer(
    run_env: Path, tiny_checkpoint: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rich.console import Console

    answers = iter(["Hi, I need help with an order.", "It is O1.", "/stop"] * 10)
    monkeypatch.setattr(Console, "input", lambda self, prompt="": next(answers))
    run_dir = _run(run_env, user_strategy="human", max_concurrency=4, task_ids=["mock-0"])
    (episode,) = read_episodes(run_dir)
    users = [m["content"] for m in episode.messages if m["role"] == "user"]
    assert users[0] == "Hi, I need help with an order."
    assert json.loads((run_dir / "run.json").read_text())["config"]["max_concurrency"] == 1


def test_llm_strategy_refuses_trait_arms(run_env: Path) -> None:
    from tautrait.errors import UserError

    with pytest.raises(UserError, match="cannot express traits"):
        prepare_run(
            RunConfig(
                env="mock", user_strategy="llm", trait_dicts=["skeptical.json"], output_dir=run_env
            )
        )
