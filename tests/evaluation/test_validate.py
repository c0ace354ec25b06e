import json
from pathlib import Path

import pytest

from tautrait.domain.loader import available_domains, load_domain
from tautrait.domain.tasks import GoldAction, Task, TaskFile, available_splits, load_tasks
from tautrait.evaluation.validate import validate_domain


def _file(tasks: list[Task]) -> TaskFile:
    return TaskFile(domain="mock", split="t", path=Path("t.json"), sha256="0", tasks=tasks)


def test_mock_domain_is_valid(mock_data_path: None) -> None:
    domain = load_domain("mock")
    report = validate_domain(domain, [load_tasks("mock", "test")])
    assert report.problems == []
    assert (
        report.tasks,
        report.oracle_pass,
        report.null_fail,
        report.writes,
        report.deterministic,
    ) == (3, 3, 3, 1, 3)


def test_each_gate_catches_its_defect(mock_data_path: None) -> None:
    domain = load_domain("mock")
    base = load_tasks("mock", "test").tasks[0]
    scenario = base.scenario
    broken = [
        # unknown tool
        Task(
            id="a",
            scenario=scenario,
            gold_actions=[GoldAction(name="nope")],
            required_outputs=["x"],
        ),
        # schema-invalid arguments
        Task(
            id="b",
            scenario=scenario,
            gold_actions=[
                GoldAction(name="cancel_order", kwargs={"order_id": "O1", "reason": "bored"})
            ],
        ),
        # gold action fails against the data (the tau-trait defect)
        Task(
            id="c",
            scenario=scenario,
            gold_actions=[
                GoldAction(name="cancel_order", kwargs={"order_id": "O2", "reason": "mistake"})
            ],
        ),
        # read-only with no required output: a do-nothing agent passes
        Task(
            id="d",
            scenario=scenario,
            gold_actions=[GoldAction(name="get_order", kwargs={"order_id": "O1"})],
        ),
        # duplicate of the valid task below
        base,
        base.model_copy(update={"id": "dup"}),
    ]
    report = validate_domain(domain, [_file(broken)])
    text = "\n".join(report.problems)
    assert "unknown tool 'nope'" in text
    assert "gold action #0: invalid arguments" in text
    assert "only pending orders can be cancelled" in text
    assert "do-nothing agent passes" in text
    assert "duplicate of mock/t/mock-0" in text
    assert report.oracle_pass == 3  # d, mock-0 and dup replay fine


@pytest.mark.parametrize("name", sorted(available_domains()))
def test_shipped_domains_pass_every_gate(name: str) -> None:
    domain = load_domain(name)
    files = [load_tasks(name, split) for split in available_splits(name)]
    report = validate_domain(domain, files)
    assert report.problems == []
    assert report.tasks == report.oracle_pass == report.null_fail == report.deterministic
    assert report.tasks >= 40


def test_validate_json_shape(mock_data_path: None, capsys: pytest.CaptureFixture[str]) -> None:
    from tautrait.cli.app import _register, app

    _register()
    with pytest.raises(SystemExit) as exit_info:
        app(["validate", "--env", "mock", "--json"])
    assert exit_info.value.code == 0
    payload = json.loads(capsys.readouterr().out)
    assert set(payload["domains"]["mock"]) == {
        "tasks",
        "oracle_pass",
        "null_fail",
        "writes",
        "deterministic",
        "problems",
    }
