"""One litellm call, with retries, error classification and usage accounting.

Every model call of the agent (and of a prompt-only user simulator) goes through
:func:`complete`, whatever the provider: hosted APIs, ``hosted_vllm/...`` with an api base,
the in-process ``local/<model>`` provider and the ``scripted/<script>`` test provider.

Transient failures (rate limits, timeouts, connection errors, 5xx, and an empty reply
from a remote provider) are retried with exponential backoff, or after the
``retry-after`` a rate limit asks for. A call's retries are bounded twice: in number
(``attempts``) and in total time (``max_total_s``, waits and per-try timeouts
included). Every retry is counted by cause on the :class:`Completion` (and on the
:class:`~tautrait.errors.InfraError`), so episode records and reports can show them. A
call that still fails, or fails for a reason retrying cannot fix (authentication, unknown
model), raises :class:`~tautrait.errors.InfraError`: the episode is then recorded as an
infrastructure error and kept out of the score, never counted as an agent failure. A
context-window overflow is different: it is the agent's conversation that no longer
fits, so it raises :class:`ContextOverflow` and the episode is scored. An empty reply
that persists through the retries is the model's answer and is scored too.

Faults can be injected around any provider (:mod:`tautrait.faults`).

The in-process providers (``local/`` and ``scripted/``) are called directly, not through
``litellm.acompletion``: litellm's per-call logging, cost lookup and response
post-processing cost milliseconds per call and buy nothing for them (nothing is sent
anywhere and their cost is 0). Their failures still go through litellm's own exception
mapping, so the contract above is the same as through litellm.
"""

from __future__ import annotations

import asyncio
import email.utils
import os
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tautrait import faults
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

            from tautrait.local.provider import LocalProvider
            from tautrait.scripted import ScriptedProvider

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
    """Tries per call, the first included."""
    initial_s: float = 1.0
    """The first backoff wait; it doubles per retry (plus jitter) up to ``max_s``."""
    max_s: float = 60.0
    timeout_s: float = 600.0
    """One try's timeout (never past what is left of ``max_total_s``)."""
    max_total_s: float = 900.0
    """All tries and waits of one call together; no retry starts past it."""


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
    retries: dict[str, int] = field(default_factory=dict)
    """Cause (rate_limit, server_error, timeout, connection, empty, ...) -> retries."""


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
    return retry_cause(exc) is not None


def retry_cause(exc: BaseException) -> str | None:
    """Why a call is worth retrying (the cause counted in records), or None if not."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    if "ContextWindowExceededError" in names:
        return None
    status = getattr(exc, "status_code", None)
    if "RateLimitError" in names or status == 429:
        return "rate_limit"
    if names & {"Timeout", "APITimeoutError"} or status == 408:
        return "timeout"
    if "APIConnectionError" in names:
        return "connection"
    if names & _TRANSIENT_NAMES or (isinstance(status, int) and status >= 500):
        return "server_error"
    if isinstance(status, int) and status in _TRANSIENT_STATUS:
        return f"http_{status}"
    return None


def retry_after_s(exc: BaseException) -> float | None:
    """The wait a rate limit asks for (``retry-after`` in seconds or as an HTTP date)."""
    headers: Any = getattr(exc, "headers", None) or {}
    response = getattr(exc, "response", None)
    value = None
    for source in (headers, getattr(response, "headers", None) or {}):
        try:
            value = source.get("retry-after") or source.get("Retry-After")
        except AttributeError:
            value = None
        if value:
            break
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        when = email.utils.parsedate_to_datetime(str(value)) if value else None
        return max(0.0, when.timestamp() - time.time()) if when else None


def _backoff(policy: RetryPolicy, attempt: int, exc: BaseException | None) -> float:
    asked = retry_after_s(exc) if exc is not None else None
    if asked is not None:
        return min(asked, policy.max_s)
    base = min(policy.max_s, policy.initial_s * 2 ** (attempt - 1))
    return base + random.uniform(0, policy.initial_s)


def _is_empty(response: Any) -> bool:
    message = response.choices[0].message
    return not (message.content or "").strip() and not message.tool_calls


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
    deadline = started + policy.max_total_s
    retries: Counter[str] = Counter()
    injector = faults.active()
    # An in-process model's empty reply is its own deterministic answer, not a glitch.
    retry_empty = not model.startswith("local/")
    attempts = 0

    async def send(**call: Any) -> Any:
        if handler is not None:
            return await _call_in_process(handler, provider, name, call)
        return await litellm.acompletion(**call)

    while True:
        attempts += 1
        kwargs["timeout"] = max(0.001, min(policy.timeout_s, deadline - time.monotonic()))
        try:
            if injector is not None:
                response = await injector.call(send, kwargs, attempts)
            else:
                response = await send(**kwargs)
        except Exception as exc:
            names = {cls.__name__ for cls in type(exc).__mro__}
            if "ContextWindowExceededError" in names:
                raise ContextOverflow(str(exc)) from exc
            cause = retry_cause(exc)
            wait = _backoff(policy, attempts, exc)
            if cause is None or attempts >= policy.attempts or time.monotonic() + wait >= deadline:
                kind = "provider_transient" if cause else "provider_error"
                raise InfraError(
                    kind,
                    f"{model}: {type(exc).__name__}: {exc}",
                    attempts=attempts,
                    retries=dict(retries),
                ) from exc
            retries[cause] += 1
            await asyncio.sleep(wait)
            continue
        if retry_empty and _is_empty(response) and attempts < policy.attempts:
            wait = _backoff(policy, attempts, None)
            if time.monotonic() + wait < deadline:
                retries["empty"] += 1
                await asyncio.sleep(wait)
                continue
        break
    completion = _to_completion(response, model, time.monotonic() - started, attempts)
    completion.retries = dict(retries)
    return completion


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
