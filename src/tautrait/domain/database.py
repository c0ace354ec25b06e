"""Domain databases: the seed state, one private copy per episode, and the state hash.

The seed state is built once per process from the domain's schema (SQLAlchemy metadata)
and its committed data files, into an in-memory SQLite "template". Every episode gets its
own copy through SQLite's backup API (milliseconds, even for thousands of rows), so no two
episodes can ever see each other's writes.

The state hash is canonical: it depends only on the rows, never on insertion order,
rowid, the engine or the wall clock. Values are read back through SQLAlchemy's types (so
a boolean is a boolean on any engine), normalised (ISO dates, floats rounded to 6
decimals, JSON with sorted keys), each table's rows sorted and hashed, and the table
digests hashed together. Because the digest is per table, an episode only re-reads the
tables it wrote to (:class:`WriteTracker`); the others keep the seed's digest.
"""

from __future__ import annotations

import decimal
import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, create_engine, event, select, types
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool
from sqlalchemy.util import LRUCache


class SeedDatabase:
    """The seed state of one domain, ready to be copied for each episode."""

    def __init__(self, metadata: MetaData, data_dir: Path) -> None:
        self.metadata = metadata
        self._lock = threading.Lock()
        # Compiled SQL is the same for every copy: share one statement cache among them.
        self._compiled: LRUCache[Any, Any] = LRUCache(2000)
        self._template = sqlite3.connect(":memory:", check_same_thread=False)
        engine = _engine_for(self._template, self._compiled)
        metadata.create_all(engine)
        load_rows(engine, metadata, read_data_dir(data_dir, metadata))
        self.table_digests = {
            name: table_digest(engine, metadata, name) for name in metadata.tables
        }
        self.seed_hash = combine_digests(self.table_digests)
        # No engine.dispose() here: with a StaticPool it would close the template.

    def fresh_copy(self) -> Engine:
        """A new, private in-memory database holding the seed state."""
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        with self._lock:
            self._template.backup(conn)
        return _engine_for(conn, self._compiled)


def _engine_for(conn: sqlite3.Connection, compiled: LRUCache[Any, Any]) -> Engine:
    engine = create_engine("sqlite://", creator=lambda: conn, poolclass=StaticPool)
    # Foreign keys are off by default in SQLite; the schema's constraints must hold.
    with engine.connect() as c:
        c.exec_driver_sql("PRAGMA foreign_keys = ON")
    return engine.execution_options(compiled_cache=compiled)


class WriteTracker:
    """Which tables an engine's statements changed (for incremental state hashes).

    A statement that changed rows (SQLite's change counter moved) is attributed to its
    table when SQLAlchemy knows it (ORM flushes, Core insert/update/delete); a write it
    cannot attribute (raw SQL) marks every table. Tables that a foreign-key action
    (ON DELETE/UPDATE CASCADE or SET NULL) can reach from a changed table are marked too,
    since SQLite's counter does not count those rows.
    """

    def __init__(self, engine: Engine, metadata: MetaData) -> None:
        self.metadata = metadata
        self.tables: set[str] = set()
        self.everything = False
        self._before = 0
        self._cascades: dict[str, set[str]] = {}
        for table in metadata.tables.values():
            for fk in table.foreign_keys:
                if fk.ondelete or fk.onupdate:
                    self._cascades.setdefault(fk.column.table.name, set()).add(table.name)
        event.listen(engine, "before_cursor_execute", self._remember)
        event.listen(engine, "after_cursor_execute", self._record)

    @staticmethod
    def _changes(conn: Any) -> int:
        return int(conn.connection.driver_connection.total_changes)

    def _remember(self, conn: Any, *args: Any) -> None:
        self._before = self._changes(conn)

    def _record(
        self,
        conn: Any,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: Any,
        executemany: bool,
    ) -> None:
        if self._changes(conn) == self._before:
            return
        compiled = getattr(context, "compiled", None)
        table = getattr(getattr(compiled, "statement", None), "table", None)
        name = getattr(table, "name", None)
        if isinstance(name, str) and name in self.metadata.tables:
            self._mark(name)
        else:
            self.everything = True

    def _mark(self, name: str) -> None:
        if name in self.tables:
            return
        self.tables.add(name)
        for child in self._cascades.get(name, ()):
            self._mark(child)

    def dirty(self) -> set[str] | None:
        """Tables that may differ from the seed, or None for "any of them"."""
        return None if self.everything else set(self.tables)


