"""Errors a user can act on.

A :class:`UserError` is bad input (a missing file, an unknown trait, a flag out of range).
The CLI prints its message as one line and exits with status 2, with no traceback, so
its message must say what is wrong *and* how to fix it.
"""

from typing import Any


class UserError(Exception):
    """Bad input from the user; the message is shown as-is, on one line."""


def option_error(exc: Any) -> UserError:
    """The first error of a pydantic ``ValidationError`` over options named like their
    flags (``user_max_tokens`` -> ``--user-max-tokens``), as one line naming the flag."""
    first = exc.errors()[0]
    flag = "--" + ".".join(str(p) for p in first["loc"]).replace("_", "-")
    return UserError(f"{flag}: {first['msg']} (got {first.get('input')!r})")


class InfraError(Exception):
    """Infrastructure failed (a provider, the local model, an invalid task), not the agent.

    An episode that ends in one is recorded with ``status: "infra_error"`` and kept out
    of the score.

    Args:
        kind: A short machine-readable category ("provider_transient", "provider_error",
            "user_model", "agent_context", "invalid_task", "internal").
        message: What happened.
        attempts: How many tries were made before giving up.
        retries: Cause -> retries made before giving up (rate_limit, timeout, ...).
    """

    def __init__(
        self,
        kind: str,
        message: str,
        *,
        attempts: int = 1,
        retries: dict[str, int] | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.attempts = attempts
        self.retries = dict(retries or {})
