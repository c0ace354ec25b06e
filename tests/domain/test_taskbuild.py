"""Task sources and `tautrait tasks build`: references, refusals, the strict reader, --check."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tautrait.domain.loader import load_domain
from tautrait.domain.taskbuild import BuildError, build_domain, domains_with_sources
from tautrait.domain.tasksource import BadReference, fill, fill_text, read_source
from tautrait.errors import UserError
from tests.domain.cli import tautrait

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "data"

CANCEL = """\
scenario:
  persona: You are Ana Lima.
  goal: >-
    Cancel your order O1 because you ordered it by mistake, and ask what comes back.
  known_info: 'Your email is ana@example.com. Order id O1.'
gold_actions:
  - find_customer: {email: ana@example.com}
  - get_order: {order_id: O1}
  - cancel_order: {order_id: '{result[1].order_id}', reason: mistake}
required_outputs: ['{result[1].price:.2f}']
tags: [cancel]
refusals:
  - call: {cancel_order: {order_id: O2, reason: mistake}}
    reason: only pending orders can be cancelled
  - call: {cancel_order: {order_id: O1, reason: mistake}}
    after: 3
    reason: is cancelled
"""


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data root holding task sources, in front of the fixture root (the mock domain)."""
    monkeypatch.setenv("TAUTRAIT_DATA_PATH", os.pathsep.join([str(tmp_path), str(FIXTURES)]))
    return tmp_path


def write(root: Path, domain: str, split: str, task_id: str, text: str) -> Path:
    path = root / "tasks" / domain / split / f"{task_id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def only_split(domain: str) -> Any:
    [split] = build_domain(domain)
    return split


# -- references ---------------------------------------------------------------------


def test_a_bare_reference_keeps_the_type_and_text_is_formatted() -> None:
    results: list[Any] = [{"id": "R-1", "items": [{"amount": 12.5}]}, "plain text"]
    assert fill("{result[0].items[0].amount}", results) == 12.5
    assert fill({"ids": ["{result[0].id}", "x"]}, results) == {"ids": ["R-1", "x"]}
    assert fill_text("refund {result[0].items[0].amount:.2f}", results) == "refund 12.50"
    assert fill_text("{result[1]}", results) == "plain text"
    assert fill_text("{{literal}}", results) == "{literal}"
    assert fill(7, results) == 7


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{result[2].id}", "no gold action #2"),
        ("{result[0].missing}", "no key 'missing'"),
        ("{result[0].items.amount}", "not an index of a list"),
        ("{order.id}", "starts with result["),
        ("{result[0].id!r}", "conversions"),
        ("{result[0].items[0].amount:d}", "result[0].items[0].amount:d"),
        ("{result[0].id", "braces"),
    ],
)
def test_bad_references_say_what_is_wrong(template: str, message: str) -> None:
    results: list[Any] = [{"id": "R-1", "items": [{"amount": 12.5}]}]
    with pytest.raises(BadReference, match=message.replace("[", r"\[").replace("(", r"\(")):
        fill_text(template, results)


# -- the strict reader ----------------------------------------------------------------


def test_the_reader_keeps_dates_codes_and_words_as_text(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        "scenario: {persona: p, goal: g, known_info: k}\n"
        "gold_actions:\n"
        "  - f: {dob: 1990-01-02, pin: 0230, answer: no, n: 3, x: 1.5, ok: true, none: null}\n",
        encoding="utf-8",
    )
    [call] = read_source(path).gold_actions
    assert call["f"] == {
        "dob": "1990-01-02",
        "pin": "0230",
        "answer": "no",
        "n": 3,
        "x": 1.5,
        "ok": True,
        "none": None,
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("scenario: {persona: p, goal: g, known_info: k}\ntags: []\ntags: [a]\n", "given twice"),
        ("scenario: {persona: p, goal: g, known_info: k}\nextra: 1\n", "extra"),
        (
            "scenario: {persona: p, goal: g, known_info: k}\ngold_actions: [{a: {}, b: {}}]\n",
            "one tool",
        ),
        (
            "scenario: {persona: p, goal: g, known_info: k}\ngold_actions: [{a: 3}]\n",
            "a: Input should be a valid dictionary",
        ),
        ("scenario: [unclosed\n", "not valid YAML"),
        ("- a list\n", "mapping of task fields"),
    ],
)
def test_the_reader_refuses_bad_sources(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError, match=message):
        read_source(path)


