"""One litellm call, with retries, error classification and usage accounting.

Every model call of the agent (and of a prompt-only user simulator) goes through
:func:`complete`, whatever the provider: hosted APIs, ``hosted_vllm/...`` with an api base,
the in-process ``local/<model>`` provider and the ``scripted/<script>`` test provider.

Transient failures (rate limits, timeouts, connection errors, 5xx) are retried with
exponential backoff. A call that still fails, or fails for a reason retrying cannot fix
(authentication, unknown model), raises :class:`~tautrait.errors.InfraError`: the episode
is then recorded as an infrastructure error and kept out of the score, never counted as
an agent failure. A context-window overflow is different: it is the agent's conversation
that no longer fits, so it raises :class:`ContextOverflow` and the episode is scored.

The in-process providers (``local/`` and ``scripted/``) are called directly, not through
``litellm.acompletion``: litellm's per-call logging, cost lookup and response
post-processing cost milliseconds per call and buy nothing for them (nothing is sent
anywhere and their cost is 0). Their failures still go through litellm's own exception
mapping, so the contract above is the same as through litellm.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from tenacity import (
    AsyncRetrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from tautrait.errors import InfraError

_setup_lock = threading.Lock()
_litellm: Any = None
# Provider prefix -> tautrait's custom handler, called directly by complete().
_in_process: dict[str, Any] = {}


def litellm_module() -> Any:
    """Import litellm once, offline-safe, with tautrait's providers registered."""
    global _litellm
    with _setup_lock:
        if _litellm is None:
            # Otherwise litellm fetches its price list from the internet at import time.
            os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
            import litellm

            from tautrait.agent.scripted import ScriptedProvider
            from tautrait.local.provider import LocalProvider

            litellm.suppress_debug_info = True
            litellm.telemetry = False
            litellm.drop_params = True
            providers = [
                p
                for p in (litellm.custom_provider_map or [])
                if p.get("provider") not in ("local", "scripted")
            ]
            _in_process.update(local=LocalProvider(), scripted=ScriptedProvider())
            providers += [
                {"provider": name, "custom_handler": handler}
                for name, handler in _in_process.items()
            ]
            litellm.custom_provider_map = providers
            _litellm = litellm
    return _litellm


class ContextOverflow(Exception):
    """The conversation no longer fits the model's context window."""


@dataclass
class RetryPolicy:
    attempts: int = 6
    initial_s: float = 1.0
    max_s: float = 60.0
    timeout_s: float = 600.0


@dataclass
class Completion:
    content: str
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float | None = None
    """USD, or None when the provider's price is unknown."""
    latency_s: float = 0.0
    attempts: int = 1


_TRANSIENT_NAMES = {
    "RateLimitError",
    "Timeout",
    "APITimeoutError",
    "APIConnectionError",
    "InternalServerError",
    "ServiceUnavailableError",
    "BadGatewayError",
}
_TRANSIENT_STATUS = {408, 409, 425, 429}


def is_transient(exc: BaseException) -> bool:
    """Whether retrying may help: rate limits, timeouts, connection errors, 5xx."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    if "ContextWindowExceededError" in names:
        return False
    if names & _TRANSIENT_NAMES:
        return True
    status = getattr(exc, "status_code", None)
    return isinstance(status, int) and (status in _TRANSIENT_STATUS or status >= 500)


async def complete(
    model: str,
    messages: list[dict[str, Any]],
    *,
    tools: list[dict[str, Any]] | None = None,
    temperature: float = 0.0,
    seed: int | None = None,
    max_tokens: int | None = None,
    api_base: str | None = None,
    retry: RetryPolicy | None = None,
    metadata: dict[str, Any] | None = None,
) -> Completion:
    """Call ``model`` through litellm; see the module docstring for the failure contract."""
    litellm = litellm_module()
    policy = retry or RetryPolicy()
    kwargs: dict[str, Any] = {
        "model": model,
        "messages": messages,
        "temperature": temperature,
        "timeout": policy.timeout_s,
    }
    if tools:
        kwargs["tools"] = tools
    if seed is not None:
        kwargs["seed"] = seed
    if max_tokens is not None:
        kwargs["max_tokens"] = max_tokens
    if api_base:
        kwargs["api_base"] = api_base
    if metadata and model.startswith("scripted/"):
        # Only the in-process test provider reads it; never sent to a real service.
        kwargs["metadata"] = metadata
    provider, _, name = model.partition("/")
    handler = _in_process.get(provider)
    started = time.monotonic()
    attempts = 0
    try:
        async for attempt in AsyncRetrying(
            stop=stop_after_attempt(policy.attempts),
            wait=wait_exponential_jitter(multiplier=policy.initial_s, max=policy.max_s),
            retry=retry_if_exception(is_transient),
            reraise=True,
        ):
            with attempt:
                attempts += 1
                if handler is not None:
                    response = await _call_in_process(handler, provider, name, kwargs)
                else:
                    response = await litellm.acompletion(**kwargs)
    except Exception as exc:
        names = {cls.__name__ for cls in type(exc).__mro__}
        if "ContextWindowExceededError" in names:
            raise ContextOverflow(str(exc)) from exc
        kind = "provider_transient" if is_transient(exc) else "provider_error"
        raise InfraError(kind, f"{model}: {type(exc).__name__}: {exc}", attempts=attempts) from exc
    return _to_completion(response, model, time.monotonic() - started, attempts)


async def _call_in_process(handler: Any, provider: str, name: str, kwargs: dict[str, Any]) -> Any:
    """Call an in-process handler as litellm would, exceptions mapped as litellm maps them
    (its own types pass through; anything else becomes an APIConnectionError)."""
    optional = {k: kwargs[k] for k in ("temperature", "max_tokens", "seed", "tools") if k in kwargs}
    try:
        return await handler.acompletion(
            model=name,
            messages=kwargs["messages"],
            optional_params=optional,
            litellm_params={"metadata": kwargs.get("metadata")},
            api_base=kwargs.get("api_base"),
            timeout=kwargs["timeout"],
        )
    except Exception as exc:
        from litellm.litellm_core_utils.exception_mapping_utils import exception_type

        try:
            mapped = exception_type(
                model=kwargs["model"], original_exception=exc, custom_llm_provider=provider
            )
        except Exception as raised:
            mapped = raised
        if mapped is exc:
            raise
        raise mapped from exc


def _to_completion(response: Any, model: str, latency: float, attempts: int) -> Completion:
    message = response.choices[0].message
    calls = []
    for call in message.tool_calls or []:
        calls.append(
            {
                "id": call.id,
                "type": "function",
                "function": {
                    "name": call.function.name,
                    "arguments": call.function.arguments or "",
                },
            }
        )
    usage = getattr(response, "usage", None)
    cost: float | None
    if model.startswith(("local/", "scripted/")):
        cost = 0.0
    else:
        hidden = getattr(response, "_hidden_params", {}) or {}
        value = hidden.get("response_cost")
        cost = float(value) if isinstance(value, int | float) else None
    return Completion(
        content=message.content or "",
        tool_calls=calls,
        prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
        completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
        cost=cost,
        latency_s=latency,
        attempts=attempts,
    )
