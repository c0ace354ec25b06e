"""Tool calls shared by every episode of a process that reached the same state.

A tool is a deterministic function of the database, its arguments, who is
authenticated and the domain's fixed "now" (replays must hash identically, so tools use
no wall clock and no randomness). An episode's database starts as the seed and changes
only through its committed write calls, so after the same committed write calls (same
tools, same arguments, same callers verified, in the same order) it is the same
database, row for row and rowid for rowid. A tool called in that state with the same
arguments and the same callers verified returns the same text, verifies the same callers
and writes the same rows, whichever episode calls it.

So the runner's episodes and gold replays keep, per domain, what each call did, keyed by
the episode's committed-write history and the call: its result, the callers verified
after it and, for a write, the rows it left (every row the write log saw, by rowid, with
its values, or None where the row was deleted). Every arm and trial of a task (and the
task's gold replay) then runs each distinct call through the tools once; a repeat reads
nothing and, for a write, sets the recorded rows directly. A repeated write is checked
before it commits: every row it touched (cascades included, the write log sees them) must
now hold exactly the recorded values, else it is rolled back and the tool runs for real.
Crashes are never kept (they are logged every time); the memo is bounded (past
:data:`CAPACITY` entries the oldest is dropped).

Checks that must see every call run for real (validation, fuzzing) use environments
without a memo.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import weakref
from dataclasses import dataclass
from typing import Any

CAPACITY = 20_000
"""Entries kept per domain (a result is a few KB: about 50-100 MB at the very most)."""

Step = tuple[str, str, tuple[str, ...]]
"""One call: (tool, arguments as canonical JSON, callers verified before it, sorted)."""

RowChange = tuple[str, int, tuple[str, ...], tuple[Any, ...] | None]
"""(table, rowid, column names, the row's values after the write, or None: deleted)."""


@dataclass(frozen=True)
class Recalled:
    """What a call returned, the callers verified after it, and the rows it wrote."""

    content: str
    outcome: str
    ends_episode: bool
    verified: frozenset[str]
    changes: tuple[RowChange, ...] = ()


class CallMemo:
    """Calls of one domain version, keyed by (committed-write history, call)."""

    def __init__(self) -> None:
        self._entries: dict[tuple[tuple[Step, ...], Step], Recalled] = {}
        self._lock = threading.Lock()
        self.replays_writes: bool | None = None
        """Whether writes can be set from their rows (None: not yet known). Not where
        SQLite keeps AUTOINCREMENT counters: those are no rows the write log sees."""

    def get(self, history: tuple[Step, ...], step: Step) -> Recalled | None:
        return self._entries.get((history, step))

    def put(self, history: tuple[Step, ...], step: Step, value: Recalled) -> None:
        with self._lock:
            entries = self._entries
            if len(entries) >= CAPACITY:
                del entries[next(iter(entries))]
            entries[(history, step)] = value

    def __len__(self) -> int:
        return len(self._entries)


_memos: weakref.WeakKeyDictionary[Any, CallMemo] = weakref.WeakKeyDictionary()
_memos_lock = threading.Lock()


def memo_for(seed: Any) -> CallMemo:
    """The memo of a domain's seed database (one per loaded domain version); it lives
    as long as the seed does."""
    with _memos_lock:
        memo = _memos.get(seed)
        if memo is None:
            memo = _memos[seed] = CallMemo()
        return memo


def step_key(name: str, arguments: dict[str, Any], verified: frozenset[str]) -> Step | None:
    """The key of one call, or None when its arguments have no canonical JSON form."""
    try:
        text = json.dumps(arguments, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError):
        return None
    return (name, text, tuple(sorted(verified)))


def can_replay_writes(conn: sqlite3.Connection) -> bool:
    """No AUTOINCREMENT counters (sqlite_sequence) that a recorded write would miss."""
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")
    return found.fetchone() is None


def log_mark(conn: sqlite3.Connection, log_table: str) -> int:
    """The write log's last entry so far (0 when empty)."""
    row = conn.execute(f'SELECT max(rowid) FROM "{log_table}"').fetchone()
    return int(row[0] or 0)


def changes_since(conn: sqlite3.Connection, log_table: str, mark: int) -> tuple[RowChange, ...]:
    """Every row the write log saw after ``mark``, as it is now (committed)."""
    logged = conn.execute(
        f'SELECT tbl, rid FROM "{log_table}" WHERE rowid > ? ORDER BY rowid', (mark,)
    ).fetchall()
    changes: list[RowChange] = []
    for table, rowid in dict.fromkeys(logged):
        cursor = conn.execute(f"SELECT * FROM {_quote(table)} WHERE rowid = ?", (rowid,))
        row = cursor.fetchone()
        columns = tuple(d[0] for d in cursor.description)
        changes.append((table, rowid, columns, None if row is None else tuple(row)))
    return tuple(changes)


def apply_changes(conn: sqlite3.Connection, log_table: str, changes: tuple[RowChange, ...]) -> bool:
    """Set the recorded rows in one transaction; False (nothing changed) when the result
    is not exactly the recorded rows (a constraint, a cascade beyond them)."""
    if conn.in_transaction:
        return False
    mark = log_mark(conn, log_table)
    try:
        conn.execute("BEGIN")
        # Rows are set in the log's order with their final values, so a reference may
        # point at a row set later in the same write: checked at commit instead.
        conn.execute("PRAGMA defer_foreign_keys = ON")
        for table, rowid, columns, values in changes:
            name = _quote(table)
            if values is None:
                conn.execute(f"DELETE FROM {name} WHERE rowid = ?", (rowid,))
                continue
            if conn.execute(f"SELECT 1 FROM {name} WHERE rowid = ?", (rowid,)).fetchone():
                assigned = ", ".join(f"{_quote(c)} = ?" for c in columns)
                conn.execute(f"UPDATE {name} SET {assigned} WHERE rowid = ?", (*values, rowid))
            else:
                listed = ", ".join(_quote(c) for c in columns)
                marks = ", ".join("?" * (len(columns) + 1))
                conn.execute(
                    f"INSERT INTO {name} (rowid, {listed}) VALUES ({marks})", (rowid, *values)
                )
        # Every row the write log saw now (cascades included) must be a recorded row with
        # its recorded values: then the database is the one the recorded write left.
        if _by_row(changes_since(conn, log_table, mark)) != _by_row(changes):
            conn.rollback()
            return False
        conn.commit()
    except sqlite3.Error:
        conn.rollback()
        return False
    return True


def _by_row(changes: tuple[RowChange, ...]) -> dict[tuple[str, int], tuple[Any, ...]]:
    return {(table, rowid): (columns, values) for table, rowid, columns, values in changes}


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
