"""What a run writes: ``run.json`` (how it was made) and ``episodes.jsonl`` (what happened).

Each finished episode is appended to ``episodes.jsonl`` as one JSON line, flushed and
fsynced the moment it ends, so a killed run loses nothing that finished. Readers skip a
torn last line and keep the latest record per (task, trial, arm), so ``--resume`` can
retry infrastructure errors without double counting.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from tautrait.evaluation.reward import RewardBreakdown

EPISODES_FILE = "episodes.jsonl"
MANIFEST_FILE = "run.json"
SCHEMA_VERSION = 1

Status = Literal["completed", "infra_error"]
Termination = Literal["user_stop", "transfer", "max_steps", "agent_context_overflow", "infra_error"]


class Usage(BaseModel):
    """Tokens and cost of one side of an episode."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float | None = 0.0
    """USD; None when some call's price was unknown."""
    calls: int = 0
    seconds: float = 0.0
    retries: dict[str, int] = Field(default_factory=dict)
    """Provider calls retried, by cause (rate_limit, server_error, timeout, connection,
    empty): faults the harness survived."""

    def add(
        self,
        prompt: int,
        completion: int,
        cost: float | None,
        seconds: float,
        retries: dict[str, int] | None = None,
    ) -> None:
        self.prompt_tokens += prompt
        self.completion_tokens += completion
        self.cost = None if cost is None or self.cost is None else self.cost + cost
        self.calls += 1
        self.seconds += seconds
        for cause, n in (retries or {}).items():
            self.retries[cause] = self.retries.get(cause, 0) + n


class EpisodeError(BaseModel):
    kind: str
    message: str
    attempts: int = 1
    retries: dict[str, int] = Field(default_factory=dict)
    """The failing call's retries by cause, before it gave up."""


class EpisodeRecord(BaseModel):
    """One line of ``episodes.jsonl``."""

    schema_version: int = SCHEMA_VERSION
    run_id: str
    domain: str
    task_id: str
    trial: int
    arm: str
    seed: int
    """The episode seed, shared by every arm of the same (task, trial)."""
    status: Status
    reward: float | None
    """1.0 or 0.0 for completed episodes; None for infrastructure errors (not scored)."""
    reward_breakdown: RewardBreakdown | None = None
    termination: Termination
    error: EpisodeError | None = None
    steps: int = 0
    """Agent model calls made."""
    messages: list[dict[str, Any]] = Field(default_factory=list)
    """The full trajectory in the agent's view: system, user, assistant (with tool calls)
    and tool messages (with the call's outcome)."""
    steering: dict[str, Any] = Field(default_factory=dict)
    """The arm's trait dict and the coefficients and blocks it resolved to."""
    agent_usage: Usage = Field(default_factory=Usage)
    user_usage: Usage = Field(default_factory=Usage)
    tool_calls: int = 0
    tool_errors: int = 0
    tool_crashes: int = 0
    started_at: str
    duration_s: float
    requeued: int = 0
    """Times the episode was handed to another worker because the one playing it was
    lost (``--executor ray``: a killed actor or node); the record is of its one finished
    play."""

    def key(self) -> tuple[str, int, str]:
        return (self.task_id, self.trial, self.arm)


class ResultsWriter:
    """Appends episode records durably; safe to call from several threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        _drop_torn_tail(path)

    def write(self, record: EpisodeRecord) -> None:
        """Append the record; it is on disk when this returns."""
        line = (record.model_dump_json() + "\n").encode("utf-8")
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            with self._lock:
                view = memoryview(line)
                while view:
                    view = view[os.write(fd, view) :]
            # Outside the lock: writers arriving together share the disk's flushes.
            os.fsync(fd)
        finally:
            os.close(fd)


def _drop_torn_tail(path: Path) -> None:
    """A crash mid-write can leave a partial last line; cut it so appends stay valid."""
    if not path.is_file():
        return
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        cut = data.rfind(b"\n") + 1
        with path.open("r+b") as handle:
            handle.truncate(cut)


def read_episodes(run_dir: Path) -> list[EpisodeRecord]:
    """Every episode of a run, the latest record per (task, trial, arm), in file order."""
    path = run_dir / EPISODES_FILE
    if not path.is_file():
        return []
    latest: dict[tuple[str, int, str], EpisodeRecord] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            record = EpisodeRecord.model_validate_json(line)
        except ValidationError:
            continue  # a torn line from a killed run
        latest.pop(record.key(), None)
        latest[record.key()] = record
    return list(latest.values())


def check_episodes(run_dir: Path, run_id: str) -> list[EpisodeRecord]:
    """The episodes of a run about to be resumed, read strictly: only a torn *last* line
    (a run killed mid-write) is tolerated; a damaged line elsewhere, or a record of
    another run, is a one-line :class:`UserError`, since appending to such a file would
    miscount episodes."""
    from tautrait.errors import UserError

    path = run_dir / EPISODES_FILE
    if not path.is_file():
        return []
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
    lines = data.split(b"\n")
    torn = not data.endswith(b"\n") and bool(data)
    latest: dict[tuple[str, int, str], EpisodeRecord] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = EpisodeRecord.model_validate_json(line)
        except ValidationError:
            if torn and number == len(lines):
                continue
            raise UserError(
                f"{path}:{number} is damaged (not an episode record); remove that line "
                "(its episode is then run again) and resume"
            ) from None
        if record.run_id != run_id:
            raise UserError(
                f"{path}:{number} belongs to run {record.run_id}, not {run_id}; remove the "
                "lines copied from another run and resume"
            )
        latest.pop(record.key(), None)
        latest[record.key()] = record
    return list(latest.values())


def write_json(path: Path, data: Any) -> None:
    """Write JSON atomically (temp file + rename; the temp file goes if writing fails)."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
