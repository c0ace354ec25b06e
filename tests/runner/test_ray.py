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