# -- building -------------------------------------------------------------------------


def test_build_fills_references_checks_refusals_and_renders_the_split(root: Path) -> None:
    write(root, "mock", "test", "mock-9", CANCEL)
    assert "mock" in domains_with_sources()
    split = only_split("mock")
    assert split.path == root / "tasks" / "mock" / "test.json"
    [task] = split.tasks
    assert task["id"] == "mock-9"
    assert task["gold_actions"][2] == {
        "name": "cancel_order",
        "kwargs": {"order_id": "O1", "reason": "mistake"},
    }
    assert task["required_outputs"] == ["1250.50"]
    assert "withheld" not in task["scenario"] and "order_stated" not in task
    assert list(task) == ["id", "scenario", "gold_actions", "required_outputs", "tags"]
    assert split.text == json.dumps([task], indent=2, ensure_ascii=False) + "\n"
    assert split.differences() == [
        "tasks/mock/test.json: missing (run `tautrait tasks build --env mock`)"
    ]
    split.path.write_text(split.text, encoding="utf-8")
    assert only_split("mock").differences() == []


def test_withheld_and_order_stated_are_written_when_the_source_has_them(root: Path) -> None:
    text = CANCEL.replace("tags: [cancel]", "tags: [cancel]\norder_stated: true")
    text = text.replace("  known_info:", "  withheld: ''\n  known_info:")
    write(root, "mock", "dev", "mock-dev-1", text)
    [task] = only_split("mock").tasks
    assert task["scenario"]["withheld"] == "" and task["order_stated"] is True


def test_check_lists_each_changed_task_and_field(root: Path) -> None:
    write(root, "mock", "test", "mock-9", CANCEL)
    write(root, "mock", "test", "mock-8", CANCEL)
    split = only_split("mock")
    split.path.write_text(split.text, encoding="utf-8")
    write(root, "mock", "test", "mock-9", CANCEL.replace("tags: [cancel]", "tags: [easy]"))
    (root / "tasks" / "mock" / "test" / "mock-8.yaml").unlink()
    write(root, "mock", "test", "mock-7", CANCEL)
    assert only_split("mock").differences() == [
        "tasks/mock/test.json: mock-8 is not built from any source",
        "tasks/mock/test.json: mock-7 is new",
        "tasks/mock/test.json: mock-9 differs in tags",
    ]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "get_order: {order_id: O1}",
            "get_order: {order_id: O2}",
            "mock-9: gold action #2 cancel_order was refused: Error: order O2 is shipped",
        ),
        ("'{result[1].price:.2f}'", "'{result[3].price}'", "required output {result[3].price}"),
        (
            "'{result[1].order_id}', reason",
            "'{result[2].order_id}', reason",
            "gold action #2 cancel_order: {result[2].order_id}: no gold action #2",
        ),
        (
            "{order_id: O2, reason: mistake}}",
            "{order_id: O3, reason: mistake}}",
            "refusal #0 (cancel_order): the tools accepted it",
        ),
        (
            "reason: is cancelled",
            "reason: is gone",
            "refusal #1 (cancel_order): expected a refusal citing 'is gone', got Error: order O1 is cancelled",
        ),
        ("    after: 3", "    after: 4", "after 4, but the task has 3 gold actions"),
    ],
)
def test_a_source_that_does_not_hold_on_the_data_fails_the_build(
    root: Path, old: str, new: str, message: str
) -> None:
    assert old in CANCEL
    write(root, "mock", "test", "mock-9", CANCEL.replace(old, new))
    with pytest.raises(BuildError) as caught:
        build_domain("mock")
    assert message in str(caught.value)


def test_a_literal_output_must_be_in_a_result_or_say_why(root: Path) -> None:
    base = "scenario: {persona: p, goal: g, known_info: k}\ngold_actions: [get_order: {order_id: O3}]\n"
    for found in ("'15'", "'$15.00'", "ulysses", "'{result[0].title}'"):
        write(root, "mock", "test", "mock-1", base + f"required_outputs: [{found}]\n")
        build_domain("mock")
    write(root, "mock", "test", "mock-1", base + "required_outputs: ['16.00']\n")
    with pytest.raises(BuildError, match=r"'16\.00' is in no gold result"):
        build_domain("mock")
    stated = "required_outputs: [{text: '16.00', why: 'the price plus a 1.00 fee'}]\n"
    write(root, "mock", "test", "mock-1", base + stated)
    [task] = only_split("mock").tasks
    assert task["required_outputs"] == ["16.00"]


