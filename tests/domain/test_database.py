import json
from pathlib import Path

from sqlalchemy import text, update

from tautrait.domain.database import SeedDatabase, WriteTracker, canonical_value, state_hash
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


def test_write_tracking_matches_full_hash(mock_data_path: None) -> None:
    domain = load_domain("mock")
    env = Environment(domain)
    env.execute("cancel_order", {"order_id": "O3", "reason": "too slow"})
    assert env.writes.dirty() == {"orders"}
    full = state_hash(env.engine, domain.spec.metadata)
    assert env.state_hash() == full != domain.seed.seed_hash
    # A raw SQL write cannot be attributed: every table is re-read.
    with env.engine.begin() as conn:
        conn.execute(text("UPDATE customers SET name = 'X' WHERE customer_id = 'C2'"))
    assert env.writes.dirty() is None
    assert env.state_hash() == state_hash(env.engine, domain.spec.metadata)


def test_core_update_is_attributed(mock_data_path: None) -> None:
    domain = load_domain("mock")
    env = Environment(domain)
    tracker: WriteTracker = env.writes
    orders = domain.spec.metadata.tables["customers"]
    with env.engine.begin() as conn:
        conn.execute(update(orders).where(orders.c.customer_id == "C1").values(name="Y"))
    assert tracker.dirty() == {"customers"}
    assert env.state_hash() == state_hash(env.engine, domain.spec.metadata)


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
