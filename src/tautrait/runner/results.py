"""Writing and reading ``episodes.jsonl``, what happened in a run (the records are
:mod:`tautrait.records`).

Each finished episode is appended to ``episodes.jsonl`` as one JSON line, flushed and
fsynced the moment it ends, so a killed run loses nothing that finished. Readers skip a
torn last line and keep the latest record per (task, trial, arm), so ``--resume`` can
retry infrastructure errors without double counting.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from pydantic import ValidationError

from tautrait.records import EPISODES_FILE, EpisodeRecord


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
