from typing import Literal

import pytest

from tautrait.domain.tools import ToolContext, ToolError, build_spec, parse_docstring, tool


def lookup(
    ctx: ToolContext,
    order_id: str,
    limit: int = 5,
    status: Literal["pending", "delivered"] | None = None,
) -> dict:
    """Find an order by id.

    Use it before any change.

    Args:
        order_id: The order id with the leading '#',
            e.g. '#W100'.
        limit: How many items to show.
        status: Only orders in this status.

    Returns:
        The order.
    """
    return {}


def test_schema_comes_from_signature_and_docstring() -> None:
    spec = build_spec(lookup, writes=False)
    schema = spec.schema()
    assert schema["type"] == "function"
    fn = schema["function"]
    assert fn["name"] == "lookup"
    assert fn["description"].startswith("Find an order by id.\n\nUse it before any change.")
    assert "Returns:" in fn["description"] and "order_id" not in fn["description"]
    params = fn["parameters"]
    assert params["required"] == ["order_id"]
    assert params["additionalProperties"] is False
    props = params["properties"]
    assert props["order_id"] == {
        "type": "string",
        "description": "The order id with the leading '#', e.g. '#W100'.",
    }
    assert props["limit"]["type"] == "integer" and props["limit"]["default"] == 5
    status = props["status"]
    assert {"enum": ["pending", "delivered"], "type": "string"} in status["anyOf"]


def test_validate_coerces_and_reports_every_problem() -> None:
    spec = build_spec(lookup, writes=False)
    assert spec.validate({"order_id": "#W1", "limit": "3"}) == {
        "order_id": "#W1",
        "limit": 3,
        "status": None,
    }
    with pytest.raises(ToolError) as err:
        spec.validate({"limit": "many", "colour": "red"})
    message = str(err.value)
    assert "order_id" in message and "limit" in message and "colour" in message


def test_non_finite_numbers_are_refused() -> None:
    def pay(ctx: ToolContext, amount: float) -> str:
        """Pay.

        Args:
            amount: Dollars.
        """
        return "ok"

    spec = build_spec(pay, writes=True)
    with pytest.raises(ToolError):
        spec.validate({"amount": float("nan")})


def test_decorator_rejects_undocumented_or_untyped_parameters() -> None:
    with pytest.raises(TypeError, match="not described"):

        @tool(writes=False)
        def a(ctx: ToolContext, x: int) -> str:
            """Does a."""
            return ""

    with pytest.raises(TypeError, match="first parameter"):

        @tool(writes=False)
        def b(x: int) -> str:
            """Does b.

            Args:
                x: A number.
            """
            return ""

    with pytest.raises(TypeError, match="docstring"):

        @tool(writes=False)
        def c(ctx: ToolContext) -> str:
            return ""


def test_parse_docstring_keeps_sections_other_than_args() -> None:
    text, args = parse_docstring(
        "Summary.\n\nArgs:\n    a: first\n        continued\n    b (int): second\n\nRaises:\n    When not found."
    )
    assert args == {"a": "first continued", "b": "second"}
    assert text == "Summary.\n\nRaises:\n    When not found."
