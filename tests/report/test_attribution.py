"""Fault attribution and realism in the report: counts per arm, adjusted deltas, formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tautrait.records import FaultJudgeRecord
from tautrait.report import build_report, load_run_dir, render
from tautrait.report.schema import Report
from tests.report.builders import make_run, single

SLIP = "I'm your agent. How can I assist you today?"


def _slip(run_dir: Path, arm: str, tasks: set[str]) -> None:
    """Make the user of these episodes break role in its first turn."""
    path = run_dir / "episodes.jsonl"
    lines = []
    for line in path.read_text().splitlines():
        record = json.loads(line)
        if record["arm"] == arm and record["task_id"] in tasks:
            for message in record["messages"]:
                if message["role"] == "user":
                    message["content"] = SLIP
                    break
        lines.append(json.dumps(record))
    path.write_text("\n".join(lines) + "\n")


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    # baseline passes all ten; the trait fails t0-t5, of which t0-t2 with a slipping user
    run = make_run(
        tmp_path, "r1", {"baseline": single("PPPPPPPPPP"), "skeptical": single("FFFFFFPPPP")}
    )
    _slip(run, "skeptical", {"t0", "t1", "t2"})
    return run


def test_counts_per_arm_and_the_delta_without_simulator_pairs(run_dir: Path) -> None:
    report = build_report([load_run_dir(run_dir)])
    row = report.rows[0]
    a = row.attribution
    assert a is not None
    counts = {c.arm: (c.failed, c.agent, c.simulator, c.both) for c in a.arms}
    assert counts == {"baseline": (0, 0, 0, 0), "skeptical": (6, 3, 3, 0)}
    plain = row.deltas[0]
    assert plain.abs_delta == pytest.approx(-0.6)
    (adjusted,) = a.deltas
    # t0-t2 leave both arms: 7 pairs, baseline 7/7, trait 4/7
    assert adjusted.arm == "skeptical" and adjusted.left_out == 3
    assert adjusted.delta.paired_episodes == 7
    assert adjusted.delta.baseline_rate == pytest.approx(1.0)
    assert adjusted.delta.arm_rate == pytest.approx(4 / 7)
    assert adjusted.delta.abs_delta == pytest.approx(-3 / 7)
    assert adjusted.delta.worse == 3 and adjusted.delta.p_holm == pytest.approx(0.25)
    kinds = {f.ref.task_id: f.kind for f in a.episodes}
    assert kinds == {f"t{i}": ("simulator" if i < 3 else "agent") for i in range(6)}
    slipped = next(f for f in a.episodes if f.ref.task_id == "t0")
    assert slipped.simulator == [
        "broke role (claims the agent's role) in user turn 1",
        "broke role (offers help like the agent) in user turn 1",
    ]
    # the builders' task file hash is made up: the fact checks are skipped, and said so
    assert "facts" not in a.checks and "role" in a.checks
    assert any("changed since the run" in note for note in a.notes)


def test_infrastructure_errors_are_never_attributed(tmp_path: Path) -> None:
    run = make_run(tmp_path, "r2", {"baseline": single("P..F"), "skeptical": single("P.FF")})
    a = build_report([load_run_dir(run)]).rows[0].attribution
    assert a is not None
    assert {c.arm: c.failed for c in a.arms} == {"baseline": 1, "skeptical": 2}
    assert all(f.ref.task_id in {"t2", "t3"} for f in a.episodes)


def test_no_failure_no_attribution(tmp_path: Path) -> None:
    run = make_run(tmp_path, "r3", {"baseline": single("PP"), "skeptical": single("PP")})
    row = build_report([load_run_dir(run)]).rows[0]
    assert row.attribution is None
    assert [r.arm for r in row.realism] == ["baseline", "skeptical"]


def test_realism_per_arm(run_dir: Path) -> None:
    realism = {r.arm: r for r in build_report([load_run_dir(run_dir)]).rows[0].realism}
    # every episode has two user turns; three trait episodes break role in one of them
    assert realism["baseline"].user_turns == 20 and realism["baseline"].role_break_turns == 0
    assert realism["skeptical"].role_break_turns == 3
    assert realism["skeptical"].role_break_share == pytest.approx(3 / 20)
    assert realism["baseline"].mattr_window == 50
    # no task file matched: front-loading is unknown, not zero
    assert realism["baseline"].front_loading is None


def test_judge_verdicts_are_shown_beside_never_instead(run_dir: Path) -> None:
    lines = [
        FaultJudgeRecord(
            run_id="r1",
            task_id="t0",
            trial=0,
            arm="skeptical",
            judge_model="scripted/x",
            verdict="agent",
        ),
        FaultJudgeRecord(
            run_id="r1",
            task_id="t3",
            trial=0,
            arm="skeptical",
            judge_model="scripted/x",
            verdict=None,
            parse_error="no ANSWER line",
        ),
    ]
    (run_dir / "attribution.jsonl").write_text(
        "\n".join(r.model_dump_json() for r in lines) + "\nnot json\n"
    )
    a = build_report([load_run_dir(run_dir)]).rows[0].attribution
    assert a is not None
    trait = next(c for c in a.arms if c.arm == "skeptical")
    assert trait.judged == {"agent": 1, "unparsable": 1}
    assert trait.simulator == 3  # the deterministic count stands
    t0 = next(f for f in a.episodes if f.ref.task_id == "t0")
    assert t0.kind == "simulator" and t0.judge == "agent"


@pytest.mark.parametrize("fmt", ["md", "json", "html"])
def test_every_format_carries_it(run_dir: Path, fmt: str) -> None:
    runs = [load_run_dir(run_dir)]
    report = build_report(runs)
    text = render(fmt, report, runs)
    if fmt == "json":
        back = Report.model_validate_json(text)
        assert back.rows[0].attribution == report.rows[0].attribution
        assert back.rows[0].realism == report.rows[0].realism
    elif fmt in ("md", "html"):
        assert "Fault attribution" in text and "pairs left out" in text
        assert "MATTR" in text and "front-loading" in text
        assert "claims the agent&#x27;s role" in text or "claims the agent's role" in text
