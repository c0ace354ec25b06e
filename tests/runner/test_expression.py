"""The manipulation check end to end: every local user turn of every arm is measured."""

import json
import math
from pathlib import Path

import pytest

from tautrait.local.generation import GenerationWorker
from tautrait.local.request import GenerationRequest, GenerationResult
from tautrait.runner.config import RunConfig
from tautrait.runner.results import read_episodes
from tautrait.runner.run import execute_run, prepare_run


def test_every_user_turn_of_every_arm_records_its_expression(
    run_env: Path, tiny_checkpoint: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[tuple[int, ...], tuple[int, ...], bool, list[float]]] = []
    generate = GenerationWorker.generate

    async def recording(self: GenerationWorker, request: GenerationRequest) -> GenerationResult:
        result = await generate(self, request)
        assert result.probe is not None
        flat = [v for block in sorted(result.probe) for v in result.probe[block]]
        steered = any(bool(v.abs().sum()) for v in request.steering.values())
        calls.append((tuple(request.prompt_ids), tuple(result.token_ids), steered, flat))
        return result

    monkeypatch.setattr(GenerationWorker, "generate", recording)
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
    # The same prompt and the same generated tokens read the same whatever the arm: the
    # reading is taken before the arm's push at the block it is read at, so it is a
    # function of the tokens alone. Grouped by token ids, not by text: different bytes
    # can decode to the same text (a byte-level vocabulary's invalid UTF-8 reads "\ufffd").
    readings: dict[tuple[tuple[int, ...], tuple[int, ...]], list[tuple[bool, list[float]]]] = {}
    for prompt, tokens, steered, probe in calls:
        readings.setdefault((prompt, tokens), []).append((steered, probe))
    shared = [r for r in readings.values() if len({steered for steered, _ in r}) == 2]
    assert shared, "no steered turn repeated a baseline turn's tokens"
    for group in shared:
        values = [v for _, probe in group for v in probe]
        first = group[0][1]
        for _, probe in group:
            assert max(abs(a - b) for a, b in zip(probe, first, strict=True)) < 1e-4, values
