"""Domain databases: the seed state, one private copy per episode, and the state hash.

The seed state is built once per process from the domain's schema (SQLAlchemy metadata)
and its committed data files, into an in-memory SQLite image. Every episode gets its own
copy of the image (about a millisecond, even for thousands of rows), so no two episodes
can ever see each other's writes. Foreign-key columns are indexed in the image (SQLite
does not do it), so tools that follow a reference do not scan a whole table.

The state hash is canonical: it depends only on the rows, never on insertion order,
rowid, the engine or the wall clock. Values are read back through SQLAlchemy's types (so
a boolean is a boolean on any engine), normalised (ISO dates, floats rounded to 6
decimals, JSON with sorted keys) and each row, as canonical JSON, gets a 512-bit BLAKE2b
digest. A table's digest is the sum of its rows' digests modulo 2**512 (an additive
multiset hash: equal multisets of rows give equal sums whatever the order), and the
table digests are hashed together with sha256.

Because a sum can be updated, an episode's hash costs in proportion to the rows it
wrote, not to the size of the tables: the template carries triggers that log the rowid
of every row inserted, updated or deleted (by the ORM, Core, raw SQL, REPLACE or a
foreign-key cascade alike) into ``_tautrait_writes``, and :meth:`SeedDatabase.hash_copy`
subtracts those rows' seed digests and adds their current ones. The log is written in the
statement's own transaction, so a rolled-back write leaves no trace, and reads never
touch it. :func:`state_hash` recomputes the same value from every row (the reference
the incremental value is tested against).
"""

from __future__ import annotations

import decimal
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, cast

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    UniqueConstraint,
    create_engine,
    literal_column,
    select,
    types,
)
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql.elements import ColumnClause
from sqlalchemy.util import LRUCache

DIGEST_BITS = 512
_MODULUS = 1 << DIGEST_BITS

# Outside every domain's metadata: never created by create_all, never hashed.
WRITE_LOG = Table(
    "_tautrait_writes",
    MetaData(),
    Column("tbl", String, nullable=False),
    Column("rid", Integer, nullable=False),
)
_ROWID: ColumnClause[int] = literal_column("rowid", Integer)
_LOGGED = select(WRITE_LOG.c.tbl, WRITE_LOG.c.rid)


class SeedDatabase:
    """The seed state of one domain, ready to be copied for each episode."""

    def __init__(self, metadata: MetaData, data_dir: Path) -> None:
        self.metadata = metadata
        template = sqlite3.connect(":memory:", check_same_thread=False)
        _set_pragmas(template)
        engine = create_engine("sqlite://", creator=lambda: template, poolclass=StaticPool)
        # Every copy's engine shares this dialect and one statement cache: SQLAlchemy keys
        # compiled SQL by dialect, so an engine of its own per episode would compile every
        # statement again in every episode.
        self._dialect = engine.dialect
        self._url = engine.url
        self._on_connect = self._dialect.on_connect_url(engine.url)
        self._compiled: LRUCache[Any, Any] = LRUCache(2000)
        engine = engine.execution_options(compiled_cache=self._compiled)
        metadata.create_all(engine)
        load_rows(engine, metadata, read_data_dir(data_dir, metadata))
        self.row_digests: dict[str, dict[int, int]] = {}
        """Table -> rowid -> digest of that seed row."""
        with engine.connect() as conn:
            for name in metadata.tables:
                self.row_digests[name] = dict(read_row_digests(conn, metadata.tables[name]))
        self.table_digests = {
            name: sum(rows.values()) % _MODULUS for name, rows in self.row_digests.items()
        }
        self.seed_hash = combine_digests(self.table_digests)
        install_write_log(template, metadata)
        index_foreign_keys(template, metadata)
        # Copies are made from this immutable image: no lock, and faster than a backup.
        self._image = template.serialize()
        template.close()
        self._written_rows = {
            name: _rows_query(table).where(
                _ROWID.in_(select(WRITE_LOG.c.rid).where(WRITE_LOG.c.tbl == name))
            )
            for name, table in metadata.tables.items()
        }

    def fresh_copy(self) -> Engine:
        """A new, private in-memory database holding the seed state (and the write log)."""
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        conn.deserialize(self._image)
        if self._on_connect is not None:
            self._on_connect(conn)  # what create_engine's pool would run on connect
        _set_pragmas(conn)
        # create_engine would build (and initialise) a new dialect; this one is ready.
        engine = Engine(StaticPool(lambda: cast(Any, conn)), self._dialect, self._url)
        return engine.execution_options(compiled_cache=self._compiled)

    def hash_copy(self, engine: Engine) -> str:
        """The state hash of a :meth:`fresh_copy` after its writes, from the rows written.

        Equal to ``state_hash(engine, metadata)`` (which re-reads every row); costs in
        proportion to the rows the copy's statements touched.
        """
        digests = dict(self.table_digests)
        with engine.connect() as conn:
            touched: dict[str, set[int]] = {}
            for name, rowid in conn.execute(_LOGGED):
                touched.setdefault(name, set()).add(rowid)
            for name, rowids in touched.items():
                seed_rows = self.row_digests[name]
                total = digests[name] - sum(seed_rows.get(rowid, 0) for rowid in rowids)
                for _, *values in conn.execute(self._written_rows[name]):
                    total += row_digest(values)
                digests[name] = total % _MODULUS
        return combine_digests(digests)