@contextmanager
def session_for(engine: Engine) -> Iterator[Session]:
    """A session over an episode database (the caller commits or rolls back)."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()


def read_data_dir(data_dir: Path, metadata: MetaData) -> dict[str, list[dict[str, Any]]]:
    """Rows per table from ``<data_dir>/<table>.json`` (each a JSON list of objects).

    A table with no file starts empty; a file naming no table is an error (a typo there
    would otherwise silently empty a table).
    """
    rows: dict[str, list[dict[str, Any]]] = {}
    if not data_dir.is_dir():
        return rows
    for path in sorted(data_dir.glob("*.json")):
        table = path.stem
        if table not in metadata.tables:
            raise ValueError(
                f"{path}: no table named {table!r} in the schema "
                f"(tables: {', '.join(sorted(metadata.tables))})"
            )
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, list):
            raise ValueError(f"{path}: expected a JSON list of row objects")
        rows[table] = data
    return rows


def load_rows(engine: Engine, metadata: MetaData, rows: dict[str, list[dict[str, Any]]]) -> None:
    """Insert rows (JSON values) into their tables, converting dates and decimals."""
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            table_rows = rows.get(table.name)
            if not table_rows:
                continue
            converters = {col.name: _from_json(col.type) for col in table.columns}
            unknown = set().union(*(r.keys() for r in table_rows)) - set(converters)
            if unknown:
                raise ValueError(f"table {table.name}: unknown columns {sorted(unknown)}")
            converted = [
                {key: converters[key](value) for key, value in row.items()} for row in table_rows
            ]
            conn.execute(table.insert(), converted)


def _from_json(col_type: types.TypeEngine[Any]) -> Any:
    def convert(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(col_type, types.DateTime):
            return datetime.fromisoformat(value)
        if isinstance(col_type, types.Date):
            return date.fromisoformat(value)
        if isinstance(col_type, types.Time):
            return time.fromisoformat(value)
        if isinstance(col_type, types.Numeric) and not isinstance(col_type, types.Float):
            return decimal.Decimal(str(value))
        return value

    return convert


def canonical_value(value: Any) -> Any:
    """A JSON-safe value that is equal exactly when the database values are equal."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        rounded = round(value, 6)
        return int(rounded) if rounded.is_integer() else rounded
    if isinstance(value, decimal.Decimal):
        return canonical_value(float(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict | list):
        return json.loads(json.dumps(value, sort_keys=True, default=str))
    return str(value)


def table_digest(engine: Engine, metadata: MetaData, name: str) -> str:
    """sha256 of one table's rows: each row as canonical JSON (columns in name order),
    sorted as strings."""
    table = metadata.tables[name]
    columns = sorted(table.columns, key=lambda c: c.name)
    with engine.connect() as conn:
        rows = sorted(
            json.dumps([canonical_value(v) for v in row], separators=(",", ":"))
            for row in conn.execute(select(*columns))
        )
    digest = hashlib.sha256()
    for row in rows:
        digest.update(row.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def combine_digests(digests: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(digests):
        digest.update(f"{name}:{digests[name]}\n".encode())
    return digest.hexdigest()


def state_hash(
    engine: Engine,
    metadata: MetaData,
    *,
    known: dict[str, str] | None = None,
    dirty: set[str] | None = None,
) -> str:
    """The canonical sha256 of a database's content.

    Args:
        known: Digests of tables known to be unchanged (e.g. the seed's)...
        dirty: ...except these, which are re-read. None re-reads every table.
    """
    digests = {}
    for name in metadata.tables:
        if known is not None and dirty is not None and name not in dirty and name in known:
            digests[name] = known[name]
        else:
            digests[name] = table_digest(engine, metadata, name)
    return combine_digests(digests)
