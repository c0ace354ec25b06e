"""The memory limits a run uses are resolved once and recorded (``run.json`` ``limits``)."""

from tautrait.local import pool
from tautrait.runner.config import RunConfig
from tautrait.runner.run import resolve_limits

SCRIPTED = {"env": "mock", "model": "scripted/gold", "user_strategy": "llm"}


def test_unset_memory_limits_follow_the_machine_and_say_so() -> None:
    limits = resolve_limits(RunConfig(**SCRIPTED, user_model="scripted/null"))
    auto = pool.auto_prefix_cache_mb(0, pool.memory_available_bytes())
    assert limits["prefix_cache_mb"] == auto and limits["prefix_cache_source"] == "auto"
    assert limits["kv_cache_mb"] == auto and limits["kv_cache_source"] == "auto"


def test_given_memory_limits_are_recorded_as_given() -> None:
    config = RunConfig(**SCRIPTED, user_model="scripted/null", kv_cache_mb=300, prefix_cache_mb=0)
    limits = resolve_limits(config)
    assert (limits["kv_cache_mb"], limits["kv_cache_source"]) == (300, "config")
    assert (limits["prefix_cache_mb"], limits["prefix_cache_source"]) == (0, "config")


def test_the_automatic_budget_is_a_quarter_of_the_memory_beside_the_model() -> None:
    gib = 2**30
    assert pool.auto_prefix_cache_mb(0, 8 * gib) == 2048
    assert pool.auto_prefix_cache_mb(gib, 9 * gib) == 2048  # the model's bytes left out
    assert pool.auto_prefix_cache_mb(0, 64 * gib) == 4096  # at most 4 GiB
    assert pool.auto_prefix_cache_mb(0, gib // 2) == 256  # at least 256 MiB
    assert pool.auto_prefix_cache_mb(0, None) == 4096  # memory unknown