def _set_pragmas(conn: sqlite3.Connection) -> None:
    # Foreign keys are off by default in SQLite; the schema's constraints must hold.
    conn.execute("PRAGMA foreign_keys = ON")
    # Without it the rows REPLACE deletes would fire no trigger: the write log needs it.
    conn.execute("PRAGMA recursive_triggers = ON")


def index_foreign_keys(conn: sqlite3.Connection, metadata: MetaData) -> None:
    """Index every foreign-key column that no index or primary key starts with.

    SQLite indexes primary keys and unique columns, never the referencing side, so
    "the items of this order" would scan the whole items table. Indexes change no row
    and no hash; they only make the tools' lookups and SQLite's own foreign-key checks
    proportional to the rows concerned.
    """
    with conn:
        for name, table in metadata.tables.items():
            leading = [table.primary_key.columns, *(i.columns for i in table.indexes)]
            leading += [c.columns for c in table.constraints if isinstance(c, UniqueConstraint)]
            covered = {next(iter(columns)).name for columns in leading if len(columns)}
            for fk in table.foreign_key_constraints:
                columns = [c.name for c in fk.columns]
                if columns[0] in covered:
                    continue
                covered.add(columns[0])
                index_name = _quote("_tautrait_fk_" + "_".join((name, *columns)))
                listed = ", ".join(_quote(c) for c in columns)
                conn.execute(f"CREATE INDEX {index_name} ON {_quote(name)} ({listed})")


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def install_write_log(conn: sqlite3.Connection, metadata: MetaData) -> None:
    """Create the write log and, on every table, the triggers that fill it.

    Raises:
        ValueError: a table is WITHOUT ROWID (its rows could not be logged by rowid).
    """
    statements = [
        f'CREATE TABLE "{WRITE_LOG.name}" (tbl TEXT NOT NULL, rid INTEGER NOT NULL)',
    ]
    log = f'"{WRITE_LOG.name}"'
    for name, table in metadata.tables.items():
        if table.dialect_options["sqlite"].get("with_rowid") is False:
            raise ValueError(f"table {name}: WITHOUT ROWID tables cannot be state-hashed")
        quoted = '"' + name.replace('"', '""') + '"'
        value = "'" + name.replace("'", "''") + "'"
        for event, rows in (
            ("INSERT", ["NEW"]),
            ("UPDATE", ["OLD", "NEW"]),  # an update may change the rowid itself
            ("DELETE", ["OLD"]),
        ):
            body = " ".join(f"INSERT INTO {log} VALUES ({value}, {row}.rowid);" for row in rows)
            trigger = '"' + f"_tautrait_{event.lower()}_{name}".replace('"', '""') + '"'
            statements.append(
                f"CREATE TRIGGER {trigger} AFTER {event} ON {quoted} BEGIN {body} END"
            )
    with conn:
        for statement in statements:
            conn.execute(statement)


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


def row_digest(values: Iterable[Any]) -> int:
    """The 512-bit digest of one row (its values in column-name order), as an integer."""
    text = json.dumps([canonical_value(v) for v in values], separators=(",", ":"))
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=64).digest(), "big")


def _rows_query(table: Table) -> Select[Any]:
    """rowid, then the columns in name order (the order of a row's digest)."""
    return select(_ROWID, *sorted(table.columns, key=lambda c: c.name))


def read_row_digests(
    conn: Connection, table: Table, where: Any | None = None
) -> Iterator[tuple[int, int]]:
    """(rowid, digest) of each row of ``table`` (those matching ``where`` if given)."""
    query = _rows_query(table)
    if where is not None:
        query = query.where(where)
    for rowid, *values in conn.execute(query):
        yield rowid, row_digest(values)


def table_digest(engine: Engine, metadata: MetaData, name: str) -> int:
    """The sum of one table's row digests modulo 2**512, read from every row."""
    with engine.connect() as conn:
        rows = read_row_digests(conn, metadata.tables[name])
        return sum(digest for _, digest in rows) % _MODULUS


def combine_digests(digests: dict[str, int]) -> str:
    """The state hash (sha256 hex) from every table's digest."""
    digest = hashlib.sha256()
    for name in sorted(digests):
        digest.update(f"{name}:{digests[name]:0{DIGEST_BITS // 4}x}\n".encode())
    return digest.hexdigest()


def state_hash(engine: Engine, metadata: MetaData) -> str:
    """The canonical hash of a database's content, recomputed from every row.

    Episodes use :meth:`SeedDatabase.hash_copy`, which gives the same value from the
    rows written; this full recomputation is the reference it is checked against.
    """
    return combine_digests({name: table_digest(engine, metadata, name) for name in metadata.tables})
