import asyncio
from typing import Any

import pytest

from tautrait.errors import InfraError
from tautrait.llm import ContextOverflow, RetryPolicy, complete, is_transient, litellm_module
from tautrait.scripted import register_script

FAST = RetryPolicy(attempts=3, initial_s=0.001, max_s=0.002)


def _failing(exc_factory: Any, times: int) -> Any:
    calls = {"n": 0}

    def script(messages: list[dict[str, Any]], task: dict[str, Any] | None) -> dict[str, Any]:
        calls["n"] += 1
        if calls["n"] <= times:
            raise exc_factory()
        return {"content": "fine"}

    return script, calls


def test_transient_errors_are_retried() -> None:
    litellm = litellm_module()
    script, calls = _failing(
        lambda: litellm.RateLimitError("slow down", llm_provider="x", model="m"), 2
    )
    register_script("flaky", script)
    result = asyncio.run(
        complete("scripted/flaky", [{"role": "user", "content": "hi"}], retry=FAST)
    )
    assert result.content == "fine" and calls["n"] == 3 and result.attempts == 3


def test_persistent_failure_is_an_infra_error() -> None:
    litellm = litellm_module()
    script, calls = _failing(
        lambda: litellm.ServiceUnavailableError("down", llm_provider="x", model="m"), 99
    )
    register_script("down", script)
    with pytest.raises(InfraError) as err:
        asyncio.run(complete("scripted/down", [{"role": "user", "content": "hi"}], retry=FAST))
    assert calls["n"] == 3 and err.value.attempts == 3


def test_auth_errors_are_not_retried() -> None:
    litellm = litellm_module()
    script, calls = _failing(
        lambda: litellm.AuthenticationError("bad key", llm_provider="x", model="m"), 99
    )
    register_script("noauth", script)
    with pytest.raises(InfraError) as err:
        asyncio.run(complete("scripted/noauth", [{"role": "user", "content": "hi"}], retry=FAST))
    assert calls["n"] == 1 and err.value.kind == "provider_error"


def test_context_overflow_is_the_agents() -> None:
    litellm = litellm_module()
    script, _ = _failing(
        lambda: litellm.ContextWindowExceededError("too long", llm_provider="x", model="m"), 99
    )
    register_script("long", script)
    with pytest.raises(ContextOverflow):
        asyncio.run(complete("scripted/long", [{"role": "user", "content": "hi"}], retry=FAST))


def test_classification() -> None:
    litellm = litellm_module()
    assert is_transient(litellm.Timeout("t", model="m", llm_provider="x"))
    assert is_transient(litellm.InternalServerError("t", model="m", llm_provider="x"))
    assert not is_transient(litellm.BadRequestError("t", model="m", llm_provider="x"))
    assert not is_transient(litellm.NotFoundError("t", model="m", llm_provider="x"))


def _outcome(coro: Any) -> tuple[str, str, int]:
    """(what complete() raised, the mapped provider exception's class, attempts)."""
    try:
        asyncio.run(coro)
    except ContextOverflow as exc:
        return "context", type(exc.__cause__).__name__, 1
    except InfraError as exc:
        return exc.kind, type(exc.__cause__).__name__, exc.attempts
    return "ok", "", 1


def _errors() -> list[Any]:
    litellm = litellm_module()
    return [
        lambda: ValueError("bad value"),
        lambda: KeyError("k"),
        lambda: TimeoutError("slow"),
        lambda: litellm.RateLimitError("slow down", llm_provider="x", model="m"),
        lambda: litellm.ServiceUnavailableError("down", llm_provider="x", model="m"),
        lambda: litellm.AuthenticationError("bad key", llm_provider="x", model="m"),
        lambda: litellm.BadRequestError("bad", llm_provider="x", model="m"),
        lambda: litellm.ContextWindowExceededError("long", llm_provider="x", model="m"),
    ]


@pytest.mark.parametrize("index", range(8))
def test_in_process_failures_match_litellms_contract(index: int) -> None:
    """scripted/ and local/ skip litellm.acompletion, yet fail exactly as through it."""
    litellm = litellm_module()
    make = _errors()[index]
    script, _ = _failing(make, 99)
    register_script("contract", script)
    messages = [{"role": "user", "content": "hi"}]
    try:
        asyncio.run(litellm.acompletion(model="scripted/contract", messages=messages))
    except Exception as exc:
        through_litellm = exc
    names = {cls.__name__ for cls in type(through_litellm).__mro__}
    if "ContextWindowExceededError" in names:
        expected = ("context", type(through_litellm).__name__, 1)
    elif is_transient(through_litellm):
        expected = ("provider_transient", type(through_litellm).__name__, FAST.attempts)
    else:
        expected = ("provider_error", type(through_litellm).__name__, 1)
    assert _outcome(complete("scripted/contract", messages, retry=FAST)) == expected


def test_in_process_calls_skip_litellm_and_answer_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    litellm = litellm_module()

    def script(messages: list[dict[str, Any]], task: dict[str, Any] | None) -> dict[str, Any]:
        return {"content": "on it", "tool_calls": [("lookup", {"id": "A1"})]}

    register_script("same", script)
    messages = [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi there"}]
    response = asyncio.run(litellm.acompletion(model="scripted/same", messages=messages))

    async def refuse(**kwargs: Any) -> Any:
        raise AssertionError("an in-process model went through litellm.acompletion")

    monkeypatch.setattr(litellm, "acompletion", refuse)
    direct = asyncio.run(complete("scripted/same", messages, retry=FAST))
    message = response.choices[0].message
    assert direct.content == message.content
    assert [c["function"] for c in direct.tool_calls] == [
        {"name": c.function.name, "arguments": c.function.arguments} for c in message.tool_calls
    ]
    assert (direct.prompt_tokens, direct.completion_tokens) == (
        response.usage.prompt_tokens,
        response.usage.completion_tokens,
    )
    assert direct.cost == 0.0 and direct.attempts == 1
