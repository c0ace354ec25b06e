"""``--executor ray`` on a local one-node Ray started inside the test (2 CPUs, loopback).

Scripted models, so that a run's results are exactly reproducible: the Ray run must
write the same episodes (rewards, state hashes, trajectories) and the same report as
the local executor; a worker actor killed mid-run must not lose or duplicate an episode,
and its re-queued episodes are counted in the records and the report.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tautrait.report import build_report, load_run_dir
from tautrait.runner import ray_executor
from tautrait.runner.config import RunConfig
from tautrait.runner.results import EPISODES_FILE, EpisodeRecord, read_episodes
from tautrait.runner.run import execute_run, prepare_run
from tests.domain.cli import tautrait

ray = pytest.importorskip("ray")

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "data"
# Fields that differ between any two runs of the same grid (when and how fast).
VOLATILE = {"run_id", "started_at", "duration_s", "seconds"}


@pytest.fixture(scope="module")
def local_ray() -> Any:
    ray.init(
        num_cpus=2,
        _node_ip_address="127.0.0.1",
        include_dashboard=False,
        logging_level="WARNING",
        log_to_driver=False,
    )
    yield ray
    ray.shutdown()


def _config(out: Path, **kw: Any) -> RunConfig:
    base: dict[str, Any] = {
        "env": "mock",
        "model": "scripted/gold",
        "user_strategy": "llm",
        "user_model": "scripted/user",
        "max_steps": 5,
        "num_trials": 2,
        "max_concurrency": 2,
        "output_dir": out,
    }
    base.update(kw)
    return RunConfig(**base)


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _by_key(run_dir: Path) -> dict[tuple[str, int, str], Any]:
    return {e.key(): _strip(e.model_dump(mode="json")) for e in read_episodes(run_dir)}


def _report(run_dir: Path) -> Any:
    text = build_report([load_run_dir(run_dir)]).model_dump_json()
    text = text.replace(str(run_dir), "RUN_DIR").replace(run_dir.name, "RUN_ID")
    strip = {"line", "created_at", "run_id", "source"}

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if k not in strip}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    return clean(json.loads(text))


def _raw_keys(run_dir: Path) -> Counter[tuple[str, int, str]]:
    lines = (run_dir / EPISODES_FILE).read_text(encoding="utf-8").splitlines()
    return Counter(EpisodeRecord.model_validate_json(line).key() for line in lines)


def _requeued(run_dir: Path) -> int:
    return sum(r.requeued for r in read_episodes(run_dir))


def test_ray_run_equals_local_run(
    local_ray: Any, run_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = execute_run(prepare_run(_config(run_env / "local")))
    remote = execute_run(prepare_run(_config(run_env / "ray", executor="ray")))

    expected, got = _by_key(local), _by_key(remote)
    assert len(expected) == 3 * 2 and set(got) == set(expected)
    for key, record in expected.items():
        assert got[key] == record, key
    assert all(r["reward"] == 1.0 and r["requeued"] == 0 for r in got.values())
    hashes = {k: r["reward_breakdown"]["final_hash"] for k, r in got.items()}
    assert hashes == {k: r["reward_breakdown"]["final_hash"] for k, r in expected.items()}
    assert _report(remote) == _report(local)
    manifest = json.loads((remote / "run.json").read_text())
    assert manifest["config"]["executor"] == "ray"
    assert manifest["config"]["ray_address"] is None
    # The driver left the cluster as it found it: connected, its actors gone.
    assert ray.is_initialized()
    assert not [a for a in ray.util.list_named_actors() if a.startswith("tautrait-")]


def test_killed_actor_loses_and_duplicates_nothing(local_ray: Any, run_env: Path) -> None:
    # A model call takes 300 ms, so episodes are in flight when the actor is killed.
    config = _config(
        run_env,
        executor="ray",
        model="scripted/gold?latency_ms=300",
        user_model="scripted/user?latency_ms=300",
        num_trials=4,
    )
    prepared = prepare_run(config)
    run_dir = prepared.run_dir
    failure: list[BaseException] = []

    def play() -> None:
        try:
            execute_run(prepared)
        except BaseException as exc:  # surfaced below, not lost in the thread
            failure.append(exc)

    thread = threading.Thread(target=play)
    thread.start()
    name = f"tautrait-{prepared.run_id}-0"
    deadline = time.monotonic() + 90
    written = 0
    while time.monotonic() < deadline:
        path = run_dir / EPISODES_FILE
        written = path.read_bytes().count(b"\n") if path.is_file() else 0
        if written >= 2:
            break
        time.sleep(0.05)
    assert 2 <= written < 12, "the run ended before the actor could be killed"
    ray.kill(ray.get_actor(name), no_restart=False)  # Ray restarts it, as after a crash
    thread.join(timeout=120)
    assert not thread.is_alive() and not failure, failure

    counts = _raw_keys(run_dir)
    grid = {(f"mock-{t}", k, "baseline") for t in range(3) for k in range(4)}
    lost = grid - set(counts)
    duplicated = {k: n for k, n in counts.items() if n > 1}
    print(f"lost {len(lost)}, duplicated {len(duplicated)}, requeued {_requeued(run_dir)}")
    assert not lost and not duplicated and set(counts) == grid
    records = read_episodes(run_dir)
    assert all(r.status == "completed" and r.reward == 1.0 for r in records)
    requeued = sum(r.requeued for r in records)
    assert requeued >= 1
    # Replayed episodes are the same episodes: equal to a local run's but for the count.
    local = execute_run(
        prepare_run(
            config.model_copy(
                update={"executor": "local", "max_concurrency": 8, "output_dir": run_env / "local"}
            )
        )
    )
    expected = _by_key(local)
    for key, record in _by_key(run_dir).items():
        assert {**record, "requeued": 0} == expected[key], key
    report = build_report([load_run_dir(run_dir)])
    assert report.runs[0].requeued == requeued
    assert any(f"{requeued} episode(s) re-queued" in note for note in report.notes)
    assert f"{requeued} episode(s) re-queued" in (run_dir / "report.md").read_text()


def test_without_ray_the_executor_is_a_one_line_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(ray_executor, "ray_installed", lambda: False)
    out = tmp_path / "results"
    result = tautrait(
        "run", "--env", "mock", "--model", "scripted/gold", "--user-strategy", "llm",
        "--user-model", "scripted/user", "--executor", "ray", "--output-dir", str(out),
        data_path=str(FIXTURES),
    )  # fmt: skip
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "pip install 'tautrait[ray]'" in lines[0], result.stderr
    assert not out.exists()


def test_ray_address_needs_the_ray_executor(tmp_path: Path) -> None:
    result = tautrait(
        "run", "--env", "mock", "--model", "scripted/gold", "--user-strategy", "llm",
        "--user-model", "scripted/user", "--ray-address", "auto",
        "--output-dir", str(tmp_path / "results"), data_path=str(FIXTURES),
    )  # fmt: skip
    assert result.returncode == 2 and "--executor ray" in result.stderr
    assert not (tmp_path / "results").exists()


class _Method:
    """``actor.method.options(...).remote(...)`` of a fake actor."""

    def __init__(self, fn: Any) -> None:
        self.fn = fn

    def options(self, **_: Any) -> _Method:
        return self

    def remote(self, *args: Any) -> Any:
        return self.fn(*args)


class _FakeActor:
    """Plays episodes in this process; dies for good after ``lives`` records (a node
    lost: every later call fails), without Ray's restart."""

    def __init__(self, prepared: Any, lives: int | None = None) -> None:
        from tautrait.runner.run import agent_settings, play_episode

        self.play = _Method(self._play)
        self.describe = _Method(self._describe)
        self.lives, self.dead, self.played = lives, False, 0
        tasks = {t.id: t for t in prepared.tasks}
        arms = {a.name: a for a in prepared.arms}
        settings = agent_settings(prepared.config)

        async def one(task_id: str, trial: int, arm: str) -> str:
            record = await play_episode(prepared, settings, tasks[task_id], trial, arms[arm])
            return record.model_dump_json()

        self.one = one

    def _play(self, shard: list[Any]) -> Any:
        from ray.exceptions import ActorDiedError

        async def stream() -> Any:
            for key in shard:
                if self.dead or (self.lives is not None and self.played >= self.lives):
                    self.dead = True
                    raise ActorDiedError()
                self.played += 1
                yield self.one(*key)  # an awaitable, like an ObjectRef

        return stream()

    def _describe(self) -> Any:
        from ray.exceptions import ActorDiedError

        async def answer() -> dict[str, Any]:
            if self.dead:
                raise ActorDiedError()
            return {"error": None}

        return answer()


