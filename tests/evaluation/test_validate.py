import json
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

import pytest
from sqlalchemy import text

from tautrait.domain.loader import Domain, available_domains, load_domain
from tautrait.domain.tasks import (
    GoldAction,
    Task,
    TaskFile,
    UserScenario,
    available_splits,
    load_tasks,
)
from tautrait.domain.tools import ToolContext, ToolError, build_spec
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
    # The fairness checks: no unstated order, authentication enforced in every write task,
    # no required output the user already says.
    assert report.order_sensitive == report.echoed == 0
    assert report.auth_enforced == report.writes
    assert len(report.checks) == report.tasks


def test_validate_json_shape(mock_data_path: None, capsys: pytest.CaptureFixture[str]) -> None:
    from tautrait.cli.app import _register, app

    _register()
    with pytest.raises(SystemExit) as exit_info:
        app(["validate", "--env", "mock", "--json"])
    assert exit_info.value.code == 0
    payload = json.loads(capsys.readouterr().out)
    mock = payload["domains"]["mock"]
    assert set(mock) == {
        "tasks",
        "oracle_pass",
        "null_fail",
        "writes",
        "deterministic",
        "order_sensitive",
        "order_stated",
        "auth_enforced",
        "echoed",
        "problems",
        "checks",
        "invalid",
    }
    assert mock["invalid"] == {}  # only a foreign benchmark's tasks are listed there
    assert set(mock["checks"]) == {"mock-0", "mock-1", "mock-2"}
    assert mock["checks"]["mock-0"] == {
        "order": "n/a",
        "order_swaps": 0,
        "order_changed": [],
        "auth": "not required",  # the fixture has no customer identities
        "auth_steps": [],
        "echoed_outputs": [],
    }
    assert mock["checks"]["mock-1"]["auth"] == "no writes"
    with pytest.raises(SystemExit) as exit_info:
        app(["validate", "--env", "mock"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    assert "Task validity" in text and "Fairness of grading" in text
    assert "problems: 0" in text


# --- the fairness checks, each with a task crafted to fail it ---------------------------


def _sign_in(ctx: ToolContext, email: str) -> str:
    """Verify a customer by email.

    Args:
        email: The customer's email.
    """
    sql = text("SELECT customer_id FROM customers WHERE email = :email")
    customer_id = ctx.session.execute(sql, {"email": email}).scalar()
    if customer_id is None:
        raise ToolError("no such customer")
    ctx.auth.grant(customer_id)
    return str(customer_id)


def _add_order(ctx: ToolContext, customer_id: str, title: str, order_id: str) -> str:
    if not ctx.auth.is_verified(customer_id):
        raise ToolError("customer not verified: call sign_in first")
    ctx.session.execute(
        text(
            "INSERT INTO orders (order_id, customer_id, title, price, status) "
            "VALUES (:o, :c, :t, 1.0, 'pending')"
        ),
        {"o": order_id, "c": customer_id, "t": title},
    )
    return order_id


def _order_counted(ctx: ToolContext, customer_id: str, title: Literal["Dune", "Emma"]) -> str:
    """Order a book; the id counts the orders (max + 1).

    Args:
        customer_id: The customer.
        title: The book.
    """
    n = ctx.session.execute(text("SELECT count(*) FROM orders")).scalar_one() + 1
    return _add_order(ctx, customer_id, title, f"O{n}")


def _order_keyed(ctx: ToolContext, customer_id: str, title: Literal["Dune", "Emma"]) -> str:
    """Order a book; the id says what it is.

    Args:
        customer_id: The customer.
        title: The book.
    """
    return _add_order(ctx, customer_id, title, f"O-{customer_id}-{title}")


@pytest.fixture
def careful_mock(mock_data_path: None, monkeypatch: pytest.MonkeyPatch) -> Domain:
    """The mock domain with authentication required and three extra tools."""
    domain = load_domain("mock")
    tools = dict(domain.tools)
    tools["sign_in"] = build_spec(_sign_in, writes=False)
    tools["order_counted"] = build_spec(_order_counted, writes=True)
    tools["order_keyed"] = build_spec(_order_keyed, writes=True)
    monkeypatch.setattr(type(domain), "tools", property(lambda self: tools))
    monkeypatch.setattr(domain, "spec", replace(domain.spec, requires_authentication=True))
    return domain


def _task(task_id: str, goal: str, actions: list[tuple[str, dict[str, Any]]], **extra: Any) -> Task:
    return Task(
        id=task_id,
        scenario=UserScenario(persona="You are Ana Lima.", goal=goal, known_info="ana@example.com"),
        gold_actions=[GoldAction(name=n, kwargs=k) for n, k in actions],
        **extra,
    )


def test_order_check_catches_counter_ids(careful_mock: Domain) -> None:
    sign_in = ("sign_in", {"email": "ana@example.com"})

    def two(tool: str) -> list[tuple[str, dict[str, Any]]]:
        return [sign_in] + [(tool, {"customer_id": "C1", "title": t}) for t in ("Dune", "Emma")]

    tasks = [
        _task("counted", "Order Dune and Emma.", two("order_counted")),
        _task("keyed", "Order Dune and Emma.", two("order_keyed")),
        _task("stated", "Order Dune, then Emma.", two("order_counted"), order_stated=True),
        _task("needless", "Order Dune, then Emma.", two("order_keyed"), order_stated=True),
    ]
    report = validate_domain(careful_mock, [_file(tasks)])
    checks = report.checks
    assert (checks["counted"].order, checks["counted"].order_changed) == ("sensitive", [(1, 2)])
    assert (checks["keyed"].order, checks["keyed"].order_swaps) == ("free", 1)
    assert checks["stated"].order == "stated"
    assert (report.order_sensitive, report.order_stated) == (1, 1)
    problems = "\n".join(report.problems)
    assert "mock/t/counted: swapping independent gold writes (#1 and #2)" in problems
    assert "mock/t/needless: order_stated is set" in problems
    assert "mock/t/keyed" not in problems and "mock/t/stated" not in problems
    # Every write needs the sign-in: these tasks also prove authentication is enforced.
    assert all(c.auth == "enforced" and c.auth_steps == [0] for c in checks.values())


def test_order_check_skips_writes_that_depend_on_each_other(careful_mock: Domain) -> None:
    task = _task(
        "dependent",
        "Order Dune, then cancel that order.",
        [
            ("sign_in", {"email": "ana@example.com"}),
            ("order_keyed", {"customer_id": "C1", "title": "Dune"}),
            ("cancel_order", {"order_id": "O-C1-Dune", "reason": "mistake"}),
        ],
    )
    checks = validate_domain(careful_mock, [_file([task])]).checks["dependent"]
    assert (checks.order, checks.order_swaps) == ("dependent", 0)


def test_authentication_check_catches_tools_that_do_not_enforce_it(careful_mock: Domain) -> None:
    lax = _task(
        "lax",
        "Cancel order O1 because you ordered it by mistake.",
        [
            ("find_customer", {"email": "ana@example.com"}),  # authenticates nobody
            ("cancel_order", {"order_id": "O1", "reason": "mistake"}),
        ],
    )
    report = validate_domain(careful_mock, [_file([lax])])
    assert report.checks["lax"].auth == "not enforced" and report.auth_enforced == 0
    assert any("without authenticating the customer" in p for p in report.problems)


def test_echo_check_flags_outputs_the_user_already_says(careful_mock: Domain) -> None:
    base = load_tasks("mock", "test").tasks[1]  # read-only: say the price of O3, 15.00
    echo = base.model_copy(
        update={
            "id": "echo",
            "scenario": base.scenario.model_copy(
                update={"goal": "Ask whether order O3 still costs $15 as it did."}
            ),
        }
    )
    report = validate_domain(careful_mock, [_file([base, echo])])
    assert report.checks["echo"].echoed_outputs == ["15.00"]  # "$15" is 15.00, as a number
    assert report.checks["mock-1"].echoed_outputs == []
    assert report.echoed == 1
    assert [p for p in report.problems if "verbatim" in p] == [
        "mock/t/echo: required output(s) ['15.00'] appear verbatim in the scenario: an agent "
        "could pass by repeating the user"
    ]
