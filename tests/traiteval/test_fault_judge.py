"""The fault judge (``tautrait run --judge-model``): strict parsing, resumable, in the report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tautrait.cli.run import start
from tautrait.records import FaultJudgeRecord
from tautrait.report import build_report, load_run_dir
from tautrait.runner.config import RunConfig
from tautrait.scripted import register_script
from tautrait.traiteval.fault_judge import judge_run
from tests.report.builders import make_run, single

PROMPTS: list[str] = []


def fault_judge(messages: list[dict[str, Any]], task: dict[str, Any] | None) -> dict[str, Any]:
    """Blames the simulator when the customer claims the agent's role; answers every
    third call without an ANSWER line; otherwise blames the agent."""
    prompt = messages[-1]["content"]
    PROMPTS.append(prompt)
    if len(PROMPTS) % 3 == 0:
        return {"content": "Hard to say who is to blame here."}
    if "Customer: I'm your agent" in prompt:
        return {"content": "The customer spoke as the agent.\nANSWER: simulator"}
    return {"content": "The agent did not act.\n**ANSWER: agent**"}


register_script("fault-judge", fault_judge)


def _slip(run_dir: Path, task: str) -> None:
    path = run_dir / "episodes.jsonl"
    lines = []
    for line in path.read_text().splitlines():
        record = json.loads(line)
        if record["task_id"] == task and record["arm"] == "skeptical":
            record["messages"][2]["content"] = "I'm your agent. How can I assist you today?"
        lines.append(json.dumps(record))
    path.write_text("\n".join(lines) + "\n")


def test_verdicts_are_parsed_strictly_and_never_redone(tmp_path: Path) -> None:
    PROMPTS.clear()
    run = make_run(tmp_path, "r1", {"baseline": single("PPPF"), "skeptical": single("FFF.")})
    _slip(run, "t0")
    counts = judge_run(run, "scripted/fault-judge", concurrency=1)
    # four failed episodes (the infrastructure error is not judged); the third call is prose
    assert len(PROMPTS) == 4 and sum(counts.values()) == 4
    assert counts.get("unparsable") == 1
    records = [
        FaultJudgeRecord.model_validate_json(line)
        for line in (run / "attribution.jsonl").read_text().splitlines()
    ]
    assert {(r.task_id, r.arm) for r in records} == {
        ("t3", "baseline"),
        ("t0", "skeptical"),
        ("t1", "skeptical"),
        ("t2", "skeptical"),
    }
    unparsable = [r for r in records if r.verdict is None]
    assert len(unparsable) == 1 and unparsable[0].parse_error == "no ANSWER line"
    slipped = next(r for r in records if r.task_id == "t0")
    assert slipped.verdict in ("simulator", None)
    # the prompt shows the trajectory and the grading
    assert "Customer: I'm your agent" in "".join(PROMPTS)
    assert "the final database differs from the correct one" in PROMPTS[0]
    # judged already: a second call asks nothing
    assert judge_run(run, "scripted/fault-judge") == {}
    assert len(PROMPTS) == 4
    arms = {a.arm: a for a in build_report([load_run_dir(run)]).rows[0].attribution.arms}  # type: ignore[union-attr]
    assert (
        sum(arms["skeptical"].judged.values()) == 3 and sum(arms["baseline"].judged.values()) == 1
    )


def test_run_with_a_judge_writes_its_verdicts_and_reports_them(
    mock_data_path: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TAUTRAIT_CACHE_DIR", str(tmp_path / "cache"))
    PROMPTS.clear()
    config = RunConfig(
        env="mock",
        task_split="test",
        model="scripted/null",
        user_strategy="llm",
        user_model="scripted/user",
        judge_model="scripted/fault-judge",
        limit=2,
        output_dir=tmp_path / "results",
    )
    run_dir = start(config)
    lines = (run_dir / "attribution.jsonl").read_text().splitlines()
    assert len(lines) == len(PROMPTS) == 2  # the do-nothing agent fails both tasks
    report = (run_dir / "report.md").read_text()
    assert "### Fault attribution" in report
    assert "judge (agent / simulator / both / none / unparsable / error)" in report
    assert json.loads((run_dir / "run.json").read_text())["config"]["judge_model"] == (
        "scripted/fault-judge"
    )
