"""The real embedded model on both sides of a real retail episode (slow; runs in CI)."""

import json
from pathlib import Path

import pytest

from tautrait.runner.config import RunConfig
from tautrait.runner.results import read_episodes
from tautrait.runner.run import execute_run, prepare_run

pytestmark = pytest.mark.slow


def test_embedded_agent_and_steered_user_play_a_retail_episode(tmp_path: Path) -> None:
    config = RunConfig(
        env="retail",
        task_split="dev",
        limit=1,
        trait_dicts=["skeptical.json"],
        max_steps=3,
        agent_max_tokens=48,
        user_max_tokens=32,
        output_dir=tmp_path,
    )
    run_dir = execute_run(prepare_run(config))
    episodes = read_episodes(run_dir)
    assert {e.arm for e in episodes} == {"baseline", "skeptical"}
    for episode in episodes:
        assert episode.status == "completed", episode.error
        assert episode.reward in (0.0, 1.0) and episode.reward_breakdown is not None
        assert episode.agent_usage.calls >= 1 and episode.agent_usage.completion_tokens > 0
        assert episode.user_usage.completion_tokens > 0
        users = [m for m in episode.messages if m["role"] == "user"]
        assert users and all(isinstance(m["content"], str) for m in users)
    manifest = json.loads((run_dir / "run.json").read_text())
    assert manifest["user"]["model_id"].startswith("HuggingFaceTB/SmolLM2-135M-Instruct")
    assert manifest["arms"][1]["coefficients"]["skepticism"] > 0
    assert (run_dir / "report.md").read_text().startswith("# tautrait report")
