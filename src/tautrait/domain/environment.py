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
from sqlalchemy import Engine

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
    from the process's :class:`~tautrait.domain.callmemo.CallMemo`: the same result and
    the same rows. The database is then only made when a call is not in the memo (from the
    seed and the recorded rows of the writes so far), so an episode that only repeats
    known calls never copies, writes or hashes a database. Off by default: checks that
    must see every call run (validation, fuzzing) leave it off.
    """

    def __init__(self, domain: Domain, *, share_calls: bool = False) -> None:
        self.domain = domain
        self.auth = Authentication()
        """Who the agent has verified so far: episode state the tools see, never hashed."""
        self._memo: CallMemo | None = callmemo.memo_for(domain.seed) if share_calls else None
        self._history: tuple[Step, ...] = ()
        """The committed write calls so far: with the seed, they determine the database."""
        self._engine: Engine | None = None if share_calls else domain.seed.fresh_copy()
        self._raw: Any = None

    @property
    def engine(self) -> Engine:
        """The episode's database (made now if the memo has answered every call so far)."""
        if self._engine is None:
            self._materialise()
        assert self._engine is not None
        return self._engine

    def recall(self, name: str, arguments: dict[str, Any] | str) -> ToolResult | None:
        """The call's result from the memo when that needs no database work (microseconds,
        fine on an event loop), else None: :meth:`execute` then runs it."""
        found = self._lookup(name, arguments)
        if found is None:
            return None
        step, recalled, writes = found
        if recalled.changes and self._engine is not None:
            return None  # the rows must be set in the database: execute() does it
        return self._recalled(step, recalled, writes)

    def execute(self, name: str, arguments: dict[str, Any] | str) -> ToolResult:
        """Run one tool call; never raises for anything the caller sent."""
        memo = self._memo
        spec = self.domain.tools.get(name)
        if memo is None or spec is None:
            return self._execute(name, arguments)
        found = self._lookup(name, arguments)
        if found is not None:
            step, recalled, writes = found
            if (
                not recalled.changes
                or self._engine is None
                or callmemo.apply_changes(self._connection(), WRITE_LOG.name, recalled.changes)
            ):
                return self._recalled(step, recalled, writes)
        parsed = _parse(arguments)
        key = None
        if isinstance(parsed, dict):
            key = callmemo.step_key(name, parsed, self.auth.verified)
        if key is None:
            return self._execute(name, arguments)
        step = key
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

    def _lookup(
        self, name: str, arguments: dict[str, Any] | str
    ) -> tuple[Step, Recalled, bool] | None:
        spec = self.domain.tools.get(name)
        if self._memo is None or spec is None:
            return None
        parsed = _parse(arguments)
        if not isinstance(parsed, dict):
            return None
        step = callmemo.step_key(name, parsed, self.auth.verified)
        if step is None:
            return None
        recalled = self._memo.get(self._history, step)
        return None if recalled is None else (step, recalled, spec.writes)

    def _recalled(self, step: Step, recalled: Recalled, writes: bool) -> ToolResult:
        self.auth.restore(recalled.verified)
        if writes and recalled.outcome == "ok":
            self._history += (step,)
        return ToolResult(recalled.content, cast(Outcome, recalled.outcome), recalled.ends_episode)

    def _materialise(self) -> None:
        """The seed plus the writes so far: their recorded rows, or the tools run again
        where the memo no longer holds them."""
        assert self._memo is not None
        self._engine = self.domain.seed.fresh_copy()
        verified = self.auth.verified
        history, self._history = self._history, ()
        try:
            for step in history:
                recalled = self._memo.get(self._history, step)
                if recalled is not None and (
                    not recalled.changes
                    or callmemo.apply_changes(self._connection(), WRITE_LOG.name, recalled.changes)
                ):
                    self._history += (step,)
                    continue
                name, arguments, before = step
                self.auth.restore(frozenset(before))
                result = self.execute(name, json.loads(arguments))
                if result.outcome != "ok" or self._history[-1:] != (step,):
                    raise DomainBugError(
                        f"tool {name} did not repeat its write ({result.content[:200]})"
                    )
        finally:
            self.auth.restore(verified)

    def state_hash(self) -> str:
        """The canonical hash of this episode's database, computed from the rows its
        tool calls wrote (see :meth:`~tautrait.domain.database.SeedDatabase.hash_copy`);
        with ``share_calls``, once per process for each history of writes."""
        if self._memo is None:
            return self.domain.seed.hash_copy(self.engine)
        known = self._memo.get(self._history, _HASH_STEP)
        if known is not None:
            return known.content
        value = self.domain.seed.hash_copy(self.engine)
        self._memo.put(self._history, _HASH_STEP, Recalled(value, "ok", False, frozenset()))
        return value

    def recalled_hash(self) -> str | None:
        """:meth:`state_hash` when the memo knows it (no database work), else None."""
        if self._memo is None:
            return None
        known = self._memo.get(self._history, _HASH_STEP)
        return None if known is None else known.content

    @property
    def materialised(self) -> bool:
        """Whether the episode's database has been made (closing it is then work)."""
        return self._engine is not None

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()

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


# The memo key of an episode's final state hash (no tool is named "").
_HASH_STEP: Step = ("", "", ())


def _parse(arguments: dict[str, Any] | str) -> Any:
    """The arguments as sent, parsed when they are JSON text; None when they are not."""
    if not isinstance(arguments, str):
        return arguments
    try:
        return json.loads(arguments, parse_constant=_reject_constant)
    except ValueError:  # JSONDecodeError included: _execute says what is wrong
        return None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"arguments contain {name}, which is not a valid number")


def render_result(value: Any) -> str:
    """Tool return value -> the text the agent reads."""
    if isinstance(value, str):
        return value
    if isinstance(value, BaseModel):
        return value.model_dump_json()
    return json.dumps(value, ensure_ascii=False, default=str)
