"""The remote steered user: a steering server of the seed's protocol plays the customer.

``--user-strategy steer --user-endpoint URL`` posts each turn's conversation, seen from
the simulator's side, with the arm's trait dict to ``tautrait serve`` (its ``/steer``
route, the default when the URL has no path) or to any server of the seed repository's
protocol, such as its hosted ``/steer_bare``. The baseline arm sends ``{}``.

- **Failures** follow every provider's rules (:mod:`tautrait.llm`): connection errors,
  timeouts, 408/409/425/429 and 5xx are retried with exponential backoff; what still
  fails, or fails for a reason retrying cannot fix (400, 401, 404, a reply without a
  ``response``), raises :class:`~tautrait.errors.InfraError`, so the episode is an
  infrastructure error and never an agent failure.
- **Reproducibility.** A tautrait server (recognised by its ``/health``) also gets the
  turn's seed and ``top_p``, so a run through it equals the in-process ``steered`` run
  with the same seeds. Other servers get the seed's four fields only, and the run
  records that its user turns were not seeded.
- **Secrets.** The API key travels in the ``API-Key`` header only; it is never part of
  what :meth:`SteerEndpoint.record` returns, and the recorded endpoint drops any user
  info and query string from the URL.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from tautrait.errors import InfraError, UserError
from tautrait.llm import RetryPolicy, is_transient
from tautrait.steering.basis import TraitCalibration
from tautrait.steering.traits import Intensity
from tautrait.user.base import UserReply, Utterance, simulator_messages, split_stop, turn_seed

PROBE_TIMEOUT_S = 30.0
_VOLATILE = ("queue_depth", "requests", "abandoned")


class SteerHTTPError(Exception):
    """A non-200 answer; ``status_code`` lets :func:`tautrait.llm.is_transient` classify it."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(f"HTTP {status_code}: {message}")
        self.status_code = status_code