def _schedule(prepared: Any, actors: list[_FakeActor]) -> list[EpisodeRecord]:
    import asyncio

    from tautrait.runner.ray_executor import _Scheduler

    written: list[EpisodeRecord] = []

    async def sink(record: EpisodeRecord) -> None:
        written.append(record)

    grid = [(t, k, a) for k in range(4) for t in prepared.tasks for a in prepared.arms]
    asyncio.run(_Scheduler(None, prepared, grid, sink).run(actors))
    return written


def test_a_node_lost_for_good_leaves_its_episodes_to_the_others(run_env: Path) -> None:
    prepared = prepare_run(_config(run_env, num_trials=4))
    dying, healthy = _FakeActor(prepared, lives=1), _FakeActor(prepared)
    written = _schedule(prepared, [dying, healthy])
    counts = Counter(r.key() for r in written)
    assert len(counts) == 12 and set(counts.values()) == {1}  # lost 0, duplicated 0
    assert dying.dead and dying.played == 1 and healthy.played == 11
    # Both of the dying actor's shards (2 episodes each): 3 episodes unfinished.
    assert sum(r.requeued for r in written) >= 3
    assert all(r.status == "completed" and r.reward == 1.0 for r in written)


def test_every_worker_lost_stops_the_run_with_a_line_to_resume(run_env: Path) -> None:
    from tautrait.errors import UserError

    prepared = prepare_run(_config(run_env, num_trials=4))
    with pytest.raises(UserError, match=r"every Ray worker was lost; 11 episode\(s\) not played"):
        _schedule(prepared, [_FakeActor(prepared, lives=1)])
