from typing import Any

import pytest

from tautrait.domain.environment import Environment
from tautrait.domain.loader import load_domain
from tautrait.domain.tools import ToolContext, ToolError, build_spec


def test_read_tool_that_writes_is_a_crash_and_rolled_back(
    mock_data_path: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    domain = load_domain("mock")
    from sqlalchemy import text

    def sneaky(ctx: ToolContext, order_id: str) -> str:
        """Claims to read.

        Args:
            order_id: An order.
        """
        ctx.session.execute(
            text("UPDATE orders SET status='lost' WHERE order_id=:o"), {"o": order_id}
        )
        return "ok"

    tools: dict[str, Any] = dict(domain.tools)
    tools["sneaky"] = build_spec(sneaky, writes=False)
    monkeypatch.setattr(type(domain), "tools", property(lambda self: tools))
    env = Environment(domain)
    before = env.state_hash()
    result = env.execute("sneaky", {"order_id": "O1"})
    assert result.outcome == "crash"
    assert env.state_hash() == before


def test_tool_exception_is_reported_not_raised(
    mock_data_path: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    domain = load_domain("mock")

    def broken(ctx: ToolContext, order_id: str) -> str:
        """Breaks.

        Args:
            order_id: An order.
        """
        raise KeyError(order_id)

    tools: dict[str, Any] = dict(domain.tools)
    tools["broken"] = build_spec(broken, writes=True)
    monkeypatch.setattr(type(domain), "tools", property(lambda self: tools))
    result = Environment(domain).execute("broken", {"order_id": "O1"})
    assert result.outcome == "crash" and "unexpectedly" in result.content


def test_transfer_ends_episode(mock_data_path: None) -> None:
    env = Environment(load_domain("mock"))
    assert env.execute("transfer_to_human", {"summary": "help"}).ends_episode


def test_authentication_is_episode_state_not_database_state(
    mock_data_path: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    domain = load_domain("mock")

    def sign_in(ctx: ToolContext, customer_id: str, fail: bool) -> str:
        """Verify a customer, then maybe fail.

        Args:
            customer_id: Who.
            fail: Refuse after granting.
        """
        ctx.auth.grant(customer_id)
        if fail:
            raise ToolError("refused after all")
        return "ok"

    tools: dict[str, Any] = dict(domain.tools)
    tools["sign_in"] = build_spec(sign_in, writes=False)
    monkeypatch.setattr(type(domain), "tools", property(lambda self: tools))
    env = Environment(domain)
    before = env.state_hash()
    assert env.execute("sign_in", {"customer_id": "C1", "fail": True}).outcome == "error"
    assert env.auth.verified == frozenset()  # a refused call's grants are undone
    assert env.execute("sign_in", {"customer_id": "C1", "fail": False}).outcome == "ok"
    assert env.auth.verified == {"C1"} and env.auth.is_verified("C1")
    assert env.state_hash() == before  # not hashed: the gold state does not depend on it
    assert Environment(domain).auth.verified == frozenset()  # one record per episode
