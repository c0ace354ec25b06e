import asyncio
from typing import Any

import pytest

from tautrait.agent.scripted import register_script
from tautrait.errors import InfraError
from tautrait.llm import ContextOverflow, RetryPolicy, complete, is_transient, litellm_module

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
