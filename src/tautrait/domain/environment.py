"""One episode's world: a private database and the tools that act on it.

Every tool call runs in its own transaction. A successful write tool commits; any error
rolls back, so a refused or crashing call never leaves a partial write behind. Errors come
back as text for the agent — tools never crash an episode — and each call is recorded
with its outcome for the trajectory.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Literal, cast

from pydantic import BaseModel

from tautrait.domain import callmemo
from tautrait.domain.auth import Authentication
from tautrait.domain.callmemo import CallMemo, Recalled, Step
from tautrait.domain.database import WRITE_LOG, session_for
from tautrait.domain.loader import Domain
from tautrait.domain.tools import ToolContext, ToolError

log = logging.getLogger(__name__)

Outcome = Literal["ok", "error", "crash"]


@dataclass
class ToolResult:
    """What a tool call produced.

    ``outcome`` is "ok", "error" (the tool refused: unknown tool, bad arguments, a policy
    rule) or "crash" (an unexpected exception: a domain bug, surfaced by validation).
    """

    content: str
    outcome: Outcome
    ends_episode: bool = False


class DomainBugError(RuntimeError):
    """A tool broke its contract (e.g. a read tool that wrote)."""


class Environment:
    """A domain plus one fresh database, for one episode.

    With ``share_calls``, a call that an episode in the same state made before is answered
    from the process's :class:`~tautrait.domain.callmemo.CallMemo`: the same result, and
    for a write the same rows, set directly (checked, else the tool runs). Off by default:
    checks that must see every call run (validation, fuzzing) leave it off.
    """

    def __init__(self, domain: Domain, *, share_calls: bool = False) -> None:
        self.domain = domain
        self.engine = domain.seed.fresh_copy()
        self.auth = Authentication()
        """Who the agent has verified so far: episode state the tools see, never hashed."""
        self._memo: CallMemo | None = callmemo.memo_for(domain.seed) if share_calls else None
        self._history: tuple[Step, ...] = ()
        """The committed write calls so far: with the seed, they determine the database."""
        self._raw: Any = None

    def execute(self, name: str, arguments: dict[str, Any] | str) -> ToolResult:
        """Run one tool call; never raises for anything the caller sent."""
        memo = self._memo
        spec = self.domain.tools.get(name)
        if memo is None or spec is None:
            return self._execute(name, arguments)
        parsed = arguments
        if isinstance(arguments, str):
            try:
                parsed = json.loads(arguments, parse_constant=_reject_constant)
            except ValueError:  # JSONDecodeError included: _execute says what is wrong
                return self._execute(name, arguments)
        step = None
        if isinstance(parsed, dict):
            step = callmemo.step_key(name, parsed, self.auth.verified)
        if step is None:
            return self._execute(name, arguments)
        recalled = memo.get(self._history, step)
        if recalled is not None and (
            not recalled.changes
            or callmemo.apply_changes(self._connection(), WRITE_LOG.name, recalled.changes)
        ):
            self.auth.restore(recalled.verified)
            result = ToolResult(
                recalled.content, cast(Outcome, recalled.outcome), recalled.ends_episode
            )
        else:
            replays = spec.writes and self._replays_writes(memo)
            mark = callmemo.log_mark(self._connection(), WRITE_LOG.name) if replays else 0
            result = self._execute(name, parsed)
            if result.outcome != "crash" and (replays or not spec.writes):
                changes: tuple[callmemo.RowChange, ...] = ()
                if spec.writes and result.outcome == "ok":
                    changes = callmemo.changes_since(self._connection(), WRITE_LOG.name, mark)
                recalled = Recalled(
                    result.content, result.outcome, result.ends_episode, self.auth.verified, changes
                )
                memo.put(self._history, step, recalled)
        if spec.writes and result.outcome == "ok":
            self._history += (step,)
        return result

    def _connection(self) -> Any:
        """The episode's sqlite3 connection (between calls no transaction is open)."""
        if self._raw is None:
            with self.engine.connect() as conn:
                self._raw = conn.connection.driver_connection
        return self._raw

    def _replays_writes(self, memo: CallMemo) -> bool:
        if memo.replays_writes is None:
            memo.replays_writes = callmemo.can_replay_writes(self._connection())
        return memo.replays_writes

    def _execute(self, name: str, arguments: dict[str, Any] | str) -> ToolResult:
        spec = self.domain.tools.get(name)
        if spec is None:
            known = ", ".join(sorted(self.domain.tools))
            return ToolResult(f"Error: unknown tool {name!r}. Available tools: {known}", "error")
        if isinstance(arguments, str):
            try:
                arguments = (
                    json.loads(arguments, parse_constant=_reject_constant)
                    if arguments.strip()
                    else {}
                )
            except json.JSONDecodeError as exc:
                return ToolResult(f"Error: arguments are not valid JSON ({exc.msg})", "error")
            except ValueError as exc:
                return ToolResult(f"Error: {exc}", "error")
        if not isinstance(arguments, dict):
            return ToolResult("Error: arguments must be a JSON object", "error")
        verified = self.auth.verified
        with session_for(self.engine) as session:
            try:
                kwargs = spec.validate(arguments)
                raw: Any = session.connection().connection.driver_connection
                changes_before = raw.total_changes
                ctx = ToolContext(session=session, now=self.domain.spec.now, auth=self.auth)
                value = spec.fn(ctx, **kwargs)
                if spec.writes:
                    session.commit()
                else:
                    session.flush()
                    wrote = raw.total_changes != changes_before
                    session.rollback()
                    if wrote:
                        raise DomainBugError(f"read-only tool {name} changed the database")
            except ToolError as exc:
                session.rollback()
                self.auth.restore(verified)
                return ToolResult(f"Error: {exc}", "error")
            except Exception as exc:
                session.rollback()
                self.auth.restore(verified)
                log.warning("tool %s crashed: %r", name, exc)
                return ToolResult(f"Error: the tool failed unexpectedly ({exc!r})", "crash")
        return ToolResult(render_result(value), "ok", ends_episode=spec.ends_episode)

    def state_hash(self) -> str:
        """The canonical hash of this episode's database, computed from the rows its
        tool calls wrote (see :meth:`~tautrait.domain.database.SeedDatabase.hash_copy`)."""
        return self.domain.seed.hash_copy(self.engine)

    def close(self) -> None:
        self.engine.dispose()


def _reject_constant(name: str) -> Any:
    raise ValueError(f"arguments contain {name}, which is not a valid number")


def render_result(value: Any) -> str:
    """Tool return value -> the text the agent reads."""
    if isinstance(value, str):
        return value
    if isinstance(value, BaseModel):
        return value.model_dump_json()
    return json.dumps(value, ensure_ascii=False, default=str)