def test_a_read_only_task_needs_an_output(root: Path) -> None:
    text = "scenario: {persona: p, goal: g, known_info: k}\ngold_actions: [get_order: {order_id: O3}]\n"
    write(root, "mock", "test", "mock-1", text)
    with pytest.raises(BuildError, match="mock-1: a read-only task needs a required output"):
        build_domain("mock")


def test_refusals_are_checked_after_the_gold_authentication(root: Path) -> None:
    """The refusal a task checks is the rule's: the customers its gold actions authenticate
    are authenticated first, even for a refusal checked on the seed data (after 0)."""
    domain = load_domain("retail")
    data = domain.path / "data"
    orders = json.loads((data / "orders.json").read_text(encoding="utf-8"))
    users = {u["user_id"]: u for u in json.loads((data / "users.json").read_text(encoding="utf-8"))}
    order = next(o for o in orders if o["status"] == "delivered")
    email = users[order["user_id"]]["email"]
    text = (
        "scenario: {persona: p, goal: g, known_info: k}\n"
        f"gold_actions: [find_user_id_by_email: {{email: '{email}'}}]\n"
        "required_outputs: ['{result[0].user_id}']\n"
        "refusals:\n"
        f"  - call: {{cancel_pending_order: {{order_id: '{order['order_id']}', reason: no longer needed}}}}\n"
        "    reason: delivered\n"
    )
    write(root, "retail", "test", "retail-900", text)
    [split] = build_domain("retail")
    assert split.path == root / "tasks" / "retail" / "test.json"
    assert split.tasks[0]["required_outputs"] == [order["user_id"]]
    # Without the authentication in the gold actions, the tools refuse for that reason.
    write(
        root,
        "retail",
        "test",
        "retail-900",
        text.replace("find_user_id_by_email", "get_user_details")
        .replace("email: ", "user_id: ")
        .replace(email, order["user_id"]),
    )
    with pytest.raises(BuildError, match="not been authenticated"):
        build_domain("retail")


def test_no_sources_is_an_error(root: Path) -> None:
    with pytest.raises(UserError, match="no task sources for domain 'mock'"):
        build_domain("mock")


# -- the command -----------------------------------------------------------------------


def test_the_command_writes_then_checks(root: Path) -> None:
    env = os.environ["TAUTRAIT_DATA_PATH"]
    write(root, "mock", "test", "mock-9", CANCEL)
    checked = tautrait("tasks", "build", "--env", "mock", "--check", data_path=env)
    assert checked.returncode == 1, checked.stderr
    assert "tasks/mock/test.json: missing" in checked.stderr
    assert not (root / "tasks" / "mock" / "test.json").exists()
    built = tautrait("tasks", "build", "--env", "mock", data_path=env)
    assert built.returncode == 0, built.stderr
    assert "mock test: 1 tasks, written" in built.stdout
    checked = tautrait("tasks", "build", "--env", "mock", "--check", data_path=env)
    assert checked.returncode == 0 and "up to date" in checked.stdout
    (root / "tasks" / "mock" / "old.json").write_text("[]\n", encoding="utf-8")
    stale = tautrait("tasks", "build", "--env", "mock", "--check", data_path=env)
    assert stale.returncode == 1 and "tasks/mock/old.json: no sources" in stale.stderr
    broken = tautrait("tasks", "build", "--env", "mock", data_path=str(FIXTURES))
    assert broken.returncode == 2 and "no task sources for domain 'mock'" in broken.stderr


def test_the_contract_shows_real_sources() -> None:
    """domains/README.md's worked example is the committed source, and its refusal
    snippet is part of a real one."""
    repo = FIXTURES.parents[2]
    readme = (repo / "domains" / "README.md").read_text(encoding="utf-8")
    marker = "### Worked example: `tasks/telehealth/test/telehealth-007.yaml`\n\n```yaml\n"
    example = readme.split(marker, 1)[1].split("```\n", 1)[0]
    source = repo / "tasks" / "telehealth" / "test" / "telehealth-007.yaml"
    assert example == source.read_text(encoding="utf-8")
    snippet = readme.split("```yaml\nrefusals:\n", 1)[1].split("```\n", 1)[0]
    telecom = repo / "tasks" / "telecom" / "test" / "telecom-002.yaml"
    assert "refusals:\n" + snippet in telecom.read_text(encoding="utf-8")
