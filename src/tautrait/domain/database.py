"""Domain databases: the seed state, one private copy per episode, and the state hash.

The seed state is built once per process from the domain's schema (SQLAlchemy metadata)
and its committed data files, into an in-memory SQLite "template". Every episode gets its
own copy through SQLite's backup API (milliseconds, even for thousands of rows), so no two
episodes can ever see each other's writes.

The state hash is canonical: it depends only on the rows, never on insertion order,
rowid, the engine or the wall clock. Values are read back through SQLAlchemy's types (so
a boolean is a boolean on any engine), normalised (ISO dates, floats rounded to 6
decimals, JSON with sorted keys), each table's rows sorted, and the whole hashed.
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

from sqlalchemy import Engine, MetaData, create_engine, select, types
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool


class SeedDatabase:
    """The seed state of one domain, ready to be copied for each episode."""

    def __init__(self, metadata: MetaData, data_dir: Path) -> None:
        self.metadata = metadata
        self._lock = threading.Lock()
        self._template = sqlite3.connect(":memory:", check_same_thread=False)
        engine = _engine_for(self._template)
        metadata.create_all(engine)
        load_rows(engine, metadata, read_data_dir(data_dir, metadata))
        self.seed_hash = state_hash(engine, metadata)
        # No engine.dispose() here: with a StaticPool it would close the template.

    def fresh_copy(self) -> Engine:
        """A new, private in-memory database holding the seed state."""
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        with self._lock:
            self._template.backup(conn)
        return _engine_for(conn)


def _engine_for(conn: sqlite3.Connection) -> Engine:
    engine = create_engine("sqlite://", creator=lambda: conn, poolclass=StaticPool)
    # Foreign keys are off by default in SQLite; the schema's constraints must hold.
    with engine.connect() as c:
        c.exec_driver_sql("PRAGMA foreign_keys = ON")
    return engine


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


def state_hash(engine: Engine, metadata: MetaData) -> str:
    """The canonical sha256 of a database's content.

    Each row is serialised once (canonical JSON, columns in name order); a table's rows
    are sorted as strings, so the hash is independent of insertion order and rowids.
    """
    digest = hashlib.sha256()
    with engine.connect() as conn:
        for name in sorted(metadata.tables):
            table = metadata.tables[name]
            columns = sorted(table.columns, key=lambda c: c.name)
            rows = sorted(
                json.dumps([canonical_value(v) for v in row], separators=(",", ":"))
                for row in conn.execute(select(*columns))
            )
            digest.update(f"{name}\n{len(rows)}\n".encode())
            for row in rows:
                digest.update(row.encode("utf-8"))
                digest.update(b"\n")
    return digest.hexdigest()
