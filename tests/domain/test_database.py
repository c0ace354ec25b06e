import json
from pathlib import Path

from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    insert,
    text,
    update,
)

from tautrait.domain.database import SeedDatabase, canonical_value, state_hash
from tautrait.domain.environment import Environment
from tautrait.domain.loader import load_domain


def _mock(mock_data_path: None) -> object:
    return load_domain("mock")


def test_episode_copies_are_isolated(mock_data_path: None) -> None:
    domain = load_domain("mock")
    a, b = Environment(domain), Environment(domain)
    result = a.execute("cancel_order", {"order_id": "O1", "reason": "mistake"})
    assert result.outcome == "ok"
    assert b.execute("get_order", {"order_id": "O1"}).content.count('"pending"') == 1
    assert a.execute("get_order", {"order_id": "O1"}).content.count('"cancelled"') == 1
    assert a.state_hash() != b.state_hash() == domain.seed.seed_hash
    fresh = Environment(domain)
    assert fresh.state_hash() == domain.seed.seed_hash


def test_hash_ignores_insertion_order(tmp_path: Path, mock_data_path: None) -> None:
    domain = load_domain("mock")
    data = domain.path / "data"
    reversed_dir = tmp_path / "data"
    reversed_dir.mkdir()
    for path in data.glob("*.json"):
        rows = json.loads(path.read_text())
        (reversed_dir / path.name).write_text(json.dumps(rows[::-1]))
    other = SeedDatabase(domain.spec.metadata, reversed_dir)
    assert other.seed_hash == domain.seed.seed_hash
    # ...and changes with the content.
    rows = json.loads((data / "orders.json").read_text())
    rows[0]["price"] = 1250.51
    (reversed_dir / "orders.json").write_text(json.dumps(rows))
    assert SeedDatabase(domain.spec.metadata, reversed_dir).seed_hash != domain.seed.seed_hash


def test_canonical_values() -> None:
    assert canonical_value(0.1 + 0.2) == 0.3
    assert canonical_value(2.0) == 2
    assert canonical_value({"b": 1, "a": [1.5]}) == {"a": [1.5], "b": 1}


def test_incremental_hash_matches_full_hash(mock_data_path: None) -> None:
    domain = load_domain("mock")
    env = Environment(domain)
    env.execute("cancel_order", {"order_id": "O3", "reason": "too slow"})
    full = state_hash(env.engine, domain.spec.metadata)
    assert env.state_hash() == full != domain.seed.seed_hash
    # Raw SQL and Core writes are logged by the triggers like the ORM's.
    with env.engine.begin() as conn:
        conn.execute(text("UPDATE customers SET name = 'X' WHERE customer_id = 'C2'"))
    assert env.state_hash() == state_hash(env.engine, domain.spec.metadata)
    customers = domain.spec.metadata.tables["customers"]
    with env.engine.begin() as conn:
        conn.execute(update(customers).where(customers.c.customer_id == "C1").values(name="Y"))
        conn.execute(insert(customers).values(customer_id="C9", name="New", email="n@x"))
    assert env.state_hash() == state_hash(env.engine, domain.spec.metadata)
    # Undoing every write gives the seed's hash back.
    with env.engine.begin() as conn:
        conn.execute(text("DELETE FROM customers WHERE customer_id = 'C9'"))
        for row in Environment(domain).engine.connect().execute(customers.select()):
            conn.execute(
                update(customers)
                .where(customers.c.customer_id == row.customer_id)
                .values(name=row.name)
            )
        conn.execute(text("UPDATE orders SET status = 'pending' WHERE order_id = 'O3'"))
    assert env.state_hash() == domain.seed.seed_hash


def _cascading_seed(tmp_path: Path) -> SeedDatabase:
    metadata = MetaData()
    Table(
        "parents",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("code", String, unique=True),
    )
    Table(
        "children",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("parent_id", ForeignKey("parents.id", ondelete="CASCADE", onupdate="CASCADE")),
        Column("note", String),
    )
    (tmp_path / "parents.json").write_text(
        json.dumps([{"id": i, "code": f"p{i}"} for i in range(1, 5)])
    )
    (tmp_path / "children.json").write_text(
        json.dumps([{"id": 10 + i, "parent_id": 1 + i % 4, "note": "n"} for i in range(8)])
    )
    return SeedDatabase(metadata, tmp_path)


def test_cascades_replace_and_rowid_changes_are_hashed(tmp_path: Path) -> None:
    seed = _cascading_seed(tmp_path)
    engine = seed.fresh_copy()
    assert seed.hash_copy(engine) == seed.seed_hash == state_hash(engine, seed.metadata)
    statements = [
        "DELETE FROM parents WHERE id = 1",  # cascades into children
        "UPDATE parents SET id = 40 WHERE id = 2",  # a new rowid, cascaded to children
        "INSERT OR REPLACE INTO parents (id, code) VALUES (7, 'p3')",  # deletes id 3
        "UPDATE children SET note = 'm'",
        "DELETE FROM children",
    ]
    for statement in statements:
        with engine.begin() as conn:
            conn.execute(text(statement))
        assert seed.hash_copy(engine) == state_hash(engine, seed.metadata), statement
    # A rolled-back write leaves neither rows nor log entries behind.
    before = seed.hash_copy(engine)
    conn = engine.connect()
    trans = conn.begin()
    conn.execute(text("INSERT INTO parents (id, code) VALUES (99, 'x')"))
    trans.rollback()
    conn.close()
    assert seed.hash_copy(engine) == before


def test_failed_and_refused_writes_roll_back(mock_data_path: None) -> None:
    domain = load_domain("mock")
    env = Environment(domain)
    before = env.state_hash()
    refused = env.execute("cancel_order", {"order_id": "O2", "reason": "mistake"})
    assert refused.outcome == "error" and "shipped" in refused.content
    assert env.execute("cancel_order", {"order_id": "O1", "reason": "bad"}).outcome == "error"
    assert env.execute("cancel_order", '{"order_id": "O1", "reason": NaN}').outcome == "error"
    assert env.execute("cancel_order", "{not json").outcome == "error"
    assert env.execute("nope", {}).outcome == "error"
    assert state_hash(env.engine, domain.spec.metadata) == before
