"""Provider fault injection: prove the harness survives what real services do.

Around any provider (hosted, ``local/``, ``scripted/``), :func:`tautrait.llm.complete`
can be made to fail on purpose, per call, with the probabilities of a fault spec::

    TAUTRAIT_FAULTS="429=0.1,500=0.1,timeout=0.05,malformed=0.05" tautrait run ...

Kinds (each a probability per call; they add up to at most 1):

- ``429``: a rate limit without a ``retry-after`` header; ``429-retry-after`` with one
  (a short wait, honoured by the retry loop);
- ``500``, ``502``, ``503``: server errors; ``timeout``: the request timed out;
  ``reset``: the connection was reset;
- ``malformed``: the reply's tool-call arguments are cut into invalid JSON (only replies
  that call a tool; this is the *agent's* fault and goes back to it as a tool error);
- ``empty``: the reply has no text and no tool call.

Provider errors are raised as the litellm exceptions a real provider raises, before the
provider is called, so the retry loop, the error classification and the accounting are
the ones real runs use. The draw of a call is a pure function of the spec's seed, the
model, the call's seed, the conversation length and the attempt, so a faulted run
replays identically. A run records its spec in ``run.json`` (``config.faults``).
"""

from __future__ import annotations

import hashlib
import random
import threading
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from tautrait.errors import UserError

RAISED = ("429", "429-retry-after", "500", "502", "503", "timeout", "reset")
REPLY = ("malformed", "empty")
KINDS = RAISED + REPLY
RETRY_AFTER_S = 0.05
"""The ``retry-after`` an injected rate limit asks for (seconds)."""


@dataclass(frozen=True)
class FaultPlan:
    """Fault kind -> probability per call."""

    rates: dict[str, float]
    seed: int = 0

    @property
    def spec(self) -> str:
        return ",".join(f"{k}={v:g}" for k, v in self.rates.items())


def parse_faults(spec: str, *, seed: int = 0) -> FaultPlan:
    """Parse ``"429=0.1,timeout=0.05"``; a bad spec is a one-line :class:`UserError`."""
    rates: dict[str, float] = {}
    for part in spec.split(","):
        if not part.strip():
            continue
        kind, sep, value = part.partition("=")
        kind = kind.strip().lower()
        if kind not in KINDS:
            raise UserError(f"faults: unknown kind {kind!r} in {spec!r}; kinds: {', '.join(KINDS)}")
        try:
            rate = float(value) if sep else float("nan")
        except ValueError:
            rate = float("nan")
        if not 0.0 <= rate <= 1.0:
            raise UserError(
                f"faults: {part.strip()!r} needs a probability between 0 and 1 (429=0.1)"
            )
        rates[kind] = rate
    if sum(rates.values()) > 1.0 + 1e-9:
        raise UserError(f"faults: the probabilities of {spec!r} add up to more than 1")
    return FaultPlan(rates=rates, seed=seed)


@dataclass
class FaultInjector:
    """Draws a fault per call and applies it; counts what it injected."""

    plan: FaultPlan
    injected: Counter[str] = field(default_factory=Counter)
    calls: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def draw(self, kwargs: dict[str, Any], attempt: int) -> str | None:
        key = (
            f"{self.plan.seed}:{kwargs.get('model')}:{kwargs.get('seed')}:"
            f"{len(kwargs.get('messages') or [])}:{attempt}"
        )
        rng = random.Random(hashlib.sha256(key.encode()).digest())
        x = rng.random()
        with self._lock:
            self.calls += 1
        for kind, rate in self.plan.rates.items():
            if x < rate:
                return kind
            x -= rate
        return None

    async def call(
        self, send: Callable[..., Awaitable[Any]], kwargs: dict[str, Any], attempt: int
    ) -> Any:
        """``send(**kwargs)``, or the fault drawn for this call instead."""
        kind = self.draw(kwargs, attempt)
        if kind in RAISED:
            self._count(kind)
            raise provider_error(kind, str(kwargs.get("model")))
        response = await send(**kwargs)
        if kind == "empty":
            message = response.choices[0].message
            message.content = ""
            message.tool_calls = None
            self._count(kind)
        elif kind == "malformed":
            calls = response.choices[0].message.tool_calls or []
            if calls:
                for call in calls:
                    text = call.function.arguments or "{}"
                    call.function.arguments = text[: max(1, len(text) // 2)]
                self._count(kind)
        return response

    def _count(self, kind: str) -> None:
        with self._lock:
            self.injected[kind] += 1


def provider_error(kind: str, model: str) -> Exception:
    """The litellm exception a real provider raises for this fault."""
    import httpx
    import litellm

    request = httpx.Request("POST", "http://fault-injection.invalid/v1/chat/completions")
    message = f"injected fault: {kind}"
    provider = model.split("/", 1)[0]
    if kind.startswith("429"):
        headers = {"retry-after": f"{RETRY_AFTER_S:g}"} if kind == "429-retry-after" else {}
        response = httpx.Response(429, headers=headers, request=request)
        return litellm.RateLimitError(message, provider, model, response=response)
    if kind == "timeout":
        return litellm.Timeout(message, model, provider)
    if kind == "reset":
        return litellm.APIConnectionError(
            f"{message} (connection reset by peer)", provider, model, request=request
        )
    status = int(kind)
    response = httpx.Response(status, request=request)
    if status == 503:
        return litellm.ServiceUnavailableError(message, provider, model, response=response)
    if status == 502:
        return litellm.BadGatewayError(message, provider, model, response=response)
    return litellm.InternalServerError(message, provider, model, response=response)


_lock = threading.Lock()
_active: FaultInjector | None = None


def configure(spec: str | None, *, seed: int = 0) -> FaultInjector | None:
    """Inject faults into every later provider call of this process (None: stop)."""
    global _active
    with _lock:
        _active = FaultInjector(parse_faults(spec, seed=seed)) if spec else None
        return _active


def active() -> FaultInjector | None:
    """The injector in force, if any."""
    return _active