def steer_url(url: str) -> str:
    """The route to post to: ``url`` as given, or its ``/steer`` when it has no path."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UserError(
            f"--user-endpoint {url!r} is not an http(s) URL; pass e.g. http://gpu:8000/steer"
        )
    if parts.path in ("", "/"):
        parts = parts._replace(path="/steer")
    return urlunsplit(parts)


def health_url(url: str) -> str:
    """``/health`` beside the steer route (``http://h:8000/steer`` -> ``.../health``)."""
    parts = urlsplit(url)
    base = parts.path.rsplit("/", 1)[0]
    return urlunsplit(parts._replace(path=f"{base}/health", query="", fragment=""))


def redacted(url: str) -> str:
    """The URL without user info, query or fragment: safe to record."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


@dataclass(frozen=True)
class SteerEndpoint:
    """Where the remote simulator is, and what it said about itself."""

    url: str
    api_key: str | None = field(default=None, repr=False)
    server: dict[str, Any] | None = None
    """The ``/health`` of a tautrait server (counters removed); None for other servers."""

    @property
    def seeded(self) -> bool:
        return self.server is not None

    def headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["API-Key"] = self.api_key
        return headers

    def steering_record(self, intensities: dict[str, Intensity]) -> dict[str, Any]:
        """An arm's coefficients and blocks under the server's calibration (as
        ``steered`` arms record them); empty when the server did not report one."""
        basis = (self.server or {}).get("basis") or {}
        traits = basis.get("traits") or {}
        if not traits:
            return {}
        calibrations = {
            t: TraitCalibration(
                blocks=c["blocks"], medium=c["medium"], high=c["high"], source=c["calibration"]
            )
            for t, c in traits.items()
            if t in intensities
        }
        # A trait the server lacks can only be neutral here (connect() refused the rest).
        coefficients = {
            t: calibrations[t].coefficient(v) if t in calibrations else 0.0
            for t, v in intensities.items()
        }
        active = [t for t, c in coefficients.items() if c != 0.0]
        return {
            "coefficients": {t: round(c, 6) for t, c in coefficients.items()},
            "calibration": {t: calibrations[t].source for t in active},
            "compose": basis.get("compose"),
            "position": basis.get("position"),
            "blocks": sorted({b for t in active for b in calibrations[t].blocks}),
        }

    def record(self) -> dict[str, Any]:
        """What run.json records about the simulator (never the key)."""
        info: dict[str, Any] = {"endpoint": redacted(self.url), "seeded": self.seeded}
        if self.server is None:
            info["model"] = redacted(self.url)
            info["server"] = None
            return info
        model = self.server.get("model") or {}
        info.update(
            model=model.get("name"),
            model_id=model.get("id"),
            fingerprint=model.get("fingerprint"),
            device=model.get("device"),
            dtype=model.get("dtype"),
            chat_template_sha256=(self.server.get("basis") or {}).get("chat_template_sha256"),
            server=self.server,
        )
        return info


def connect(url: str, api_key: str | None) -> SteerEndpoint:
    """Probe the server's ``/health`` before the run starts.

    Raises:
        UserError: the server cannot be reached, or refuses the key.
    """
    route = steer_url(url)
    probe = health_url(route)
    headers = SteerEndpoint(route, api_key).headers()
    try:
        response = httpx.get(probe, headers=headers, timeout=PROBE_TIMEOUT_S)
    except httpx.HTTPError as exc:
        raise UserError(
            f"cannot reach the steer server at {redacted(probe)} ({type(exc).__name__}); "
            "start one with `tautrait serve` or fix --user-endpoint"
        ) from None
    if response.status_code in (401, 403):
        raise UserError(
            f"the steer server at {redacted(route)} refused the API key "
            f"(HTTP {response.status_code}); pass --user-api-key KEY "
            "(or TAUTRAIT_USER_API_KEY, or the seed's STEER_API_KEY)"
        )
    server: dict[str, Any] | None = None
    if response.status_code == 200:
        try:
            data = response.json()
        except ValueError:
            data = None
        if isinstance(data, dict) and data.get("server") == "tautrait":
            server = {k: v for k, v in data.items() if k not in _VOLATILE}
    return SteerEndpoint(route, api_key, server)


def _transient(exc: BaseException) -> bool:
    return isinstance(exc, httpx.TransportError) or is_transient(exc)


def _error_text(response: httpx.Response) -> str:
    try:
        error = response.json().get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return str(error["message"])
    except (ValueError, AttributeError):
        pass
    return response.text[:200]


class SteerUser:
    """See the module docstring.

    Args:
        endpoint: The server (from :func:`connect`).
        system_prompt: The rendered scenario.
        trait_dict: The arm's trait dict as written (None for the baseline arm).
        seed: The episode's seed; each turn derives its own from it, as in-process.
    """

    def __init__(
        self,
        endpoint: SteerEndpoint,
        system_prompt: str,
        trait_dict: dict[str, Any] | None,
        *,
        seed: int,
        temperature: float,
        top_p: float,
        max_tokens: int,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.system_prompt = system_prompt
        self.trait_dict = dict(trait_dict or {})
        self.seed = seed
        self.temperature = temperature
        self.top_p = top_p
        self.max_tokens = max_tokens
        self.retry = retry or RetryPolicy()

    def body(self, transcript: list[Utterance]) -> dict[str, Any]:
        body: dict[str, Any] = {
            "trait_dict": self.trait_dict,
            "messages": simulator_messages(self.system_prompt, transcript),
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
        }
        if self.endpoint.seeded:
            body.update(top_p=self.top_p, seed=turn_seed(self.seed, len(transcript)))
        return body

    async def reply(self, transcript: list[Utterance]) -> UserReply:
        body = self.body(transcript)
        policy = self.retry
        started = time.monotonic()
        attempts = 0
        try:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(policy.attempts),
                wait=wait_exponential_jitter(multiplier=policy.initial_s, max=policy.max_s),
                retry=retry_if_exception(_transient),
                reraise=True,
            ):
                with attempt:
                    attempts += 1
                    data = await self._post(body)
        except Exception as exc:
            kind = "provider_transient" if _transient(exc) else "provider_error"
            raise InfraError(
                kind,
                f"steer server {redacted(self.endpoint.url)}: {type(exc).__name__}: {exc}",
                attempts=attempts,
            ) from None
        raw = data.get("response")
        if not isinstance(raw, str):
            raise InfraError(
                "provider_error",
                f"steer server {redacted(self.endpoint.url)} answered without a 'response' text",
                attempts=attempts,
            )
        text, stop = split_stop(raw)
        return UserReply(
            text=text,
            stop=stop,
            raw=raw,
            prompt_tokens=int(data.get("prompt_tokens") or 0),
            completion_tokens=int(data.get("completion_tokens") or 0),
            # A tautrait server is self-hosted; another service's price is unknown.
            cost=0.0 if self.endpoint.seeded else None,
            latency_s=time.monotonic() - started,
        )

    async def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        async with httpx.AsyncClient(timeout=self.retry.timeout_s) as client:
            response = await client.post(
                self.endpoint.url, json=body, headers=self.endpoint.headers()
            )
        if response.status_code != 200:
            raise SteerHTTPError(response.status_code, _error_text(response))
        try:
            data = response.json()
        except ValueError:
            raise SteerHTTPError(200, "the answer is not JSON") from None
        if not isinstance(data, dict):
            raise SteerHTTPError(200, "the answer is not a JSON object")
        return data
